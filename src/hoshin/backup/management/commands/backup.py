"""`hoshin backup FILE`: the whole organisation, execution records and history included."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import HoshinCommand


class Command(HoshinCommand):
    help = ("Write a backup of everything (plan, execution records, people, history) to FILE "
            "while the server runs: one consistent snapshot, gzip'd JSON Lines that "
            "`hoshin restore` loads into an empty SQLite or PostgreSQL database.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE",
                            help="where to write the backup (e.g. hoshin-2026-11-20.json.gz); "
                                 "replaced once it is complete")

    def handle(self, *args, file, **options):
        from hoshin.backup.services import BackupError, write_backup

        self.require_migrated()
        path = Path(file)
        if not path.parent.is_dir():
            raise CommandError(f'file: the folder "{path.parent}" does not exist')
        try:
            with self.progress() as report:
                header = write_backup(path, progress=report)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"file: {exc}") from None
        counts = header["counts"]
        tables = sum(1 for n in counts.values() if n)
        from hoshin.core import events

        events.publish(events.DataExported(
            actor=None, kind="backup",
            what=f"Backup of {sum(counts.values())} rows written to {file} (hoshin backup)"))
        self.stdout.write(f"Backed up to {file}: {sum(counts.values())} rows in {tables} "
                          f"tables ({path.stat().st_size:,} bytes, taken "
                          f"{header['created_at']}).", self.style.SUCCESS)
