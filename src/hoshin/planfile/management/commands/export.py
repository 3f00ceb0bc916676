from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import HoshinCommand

FORMATS_BY_EXTENSION = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


class Command(HoshinCommand):
    help = ("Write the whole plan as a plan file (SPEC §8) to stdout or to -o FILE. "
            "hoshin import reads it back; export → import → export is identical.")

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
        parser.add_argument("--format", dest="fmt", choices=["yaml", "json"],
                            help="default: from the extension of -o FILE, else yaml")
        parser.add_argument("--as-of", dest="as_of", metavar="DATE",
                            help="the plan as it stood at the end of DATE (YYYY-MM-DD, in the "
                                 "configured time zone) or at a date-time such as "
                                 "2026-10-01T09:30:00Z, read back from the history")

    def handle(self, *args, output, fmt, as_of=None, **options):
        from hoshin.core.errors import DomainError
        from hoshin.planfile.exporter import dump, export_plan

        self.require_migrated()
        if fmt is None:
            suffix = Path(output).suffix.lower() if output else ""
            fmt = FORMATS_BY_EXTENSION.get(suffix, "yaml")
        if as_of is None:
            doc = export_plan()
        else:
            from hoshin.planfile.as_of import plan_at

            try:
                doc = plan_at(as_of).document()
            except DomainError as exc:
                raise CommandError(f"--as-of: {exc.errors[0].message}") from None
        text = dump(doc, fmt)
        from hoshin.core import events

        # The plan leaves the system: the audit log keeps that it did, and where to.
        events.publish(events.DataExported(
            actor=None, kind="export",
            what=f"The plan exported as {fmt}{f' as of {as_of}' if as_of else ''} to "
                 f"{output or 'the standard output'} (hoshin export)"))
        if not output:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"output: cannot write {output}: {exc.strerror}") from None
        self.stderr.write(f"Wrote the plan to {output} ({fmt}).", self.style.SUCCESS)
