"""Connections are kept between requests (checked before reuse), SQLite's PRAGMAs run once
per connection, PostgreSQL may pool them, and the query planner gets its statistics."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.utils import ConnectionHandler

from hoshin.core import dbstats

PRINT = ("import json; from django.conf import settings; "
         "print(json.dumps(settings.DATABASES['default'], default=str))")


def database_settings(tmp_path, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOSHIN_DB")}
    clean.pop("HOSHIN_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "hoshin.settings",
             "HOSHIN_DATA_DIR": str(tmp_path), **env},
        capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_sqlite_keeps_its_connection_and_checks_it(tmp_path):
    db = database_settings(tmp_path)
    assert db["ENGINE"] == "hoshin.core.sqlite"
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (600, True)
    assert "PRAGMA journal_mode=WAL;" in db["OPTIONS"]["init_command"]
    assert database_settings(tmp_path, HOSHIN_DB_CONN_MAX_AGE="0")["CONN_MAX_AGE"] == 0


def test_postgresql_keeps_its_connections_or_pools_them(tmp_path):
    url = "postgres://hoshin@db.internal:5432/hoshin"
    kept = database_settings(tmp_path, HOSHIN_DATABASE_URL=url)
    assert (kept["CONN_MAX_AGE"], kept["CONN_HEALTH_CHECKS"]) == (600, True)
    assert "pool" not in kept.get("OPTIONS", {})
    pooled = database_settings(tmp_path, HOSHIN_DATABASE_URL=url, HOSHIN_DB_POOL="on",
                               HOSHIN_DB_POOL_SIZE="6")
    # Django refuses persistent connections beside a pool.
    assert pooled["CONN_MAX_AGE"] == 0 and pooled["CONN_HEALTH_CHECKS"] is True
    assert pooled["OPTIONS"]["pool"]["max_size"] == 6


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """A connection as the server opens it: hoshin's SQLite backend on a file."""
    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on PostgreSQL")
    config = dict(settings.DATABASES["default"], ENGINE="hoshin.core.sqlite",
                  NAME=str(tmp_path / "hoshin.sqlite3"), CONN_MAX_AGE=600,
                  CONN_HEALTH_CHECKS=True)
    handler = ConnectionHandler({"default": config})
    with django_db_blocker.unblock():
        yield handler["default"]
        handler["default"].close()


def test_a_kept_sqlite_connection_serves_the_next_request_without_reopening(sqlite_file):
    sqlite_file.ensure_connection()
    first = sqlite_file.connection
    # What Django does around every request.
    sqlite_file.close_if_unusable_or_obsolete()
    sqlite_file.close_if_unusable_or_obsolete()
    assert sqlite_file.connection is first
    with sqlite_file.cursor() as cursor:
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20000


def test_closing_a_sqlite_connection_gathers_statistics_for_what_it_queried(sqlite_file):
    with sqlite_file.cursor() as cursor:
        cursor.execute("CREATE TABLE objective (id INTEGER PRIMARY KEY, unit INTEGER)")
        cursor.execute("CREATE INDEX objective_unit ON objective (unit)")
        cursor.executemany("INSERT INTO objective (unit) VALUES (%s)",
                           [(i % 40,) for i in range(2000)])
        cursor.execute("SELECT count(*) FROM objective WHERE unit = 3")
    # Closed within a minute of opening (a connection per request): nothing added.
    sqlite_file.close()
    with sqlite_file.cursor() as cursor:
        assert not cursor.execute("SELECT name FROM sqlite_master "
                                  "WHERE name = 'sqlite_stat1'").fetchall()
        cursor.execute("SELECT count(*) FROM objective WHERE unit = 3")
    # A kept connection closing after its ten minutes.
    sqlite_file.opened_at -= 600
    sqlite_file.close()
    with sqlite_file.cursor() as cursor:
        rows = cursor.execute("SELECT tbl, idx FROM sqlite_stat1").fetchall()
    assert ("objective", "objective_unit") in rows


@pytest.mark.django_db
def test_gather_gives_the_planner_statistics_for_every_table(plan):
    dbstats.gather()
    analysed = dbstats.analysed_tables()
    assert {"okrs_objective", "okrs_keyresult", "org_unit"} <= analysed


@pytest.mark.django_db
def test_gathering_on_postgresql_does_not_wait_for_other_databases(plan):
    """Another database of the server analysing the catalogs all databases share (as a
    bare ANALYZE does) holds them until it commits; gathering here does not wait for it."""
    if connection.vendor != "postgresql":
        pytest.skip("the shared catalogs are PostgreSQL's")
    import psycopg

    db = connection.settings_dict
    other = psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                            dbname="postgres")
    try:
        other.execute("ANALYZE pg_catalog.pg_database")  # held: its transaction is open
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")
        dbstats.gather()
        assert "okrs_keyresult" in dbstats.analysed_tables()
    finally:
        other.rollback()
        other.close()


@pytest.mark.django_db
def test_the_nightly_job_gathers_statistics(plan):
    import datetime as dt

    from hoshin.notify import scheduler

    assert scheduler.JOBS["database-statistics"].run.__module__ == "hoshin.notify.jobs"
    night = dt.datetime(2026, 11, 24, 3, 5, tzinfo=dt.UTC)
    assert ("database-statistics", "2026-11-24") in scheduler.tick(night)
    assert scheduler.run_slot("database-statistics", "2026-11-24", night)
    assert "okrs_keyresult" in dbstats.analysed_tables()


@pytest.mark.django_db(transaction=True)
def test_loading_the_demo_gathers_statistics(settings):
    call_command("demo", "--no-migrate", "--today", "2026-11-20", verbosity=0,
                 stdout=open(os.devnull, "w"))
    assert {"okrs_objective", "okrs_keyresult", "okrs_checkin"} <= dbstats.analysed_tables()


@pytest.mark.django_db(transaction=True)
def test_a_pool_serves_connections_on_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pooling is for PostgreSQL")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOSHIN_DB")}
    code = ("import django; django.setup(); from django.db import connection; "
            "from hoshin.org.models import Unit; Unit.objects.count(); "
            "print(type(connection.pool).__name__, connection.pool.max_size)")
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "hoshin.settings", "HOSHIN_DATABASE_URL": url,
             "HOSHIN_DATA_DIR": str(tmp_path), "HOSHIN_DB_POOL": "on"},
        capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["ConnectionPool", "4"]
