"""Reads goal lists that OKR tools export or take as spreadsheets (CSV or .xlsx) into plain
data: one row per objective, key result or initiative, tied together by a row id and a
parent row id column (or, without them, by the order of the rows: a key result belongs to
the objective above it). Pure: no Django, no database.

The shapes come from the tools' own documentation (tests/planfile/fixtures/spreadsheets/
SOURCES.md): Peoplebox and Microsoft Viva Goals (Ally.io) "Row ID" / "Parent Row IDs",
Betterworks' "name, type (goal / milestone), owner_email", Lattice's goal fields
(name, okrType, parentGoal, startingAmount...), BigPicture's outline numbers in "Order"
(1, 1.1, 1.2.1: the numbering is the tree), Culture Amp's goals with their key results
in columns (key_result_1_title, key_result_1_completion...: `_unpivot`, one row each).
Each column is mapped to a field by its
header (`guess_mapping`); the person importing can change the mapping (`--map col=field`,
the web's mapping step). Every problem is reported with its row, as the spreadsheet
numbers it (the header is row 1), and its column, as the file names it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

# The fields a column can feed, with what people read about each.
FIELDS: dict[str, str] = {
    "row_id": "row id (what parent row ids refer to)",
    "parent_row": "parent row id (a row of the file, or the id of an element already here)",
    "type": "type: objective, key result or initiative",
    "title": "title",
    "description": "description",
    "owner": "owner (e-mail or name)",
    "unit": "unit or team (id or name)",
    "cycle": "cycle (id or name of the quarter)",
    "baseline": "start value",
    "target": "target value",
    "current": "current value (recorded as a check-in)",
    "progress": "progress in percent (0-100)",
    "measure": "measure: unit of the values (%, $, …) or its kind (binary, number, percent)",
    "direction": "kind of key result (increase, decrease, stay above, stay below, milestone)",
    "start_date": "start date",
    "due": "due or end date (picks the quarter when no cycle is given)",
    "weight": "weight",
    "status": "initiative status",
}
IGNORE = "ignore"

# Header words → field. Headers are compared once normalised (`normalise`): lower case,
# camelCase and snake_case split, punctuation gone.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "row_id": ("row id", "row ids", "row", "id", "goal id", "okr id", "item id", "key",
               "goal identifier", "identifier", "ref", "reference", "order", "outline",
               "outline number", "wbs"),
    "parent_row": ("parent row id", "parent row ids", "parent", "parent id", "parent ids",
                   "parent goal", "parent goal id", "parent goal ids", "parent key",
                   "aligned to", "alignment", "parent objective"),
    "type": ("type", "okr type", "item type", "level", "goal level", "kind of goal",
             "object type", "record type"),
    "title": ("title", "name", "goal title", "goal name", "objective title", "goal",
              "objective", "okr", "summary", "key result title"),
    "description": ("description", "notes", "details", "note", "goal description"),
    "owner": ("owner e mail", "owner", "owners", "owner email", "owner emails",
              "owner email id", "lead", "leader", "assignee", "owner name", "responsible",
              "email"),
    "unit": ("unit", "team", "teams", "department", "departments", "entity", "group",
             "owner team", "business unit", "owner group", "org unit"),
    "cycle": ("cycle", "time period", "goal cycle", "quarter", "session", "period",
              "timeframe", "time frame", "okr cycle", "planning session"),
    "baseline": ("start value", "starting value", "starting amount", "baseline",
                 "initial value", "metric start value", "start", "from", "begin value",
                 "start metric"),
    "target": ("target", "target value", "ending amount", "metric target value", "goal value",
               "to", "target metric", "end value"),
    "current": ("current", "current value", "current amount", "actual", "actual value",
                "metric current value", "latest value", "value"),
    "progress": ("progress", "progress percent", "percent complete", "completion",
                 "attainment", "score"),
    "measure": ("measure", "unit of the values", "metric unit", "unit of measure",
                "amount type", "metric type", "goal type", "metric", "format", "measurement",
                "uom"),
    "direction": ("direction", "kind", "kr type", "key result type", "target type", "measure kind"),
    "start_date": ("start date", "start on", "started", "begin date", "expected start date"),
    "due": ("due date", "end date", "due", "deadline", "end", "target date", "due on",
            "close date", "expected end date", "due at"),
    "weight": ("weight", "weightage", "importance"),
    "status": ("status", "initiative status", "state"),
}

TYPE_WORDS = {
    "objective": ("objective", "goal", "o", "obj", "company goal", "team goal",
                  "department goal", "individual goal", "aspirational objective",
                  "committed objective"),
    "key_result": ("key result", "kr", "key results", "milestone", "result", "metric",
                   "measure", "keyresult"),
    "initiative": ("initiative", "project", "task", "action", "activity", "plan"),
}

DIRECTIONS = {
    "increase": ("increase", "increase to", "up", "higher", "grow", "more"),
    "decrease": ("decrease", "decrease to", "down", "lower", "reduce", "less"),
    "stay_above": ("stay above", "stay at or above", "at least", "keep above", "above",
                   "min", "minimum"),
    "stay_below": ("stay below", "stay at or below", "at most", "keep below", "below",
                   "max", "maximum"),
    "milestone": ("milestone", "binary", "done not done", "yes no", "boolean", "complete",
                  "completion", "checkbox"),
}

# A measure column names the unit of the values, or a kind of measure (Peoplebox's
# "Goal Type", Lattice's amountType): the kinds that are units of their own.
MEASURE_UNITS = {"percent": "%", "percentage": "%", "custom percent": "%", "dollar": "$",
                 "dollars": "$", "usd": "$", "euro": "€", "eur": "€", "pound": "£", "gbp": "£",
                 "currency": "", "number": "", "numeric": "", "default progress": "%",
                 "digit": "", "count": "", "time": "", "#": ""}

INITIATIVE_STATUSES = {
    "not_started": ("not started", "to do", "todo", "open", "planned", "backlog", "new"),
    "in_progress": ("in progress", "started", "doing", "active", "ongoing", "on track",
                    "at risk", "off track"),
    "blocked": ("blocked", "on hold", "waiting", "stuck"),
    "done": ("done", "complete", "completed", "closed", "finished", "achieved"),
    "cancelled": ("cancelled", "canceled", "dropped", "abandoned", "stopped"),
}

MAX_ROWS = 10_000
MAX_COLUMNS = 200
MAX_CELL = 5_000


class SpreadsheetError(ValueError):
    """The file cannot be read as a table at all (not CSV, not .xlsx, empty)."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # values as read: str from CSV; str, float, int, datetime from .xlsx
    source: str = ""  # "csv" or "xlsx"
    sheet: str = ""
    first: int = 0  # rows above the header (a title, blank lines), which shift the numbers
    # Each row's number in the file, when rows were made from columns (`_unpivot`): a key
    # result read from its goal's row is reported at that row.
    numbers: list[int] | None = None

    def row_number(self, index: int) -> int:
        """The row as a spreadsheet numbers it (the header row is `first + 1`)."""
        if self.numbers is not None:
            return self.numbers[index]
        return index + self.first + 2


