"""Test database: SQLite by default, PostgreSQL when HOSHIN_TEST_POSTGRES=1.

The settings read HOSHIN_DATABASE_URL at import time, so it is chosen here before
pytest-django loads them.
"""

import os

if os.environ.get("HOSHIN_TEST_POSTGRES") == "1":
    os.environ.setdefault("HOSHIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
else:
    os.environ["HOSHIN_DATABASE_URL"] = "sqlite:///:memory:"
os.environ.setdefault("HOSHIN_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))

import pytest  # noqa: E402


@pytest.fixture
def plan(db):
    """A small complete plan (see tests/factories.py)."""
    from tests.factories import build_plan

    return build_plan()


ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    """Argon2 is slow by design; tests that are not about hashing use a fast hasher.
    Mark a test with @pytest.mark.argon2 to keep the production hasher."""
    if "argon2" in request.keywords or not request.config.pluginmanager.hasplugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", ARGON2]
