from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import (
    HoshinCommand, counts_summary, error_lines,
)


def read_plan_file(path: Path, options: dict) -> dict:
    from hoshin.planfile.importer import load

    return load(path)


# Each reader turns a file into a plan-file document; other formats (Markdown OKR pages,
# CSV exports) plug in here by extension, with any options they add in add_arguments.
READERS: dict[str, Callable[[Path, dict], dict]] = {
    ".yaml": read_plan_file,
    ".yml": read_plan_file,
    ".json": read_plan_file,
}


class Command(HoshinCommand):
    help = ("Load a plan file (YAML or JSON, SPEC §8) into the database. All or nothing: "
            "on any error nothing is stored and every error is listed with its path.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE",
                            help=f"the file to import ({', '.join(READERS)})")
        parser.add_argument("--replace", action="store_true",
                            help="replace the plan already in the database instead of adding "
                                 "to it")

    def handle(self, *args, file, replace, **options):
        from hoshin.planfile.importer import PlanFileError, import_plan

        self.require_migrated()
        path = Path(file)
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            raise CommandError(f'file: cannot import "{file}": expected a file ending in '
                               f"{', '.join(READERS)}")
        if not path.is_file():
            raise CommandError(f'file: "{file}" does not exist')
        try:
            doc = reader(path, options)
            with self.progress() as report:
                counts = import_plan(doc, replace=replace, progress=report)
        except PlanFileError as exc:
            n = len(exc.errors)
            raise CommandError(f"{file}: {n} error{'s' if n != 1 else ''}, nothing was "
                               f"imported:\n{error_lines(exc.errors)}") from None
        self.stdout.write(f"Imported {file}: {counts_summary(counts)}.", self.style.SUCCESS)