@dataclass
class Problem:
    row: int | None
    column: str | None
    message: str

    def text(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return (", ".join(where) + ": " if where else "") + self.message

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Item:
    """One row of the goal list, read."""

    row: int
    type: str  # objective, key_result, initiative
    title: str
    row_id: str = ""
    parent_row: str = ""  # a row id of the file, or an id of an element already stored
    description: str = ""
    owner: str = ""
    unit: str = ""
    cycle: str = ""
    baseline: float | None = None
    target: float | None = None
    current: float | None = None
    measure: str = ""  # the key result's unit ("%", "$", "")
    direction: str = ""  # the key result's kind, when the file says
    start_date: dt.date | None = None
    due: dt.date | None = None
    weight: float | None = None
    progress: float | None = None
    status: str = ""
    raw_status: str = ""  # the status as written, when it names none of ours
    parent: Item | None = None  # the row it hangs under, once linked
    children: list[Item] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field → header, for messages
    # What the plan built from the list calls this row: "row-14", or "row-14-2" for the
    # second item read from row 14 (a key result written in its goal's row).
    ident: str = ""

    @property
    def kind(self) -> str:
        """The key result's kind: what the file says, else read from its values."""
        if self.direction:
            return self.direction
        if self.target is None:
            return "milestone"
        if self.baseline is not None and self.target < self.baseline:
            return "decrease"
        return "increase"


@dataclass
class GoalList:
    items: list[Item]
    problems: list[Problem]
    mapping: dict[int, str]
    headers: list[str]

    @property
    def objectives(self) -> list[Item]:
        return [i for i in self.items if i.type == "objective"]


def normalise(header: str) -> str:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(header or ""))
    text = re.sub(r"[^0-9a-z%#$€£]+", " ", text.lower())
    return " ".join(text.split())


