"""`hoshin backup` and `hoshin restore` from the command line."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from tests.backup.conftest import table_counts

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_then_restore_from_the_command_line(demo_backup, run, tmp_path):
    from hoshin.audit.models import AuditEntry

    restored = run("restore", str(demo_backup.path))
    rows = sum(demo_backup.counts.values())
    assert restored.out.startswith(f"Restored {demo_backup.path}: {rows} rows in ")
    # The restore is in the restored audit log, after the backup's own entries.
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry.kind == "restore" and entry.actor is None
    assert entry.what.startswith(f"Backup {demo_backup.path} restored: {rows} rows, as taken ")

    target = tmp_path / "again.json.gz"
    written = run("backup", str(target))
    assert written.out.startswith(f"Backed up to {target}: {rows + 1} rows in ")
    assert oct(target.stat().st_mode & 0o777) == "0o600"  # password hashes inside
    assert not (tmp_path / "again.json.gz.partial").exists()

    with pytest.raises(CommandError, match="the database is not empty: it holds 1 organization"):
        run("restore", str(target))


def test_restore_of_a_file_that_is_not_a_backup(run, tmp_path):
    (tmp_path / "plan.yaml").write_text("hoshin: 1\n")

    with pytest.raises(CommandError, match="plan.yaml is not a Hoshin backup"):
        run("restore", str(tmp_path / "plan.yaml"))
    assert not any(table_counts().values())


def test_backup_into_a_folder_that_does_not_exist(run, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("backup", str(tmp_path / "nowhere" / "backup.json.gz"))
