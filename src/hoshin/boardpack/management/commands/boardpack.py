"""`hoshin boardpack [--cycle Q] -o pack.pdf`: the board pack of a quarter as a PDF."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError

from hoshin.core.management.commands._base import HoshinCommand, parse_date


class Command(HoshinCommand):
    help = ("Make the board pack of a quarter (the running one by default) as a PDF: the "
            "strategy on a page, the X-matrix, the objectives by theme with their trends, "
            "decisions and trade-offs, risks and the annual objectives' execution record.")

    def add_arguments(self, parser):
        parser.add_argument("--cycle", help="the quarter's id, e.g. 2026-Q4 (default: the "
                                            "running quarter)")
        parser.add_argument("-o", "--output", required=True,
                            help="the PDF file to write ('-' for the standard output)")
        parser.add_argument("--today", help="make it as of this day (YYYY-MM-DD)")

    def handle(self, *args, cycle, output, today, **options):
        from hoshin.boardpack.services import make_board_pack

        day = parse_date(today, "--today") if today else None
        where = " to the standard output" if output == "-" else f" to {output}"
        rendered = make_board_pack(None, cycle, day, where=f"{where} (hoshin boardpack)")
        if output == "-":
            sys.stdout.buffer.write(rendered.pdf)
            sys.stdout.buffer.flush()
        else:
            try:
                Path(output).write_bytes(rendered.pdf)
            except OSError as exc:
                raise CommandError(f"output: cannot write {output}: {exc.strerror}") from None
        self.stderr.write(f"Wrote the board pack of {rendered.cycle} to "
                          f"{'the standard output' if output == '-' else output}: "
                          f"{rendered.pages} pages, {len(rendered.pdf):,} bytes, made in "
                          f"{rendered.seconds} s.", self.style.SUCCESS)
