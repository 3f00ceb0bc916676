"""The limits and types of everything people type in: one set for the web forms, the API
schemas, the CLI and the plan-file importers, so a value refused by one is refused by all.

Pure: no Django here, so the importers, the engine and the middleware can share it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

# Numbers -------------------------------------------------------------------------------

# Baselines, targets, readings and sizes. Bounded so that progress arithmetic stays
# finite (and the JSON answers valid); no real measure comes near a trillion.
MEASURE_LIMIT = 1e12
# A key result's weight is relative to its siblings'.
WEIGHT_MAX = 1000.0
# How sure an owner is that the target will be met.
CONFIDENCE_MIN, CONFIDENCE_MAX = 0, 10

# Text, by kind of field (characters) ----------------------------------------------------

ID_LENGTH = 64  # a plan element's human id ("KR1", "2026-Q1"), as in the plan file
EMAIL_LENGTH = 254  # RFC 5321's longest forward path
NAME_LENGTH = 300  # a person's, a unit's or a cycle's name
TITLE_LENGTH = 300  # a plan element's one-line title
LABEL_LENGTH = 40  # a unit of measure ("%", "k€"), a short tag
NOTE_LENGTH = 2_000  # a check-in's note or blockers, a reason, a comment
TEXT_LENGTH = 10_000  # a description, a statement, a problem and its analysis
URL_LENGTH = 2_000  # what browsers and proxies reliably carry

# A text field's length by its name, the same in every API body, form and plan file
# (a field's own explicit limit wins; any other text field holds NOTE_LENGTH).
FIELD_LENGTHS: dict[str, int] = {
    **dict.fromkeys((
        "id", "key", "cycle", "objective", "key_result", "element", "parent", "unit", "units",
        "providing_unit", "proposer_unit", "item_key", "item_type", "kind", "status",
        "decision", "trade_off", "channel", "lead", "into", "period", "link", "steps_done",
        "annual_objectives", "state"), ID_LENGTH),
    **dict.fromkeys((
        "email", "owner", "decided_by", "delegate", "person", "escalated_to", "executives",
        "help_from", "participants"), EMAIL_LENGTH),
    **dict.fromkeys((
        "name", "title", "new_title", "needs_people", "needs_budget", "needs_time",
        "email_domain"), TITLE_LENGTH),
    **dict.fromkeys((
        "description", "success", "statement", "customer_ideal", "problem", "root_cause",
        "countermeasure", "result", "worked", "did_not_work", "change", "contribution",
        "conflicts", "risks", "constraints", "notes", "detail"), TEXT_LENGTH),
    "url": URL_LENGTH,
    "fingerprint": 500,  # an analyzer finding's identity, as the session stores it
}


def length_of(field: str) -> int:
    """How many characters the text field of this name holds."""
    return FIELD_LENGTHS.get(field, NOTE_LENGTH)


# Dates ---------------------------------------------------------------------------------

# Every date anyone types lies in this fixed window (the API's document states it) ...
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
# Years (a vision's horizon, a fiscal year) lie in the same window.
YEAR_MIN, YEAR_MAX = DATE_MIN.year, DATE_MAX.year
# ... and a cycle within this many years of today or of the organisation's other cycles,
# so a typo (1900, 2999) cannot make a thousand-year quarter.
CYCLE_WINDOW_YEARS = 10
# How long a cycle of each kind may be, in days: a quarter is about three months (4-4-5
# and 13-week calendars included), a year about twelve (52/53-week years included).
CYCLE_DAYS = {"quarter": (80, 100), "year": (355, 375)}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The window as a pattern, so the API's document states it (JSON Schema has no date range).
DATE_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"

# Requests and files --------------------------------------------------------------------

# A request body, whatever its type. A plan of a few thousand elements is well under it;
# the largest input, a Markdown page, is limited to a million characters.
BODY_BYTES = 5 * 1024 * 1024
# How deeply a JSON body may nest objects and lists (the API's deepest shape is 4).
BODY_DEPTH = 32
# A plan file read by the CLI or uploaded: size and nesting (units nest in the file).
PLAN_FILE_BYTES = 50 * 1024 * 1024
PLAN_FILE_DEPTH = 64


def describe_bytes(size: int) -> str:
    """5242880 → "5 MB"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} bytes"


# Checks --------------------------------------------------------------------------------


def parse_day(value: Any) -> dt.date:
    """A date as people and clients write it: "YYYY-MM-DD", within the window. Numbers
    (a Unix time), booleans and date-times are refused rather than guessed at."""
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and ISO_DATE.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f'"{value}" is not a date in the calendar') from None
    else:
        raise ValueError("must be a date written YYYY-MM-DD")
    return check_day(day)


def check_day(day: dt.date) -> dt.date:
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(f"must be between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}")
    return day


def text_problem(text: str) -> str | None:
    """Why this text cannot be stored, or None. PostgreSQL refuses NUL in text (SQLite
    stores it), and neither database can encode a lone surrogate, which JSON's "\\ud800"
    escape or an invalid byte read leniently produces."""
    if "\x00" in text:
        return "contains a NUL character (\\u0000), which text cannot hold"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (f"is not valid Unicode (an unpaired surrogate or an invalid byte at "
                f"character {exc.start + 1})")
    return None


def _join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else str(part)


def data_problems(data: Any, depth_limit: int = BODY_DEPTH) -> Iterator[tuple[str, str]]:
    """(field, message) for each string of parsed JSON-like data that cannot be stored,
    and for nesting deeper than the limit. Iterative: a hostile depth cannot overflow."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if problem := text_problem(value):
                yield path or "body", problem
        elif isinstance(value, (dict, list)):
            if depth >= depth_limit:
                yield path or "body", f"nests deeper than {depth_limit} levels"
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and (problem := text_problem(key)):
                    yield _join(path, "(name)"), problem
                    continue
                stack.append((item, _join(path, key), depth + 1))


_JSON_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(text: bytes | str, limit: int) -> int:
    """How deeply JSON text nests, counted without parsing it (so a 100,000-deep document
    is measured instead of overflowing the parser's stack); stops counting past `limit`."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    depth = deepest = 0
    for match in _JSON_BRACKETS.finditer(_JSON_STRINGS.sub(b"", raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def cycle_window(today: dt.date, first: dt.date | None = None,
                 last: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Where a cycle may lie: within CYCLE_WINDOW_YEARS of today or of the organisation's
    existing cycles (first start, last end), and inside the fixed date window."""
    low = min(today, first) if first else today
    high = max(today, last) if last else today
    return (max(DATE_MIN, _years_from(low, -CYCLE_WINDOW_YEARS)),
            min(DATE_MAX, _years_from(high, CYCLE_WINDOW_YEARS)))


def cycle_problems(kind: str, start: dt.date, end: dt.date,
                   window: tuple[dt.date, dt.date]) -> list[tuple[str, str]]:
    """(field, message) for a cycle outside the window or of an implausible length."""
    problems = []
    low, high = window
    for field, day in (("start", start), ("end", end)):
        if not low <= day <= high:
            problems.append((field, f"must be between {low.isoformat()} and "
                                    f"{high.isoformat()} (within {CYCLE_WINDOW_YEARS} years "
                                    "of today and of the other cycles)"))
    if kind in CYCLE_DAYS and end >= start:
        shortest, longest = CYCLE_DAYS[kind]
        days = (end - start).days + 1
        if not shortest <= days <= longest:
            problems.append(("end", f"a {kind} lasts {shortest} to {longest} days; "
                                    f"this one would last {days}"))
    return problems
