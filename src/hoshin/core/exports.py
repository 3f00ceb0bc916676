"""Every list page as a CSV or Excel file: one helper, so each page declares its columns
once and every file opens cleanly in a spreadsheet.

A page builds the rows it shows (with its filters and the reader's rights), then:

    COLUMNS = [exports.Column("Key", "key"), exports.Column("Due", "due", exports.DATE), ...]
    if response := exports.respond(request, "flags", COLUMNS, rows, what="open flags"):
        return response

`?export=csv` or `?export=xlsx` on the page's own address (its filters kept) answers the
file; any other request gets None and the page renders as usual. Links come from
`{% load exports %}{% export_links %}`.

* CSV: UTF-8 with a byte-order mark (Excel reads UTF-8 only with one), comma-separated,
  quoted as Excel quotes, one header row; numbers written plainly, dates as YYYY-MM-DD.
* XLSX (openpyxl): numbers are numbers, dates are dates (formatted yyyy-mm-dd), the header
  row is bold and frozen.
* Formula injection: a text cell starting with = + - @ (or a tab or carriage return) is
  written with a leading apostrophe in CSV, as OWASP advises, so a spreadsheet shows it as
  text; in XLSX text cells are typed as strings, which no spreadsheet evaluates, and get
  the same apostrophe so a copy pasted elsewhere stays inert.
* Every export is recorded in the audit log (core.events.DataExported → audit).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from hoshin.core import clock, events

TEXT, NUMBER, DATE, DATETIME, PERCENT = "text", "number", "date", "datetime", "percent"
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# A cell a spreadsheet would read as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column: its header, how to get the value from a row (an attribute path such as
    "key_result.owner.name", a dict key, or a function) and its type."""

    header: str
    value: str | Callable[[Any], Any]
    kind: str = TEXT

    def read(self, row) -> Any:
        if callable(self.value):
            return self.value(row)
        current = row
        for part in self.value.split("."):
            if current is None:
                return None
            current = current.get(part) if isinstance(current, dict) else getattr(current,
                                                                                   part, None)
            if callable(current) and not hasattr(current, "_meta"):
                current = current()
        return current


def requested(request) -> str | None:
    fmt = (request.GET.get("export") or "").lower()
    return fmt if fmt in FORMATS else None


def respond(request, name: str, columns: list[Column], rows: Iterable | Callable[[], Iterable],
            what: str, table: str | None = None) -> HttpResponse | None:
    """The file asked for with ?export=csv|xlsx, or None when the request asks for none.
    A page with several tables names each (`table`, asked for with ?table=…;
    `{% export_links table="…" %}`); `rows` may be a function, called only for a file."""
    fmt = requested(request)
    if fmt is None or (request.GET.get("table") or None) != table:
        return None
    if callable(rows):
        rows = rows()
    values = [[_value(c, row) for c in columns] for row in rows]
    body = (to_csv if fmt == "csv" else to_xlsx)(columns, values, sheet=name)
    filename = file_name(name, request.GET, fmt)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    filters = {k: v for k, v in request.GET.items()
               if k not in ("export", "page", "table") and v}
    events.publish(events.DataExported(
        actor=request.user if getattr(request.user, "is_authenticated", False) else None,
        kind="export",
        what=f"{what}: {len(values)} row{'s' if len(values) != 1 else ''} as "
             f"{fmt.upper()} ({filename}"
             + (", " + ", ".join(f"{k}={v}" for k, v in sorted(filters.items()))
                if filters else "") + ")"))
    return response


def file_name(name: str, params, fmt: str) -> str:
    """hoshin-flags-sales-2026-12-07.csv: the list, its filters' values, today."""
    parts = ["hoshin", name] + [str(v) for k, v in sorted(params.items())
                                if k not in ("export", "page", "table") and v]
    stem = "-".join(re.sub(r"[^A-Za-z0-9_.]+", "-", p).strip("-") for p in parts if p)
    return f"{stem[:120]}-{clock.today().isoformat()}.{fmt}"


def _value(column: Column, row) -> Any:
    value = column.read(row)
    if value is None or value == "":
        return None
    if column.kind in (NUMBER, PERCENT):
        try:
            return float(value) if not isinstance(value, int) else value
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, str) and column.kind in (DATE, DATETIME):
        # Rows shaped for the API carry dates as ISO text: a date cell all the same.
        try:
            value = (dt.date.fromisoformat(value) if len(value) == 10
                     else dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        # Spreadsheets know no time zones: the local time, as the pages show it.
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value.date() if column.kind == DATE else value
    if column.kind in (DATE, DATETIME):
        return value if isinstance(value, dt.date) else str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def safe_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(columns: list[Column], values: list[list], sheet: str = "") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n")
    writer.writerow([safe_text(c.header) for c in columns])
    for row in values:
        writer.writerow([_csv_cell(v) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))


def to_xlsx(columns: list[Column], values: list[list], sheet: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=(re.sub(r"[\[\]:*?/\\]", " ", sheet) or "Export")[:31])
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = max([len(column.header)] + [len(str(row[index - 1] or ""))
                                            for row in values[:200]])
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in values:
        cells = []
        for column, value in zip(columns, row, strict=True):
            cell = WriteOnlyCell(ws, value=None)
            if value is None:
                pass
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.value = value
                if column.kind == PERCENT:
                    cell.number_format = '0.0"%"'
            elif isinstance(value, dt.datetime):
                cell.value = value
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                # Typed as a string after the value is set: openpyxl would otherwise
                # store "=…" as a formula.
                cell.value = safe_text(str(value))
                cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
