"""REST API of countermeasures and the learnings library."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from hoshin.core import clock
from hoshin.core.api import ERRORS, Input, Listing, Pagination
from hoshin.core.errors import NotFound
from hoshin.pdca import services
from hoshin.pdca.models import Countermeasure, Learning

router = Router(tags=["pdca"])


class CountermeasureOut(Schema):
    id: int
    subject: str
    key_result: str | None
    metric: str | None
    period: dt.date | None
    unit: str | None
    problem: str
    whys: list[str]
    root_cause: str
    countermeasure: str
    owner: str | None
    due: dt.date | None
    check_on: dt.date | None
    result: str
    status: str
    opened_on: dt.date
    opened_automatically: bool
    overdue: bool


class CountermeasureIn(Input):
    problem: str = Field(..., min_length=1, max_length=5000)
    key_result: str | None = Field(None, max_length=64)
    owner: str | None = Field(None, max_length=254)
    due: dt.date | None = None


class CountermeasurePatch(Input):
    # Text columns hold "" for nothing: null is refused (422), not stored (it was a 500).
    problem: str = Field(None, max_length=5000)
    whys: list[str] | None = Field(None, max_length=5)
    root_cause: str = Field(None, max_length=5000)
    countermeasure: str = Field(None, max_length=5000)
    owner: str | None = Field(None, max_length=254)
    due: dt.date | None = None
    check_on: dt.date | None = None
    result: str = Field(None, max_length=5000)
    status: str | None = Field(None, description="open, in_progress, checked, closed, abandoned")


class LearningOut(Schema):
    id: int
    title: str
    worked: str
    did_not_work: str
    tags: list[str]
    unit: str | None
    source: str
    countermeasure: int | None
    reference: str
    used_by: list[str]
    created_on: dt.date


class LearningIn(Input):
    title: str = Field(..., min_length=1, max_length=300)
    worked: str = Field("", max_length=10000)
    did_not_work: str = Field("", max_length=10000)
    tags: list[str] = Field(default_factory=list, max_length=30)
    unit: str | None = Field(None, max_length=64)
    countermeasure: int | None = None


class UseIn(Input):
    unit: str = Field(..., min_length=1, max_length=64)
    note: str = Field("", max_length=2000)


def _cm_dicts(rows) -> list[dict]:
    today = clock.today()
    return [{"id": c.pk, "subject": c.subject, "key_result": c.key_result.key if c.key_result
             else None, "metric": c.metric.key if c.metric else None, "period": c.period,
             "unit": c.unit.key if c.unit else None, "problem": c.problem, "whys": c.whys,
             "root_cause": c.root_cause, "countermeasure": c.countermeasure,
             "owner": c.owner.email if c.owner else None, "due": c.due, "check_on": c.check_on,
             "result": c.result, "status": c.status, "opened_on": c.opened_on,
             "opened_automatically": c.opened_automatically, "overdue": c.is_overdue(today)}
            for c in rows]


def _cm_query():
    return Countermeasure.objects.select_related("key_result", "metric", "unit", "owner")


def _cm(pk: int) -> Countermeasure:
    cm = _cm_query().filter(pk=pk).first()
    if cm is None:
        raise NotFound.field("id", f"no countermeasure {pk}")
    return cm


@router.get("/countermeasures", response={200: list[CountermeasureOut], **ERRORS})
@paginate(Pagination)
def list_countermeasures(request, overdue: bool = Query(False),
                         status: str | None = Query(None), unit: str | None = Query(None),
                         owner: str | None = Query(None)):
    rows = (services.overdue_countermeasures(clock.today()) if overdue else
            _cm_query().order_by("-opened_on", "-id"))
    if status:
        rows = rows.filter(status=status)
    if unit:
        rows = rows.filter(unit__key=unit)
    if owner:
        rows = rows.filter(owner__email=owner.lower())
    return Listing(rows, _cm_dicts)


@router.post("/countermeasures", response={201: CountermeasureOut, **ERRORS})
def create_countermeasure(request, payload: CountermeasureIn):
    cm = services.open_countermeasure(request.auth, **payload.given())
    return Status(201, _cm_dicts([_cm(cm.pk)])[0])


@router.get("/countermeasures/{id}", response={200: CountermeasureOut, **ERRORS})
def get_countermeasure(request, id: int):
    return _cm_dicts([_cm(id)])[0]


@router.patch("/countermeasures/{id}", response={200: CountermeasureOut, **ERRORS})
def update_countermeasure(request, id: int, payload: CountermeasurePatch):
    services.update_countermeasure(request.auth, _cm(id), **payload.given())
    return _cm_dicts([_cm(id)])[0]


def _learning_dicts(rows) -> list[dict]:
    return [{"id": lr.pk, "title": lr.title, "worked": lr.worked,
             "did_not_work": lr.did_not_work, "tags": lr.tag_list,
             "unit": lr.unit.key if lr.unit else None, "source": lr.source,
             "countermeasure": lr.countermeasure_id, "reference": lr.reference,
             "used_by": [u.unit.key for u in lr.uses.all()], "created_on": lr.created_on}
            for lr in rows]


def _learning(pk: int) -> Learning:
    row = Learning.objects.select_related("unit").prefetch_related("uses__unit").filter(
        pk=pk).first()
    if row is None:
        raise NotFound.field("id", f"no learning {pk}")
    return row


@router.get("/learnings", response={200: list[LearningOut], **ERRORS})
def search_learnings(request, q: str = Query("", max_length=200),
                     tag: str | None = Query(None, max_length=60),
                     unit: str | None = Query(None, max_length=64)):
    return _learning_dicts(services.search_learnings(q, tags=[tag] if tag else (), unit=unit))


@router.post("/learnings", response={201: LearningOut, **ERRORS})
def create_learning(request, payload: LearningIn):
    learning = services.create_learning(request.auth, **payload.given())
    return Status(201, _learning_dicts([_learning(learning.pk)])[0])


@router.get("/learnings/{id}", response={200: LearningOut, **ERRORS})
def get_learning(request, id: int):
    return _learning_dicts([_learning(id)])[0]


@router.post("/learnings/{id}/uses", response={201: LearningOut, **ERRORS})
def adopt_learning(request, id: int, payload: UseIn):
    services.adopt_learning(request.auth, _learning(id), **payload.given())
    return Status(201, _learning_dicts([_learning(id)])[0])
