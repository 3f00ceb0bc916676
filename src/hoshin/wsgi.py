"""The WSGI application for any WSGI server: the one `hoshin serve` runs (core/served.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")

from hoshin.core.served import application  # noqa: E402

__all__ = ["application"]
