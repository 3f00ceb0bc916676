"""REST API of governance reviews: schedule, agenda, decisions, actions, closing."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from hoshin.core import clock
from hoshin.core.api import ERRORS, Input, Measure
from hoshin.core.errors import NotFound
from hoshin.okrs.models import Cycle
from hoshin.reviews import services
from hoshin.reviews.agenda import standings
from hoshin.reviews.models import Action, AgendaItem, Review
from hoshin.reviews.standing import Standing

router = Router(tags=["reviews"])


class ReviewDecisionOut(Schema):
    kind: str
    rationale: str
    new_target: float | None
    escalated_to: str
    decided_by: str | None


class AgendaItemOut(Schema):
    id: int
    source: str
    title: str
    detail: str
    key_result: str | None
    decision: ReviewDecisionOut | None


class ReviewActionOut(Schema):
    id: int
    title: str
    owner: str
    due: dt.date
    done_on: dt.date | None
    item: int | None


class ReviewOut(Schema):
    id: int
    cycle: str
    kind: str
    date: dt.date
    week: int
    state: str = Field(..., description="What was done to it: planned, open (agenda built) "
                                        "or closed")
    standing: Literal["held", "missed", "today", "planned"] = Field(
        ..., description="Whether the meeting took place: held (a decision recorded and its "
                         "day come, or closed with one), missed (its day passed without a "
                         "decision, or closed without one), today, or planned")
    held_on: dt.date | None = Field(..., description="Held: the day it was closed, or of its "
                                                     "latest decision while open")
    held_by: list[str] = Field(..., description="Held: who closed it, or who decided (emails)")
    decisions: int
    status_meeting: bool


class ReviewDetailOut(ReviewOut):
    items: list[AgendaItemOut]
    actions: list[ReviewActionOut]


class ReviewDecisionIn(Input):
    kind: str = Field(..., description="continue, reallocate, deprioritise, unblock, escalate "
                                       "or change_target")
    rationale: str = Field(..., max_length=5000)
    new_target: Measure | None = Field(None, description="change_target only; not for a "
                                                         "milestone key result (its steps "
                                                         "define it)")
    trade_off: str | None = Field(None, description="deprioritise only: paused (default), "
                                                    "slowed or stopped")
    escalated_to: str | None = Field(None, max_length=200,
                                     description="escalate only, and needed for it: to whom "
                                                 "(a person, a board)")
    told_people: list[str] | None = Field(None, description="deprioritise only: emails of "
                                          "people told of the trade-off, besides the key "
                                          "result's owner")
    told_units: list[str] | None = Field(None, description="deprioritise only: ids of units "
                                         "told (their leads), besides the item's units")


class ContinueRestIn(Input):
    rationale: str = Field(services.CONTINUE_REASON, max_length=5000)


class AgendaItemIn(Input):
    title: str = Field(..., max_length=300)
    detail: str = Field("", max_length=5000)
    key_result: str | None = Field(None, max_length=64)


class ReviewActionIn(Input):
    title: str = Field(..., max_length=300)
    owner: str = Field(..., max_length=254)
    due: dt.date
    item: int | None = None


class ReviewCloseIn(Input):
    notes: str = Field("", max_length=5000)


def _review(r: Review, standing: Standing) -> dict:
    return {"id": r.pk, "cycle": r.cycle.key, "kind": r.kind, "date": r.date, "week": r.week,
            "state": r.state, "standing": standing.code, "held_on": standing.held_on,
            "held_by": standing.held_by_emails, "decisions": standing.decisions,
            "status_meeting": r.status_meeting}


def _detail(r: Review) -> dict:
    items = []
    for i in r.items.select_related("key_result", "decision__decided_by"):
        d = getattr(i, "decision", None)
        items.append({"id": i.pk, "source": i.source, "title": i.title, "detail": i.detail,
                      "key_result": i.key_result.key if i.key_result else None,
                      "decision": None if d is None else {
                          "kind": d.kind, "rationale": d.rationale, "new_target": d.new_target,
                          "escalated_to": d.escalated_to, "decided_by": d.decided_by.email if d.decided_by else None}})
    actions = [{"id": a.pk, "title": a.title, "owner": a.owner.email, "due": a.due,
                "done_on": a.done_on, "item": a.item_id}
               for a in r.actions.select_related("owner")]
    standing = standings([r], clock.today())[r.pk]
    return {**_review(r, standing), "items": items, "actions": actions}


def _get(pk: int) -> Review:
    review = Review.objects.select_related("cycle").filter(pk=pk).first()
    if review is None:
        raise NotFound.field("id", f"no review {pk}")
    return review


@router.get("/reviews", response={200: list[ReviewOut], **ERRORS})
def list_reviews(request, cycle: str | None = Query(
        None, description="Quarter key (default: the active quarter).")):
    quarters = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
    row = (quarters.filter(key=cycle).first() if cycle else
           quarters.filter(state=Cycle.State.ACTIVE).order_by("-start").first())
    if row is None:
        raise NotFound.field("cycle", f'no quarter "{cycle}"' if cycle else "no active quarter")
    # Read only: the scheduler (reviews/jobs.py) or the reviews page's explicit action
    # schedules a quarter's reviews; a GET never writes.
    reviews = list(row.reviews.all())
    of = standings(reviews, clock.today())
    return [_review(r, of[r.pk]) for r in reviews]


@router.post("/reviews/schedule", response={200: list[ReviewOut], **ERRORS})
def schedule_quarter(request, cycle: str | None = Query(
        None, description="Quarter key (default: the active quarter).")):
    """Schedule the quarter's reviews now (the scheduler does it nightly for the open
    quarters); idempotent. Returns all of the quarter's reviews."""
    quarters = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
    row = (quarters.filter(key=cycle).first() if cycle else
           quarters.filter(state=Cycle.State.ACTIVE).order_by("-start").first())
    if row is None:
        raise NotFound.field("cycle", f'no quarter "{cycle}"' if cycle else "no active quarter")
    services.schedule_reviews(request.auth, row)
    reviews = list(row.reviews.all())
    of = standings(reviews, clock.today())
    return [_review(r, of[r.pk]) for r in reviews]


