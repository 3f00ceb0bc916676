"""REST API of the portfolio: the ranked initiatives and the scoring sessions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from hoshin.core.api import ERRORS, STOPPING, Input
from hoshin.core.errors import NotFound
from hoshin.okrs.models import Initiative
from hoshin.org.models import Unit
from hoshin.portfolio import selectors, services
from hoshin.portfolio.models import ScoringSession

router = Router(tags=["portfolio"])

ScaleValue = Literal[1, 2, 3, 5, 8, 13, 20]


class TrackedOut(Schema):
    done: int = Field(..., description="work items done")
    in_progress: int
    to_do: int
    total: int = Field(..., description="work items counted (done + in progress + to do)")
    share_done: float | None = Field(..., description="done / total, 0..1; null before any "
                                                      "item is read")
    failing: bool = Field(..., description="the last sync of a link failed: the figures "
                                           "are the last read")


class RankedOut(Schema):
    id: str = Field(..., description="the initiative's key")
    title: str
    unit: str
    cod: int = Field(..., description="cost of delay: business value + time criticality + "
                                      "risk reduction / opportunity enablement")
    size: int = Field(..., description="job size")
    wsjf: float = Field(..., description="cost of delay / job size")
    rank: int
    business_value: int
    time_criticality: int
    risk_reduction: int
    status: str
    key_result: str
    annual_objectives: list[str]
    scored_on: dt.date
    tie_break: str = Field(..., description="why it ranks above the next item of equal WSJF")
    tracked: TrackedOut | None = Field(..., description="progress of its work linked in a "
                                                        "tracker (Jira, Asana, GitHub); "
                                                        "null when none is linked")


class PortfolioOut(Schema):
    ranked: list[RankedOut]
    unscored: list[str] = Field(..., description="keys of open initiatives with no score yet")
    unscored_tracked: dict[str, TrackedOut] = Field(
        ..., description="the unscored initiatives with work linked in a tracker: its "
                         "progress, by key")


class ScoreIn(Schema):
    initiative: str = Field(..., min_length=1, max_length=64)
    business_value: ScaleValue
    time_criticality: ScaleValue
    risk_reduction: ScaleValue
    job_size: ScaleValue


class SessionIn(Input):
    scores: list[ScoreIn] = Field(..., min_length=1, max_length=2000)
    unit: str | None = Field(None, max_length=64, description="the unit scored (its subtree); "
                                                             "empty for the whole organisation")
    participants: list[str] = Field(default_factory=list, max_length=500,
                                    description="emails of the people who scored")
    note: str = Field("", max_length=2000)


class ScoreOut(Schema):
    initiative: str
    business_value: int
    time_criticality: int
    risk_reduction: int
    job_size: int
    cod: int


class SessionOut(Schema):
    id: int
    held_at: dt.datetime
    unit: str | None
    recorded_by: str | None
    participants: list[str]
    note: str
    scores: list[ScoreOut]


def _unit(key: str | None) -> Unit | None:
    if not key:
        return None
    unit = Unit.objects.filter(key=key, archived_at__isnull=True).first()
    if unit is None:
        raise NotFound.field("unit", f'no unit "{key}"')
    return unit


def _session_dict(s: ScoringSession) -> dict:
    return {"id": s.pk, "held_at": s.held_at, "unit": s.unit.key if s.unit else None,
            "recorded_by": s.recorded_by.email if s.recorded_by else None,
            "participants": [p.email for p in s.participants.all()], "note": s.note,
            "scores": [{"initiative": x.initiative.key, "business_value": x.business_value,
                        "time_criticality": x.time_criticality,
                        "risk_reduction": x.risk_reduction, "job_size": x.job_size,
                        "cod": x.cost_of_delay} for x in s.scores.all()]}


def _sessions():
    return ScoringSession.objects.select_related("unit", "recorded_by").prefetch_related(
        "participants", "scores__initiative")


@router.get("/portfolio", response={200: PortfolioOut, **ERRORS})
def get_portfolio(request, unit: str | None = Query(None, max_length=64),
                  annual_objective: str | None = Query(None, max_length=64)):
    """Open initiatives ranked by WSJF (highest first; on equal WSJF the smaller job,
    then the key), across the organisation, in a unit's subtree, or
    under one annual objective."""
    found = selectors.portfolio(unit=_unit(unit), annual_objective=annual_objective)
    return {"ranked": found.ranked_dicts(), "unscored": found.unscored_keys,
            "unscored_tracked": found.unscored_tracked}


@router.get("/portfolio/sessions", response={200: list[SessionOut], **ERRORS})
def list_sessions(request):
    return [_session_dict(s) for s in _sessions()[:100]]


@router.post("/portfolio/sessions", response={201: SessionOut, **ERRORS})
def create_session(request, payload: SessionIn):
    """Record a relative-scoring session, all or nothing: every value on the scale 1, 2, 3,
    5, 8, 13, 20, and in each column the smallest value 1."""
    session = services.record_scoring_session(
        request.auth, scores=[s.dict() for s in payload.scores], unit=payload.unit,
        participants=payload.participants, note=payload.note)
    return Status(201, _session_dict(_sessions().get(pk=session.pk)))


# WIP limits and flow ---------------------------------------------------------------------


class WipInitiativeOut(Schema):
    id: str
    title: str
    status: str


class WipOut(Schema):
    unit: str
    name: str
    limit: int | None = Field(..., description="the unit's WIP limit; null: none set")
    in_progress: int = Field(..., description="its initiatives in progress or blocked, in "
                                              "the quarters not closed")
    over_limit: bool
    initiatives: list[WipInitiativeOut]


class WipIn(Input):
    limit: int | None = Field(..., ge=1, le=services.MAX_WIP_LIMIT,
                              description="null removes the limit")


class FigureOut(Schema):
    value: float | None
    n: int = Field(..., description="the sample size the figure rests on")


class CycleTimeOut(Schema):
    mean: FigureOut
    median: FigureOut
    p85: FigureOut


class LittleOut(Schema):
    average_wip: float
    departures: int = Field(..., description="started initiatives that left work in progress "
                                             "in the window (done, cancelled or archived)")
    departures_per_day: float
    average_time_in_wip_days: float | None
    departures_x_time_in_wip: float | None
    ratio: float | None = Field(..., description="average WIP / (departures a day × average "
                                                 "time in WIP)")
    consistent: bool | None = Field(..., description="the ratio within 20% of 1")
    wip_at_start: int
    wip_at_end: int


class FinishedOut(Schema):
    id: str
    cycle_time_days: int | None


class WipDayOut(Schema):
    date: dt.date
    wip: int


class FlowDayOut(Schema):
    date: dt.date
    done: int
    cancelled: int
    blocked: int
    in_progress: int
    not_started: int


class FlowOut(Schema):
    unit: str | None
    cycle: str
    wip_limit: int | None
    start: dt.date | None = None
    end: dt.date | None = Field(None, description="the last day measured (today while the "
                                                  "quarter runs)")
    days: int = 0
    initiatives: int = 0
    throughput: FigureOut | None = None
    throughput_per_week: FigureOut | None = None
    cycle_time_days: CycleTimeOut | None = None
    average_wip: FigureOut | None = None
    littles_law: LittleOut | None = None
    finished: list[FinishedOut] = []
    wip: list[WipDayOut] = []
    cumulative_flow: list[FlowDayOut] = []


@router.get("/portfolio/wip", response={200: list[WipOut], **ERRORS})
def list_wip(request, unit: str | None = Query(None, max_length=64)):
    """Each unit's initiatives in progress or blocked against its WIP limit (the over-limit
    units first): the named unit, else every unit with a limit or with work in progress."""
    scope = _unit(unit)
    return [load.as_dict() for load in selectors.loads(units=[scope] if scope else None)]


@router.put("/portfolio/wip/{unit}", response={200: WipOut, **ERRORS})
def set_wip(request, unit: str, payload: WipIn):
    """Set (or with null remove) a unit's WIP limit: its lead or the strategy office."""
    services.set_wip_limit(request.auth, unit, payload.limit)
    return selectors.load_of(_unit(unit)).as_dict()


