"""REST API of catchball: threads and their rounds, my inbox, the office's overview and the
planning calendar."""

import datetime as dt

from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from hoshin.catchball import services
from hoshin.catchball.models import ELEMENT_FIELDS, Catchball, PlanningDeadline
from hoshin.catchball.schemas import (
    AcceptIn,
    CommentIn,
    DeadlineIn,
    DeadlineOut,
    DelegateIn,
    InboxOut,
    OverviewUnitOut,
    ProposeIn,
    RespondIn,
    ReviseIn,
    State,
    ThreadOut,
    deadline_dicts,
    thread_dicts,
)
from hoshin.core import clock
from hoshin.core.api import ERRORS, Day, Listing, Pagination
from hoshin.org import permissions

router = Router(tags=["catchball"])

# A date written YYYY-MM-DD (a Unix time such as ?today=0 is refused, not read as 1970).
TODAY = Query(None, description="The day to judge deadlines by (default: today).")


def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


def _one(request, thread, today=None) -> dict:
    thread = services.get_thread(thread.pk)
    return thread_dicts([thread], request.auth, _today(today), with_rounds=True)[0]


@router.get("/catchball", response={200: list[ThreadOut], **ERRORS},
            summary="List catchball threads")
@paginate(Pagination)
def list_threads(request, state: State = Query(None), unit: str = Query(None),
                 element: str = Query(None), today: Day = TODAY):
    rows = (Catchball.objects.select_related("unit", "proposer", "proposer_unit", "delegate",
                                             *ELEMENT_FIELDS).order_by("-id"))
    if state:
        rows = rows.filter(state=state)
    if unit:
        rows = rows.filter(unit__key=unit)
    if element:
        found = services.find_element(element)
        rows = rows.filter(**{services.element_field(found): found})
    return Listing(rows, lambda page: thread_dicts(page, request.auth, _today(today)))


@router.post("/catchball", response={201: ThreadOut, **ERRORS},
             summary="Propose a plan element to a unit")
def propose(request, payload: ProposeIn):
    data = payload.given()
    thread = services.propose(request.auth, **data)
    return Status(201, _one(request, thread))


@router.get("/catchball/inbox", response={200: InboxOut, **ERRORS},
            summary="What awaits my answer, then my threads waiting on others")
def inbox(request, today: Day = TODAY):
    day = _today(today)
    return {"awaiting": thread_dicts(services.awaiting_answer(request.auth, day),
                                     request.auth, day),
            "waiting_on_others": thread_dicts(services.waiting_on_others(request.auth, day),
                                              request.auth, day)}


@router.get("/catchball/overview", response={200: list[OverviewUnitOut], **ERRORS},
            summary="Open threads per unit, overdue first (strategy office)")
def overview(request, today: Day = TODAY):
    permissions.require(permissions.can_edit_strategy(request.auth), "see the catchball overview")
    day = _today(today)
    return [{"unit": row["unit"].key, "name": row["unit"].name, "open": len(row["threads"]),
             "unanswered": row["unanswered"], "overdue": row["overdue"],
             "threads": thread_dicts(row["threads"], request.auth, day)}
            for row in services.overview(day)]


@router.get("/catchball/{id}", response={200: ThreadOut, **ERRORS},
            summary="A thread with every round")
def get_thread(request, id: int, today: Day = TODAY):
    return _one(request, services.get_thread(id), today)


@router.post("/catchball/{id}/respond", response={200: ThreadOut, **ERRORS},
             summary="Answer for the receiving unit (optionally with a counter-proposal)")
def respond(request, id: int, payload: RespondIn):
    thread = services.get_thread(id)
    services.respond(request.auth, thread, **payload.given())
    return _one(request, thread)


@router.post("/catchball/{id}/revise", response={200: ThreadOut, **ERRORS},
             summary="The proposer's next version")
def revise(request, id: int, payload: ReviseIn):
    thread = services.get_thread(id)
    services.revise(request.auth, thread, **payload.given())
    return _one(request, thread)


@router.post("/catchball/{id}/accept", response={200: ThreadOut, **ERRORS},
             summary="Accept the other side's version: agreed and locked into the plan")
def accept(request, id: int, payload: AcceptIn = None):
    thread = services.get_thread(id)
    services.accept(request.auth, thread, **(payload.given() if payload else {}))
    return _one(request, thread)


@router.post("/catchball/{id}/withdraw", response={200: ThreadOut, **ERRORS},
             summary="Withdraw the proposal")
def withdraw(request, id: int, payload: CommentIn = None):
    thread = services.get_thread(id)
    services.withdraw(request.auth, thread, **(payload.given() if payload else {}))
    return _one(request, thread)


@router.post("/catchball/{id}/delegate", response={200: ThreadOut, **ERRORS},
             summary="Name who answers for the unit")
def delegate(request, id: int, payload: DelegateIn):
    thread = services.get_thread(id)
    services.delegate(request.auth, thread, person=payload.person)
    return _one(request, thread)


@router.get("/planning-deadlines", response={200: list[DeadlineOut], **ERRORS},
            tags=["catchball"], summary="The planning calendar")
def list_deadlines(request, cycle: str = Query(None)):
    rows = PlanningDeadline.objects.select_related("cycle")
    if cycle:
        rows = rows.filter(cycle__key=cycle)
    return deadline_dicts(rows)


@router.put("/planning-deadlines", response={200: DeadlineOut, **ERRORS},
            summary="Set a date of the planning calendar")
def set_deadline(request, payload: DeadlineIn):
    row = services.set_deadline(request.auth, **payload.given())
    return deadline_dicts([row])[0]


