"""A backup is taken while the server runs: it is one snapshot of the moment it began, and
writers are not held up meanwhile."""

from __future__ import annotations

import gzip
import json
import sqlite3

import pytest
from django.db import connection, connections
from django.db.utils import load_backend

from hoshin.backup.services import dump, write_backup
from hoshin.backup.snapshot import snapshot
from hoshin.org.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


def rows_of(path, table: str) -> list:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        lines = [json.loads(line) for line in file]
    at = next(i for i, line in enumerate(lines)
              if isinstance(line, dict) and line.get("table") == table)
    return [dict(zip(lines[at]["columns"], row, strict=True))
            for row in lines[at + 1:at + 1 + lines[at]["rows"]]]


def test_a_write_committed_after_the_snapshot_began_is_not_in_the_backup(tmp_path):
    Organization.objects.create(name="Before")

    with snapshot() as alias:
        # Another connection in a real server; here the test's own, committing at once.
        Organization.objects.update(name="After")
        Organization.objects.create(name="Second")
        dump(alias, tmp_path / "backup.json.gz")

    assert [row["name"] for row in rows_of(tmp_path / "backup.json.gz",
                                           "org.organization")] == ["Before"]
    write_backup(tmp_path / "later.json.gz")
    assert [row["name"] for row in rows_of(tmp_path / "later.json.gz",
                                           "org.organization")] == ["After", "Second"]


@pytest.fixture
def wal_database(tmp_path):
    """The test database copied into a file in WAL mode, as a server runs it, under an alias."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write-ahead log")
    path = tmp_path / "hoshin.sqlite3"
    source = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    target = sqlite3.connect(path)
    source.backup(target)
    source.close()
    assert target.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    target.close()
    settings_dict = {**connection.settings_dict, "NAME": str(path)}
    connections["wal"] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict,
                                                                              "wal")
    yield path
    connections["wal"].close()
    del connections["wal"]


def test_on_sqlite_writers_go_on_while_the_backup_runs(wal_database, tmp_path):
    Organization.objects.using("wal").create(name="Before")
    connections["wal"].close()
    writer = sqlite3.connect(wal_database, timeout=0.5, isolation_level=None)
    # A writer in the middle of its transaction when the backup starts...
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE org_organization SET name = 'Uncommitted'")

    with snapshot("wal") as alias:
        writer.execute("COMMIT")
        # ...and one that starts and commits while the backup reads: neither waits for it.
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE org_organization SET name = 'After'")
        writer.execute("COMMIT")
        dump(alias, tmp_path / "backup.json.gz")
    writer.close()

    assert [row["name"] for row in rows_of(tmp_path / "backup.json.gz",
                                           "org.organization")] == ["Before"]
    assert list(Organization.objects.using("wal").values_list("name", flat=True)) == ["After"]
