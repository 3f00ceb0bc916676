"""REST API of the imports: a Markdown page of OKRs, or a goal list (CSV or .xlsx), in;
the import's report out."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from ninja import Field, Router, Schema
from ninja.responses import Status

from hoshin.core.api import ErrorOut, FieldErrorOut, Input
from hoshin.org import permissions
from hoshin.planfile import spreadsheet as sheet
from hoshin.planfile.markdown_import import (
    DEFAULT_EMAIL_DOMAIN,
    MarkdownImportError,
    import_markdown,
)
from hoshin.planfile.spreadsheet_import import (
    SpreadsheetImportError,
    SpreadsheetReport,
    import_goals,
)
from hoshin.planfile.spreadsheet_views import FILE_LIMIT

router = Router(tags=["import"])

MARKDOWN_LIMIT = 1_000_000  # characters; a handbook page is a few tens of thousands


class MarkdownImportIn(Input):
    markdown: str = Field(..., max_length=MARKDOWN_LIMIT,
                          description="The page's Markdown text: at most 1,000,000 "
                                      "characters, and the request body at most 5 MB "
                                      "(413 beyond).")
    cycle: str = Field(..., description="Id of the quarter to import into.")
    parent: str = Field(None, description="Id of the parent of the page's top-level "
                                          "objectives (annual objective, priority, theme or "
                                          "objective).")
    unit: str = Field(None, description="Unit for objectives under no department heading; "
                                        "parent of the units the headings create.")
    owner: str = Field(None, description="Email of the owner of key results for which the "
                                         "page names none.")
    email_domain: str = Field(DEFAULT_EMAIL_DOMAIN, description="Domain of the emails made "
                                                                "up for new people.")
    dry_run: bool = Field(False, description="Report what would be imported; store nothing.")


# Schema names are global in the OpenAPI document: a second "ReportOut" would replace the
# analyzer's.
class MarkdownImportReportOut(Schema):
    cycle: str
    dry_run: bool
    title: str
    counts: dict[str, int]
    people_created: list[dict[str, Any]]
    people_matched: list[dict[str, Any]]
    units_created: list[dict[str, Any]]
    units_matched: list[dict[str, Any]]
    objectives: list[dict[str, Any]] = Field(..., description="Each with its key results.")
    assumptions: list[dict[str, Any]]
    not_understood: list[dict[str, Any]] = Field(
        ..., description='Every line not understood: {"line", "text", "why"}.')
    errors: list[dict[str, Any]]


class MarkdownImportErrorOut(ErrorOut):
    errors: list[FieldErrorOut]
    # Absent when the request itself is malformed (not JSON): nothing was read then.
    report: MarkdownImportReportOut = Field(
        None, description="What was read, and every error with its line.")


# 400 answers carry the report; the other errors have the usual shape. A page of a million
# characters can be more than the 5 MB a body may be once JSON escapes it (413), and an
# import runs within the request's time limit (503, nothing stored: the write is one
# transaction at the end; docs/operations.md).
RESPONSES = {200: MarkdownImportReportOut, 400: MarkdownImportErrorOut,
             frozenset({401, 403, 404, 409, 413, 422, 500, 503}): ErrorOut}


@router.post("/import/markdown", response=RESPONSES,
             summary="Import the OKRs of a Markdown page into a cycle (strategy office)")
def import_markdown_page(request, payload: MarkdownImportIn):
    """All or nothing: on any error nothing is stored and the answer is 400 with the report.
    A dry run answers 200 with the report (errors included) and stores nothing."""
    try:
        report = import_markdown(
            request.auth, payload.markdown, cycle=payload.cycle, parent=payload.parent,
            unit=payload.unit, owner=payload.owner, email_domain=payload.email_domain,
            dry_run=payload.dry_run)
    except MarkdownImportError as exc:
        return Status(400, {"detail": exc.detail,
                     "errors": [{"field": e["field"],
                                 "message": f"line {e['line']}: {e['message']}" if e.get("line")
                                 else e["message"]} for e in exc.report.errors],
                     "report": exc.report.as_dict()})
    return report.as_dict()


# Goal lists (CSV or .xlsx) -------------------------------------------------------------
#
# As the Markdown page, the file travels in a JSON body: base64, as the web page sends it
# back between its steps (planfile/spreadsheet_views.py). Its limit is the web page's:
# 2 MB of file, 2,796,204 characters of base64 (the body stays under the 5 MB limit).

GOAL_LIST_BASE64 = -(-FILE_LIMIT // 3) * 4
GoalListField = Literal[tuple(sheet.FIELDS) + (sheet.IGNORE,)]
ColumnName = Annotated[str, Field(min_length=1, max_length=sheet.MAX_CELL)]


class GoalListImportIn(Input):
    content: str = Field(..., max_length=GOAL_LIST_BASE64,
                         description="The file, base64-encoded: a CSV (any common delimiter, "
                                     "UTF-8 or Windows-1252) or an .xlsx workbook (its first "
                                     "sheet). At most 2 MB of file (2,796,204 characters "
                                     "here), as on the web page.")
    filename: str = Field("goals.csv", max_length=200,
                          description="The file's name; an .xlsx name (or the content of a "
                                      "workbook) is read as Excel, any other as CSV.")
    map: dict[ColumnName, GoalListField] = Field(
        {}, max_length=sheet.MAX_COLUMNS,
        description="Column → field, as the CLI's --map COLUMN=FIELD: a column is its "
                    "header or its number from 1; field \"ignore\" leaves it out. Columns "
                    "not named keep the field their header suggests (the report's "
                    "`columns`).")
    cycle: str = Field(None, description="Id or name of the quarter of every row; left out, "
                                         "each row's quarter comes from its cycle or due-date "
                                         "column, else the running quarter.")
    unit: str = Field(None, description="Id or name of the unit of rows that name none; new "
                                        "teams the file names are created under it (left "
                                        "out: the top unit).")
    owner: str = Field(None, description="Email of the owner of key results for which the "
                                         "file (and the unit's lead) names nobody.")
    dry_run: bool = Field(False, description="Report what would be imported (the plan, row "
                                             "by row) and every error; store nothing.")


class GoalListProblemOut(Schema):
    row: int | None = Field(..., description="The row as the spreadsheet numbers it (the "
                                             "header is row 1); null for the whole file.")
    column: str | None = Field(..., description="The column as the file names it (its "
                                                "header); null when no one column is at "
                                                "fault.")
    message: str


class GoalListColumnOut(Schema):
    index: int
    column: str
    field: str = Field(..., description='The field the column feeds, or "ignore".')


class GoalListImportReportOut(Schema):
    file: str
    dry_run: bool
    counts: dict[str, int] = Field(..., description="objectives, key_results, initiatives, "
                                                    "checkins, people_created, "
                                                    "units_created.")
    columns: list[GoalListColumnOut]
    plan: dict[str, Any] = Field(..., description="What the import creates, in the plan "
                                                  "file's structure: `objectives` (each with "
                                                  "its `row`, `key_results`, their "
                                                  "`checkins` and `initiatives`), `people` "
                                                  "and `units` to create.")
    errors: list[GoalListProblemOut]
    notes: list[GoalListProblemOut] = Field(..., description="What was taken with a word "
                                                             "(an owner taken from the "
                                                             "unit's lead...).")
    created: dict[str, str] = Field(..., description="Row id in the plan → id given. A dry "
                                                     "run draws ids only to check them; an "
                                                     "import draws its own.")


class GoalListImportErrorOut(ErrorOut):
    errors: list[FieldErrorOut]
    # Null when the content could not be read as a table at all (not base64, not CSV or
    # .xlsx, empty): there is no column to report then.
    report: GoalListImportReportOut | None = Field(
        None, description="What was read, and every error with its row and column; null "
                          "when the content is not a table at all.")


GOAL_LIST_RESPONSES = {200: GoalListImportReportOut, 400: GoalListImportErrorOut,
                       frozenset({401, 403, 404, 409, 413, 422, 500, 503}): ErrorOut}


def _refused(report: SpreadsheetReport):
    report.dry_run = False
    n = len(report.problems)
    return Status(400, {
        "detail": f"{n} error{'s' if n != 1 else ''}, nothing was imported",
        "errors": [{"field": p.column or "file", "message": p.text()} for p in report.problems],
        "report": report.as_dict()})


@router.post("/import/goals", response=GOAL_LIST_RESPONSES,
             summary="Import a goal list (CSV or .xlsx) into the plan (strategy office)")
def import_goal_list(request, payload: GoalListImportIn):
    """All or nothing, as `hoshin import goals.csv` and the web page: on any error nothing
    is stored and the answer is 400 with the report, every error with its row and column.
    A dry run answers 200 with the report (the plan it would create, row by row, and any
    errors) and stores nothing."""
    permissions.require(permissions.can_edit_strategy(request.auth), "import goals")
    try:
        data = base64.b64decode(payload.content, validate=True)
    except (binascii.Error, ValueError):
        return Status(400, {"detail": "content: not base64",
                            "errors": [{"field": "content", "message": "not base64"}]})
    if len(data) > FILE_LIMIT:
        message = (f"the file is {len(data):,} bytes; a goal list may have at most "
                   f"{FILE_LIMIT:,}")
        return Status(413, {"detail": message, "errors": [{"field": "content",
                                                            "message": message}]})
    try:
        table = sheet.read_table(data, payload.filename)
    except sheet.SpreadsheetError as exc:
        message = str(exc).removeprefix("file: ")
        return Status(400, {"detail": f"content: {message}",
                            "errors": [{"field": "content", "message": message}]})
    mapping, problems = sheet.apply_overrides(
        table.headers, sheet.guess_mapping(table.headers),
        [f"{column}={fld}" for column, fld in payload.map.items()])
    if problems:
        return _refused(SpreadsheetReport(
            filename=payload.filename, dry_run=False, headers=table.headers,
            mapping=mapping, problems=[
                sheet.Problem(p.row, p.column, p.message.replace("--map", "map"))
                for p in problems]))
    try:
        report = import_goals(request.auth, table, mapping, filename=payload.filename,
                              cycle=payload.cycle, unit=payload.unit, owner=payload.owner,
                              dry_run=payload.dry_run)
    except SpreadsheetImportError as exc:
        if payload.dry_run:
            return exc.report.as_dict()
        return _refused(exc.report)
    return report.as_dict()
