"""The embedded default: SQLite in WAL mode, foreign keys on, a busy timeout."""

import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler


@pytest.fixture
def sqlite_file_connection(tmp_path, django_db_blocker):
    config = dict(settings.DATABASES["default"])
    if config["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the suite runs on PostgreSQL")
    config["NAME"] = str(tmp_path / "hoshin.sqlite3")
    handler = ConnectionHandler({"default": config})
    connection = handler["default"]
    with django_db_blocker.unblock():
        yield connection
        connection.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(sqlite_file_connection):
    with sqlite_file_connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
