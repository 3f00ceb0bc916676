"""`hoshin restore FILE`: a backup into an empty database, all or nothing."""

from __future__ import annotations

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import HoshinCommand


class Command(HoshinCommand):
    help = ("Load a backup written by `hoshin backup` into an empty database (run "
            "`hoshin migrate` on a new one first), all or nothing. Works from SQLite to "
            "PostgreSQL and back.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the backup to restore")

    def handle(self, *args, file, **options):
        from hoshin.backup.services import BackupError, restore

        self.require_migrated()
        try:
            with self.progress() as report:
                header = restore(file, progress=report)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        counts = header["counts"]
        tables = sum(1 for n in counts.values() if n)
        from hoshin.audit.models import AuditEntry
        from hoshin.audit.services import record

        # Into the restored log (the backup's entries came back with it): who replaced the
        # database with what is read where every other access is.
        record(AuditEntry.Kind.RESTORE,
               f"Backup {file} restored: {sum(counts.values())} rows, as taken "
               f"{header['created_at']} by Hoshin {header['hoshin']} on {header['database']} "
               "(hoshin restore)")
        self.stdout.write(f"Restored {file}: {sum(counts.values())} rows in {tables} tables, "
                          f"as taken {header['created_at']} by Hoshin {header['hoshin']} on "
                          f"{header['database']}.", self.style.SUCCESS)