def _word_of(text: str, words: dict[str, tuple[str, ...]]) -> str | None:
    key = normalise(text)
    for value, names in words.items():
        if key in names or key.replace(" ", "_") == value:
            return value
    return None


# Reading files ---------------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> Table:
    """A CSV (any common delimiter, UTF-8 with or without BOM, else Windows-1252) or the
    first sheet of an .xlsx workbook, as headers and rows."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if name.endswith(".xls"):
        raise SpreadsheetError("file: .xls (Excel 97-2003) is not read; save it as .xlsx or "
                               "CSV")
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the machine's code page.
        text = data.decode("cp1252", errors="replace")
    if not text.strip():
        raise SpreadsheetError("file: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows = [row for row in reader]
    except csv.Error as exc:
        raise SpreadsheetError(f"file: not a readable CSV file ({exc})") from None
    return _table(rows, "csv")


def _delimiter(text: str) -> str:
    """The delimiter most lines agree on: Excel writes ";" where the decimal mark is a
    comma, exports from other tools tabs or pipes. Counted line by line, so a title line
    above the header does not confuse it (as it does csv.Sniffer)."""
    from collections import Counter

    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", 0
    for candidate in (",", ";", "\t", "|"):
        counts = Counter(line.count(candidate) for line in lines if line.count(candidate))
        if counts:
            n, lines_with_n = counts.most_common(1)[0]
            score = lines_with_n * 1000 + n
            if score > best_score:
                best, best_score = candidate, score
    return best


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SpreadsheetError(f"file: not a readable .xlsx workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else v for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return _table(rows, "xlsx", sheet.title)
    finally:
        book.close()


def _table(rows: list[list], source: str, sheet: str = "") -> Table:
    # Rows before the header (a title, blank lines) are skipped: the header is the first
    # row with at least two filled cells.
    start = next((i for i, r in enumerate(rows)
                  if sum(1 for v in r if str(v).strip()) >= 2), None)
    if start is None:
        raise SpreadsheetError("file: no header row found (a row naming at least two columns)")
    headers = [str(v).strip() for v in rows[start]]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise SpreadsheetError(f"file: {len(headers)} columns; at most {MAX_COLUMNS} are read")
    body = []
    for r in rows[start + 1:]:
        r = list(r[:len(headers)]) + [""] * (len(headers) - len(r))
        body.append(r)
    while body and not any(str(v).strip() for v in body[-1]):
        body.pop()
    if len(body) > MAX_ROWS:
        raise SpreadsheetError(f"file: more than {MAX_ROWS:,} rows; split the list")
    return _unpivot(Table(headers=headers, rows=body, source=source, sheet=sheet, first=start))


# "key_result_2_title": a goal's key results written across its own row (Culture Amp).
_WIDE = re.compile(r"^key results? (\d{1,2}) (title|name|completion|progress)$")
_FRACTION_FIELDS = ("completion",)  # 0.0-1.0 in the file: Hoshin reads percentages


def _unpivot(table: Table) -> Table:
    """A goal list that writes each goal's key results in numbered columns of the goal's
    row (Culture Amp's import template: key_result_1_title, key_result_1_completion, ...)
    becomes one row per goal and one per key result, tied by the Row ID / Parent Row ID /
    Type columns this adds, so the mapping, the preview and the import treat it as any
    other list. Completion is a fraction there (0.65 = 65 %), as for the goal itself, and
    becomes a percentage. A table without such columns is returned as it is."""
    wide: dict[int, tuple[int, str]] = {}
    for index, header in enumerate(table.headers):
        if found := _WIDE.match(normalise(header)):
            wide[index] = (int(found.group(1)), found.group(2))
    titles = {n for n, what in wide.values() if what in ("title", "name")}
    if not titles:
        return table
    base = [i for i in range(len(table.headers)) if i not in wide]
    base_names = {normalise(table.headers[i]): i for i in base}
    title_at = next((base_names[n] for n in ("name", "title", "goal", "goal name")
                     if n in base_names), None)
    completion_at = base_names.get("completion")
    headers = [table.headers[i] for i in base]
    if title_at is None:
        headers.append("Title")
    if completion_at is None:
        headers.append("Completion")
    headers += ["Row ID", "Parent Row ID", "Type"]
    width = len(headers)
    col_title = base.index(title_at) if title_at is not None else headers.index("Title")
    col_completion = (base.index(completion_at) if completion_at is not None
                      else headers.index("Completion"))
    rows, numbers = [], []

    def percent(value):
        try:
            fraction = number(value)
        except ValueError:
            return value  # read again, and reported, where the column is read
        return "" if fraction is None else f"{fraction * 100:g}"

    for index, row in enumerate(table.rows):
        goal = [row[i] for i in base] + [""] * (width - len(base))
        goal_id = str(index + 1)
        goal[col_completion] = percent(goal[col_completion])
        goal[-3:] = [goal_id, "", "objective"]
        rows.append(goal)
        numbers.append(table.row_number(index))
        for n in sorted(titles):
            cells = {what: row[i] for i, (m, what) in wide.items() if m == n}
            title = cells.get("title", cells.get("name", ""))
            if not str(title).strip():
                continue
            kr = [""] * width
            kr[col_title] = title
            kr[col_completion] = percent(cells.get("completion", cells.get("progress", "")))
            kr[-3:] = [f"{goal_id}.{n}", goal_id, "key result"]
            rows.append(kr)
            numbers.append(table.row_number(index))
    return Table(headers=headers, rows=rows, source=table.source, sheet=table.sheet,
                 first=table.first, numbers=numbers)


# Mapping ---------------------------------------------------------------------------------


def guess_mapping(headers: list[str]) -> dict[int, str]:
    """Column index → field, from the headers; each field once (the first column that names
    it), the other columns ignored."""
    # Where two columns could feed one field, the header nearer the head of its synonyms
    # wins (Lattice's "amountType" over its "goalType", which is about the team level).
    best: dict[str, tuple[int, int]] = {}
    for index, header in enumerate(headers):
        key = normalise(header)
        for fld, names in SYNONYMS.items():
            if key in names:
                rank = (names.index(key), index)
                if fld not in best or rank < best[fld]:
                    best[fld] = rank
                break
    return {index: fld for fld, (_, index) in sorted(best.items(), key=lambda x: x[1][1])}


def apply_overrides(headers: list[str], mapping: dict[int, str],
                    overrides: list[str]) -> tuple[dict[int, str], list[Problem]]:
    """`--map "Column=field"` (or `3=field`, a column's number counted from 1; field
    `ignore` leaves the column out). Returns the new mapping and what could not apply."""
    mapping = dict(mapping)
    problems = []
    for text in overrides:
        column, sep, name = text.rpartition("=")
        column, name = column.strip(), name.strip().lower().replace(" ", "_").replace("-", "_")
        if not sep or not column:
            problems.append(Problem(None, None, f'--map "{text}": write COLUMN=FIELD'))
            continue
        if name != IGNORE and name not in FIELDS:
            problems.append(Problem(None, column, f'--map: unknown field "{name}"; one of '
                                                  f"{', '.join(FIELDS)} or {IGNORE}"))
            continue
        index = _column_index(headers, column)
        if index is None:
            problems.append(Problem(None, column, "--map: the file has no such column "
                                                  f"(its columns: {', '.join(headers)})"))
            continue
        if name == IGNORE:
            mapping.pop(index, None)
            continue
        for other, fld in list(mapping.items()):
            if fld == name and other != index:
                del mapping[other]
        mapping[index] = name
    return mapping, problems


def _column_index(headers: list[str], column: str) -> int | None:
    for index, header in enumerate(headers):
        if header == column:
            return index
    for index, header in enumerate(headers):
        if normalise(header) == normalise(column):
            return index
    if column.isdigit() and 1 <= int(column) <= len(headers):
        return int(column) - 1
    return None


# Values ----------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


def number(value) -> float | None:
    """A cell as a number: 1,234.5  12%  $1,200  € 3.5  (12) for -12. None when empty;
    ValueError when it is text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        raise ValueError("not a number (the cell is a date)")
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").strip("%$€£¥").strip()
    text = text.lstrip("$€£¥").rstrip("%").strip()
    if text.lower().endswith(("k", "m")) and _NUMBER.match(text[:-1] or "x"):
        scale = 1_000 if text[-1].lower() == "k" else 1_000_000
        return float(text[:-1].replace(",", "")) * scale * (-1 if negative else 1)
    if not text or not _NUMBER.match(text) or text in "+-.":
        raise ValueError("not a number")
    return float(text.replace(",", "")) * (-1 if negative else 1)


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y",
                 "%d.%m.%Y", "%Y%m%d")


