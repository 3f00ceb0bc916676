from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import CommandError

from hoshin.core import dbstats
from hoshin.core.management.commands._base import (
    HoshinCommand,
    counts_summary,
    error_lines,
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


# Goal lists exported by OKR tools or kept in a spreadsheet (planfile/spreadsheet.py).
SPREADSHEETS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
SPREADSHEET_BYTES = 20 * 1024 * 1024


class Command(HoshinCommand):
    help = ("Load a plan file (YAML or JSON, SPEC §8) into the database. All or nothing: "
            "on any error nothing is stored and every error is listed with its path.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE",
                            help=f"the file to import ({', '.join(READERS)})")
        parser.add_argument("--replace", action="store_true",
                            help="replace the plan already in the database instead of adding "
                                 "to it")
        parser.add_argument("--force", action="store_true",
                            help="with --replace: also delete the execution records that hang on "
                                 "the old plan (reviews, catchball threads, grades...), which a "
                                 "plan file does not carry; run `hoshin backup` first")
        # Markdown OKR pages (docs/markdown-import.md) go into an existing cycle.
        md = parser.add_argument_group("Markdown pages of OKRs (.md)")
        md.add_argument("--format", choices=["plan", "markdown", "spreadsheet"], default=None,
                        help="read FILE as this format instead of by its extension")
        md.add_argument("--cycle", help="the quarter to import the OKRs into (required for "
                                        "Markdown; for a goal list, the quarter of rows that "
                                        "name none)")
        md.add_argument("--parent", help="id of the parent of the page's top-level objectives")
        md.add_argument("--unit", help="unit for objectives with no department heading, and "
                                       "parent of the units the headings create")
        md.add_argument("--owner", metavar="EMAIL",
                        help="owner of key results for which the page names none")
        md.add_argument("--email-domain", default=None,
                        help="domain of the emails made up for new people (default "
                             "imported.invalid)")
        md.add_argument("--dry-run", action="store_true",
                        help="show what would be imported; store nothing")
        # Goal lists from spreadsheets and OKR tools (docs/integrations.md, Spreadsheets).
        sheet = parser.add_argument_group("Goal lists (.csv, .tsv, .xlsx); also --cycle, "
                                          "--unit, --owner, --dry-run")
        sheet.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                           help="read COLUMN (its header, or its number from 1) as FIELD "
                                "instead of the guess from its header; FIELD 'ignore' leaves "
                                "it out; repeat for several columns")

    def handle(self, *args, file, replace, force=False, **options):
        from hoshin.planfile.importer import PlanFileError, import_plan

        self.require_migrated()
        path = Path(file)
        if options.get("format") == "markdown" or (
                options.get("format") is None and path.suffix.lower() in (".md", ".markdown")):
            return self.import_markdown(path, options)
        if options.get("format") == "spreadsheet" or (
                options.get("format") is None and path.suffix.lower() in SPREADSHEETS):
            return self.import_spreadsheet(path, options)
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            raise CommandError(f'file: cannot import "{file}": expected a file ending in '
                               f"{', '.join([*READERS, '.md', *SPREADSHEETS])}")
        if not path.is_file():
            raise CommandError(f'file: "{file}" does not exist')
        if force and not replace:
            raise CommandError("--force only goes with --replace")
        try:
            doc = reader(path, options)
            with self.progress() as report:
                counts = import_plan(doc, replace=replace, force=force, progress=report)
        except PlanFileError as exc:
            n = len(exc.errors)
            raise CommandError(f"{file}: {n} error{'s' if n != 1 else ''}, nothing was "
                               f"imported:\n{error_lines(exc.errors)}") from None
        # The query planner's statistics for the tables just filled (hoshin/core/dbstats).
        dbstats.gather()
        self.stdout.write(f"Imported {file}: {counts_summary(counts)}.", self.style.SUCCESS)

    def import_markdown(self, path: Path, options: dict) -> None:
        from hoshin.core.limits import text_problem
        from hoshin.planfile.api import MARKDOWN_LIMIT
        from hoshin.planfile.markdown_import import (
            DEFAULT_EMAIL_DOMAIN,
            MarkdownImportError,
            import_markdown,
        )

        if not options.get("cycle"):
            raise CommandError("cycle: a Markdown page is imported into a cycle: give --cycle")
        if not path.is_file():
            raise CommandError(f'file: "{path}" does not exist')
        # The API's and the web's limit (characters; at most 4 bytes each in UTF-8).
        if path.stat().st_size > 4 * MARKDOWN_LIMIT:
            raise CommandError(f"file: {path} is longer than the {MARKDOWN_LIMIT:,} characters "
                               "a Markdown page may be")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"file: {path} is not UTF-8 text ({exc.reason} at byte "
                               f"{exc.start})") from None
        if len(text) > MARKDOWN_LIMIT:
            raise CommandError(f"file: {path} is longer than the {MARKDOWN_LIMIT:,} "
                               "characters a Markdown page may be")
        if problem := text_problem(text):
            raise CommandError(f"file: {path} {problem}")
        try:
            report = import_markdown(
                None, text, cycle=options["cycle"],
                parent=options.get("parent"), unit=options.get("unit"),
                owner=options.get("owner"), dry_run=options.get("dry_run", False),
                email_domain=options.get("email_domain") or DEFAULT_EMAIL_DOMAIN)
        except MarkdownImportError as exc:
            raise CommandError(exc.report.text()) from None
        self.stdout.write(report.text())
        if report.errors:
            raise CommandError(f"{path}: {len(report.errors)} errors")

    def import_spreadsheet(self, path: Path, options: dict) -> None:
        from hoshin.planfile import spreadsheet
        from hoshin.planfile.spreadsheet_import import SpreadsheetImportError, import_goals

        if not path.is_file():
            raise CommandError(f'file: "{path}" does not exist')
        if path.stat().st_size > SPREADSHEET_BYTES:
            raise CommandError(f"file: {path} is larger than the "
                               f"{SPREADSHEET_BYTES // 1024 // 1024} MB a goal list may be")
        try:
            table = spreadsheet.read_table(path.read_bytes(), path.name)
        except spreadsheet.SpreadsheetError as exc:
            raise CommandError(str(exc)) from None
        mapping, problems = spreadsheet.apply_overrides(
            table.headers, spreadsheet.guess_mapping(table.headers), options.get("map") or [])
        if problems:
            raise CommandError("\n".join(p.text() for p in problems))
        try:
            report = import_goals(None, table, mapping, filename=path.name,
                                  cycle=options.get("cycle"), unit=options.get("unit"),
                                  owner=options.get("owner"),
                                  dry_run=options.get("dry_run", False))
        except SpreadsheetImportError as exc:
            raise CommandError(exc.report.text()) from None
        self.stdout.write(report.text())