@router.get("/reviews/{id}", response={200: ReviewDetailOut, **ERRORS})
def get_review(request, id: int):
    return _detail(_get(id))


@router.post("/reviews/{id}/agenda", response={200: ReviewDetailOut, **ERRORS})
def build_agenda(request, id: int):
    review = _get(id)
    services.build_agenda(request.auth, review)
    return _detail(_get(id))


@router.post("/reviews/{id}/items", response={201: ReviewDetailOut, **ERRORS})
def add_item(request, id: int, payload: AgendaItemIn):
    services.add_item(request.auth, _get(id), **payload.given())
    return Status(201, _detail(_get(id)))


@router.post("/agenda-items/{id}/decision", response={200: ReviewDetailOut, **ERRORS})
def decide(request, id: int, payload: ReviewDecisionIn):
    item = AgendaItem.objects.select_related("review__cycle", "key_result").filter(pk=id).first()
    if item is None:
        raise NotFound.field("id", f"no agenda item {id}")
    services.decide(request.auth, item, **payload.given())
    return _detail(_get(item.review_id))


@router.post("/reviews/{id}/continue-rest", response={200: ReviewDetailOut, **ERRORS})
def continue_rest(request, id: int, payload: ContinueRestIn):
    """Record "continue" on every undecided item the caller may decide, in one go."""
    review = _get(id)
    services.continue_the_rest(request.auth, review, **payload.given())
    return _detail(review)


@router.post("/reviews/{id}/actions", response={201: ReviewDetailOut, **ERRORS})
def add_action(request, id: int, payload: ReviewActionIn):
    review = _get(id)
    data = payload.given()
    item = review.items.filter(pk=data.pop("item", None)).first() if data.get("item") else None
    data.pop("item", None)
    services.add_action(request.auth, review, item=item, **data)
    return Status(201, _detail(review))


@router.post("/actions/{id}/done", response={200: ReviewActionOut, **ERRORS})
def complete_action(request, id: int):
    action = Action.objects.select_related("owner").filter(pk=id).first()
    if action is None:
        raise NotFound.field("id", f"no action {id}")
    a = services.complete_action(request.auth, action)
    return {"id": a.pk, "title": a.title, "owner": a.owner.email, "due": a.due,
            "done_on": a.done_on, "item": a.item_id}


@router.post("/reviews/{id}/close", response={200: ReviewDetailOut, **ERRORS})
def close_review(request, id: int, payload: ReviewCloseIn):
    services.close_review(request.auth, _get(id), **payload.given())
    return _detail(_get(id))