def date(value) -> dt.date | None:
    """A cell as a date: an .xlsx date, ISO (2026-03-31, with or without a time), "31 March
    2026", 31.03.2026, or a slashed date whose order the numbers make certain (31/03/2026,
    03/31/2026). None when empty; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text):
        text = text[:10]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12 >= b:
            return dt.date(year, b, a)
        if b > 12 >= a:
            return dt.date(year, a, b)
        if a == b:
            return dt.date(year, a, b)
        if a > 12 and b > 12:
            raise ValueError("not a date (write YYYY-MM-DD)")
        raise ValueError(f'"{text}" could be day/month or month/day; write the date as '
                         "YYYY-MM-DD")
    raise ValueError("not a date (write YYYY-MM-DD)")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# Reading the goal list -------------------------------------------------------------------


def read_goals(table: Table, mapping: dict[int, str]) -> GoalList:
    """The rows as objectives, key results and initiatives, linked to their parents, with
    every problem found (row and column named). Nothing here looks at the database: a
    parent id the file does not define is kept as `parent_row` for the importer to find."""
    problems: list[Problem] = []
    header_of = {fld: table.headers[i] for i, fld in mapping.items()}
    if "title" not in header_of:
        problems.append(Problem(None, None, "no column is mapped to the title (the goal's "
                                            "name); map one, e.g. --map \"Name=title\""))
        return GoalList([], problems, mapping, table.headers)
    items: list[Item] = []
    seen: dict[int, int] = {}
    for index, row in enumerate(table.rows):
        number_ = table.row_number(index)
        cells = {fld: row[i] if i < len(row) else "" for i, fld in mapping.items()}
        if not any(_text(v) for v in row):
            continue  # a blank row between groups
        item = _item(number_, cells, header_of, problems)
        if item is not None:
            seen[number_] = seen.get(number_, 0) + 1
            item.ident = f"row-{number_}" + (f"-{seen[number_]}" if seen[number_] > 1 else "")
            items.append(item)
    _link(items, "parent_row" in header_of, "row_id" in header_of, problems, header_of)
    return GoalList(items, problems, mapping, table.headers)


def _item(row: int, cells: dict, header_of: dict, problems: list[Problem]) -> Item | None:
    def bad(fld: str, message: str) -> None:
        problems.append(Problem(row, header_of.get(fld), message))

    title = _text(cells.get("title"))
    if not title:
        bad("title", "is empty; every row needs a title")
        return None
    if len(title) > 300:
        bad("title", f"has {len(title)} characters; at most 300")
        return None
    item = Item(row=row, type="", title=title, columns=dict(header_of))
    for fld in ("row_id", "parent_row", "description", "owner", "unit", "cycle", "status"):
        value = _text(cells.get(fld))
        if len(value) > MAX_CELL:
            bad(fld, f"has {len(value):,} characters; at most {MAX_CELL:,}")
            value = value[:MAX_CELL]
        setattr(item, fld, value)
    for fld in ("baseline", "target", "current", "weight", "progress"):
        try:
            value = number(cells.get(fld))
        except ValueError as exc:
            bad(fld, f"{exc}: {_text(cells.get(fld))!r}")
            value = None
        if fld == "progress" and value is not None and not 0 <= value <= 100:
            bad(fld, f"{value:g} is not a percentage from 0 to 100")
        setattr(item, fld, value)
    if item.weight is not None and item.weight <= 0:
        bad("weight", "must be above 0")
    for fld in ("start_date", "due"):
        try:
            setattr(item, fld, date(cells.get(fld)))
        except ValueError as exc:
            bad(fld, str(exc))
    raw_type = _text(cells.get("type"))
    if raw_type:
        found = _word_of(raw_type, TYPE_WORDS)
        if found is None:
            bad("type", f'"{raw_type}" is not a type; write objective, key result or '
                        "initiative")
        item.type = found or ""
    raw_direction = _text(cells.get("direction"))
    if raw_direction:
        found = _word_of(raw_direction, DIRECTIONS)
        if found is None:
            bad("direction", f'"{raw_direction}" is not a kind of key result; write increase, '
                             "decrease, stay above, stay below or milestone")
        item.direction = found or ""
    raw_measure = _text(cells.get("measure"))
    if raw_measure:
        key = normalise(raw_measure)
        if key in ("binary", "boolean", "yes no", "checkbox", "milestone"):
            item.direction = item.direction or "milestone"
        elif key in MEASURE_UNITS:
            item.measure = MEASURE_UNITS[key]
        elif len(raw_measure) <= 40:
            item.measure = raw_measure
        else:
            bad("measure", "is longer than the 40 characters a unit may be")
    progress = item.progress
    if progress is not None and item.target is None and item.direction != "milestone":
        # A tool that exports only a percentage (Betterworks): the key result measures it.
        item.baseline, item.target, item.measure = 0.0, 100.0, item.measure or "%"
        if item.current is None:
            item.current = progress
    if raw_status := item.status:
        found = _word_of(raw_status, INITIATIVE_STATUSES)
        item.status = found or ""
        item.raw_status = raw_status
    return item


def _link(items: list[Item], has_parent: bool, has_row_id: bool, problems: list[Problem],
          header_of: dict) -> None:
    by_id: dict[str, Item] = {}
    for item in items:
        if item.row_id:
            if item.row_id in by_id:
                problems.append(Problem(item.row, header_of.get("row_id"),
                                        f'"{item.row_id}" is also the id of row '
                                        f"{by_id[item.row_id].row}; row ids must be unique"))
                continue
            by_id[item.row_id] = item
    # A parent may also be named by its title (exports that write the parent goal's name),
    # when exactly one row has that title and no row has it as its id.
    titles: dict[str, Item | None] = {}
    for item in items:
        titles[item.title] = None if item.title in titles else item
    for title, item in titles.items():
        if item is not None and title not in by_id:
            by_id[title] = item
    if has_parent:
        for item in items:
            ref = item.parent_row.split(",")[0].split("\n")[0].strip() if item.parent_row else ""
            if "," in item.parent_row or "\n" in item.parent_row:
                # Several parents (Peoplebox, Viva Goals allow it): Hoshin aligns to one.
                problems.append(Problem(item.row, header_of.get("parent_row"),
                                        f'names several parents ("{item.parent_row}"); an '
                                        "item hangs under one: keep the first"))
                continue
            item.parent_row = ref
            if ref and ref in by_id:
                if by_id[ref] is item:
                    problems.append(Problem(item.row, header_of.get("parent_row"),
                                            "is the row's own id"))
                    continue
                item.parent = by_id[ref]
                item.parent.children.append(item)
    elif has_row_id and _outline(items):
        # No parent column, but outline numbers as row ids (BigPicture's "Order": 1, 1.1,
        # 1.2.1): each row hangs under the number it extends.
        for item in items:
            ref = item.row_id.rpartition(".")[0]
            if ref:
                item.parent_row = ref
                if ref in by_id:
                    item.parent = by_id[ref]
                    item.parent.children.append(item)
                else:
                    problems.append(Problem(item.row, header_of.get("row_id"),
                                            f'no row is numbered "{ref}", the outline '
                                            f'number "{item.row_id}" hangs under'))
    else:
        # No parent column: the file's order says (Betterworks: a goal, then its
        # milestones; Goalscape-like lists): a key result belongs to the objective above
        # it, an initiative to the key result above it.
        last: dict[str, Item | None] = {"objective": None, "key_result": None}
        for item in items:
            kind = item.type or ("key_result" if last["objective"] is not None
                                 and (item.target is not None or item.direction)
                                 else "objective")
            above = {"key_result": last["objective"], "initiative": last["key_result"]}.get(kind)
            if above is not None:
                item.parent = above
                above.children.append(item)
            if kind == "objective":
                last = {"objective": item, "key_result": None}
            elif kind == "key_result":
                last["key_result"] = item
    _check_loops(items, problems, header_of)
    for item in items:
        if not item.type:
            item.type = _infer_type(item)
    for item in items:
        _check_shape(item, problems, header_of)


_OUTLINE = re.compile(r"^\d+(\.\d+)*$")


def _outline(items: list[Item]) -> bool:
    """Every row id an outline number (1, 1.1, 1.2.1), at least one of them nested."""
    ids = [i.row_id for i in items]
    return bool(ids) and all(_OUTLINE.match(x) for x in ids) and any("." in x for x in ids)


def _check_loops(items: list[Item], problems: list[Problem], header_of: dict) -> None:
    for item in items:
        seen = {id(item)}
        node = item.parent
        while node is not None:
            if id(node) in seen:
                problems.append(Problem(item.row, header_of.get("parent_row"),
                                        "its parents make a loop back to this row"))
                item.parent.children.remove(item)
                item.parent = None
                break
            seen.add(id(node))
            node = node.parent


def _infer_type(item: Item) -> str:
    """No type column (or an empty cell): a row with rows under it that carry values, or
    with no parent in the file, is an objective; a row with a target, or a leaf under an
    objective, is a key result; a row under a key result is an initiative."""
    parent = item.parent
    if parent is not None and (parent.type or _infer_type(parent)) == "key_result":
        return "initiative"
    if item.target is not None or item.direction:
        return "key_result" if parent is not None else "objective"
    if parent is not None and not item.children:
        return "key_result"
    return "objective"


def _check_shape(item: Item, problems: list[Problem], header_of: dict) -> None:
    parent = item.parent
    col = header_of.get("parent_row") or header_of.get("type")
    if item.type == "key_result":
        if parent is None and not item.parent_row:
            problems.append(Problem(item.row, col, "a key result needs an objective: give it "
                                                   "a parent row"))
        elif parent is not None and parent.type != "objective":
            problems.append(Problem(item.row, col, f"a key result hangs under an objective; "
                                                   f"row {parent.row} is "
                                                   f"{_a(parent.type)}"))
        if item.direction in ("increase", "decrease", "stay_above", "stay_below") \
                and item.target is None:
            problems.append(Problem(item.row, header_of.get("target"),
                                    "is empty; this key result needs a target"))
        if item.direction in ("increase", "decrease") and item.baseline is None \
                and item.target is not None:
            item.baseline = 0.0  # "from 0": the tools' default start value
        if item.target is not None and item.baseline is not None \
                and item.target == item.baseline and item.kind in ("increase", "decrease"):
            problems.append(Problem(item.row, header_of.get("target"),
                                    f"equals the start value ({item.target:g}); nothing to "
                                    "move"))
        if item.direction == "increase" and item.baseline is not None \
                and item.target is not None and item.target < item.baseline:
            problems.append(Problem(item.row, header_of.get("target"),
                                    f"{item.target:g} is below the start value "
                                    f"{item.baseline:g} of a key result to increase"))
        if item.direction == "decrease" and item.baseline is not None \
                and item.target is not None and item.target > item.baseline:
            problems.append(Problem(item.row, header_of.get("target"),
                                    f"{item.target:g} is above the start value "
                                    f"{item.baseline:g} of a key result to decrease"))
    elif item.type == "initiative":
        if parent is None and not item.parent_row:
            problems.append(Problem(item.row, col, "an initiative needs a key result: give it "
                                                   "a parent row"))
        elif parent is not None and parent.type != "key_result":
            problems.append(Problem(item.row, col, "an initiative hangs under a key result; "
                                                   f"row {parent.row} is {_a(parent.type)}"))
        raw = item.raw_status
        if raw and not item.status:
            problems.append(Problem(item.row, header_of.get("status"),
                                    f'"{raw}" is not a status; write not started, in '
                                    "progress, blocked, done or cancelled"))
    elif item.type == "objective":
        if parent is not None and parent.type != "objective":
            problems.append(Problem(item.row, col, "an objective hangs under an objective; "
                                                   f"row {parent.row} is {_a(parent.type)}"))


def _a(kind: str) -> str:
    return {"objective": "an objective", "key_result": "a key result",
            "initiative": "an initiative"}.get(kind, kind or "untyped")
