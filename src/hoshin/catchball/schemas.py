"""API shapes of catchball threads, their rounds and the planning calendar."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from hoshin.catchball.models import Catchball, PlanningDeadline, Round
from hoshin.catchball.services import allowed_actions
from hoshin.core.api import Input, Measure

State = Literal[tuple(Catchball.State.values)]
SideName = Literal["proposer", "unit"]
ElementType = Literal["annual", "priority", "objective", "key_result"]
DeadlineWhat = Literal[tuple(PlanningDeadline.What.values)]


class VersionOut(Schema):
    title: str
    target: float | None
    description: str


class RoundOut(Schema):
    number: int
    kind: Literal[tuple(Round.Kind.values)]
    side: SideName
    author: str | None = Field(..., description="Email of who wrote the round.")
    created_at: dt.datetime
    version: VersionOut = Field(..., description="The element's version after this round.")
    contribution: str
    needs_people: str
    needs_budget: str
    needs_time: str
    help_from: list[str] = Field(..., description="Ids of the units whose help is needed.")
    conflicts: str
    comment: str


class ThreadOut(Schema):
    id: int
    element: str = Field(..., description="Id of the plan element.")
    element_type: ElementType
    unit: str = Field(..., description="Id of the receiving unit.")
    proposer: str = Field(..., description="Email of the proposer.")
    proposer_unit: str | None = Field(..., description="Unit the proposer speaks for; null "
                                                       "for the strategy office.")
    delegate: str | None
    state: State
    waiting_on: SideName = Field(..., description="Whose turn it is (while open).")
    respond_by: dt.date | None
    overdue: bool
    version: VersionOut = Field(..., description="The version on the table (or agreed).")
    actions: list[str] = Field(..., description="What the caller may do now.")
    rounds: list[RoundOut] | None = Field(None, description="Only on a single thread.")


class ProposeIn(Input):
    element: str = Field(..., description="Id of an annual objective, improvement priority, "
                                          "objective or key result.")
    unit: str = Field(..., description="Id of the receiving unit.")
    title: str = Field(None, description="Default: the element's current title.")
    target: Measure | None = Field(None, description="Default: the key result's target.")
    description: str = Field(None)
    comment: str = Field(None)
    respond_by: dt.date = Field(None, description="Default: the planning calendar's date.")
    proposer_unit: str = Field(None, description="Unit you speak for (unit leads).")
    delegate: str = Field(None, description="Email of who answers for the unit (required "
                                            "when you lead the receiving unit yourself).")


class RespondIn(Input):
    contribution: str = Field(None)
    needs_people: str = Field(None)
    needs_budget: str = Field(None)
    needs_time: str = Field(None)
    help_from: list[str] = Field(None, description="Ids of units whose help is needed.")
    conflicts: str = Field(None)
    comment: str = Field(None)
    title: str = Field(None, description="Counter-proposal: a changed title.")
    target: Measure | None = Field(None, description="Counter-proposal: a changed target.")
    description: str = Field(None, description="Counter-proposal: a changed description.")


class ReviseIn(Input):
    title: str = Field(None)
    target: Measure | None = Field(None)
    description: str = Field(None)
    comment: str = Field(None)
    respond_by: dt.date = Field(None)


class CommentIn(Input):
    comment: str = Field(None)


class AcceptIn(Input):
    comment: str = Field(None)
    trade_off: str = Field(None, max_length=300, description="What the agreement makes "
                           "room for by pausing, slowing or stopping it: written to the "
                           "trade-off register as you, both sides told.")
    trade_off_kind: Literal["paused", "slowed", "stopped"] = Field(None)
    trade_off_reason: str = Field(None, description="Why; required with trade_off.")
    trade_off_affects: list[str] = Field(None, description="Ids of other objectives, key "
                                         "results, initiatives it affects (the agreed "
                                         "element is linked already).")


class DelegateIn(Input):
    person: str | None = Field(..., description="Email of who answers for the unit; null for "
                                                "the unit's lead.")


class DeadlineIn(Input):
    cycle: str
    what: DeadlineWhat
    due: dt.date
    note: str = Field(None)


class DeadlineOut(Schema):
    cycle: str
    what: DeadlineWhat
    due: dt.date
    note: str


class OverviewUnitOut(Schema):
    unit: str
    name: str
    open: int
    unanswered: int = Field(..., description="Threads waiting on the unit.")
    overdue: int
    threads: list[ThreadOut]


class InboxOut(Schema):
    awaiting: list[ThreadOut] = Field(..., description="Threads waiting for my answer, "
                                                       "overdue first.")
    waiting_on_others: list[ThreadOut]


def _version(round_: Round) -> dict:
    return {"title": round_.title, "target": round_.target, "description": round_.description}


def round_dicts(rounds) -> list[dict]:
    return [{"number": r.number, "kind": r.kind, "side": r.side,
             "author": r.author.email if r.author_id else None, "created_at": r.created_at,
             "version": _version(r), "contribution": r.contribution,
             "needs_people": r.needs_people, "needs_budget": r.needs_budget,
             "needs_time": r.needs_time, "help_from": [u.key for u in r.help_from.all()],
             "conflicts": r.conflicts, "comment": r.comment} for r in rounds]


def thread_dicts(threads, actor, today: dt.date, with_rounds: bool = False) -> list[dict]:
    """A page of threads: the latest version of each in one query."""
    threads = list(threads)
    latest: dict[int, Round] = {}
    rows = Round.objects.filter(catchball__in=threads).order_by("catchball_id", "number")
    if with_rounds:
        rows = rows.select_related("author").prefetch_related("help_from")
    by_thread: dict[int, list[Round]] = {}
    for r in rows:
        latest[r.catchball_id] = r
        by_thread.setdefault(r.catchball_id, []).append(r)
    out = []
    for t in threads:
        out.append({
            "id": t.pk, "element": t.element_key, "element_type": t.element_kind,
            "unit": t.unit.key, "proposer": t.proposer.email,
            "proposer_unit": t.proposer_unit.key if t.proposer_unit_id else None,
            "delegate": t.delegate.email if t.delegate_id else None, "state": t.state,
            "waiting_on": t.waiting_on, "respond_by": t.respond_by,
            "overdue": t.is_overdue(today), "version": _version(latest[t.pk]),
            "actions": allowed_actions(actor, t),
            "rounds": round_dicts(by_thread.get(t.pk, [])) if with_rounds else None})
    return out


def deadline_dicts(rows) -> list[dict]:
    return [{"cycle": d.cycle.key, "what": d.what, "due": d.due, "note": d.note} for d in rows]
