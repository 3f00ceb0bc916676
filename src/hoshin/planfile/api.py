"""REST API of the Markdown import: a page of OKRs in, the import's report out."""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema
from ninja.responses import Status

from hoshin.core.api import ErrorOut, FieldErrorOut, Input
from hoshin.planfile.markdown_import import (
    DEFAULT_EMAIL_DOMAIN,
    MarkdownImportError,
    import_markdown,
)

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
