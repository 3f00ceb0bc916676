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

    def handle(self, *args, output, fmt, **options):
        from hoshin.planfile.exporter import dump, export_plan

        self.require_migrated()
        if fmt is None:
            suffix = Path(output).suffix.lower() if output else ""
            fmt = FORMATS_BY_EXTENSION.get(suffix, "yaml")
        text = dump(export_plan(), fmt)
        if not output:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"output: cannot write {output}: {exc.strerror}") from None
        self.stderr.write(f"Wrote the plan to {output} ({fmt}).", self.style.SUCCESS)
