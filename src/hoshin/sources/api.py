"""REST API of key results' sources. Secrets go in and never come out: a source shows
its address (a database URL without its password), header names and whether it has a
token."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from hoshin.core.api import ERRORS, Input
from hoshin.core.errors import NotFound
from hoshin.sources import services
from hoshin.sources.models import Source

router = Router(tags=["sources"])


class SourceOut(Schema):
    key_result: str | None = Field(description="Key of the key result the source feeds "
                                               "(null when it feeds a metric).")
    metric: str | None = Field(description="Key of the strategy metric whose monthly actual "
                                           "the source sets (null when it feeds a key "
                                           "result).")
    kind: str = Field(description="http, sql, csv or children (the aligned key results).")
    location: str = Field(description="The address, the file, or the database URL without "
                                      "its password.")
    json_path: str
    query: str
    column: str
    row: str = Field(description='CSV row: "last", a row number from 1, or column=value.')
    combine: str = Field(description="children: sum or average (weighted by the key "
                                      "results' weights).")
    header_names: list[str] = Field(description="Names of the headers sent (values never "
                                                "shown).")
    has_secret: bool = Field(description="Whether a token, headers or a database URL are "
                                         "stored (encrypted).")
    every_minutes: int
    value: float | None = Field(description="The last value read.")
    value_at: dt.datetime | None
    checked_at: dt.datetime | None
    next_at: dt.datetime
    failing: bool
    failures: int = Field(description="Failures in a row since the last good reading.")
    error: str = Field(description="Why the last reading failed (empty when it did not).")
    error_kind: str = Field(description="timeout, auth, http, connection, value, config or "
                                        "error (Hoshin's own fault).")
    failing_since: dt.datetime | None


class SourceIn(Input):
    key_result: str = Field(description="Key of the key result to feed, or of a strategy "
                                        "metric (M1): each reading then sets the metric's "
                                        "actual of the month.", max_length=64)
    kind: str = Field(description="http, sql, csv or children.",
                      pattern="^(http|sql|csv|children)$")
    url: str = Field("", description="http: the JSON endpoint.", max_length=2000)
    json_path: str = Field("", description="http: JSONPath to the one value, e.g. "
                                           "$.data.total.", max_length=500)
    headers: dict[str, str] = Field({}, description="http: headers to send (stored "
                                                    "encrypted).")
    token: str = Field("", description="http: a bearer token (stored encrypted).",
                       max_length=4000)
    query: str = Field("", description="sql: a query giving one numeric value.",
                       max_length=20000)
    database_url: str = Field("", description="sql: sqlite:///FILE or postgresql://... "
                                              "(stored encrypted).", max_length=2000)
    file: str = Field("", description="csv: a file under HOSHIN_SOURCES_DIR or an "
                                      "http(s) address.", max_length=2000)
    column: str = Field("", description="csv: the column holding the value.", max_length=200)
    row: str = Field("", description='csv: "last" (default), a row number from 1, or '
                                     "column=value.", max_length=300)
    combine: str = Field("", description="children: sum, or average weighted by each "
                                         "aligned key result's weight.",
                         pattern="^(|sum|average)$")
    every_minutes: int = Field(60, ge=services.MIN_EVERY, le=services.MAX_EVERY)


class SyncOut(Schema):
    key_result: str = Field(description="Key of what the source feeds (a key result or a "
                                        "metric).")
    result: str = Field(description="recorded (a new check-in, or the metric's actual set), "
                                    "unchanged or failed.")
    value: float | None
    error: str
    checkin: int | None = Field(description="Id of the check-in recorded, if any.")
    metric: str | None = Field(description="The metric's key when the source feeds one.")
    period: str | None = Field(description="The month (YYYY-MM) whose actual a metric's "
                                           "reading set.")


def source_dict(s: Source) -> dict:
    return {"key_result": s.key_result.key if s.key_result_id else None,
            "metric": s.metric.key if s.metric_id else None, "kind": s.kind, "location": s.location,
            "json_path": s.json_path, "query": s.query, "column": s.column, "row": s.row,
            "combine": s.combine,
            "header_names": list(s.header_names or []), "has_secret": bool(s.sealed),
            "every_minutes": s.every_minutes, "value": s.value, "value_at": s.value_at,
            "checked_at": s.checked_at, "next_at": s.next_at, "failing": s.failing,
            "failures": s.failures, "error": s.error, "error_kind": s.error_kind,
            "failing_since": s.failing_since}


def _one(key_result: str) -> Source:
    """The source of a key result, or of a metric (by its key)."""
    from django.db.models import Q

    source = Source.objects.select_related("key_result", "metric").filter(
        Q(key_result__key=key_result) | Q(metric__key=key_result)).first()
    if source is None:
        raise NotFound.field("key_result", f'"{key_result}" has no source')
    return source


@router.get("/sources", response={200: list[SourceOut], **ERRORS})
def list_sources(request, failing: bool = Query(False, description="Only failing sources."),
                 key_result: str | None = Query(None, max_length=64)):
    from django.db.models import Q

    rows = Source.objects.select_related("key_result", "metric").order_by(
        "key_result__key", "metric__key")
    if failing:
        rows = rows.filter(failures__gt=0)
    if key_result:
        rows = rows.filter(Q(key_result__key=key_result) | Q(metric__key=key_result))
    return [source_dict(s) for s in rows[:1000]]


@router.get("/sources/{key_result}", response={200: SourceOut, **ERRORS})
def get_source(request, key_result: str):
    return source_dict(_one(key_result))


@router.post("/sources", response={201: SourceOut, **ERRORS})
def create_source(request, payload: SourceIn):
    """Feed a key result from a source (replacing its source if it had one). Only who may
    edit the key result may (its owner, its unit's leads, the strategy office)."""
    source = services.add_source(request.auth, **payload.given())
    return Status(201, source_dict(_one(source.target.key)))


@router.delete("/sources/{key_result}", response={204: None, **ERRORS})
def delete_source(request, key_result: str):
    """Stop feeding the key result; its check-ins stay."""
    services.remove_source(request.auth, key_result)
    return Status(204, None)


@router.post("/sources/{key_result}/sync", response={200: SyncOut, **ERRORS})
def sync_source(request, key_result: str):
    """Read the source now. A failure is answered (result "failed" with the reason) and
    stored on the source; nothing else changes."""
    return services.sync_source(request.auth, key_result).as_dict()
