"""The demo generators' former single module, kept so existing imports keep working
(the demo command, tests, the benchmark). New code imports from `hoshin.demo.company`,
`hoshin.demo.synthetic` and `hoshin.demo.data`."""

from __future__ import annotations

from hoshin.demo.company import demo_plan
from hoshin.demo.data import DEMO_ADMIN_EMAIL, DEMO_DOMAIN
from hoshin.demo.synthetic import synthetic_plan

__all__ = ["demo_plan", "synthetic_plan", "DEMO_ADMIN_EMAIL", "DEMO_DOMAIN"]