@router.get("/portfolio/flow", response={200: FlowOut, **ERRORS})
def get_flow(request, unit: str | None = Query(None, max_length=64),
             cycle: str | None = Query(None, max_length=64)):
    """Throughput, cycle time, work in progress over time, Little's law and the cumulative
    flow of a unit's initiatives (or the whole organisation's) over a quarter (default:
    the one running), each figure with its sample size."""
    return selectors.flow_dict(_unit(unit), cycle)


class StatusIn(Input):
    model_config = STOPPING

    status: Literal["not_started", "in_progress", "blocked", "done", "cancelled"]
    reason: str = Field(None, description="Why; required to stop (cancelled) or pause "
                        "(started work back to not_started), which writes a trade-off.")
    told_people: list[str] = Field(None, description="Emails told besides the owners.")
    told_units: list[str] = Field(None, description="Units told (their leads).")


class StatusOut(Schema):
    id: str
    status: str
    trade_off: int | None = Field(..., description="The trade-off register entry written "
                                  "(GET /trade-offs/{id}), if this stopped or paused it.")
    warnings: list[str]


@router.post("/portfolio/initiatives/{id}/status", response={200: StatusOut, **ERRORS},
             summary="Change an initiative's status; stopping or pausing it is a trade-off")
def change_status(request, id: str, payload: StatusIn):
    initiative = (Initiative.objects.select_related("key_result__objective__unit",
                                                    "key_result__objective__cycle")
                  .filter(key=id, archived_at__isnull=True).first())
    if initiative is None:
        raise NotFound.field("id", f'unknown initiative "{id}"')
    before = initiative.status
    saved = services.change_status(request.auth, initiative, **payload.given())
    written = (saved.trade_offs.filter(source="portfolio").order_by("-id").first()
               if services.deprioritisation(before, saved.status) else None)
    return {"id": saved.key, "status": saved.status,
            "trade_off": written.pk if written else None,
            "warnings": list(getattr(saved, "warnings", []))}
