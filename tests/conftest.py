"""Test database: SQLite by default, PostgreSQL when HOSHIN_TEST_POSTGRES=1
(the server at 127.0.0.1:5432, database "test", or HOSHIN_TEST_DATABASE_URL).

pytest-django imports the settings before this file is read, so the database is
switched here, before any connection is opened and before the test database is made.
"""

import os

import dj_database_url
import pytest
from django.conf import settings

POSTGRES = os.environ.get("HOSHIN_TEST_POSTGRES") == "1"
TEST_DATABASE_URL = os.environ.get(
    "HOSHIN_TEST_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/test" if POSTGRES else "sqlite:///:memory:")


def _use_test_database() -> None:
    from asgiref.local import Local
    from django.db import connections

    config = dj_database_url.parse(TEST_DATABASE_URL)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = settings.DATABASES["default"].get("OPTIONS", {})
    # Several runs against one server at once (parallel work on one machine) each need
    # their own test database; HOSHIN_TEST_DB_SUFFIX names it.
    suffix = os.environ.get("HOSHIN_TEST_DB_SUFFIX")
    if suffix and config["ENGINE"] != "django.db.backends.sqlite3":
        config["TEST"] = {"NAME": f"test_{config['NAME']}_{suffix}"}
    settings.DATABASES["default"] = config
    # The connection handler reads DATABASES once; drop that copy so it reads ours.
    connections.__dict__.pop("settings", None)
    connections._connections = Local(connections.thread_critical)


# Without pytest-django (`-p no:django`) the pure tests (engine, demo) run with no Django.
DJANGO = bool(os.environ.get("DJANGO_SETTINGS_MODULE"))
if DJANGO:
    _use_test_database()
    # A check-in's flags are judged in its transaction, so a test sees them at once; the
    # queued path (the server's default) has its own tests (tests/flags/test_checkin_queue.py).
    settings.FLAGS_JUDGED_IN_CHECKIN = True
    # Tests log in, then move the clock weeks or months ahead: that would end the session
    # (8 h idle, 14 days). The timeouts' own tests turn this on (tests/web/test_sessions.py).
    settings.SESSION_TIMEOUT_CHECKS = False


def pytest_report_header(config):
    if not DJANGO:
        return None
    db = settings.DATABASES["default"]
    header = f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}".rstrip()
    if POSTGRES and not ALL_TESTS:
        header += ("\nonly the tests that use the database (the rest ran on SQLite; "
                   "HOSHIN_TEST_ALL=1 runs them here too)")
    return header


# The run on PostgreSQL (scripts/test.sh's second phase, CI) exists to test what the
# database does. A test that never opens a database connection (pure computation, the
# analyzer's corpus, the console script on its own SQLite file) gives the same result on
# both, and ran on SQLite already: it is left out here, unless it is marked
# `each_database` (it reaches the database some other way, such as a server it starts).
# So are the browser's sweeps of every page marked `one_database` (their policy,
# accessibility and layout are the templates', and tests/security requests every page as
# every role on PostgreSQL).
ALL_TESTS = os.environ.get("HOSHIN_TEST_ALL") == "1"
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences",
                     "django_db_serialized_rollback", "live_server", "django_db_setup"}


def uses_the_database(item) -> bool:
    if item.get_closest_marker("one_database") is not None:
        return False
    if (item.get_closest_marker("django_db") is not None
            or item.get_closest_marker("each_database") is not None
            or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))):
        return True
    # A fixture of ours that opens the database itself (django_db_blocker.unblock()).
    # pytest-django's own autouse fixtures take the blocker for every test: not those.
    info = getattr(item, "_fixtureinfo", None)
    return any("django_db_blocker" in d.argnames
               and not d.func.__module__.startswith("pytest_django")
               for defs in (info.name2fixturedefs.values() if info else ()) for d in defs)


def pytest_collection_modifyitems(config, items):
    if not POSTGRES or ALL_TESTS:
        return
    kept, left = [], []
    for item in items:
        (kept if uses_the_database(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


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
