"""API shapes of quarterly execution: cycles, the strategic brief, objectives, key
results with their progress, check-ins and initiatives. A page of objectives or key
results is serialised in a fixed number of queries, whatever its length."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Literal

from ninja import Field, Schema

from hoshin.core import limits
from hoshin.core.api import STOPPING, Confidence, Input, Measure, Weight
from hoshin.engine.rollup import rollup
from hoshin.engine.types import Status as EngineStatus
from hoshin.okrs.models import (
    CheckIn,
    Cycle,
    Initiative,
    InitiativeLink,
    KeyResult,
    MilestoneStep,
    Objective,
    Phase,
    Theme,
    TradeOff,
)
from hoshin.okrs.progress import KRState, evaluate, snapshots

CycleKind = Literal[tuple(Cycle.Kind.values)]
CycleState = Literal[tuple(Cycle.State.values)]
ObjectiveKind = Literal[tuple(Objective.Kind.values)]
KRKind = Literal[tuple(KeyResult.Kind.values)]
InitiativeStatus = Literal[tuple(Initiative.Status.values)]
TradeOffKind = Literal[tuple(TradeOff.Kind.values)]
Status = Literal[tuple(s.value for s in EngineStatus)]

_STATUS = ('on_track, at_risk, off_track or no_data ("silence is never green": no check-in '
           "for two weeks is no_data).")
_PROGRESS = "Share of the way from baseline to target (0-1; shown unclamped, may be <0 or >1)."


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# Cycles -------------------------------------------------------------------------------


class CycleOut(Schema):
    id: str
    name: str
    kind: CycleKind
    start: dt.date
    end: dt.date
    state: CycleState = Field(..., description="draft → planning → active → closed.")
    archived_at: dt.datetime | None


class CycleCreate(Input):
    id: str = Field(None, description='The id (e.g. 2026-Q1); generated when left out.')
    name: str = Field(None)
    kind: CycleKind = Field(None, description="Default: quarter.")
    start: dt.date
    end: dt.date


class CyclePatch(Input):
    name: str = Field(None)
    kind: CycleKind = Field(None)
    start: dt.date = Field(None)
    end: dt.date = Field(None)


class CycleStateIn(Input):
    state: CycleState = Field(..., description="Cycles only move forward: draft → planning → "
                                               "active → closed.")
    override_reason: str | None = Field(
        None, max_length=2000,
        description="Leaving draft needs the executives' agreement (a closed alignment round "
                    "at its threshold), and closing a quarter needs every key result graded "
                    "and every unfinished one carried over or dropped; otherwise give the "
                    "reason for overriding, which is recorded.")


def cycle_dicts(rows: list[Cycle]) -> list[dict]:
    return [{"id": c.key, "name": c.name, "kind": c.kind, "start": c.start, "end": c.end,
             "state": c.state, "archived_at": c.archived_at} for c in rows]


class TreeNodeOut(Schema):
    id: str
    type: Literal["vision", "breakthrough", "annual_objective", "improvement_priority", "theme",
                  "objective", "key_result"]
    title: str
    progress: float | None = Field(..., description="Rolled-up progress, 0-1 (key results: "
                                                    "their own, unclamped).")
    status: Status = Field(..., description=_STATUS)
    children: list[TreeNodeOut]
    unit: str | None = Field(None, description="Objectives and priorities: the unit's id.")
    kind: str | None = Field(None, description="Objectives and key results: their kind.")
    owner: str | None = Field(None, description="Key results: the owner's email.")
    expected: float | None = Field(None, description="Key results: where progress should be by "
                                                     "now.")
    last_checkin: dt.date | None = Field(None, description="Key results: date of the latest "
                                                           "check-in.")


class FlatNodeOut(Schema):
    id: str
    type: str
    title: str
    progress: float | None
    status: Status
    parent: str | None = Field(..., description="Id of the node above (null for the root).")
    depth: int


# Strategic brief ----------------------------------------------------------------------


class ThemeOut(Schema):
    id: str
    cycle: str
    title: str
    success: str = Field(..., description="What success looks like at quarter end.")
    annual_objectives: list[str]
    archived_at: dt.datetime | None


class ThemeCreate(Input):
    id: str = Field(None, description="The id (e.g. T1); generated when left out.")
    cycle: str
    title: str
    success: str = Field(None, description="What success looks like at quarter end.")
    annual_objectives: list[str] = Field(None, description="Ids of the annual objectives "
                                                           "the theme serves.")


class ThemePatch(Input):
    title: str = Field(None)
    success: str = Field(None)
    annual_objectives: list[str] = Field(None)


def theme_dicts(rows: list[Theme]) -> list[dict]:
    annuals: dict[int, list[str]] = defaultdict(list)
    for theme_id, key in (Theme.annual_objectives.through.objects
                          .filter(theme_id__in=[t.pk for t in rows])
                          .order_by("annualobjective__key")
                          .values_list("theme_id", "annualobjective__key")):
        annuals[theme_id].append(key)
    return [{"id": t.key, "cycle": t.cycle.key, "title": t.title, "success": t.success,
             "annual_objectives": annuals.get(t.pk, []), "archived_at": t.archived_at}
            for t in rows]


TradeOffSource = Literal[tuple(TradeOff.Source.values)]


class TradeOffAffectsOut(Schema):
    objectives: list[str]
    key_results: list[str]
    initiatives: list[str]
    annual_objectives: list[str]


class TradeOffOut(Schema):
    id: int
    cycle: str
    title: str = Field(..., description="What is paused, slowed, stopped (or resumed).")
    kind: TradeOffKind
    reason: str = Field(..., description="Why (required for every new entry).")
    decided_by: str | None = Field(..., description="Email of the person who decided.")
    decided_on: dt.date
    source: TradeOffSource = Field(..., description="Where it came from: the brief, a review "
                                   "decision, a catchball outcome, the portfolio or by hand.")
    source_note: str
    unit: str | None = Field(..., description="The unit whose work it is.")
    told_people: list[str] = Field(..., description="Emails of the people told.")
    told_units: list[str] = Field(..., description="Units told (their leads are notified).")
    affects: TradeOffAffectsOut
    supersedes: int | None = Field(..., description="The entry this one replaced.")
    superseded_by: int | None = Field(..., description="The entry that replaced this one.")
    created_at: dt.datetime


class TradeOffCreate(Input):
    cycle: str
    title: str
    reason: str = Field(..., description="Why: required.")
    kind: Literal["paused", "slowed", "stopped"] = Field(None, description="Default: paused.")
    decided_by: str = Field(None, description="Your email (an entry is written by the person "
                            "who decided; any other is refused).")
    decided_on: dt.date = Field(None, description="Default: today; not in the future.")
    source: Literal["brief", "manual"] = Field(None, description="Default: manual. Reviews, "
                                               "catchball and the portfolio write their own.")
    source_note: str = Field(None)
    unit: str = Field(None, description="Whose work it is (default: the unit of the items "
                      "it affects, when they are all one unit's).")
    told_people: list[str] = Field(None, description="Emails of the people told.")
    told_units: list[str] = Field(None, description="Ids of the units told.")
    affects: list[str] = Field(None, description="Ids of the objectives, key results, "
                               "initiatives and annual objectives it affects.")


class TradeOffSupersede(Input):
    reason: str = Field(..., description="Why the earlier entry is replaced: required.")
    title: str = Field(None, description="Default: the earlier entry's.")
    kind: TradeOffKind = Field(None, description="Default: the earlier entry's; resumed says "
                               "the work goes ahead again.")
    cycle: str = Field(None, description="Default: the earlier entry's.")
    unit: str = Field(None)
    told_people: list[str] = Field(None, description="Default: the earlier entry's.")
    told_units: list[str] = Field(None, description="Default: the earlier entry's.")
    affects: list[str] = Field(None, description="Default: the earlier entry's.")
    decided_on: dt.date = Field(None)
    source_note: str = Field(None)


def _one_or_none(entry, name):
    try:
        related = getattr(entry, name)
    except TradeOff.DoesNotExist:
        return None
    return related.pk if related is not None else None


def trade_off_dicts(rows: list[TradeOff]) -> list[dict]:
    return [{"id": t.pk, "cycle": t.cycle.key, "title": t.title, "kind": t.kind,
             "reason": t.reason, "decided_by": t.decided_by.email if t.decided_by_id else None,
             "decided_on": t.decided_on, "source": t.source, "source_note": t.source_note,
             "unit": t.unit.key if t.unit_id else None,
             "told_people": sorted(p.email for p in t.told_people.all()),
             "told_units": sorted(u.key for u in t.told_units.all()),
             "affects": {name: sorted(i.key for i in getattr(t, name).all())
                         for name in ("objectives", "key_results", "initiatives",
                                      "annual_objectives")},
             "supersedes": t.supersedes_id, "superseded_by": _one_or_none(t, "superseded_by"),
             "created_at": t.created_at} for t in rows]


# Key results --------------------------------------------------------------------------


class KeyResultSummaryOut(Schema):
    id: str
    title: str
    owner: str = Field(..., description="Email of the one person who owns it.")
    kind: KRKind
    baseline: float | None
    target: float | None
    unit: str
    weight: float
    progress: float | None = Field(..., description=_PROGRESS)
    expected: float | None = Field(..., description="Where progress should be by now.")
    status: Status = Field(..., description=_STATUS)
    value: float | None = Field(..., description="Latest checked-in value.")
    confidence: int | None = Field(..., description="Latest confidence, 0-10.")
    last_checkin: dt.date | None = Field(..., description="Date of the latest check-in.")


class StepOut(Schema):
    id: str
    title: str
    weight: float


class PhaseOut(Schema):
    date: dt.date
    target: float


class KeyResultOut(KeyResultSummaryOut):
    objective: str
    steps: list[StepOut] = Field(..., description="Milestone key results: weighted steps.")
    phases: list[PhaseOut] = Field(..., description="Phased targets (instead of linear pace).")
    archived_at: dt.datetime | None


class StepIn(Input):
    id: str = Field(None, description="Step id, e.g. S1 (default: S<position>).")
    title: str
    weight: float = Field(..., ge=0, le=1)


class PhaseIn(Input):
    date: dt.date
    target: Measure


_STEPS = "Milestone steps; their weights sum to 1. Replaces all steps when sent."


class KeyResultCreate(Input):
    id: str = Field(None, description="The id (e.g. KR1); generated when left out.")
    objective: str = Field(..., description="Id of the objective.")
    title: str
    owner: str = Field(..., description="Email of the one person who owns it.")
    kind: KRKind = Field(None, description="Default: increase.")
    baseline: Measure | None = Field(None)
    target: Measure | None = Field(None)
    unit: str = Field(None, description='Unit of measure, e.g. "%".',
                      max_length=limits.LABEL_LENGTH)
    weight: Weight = Field(None, description="Weight in the objective's progress "
                                                  "(default 1).")
    steps: list[StepIn] = Field(None, description=_STEPS)
    phases: list[PhaseIn] = Field(None, description="Phased targets. Replaces all when sent.")


class KeyResultPatch(Input):
    objective: str = Field(None, description="Move to another objective.")
    title: str = Field(None)
    owner: str = Field(None)
    kind: KRKind = Field(None)
    baseline: Measure | None = Field(None)
    target: Measure | None = Field(None)
    unit: str = Field(None, max_length=limits.LABEL_LENGTH)
    weight: Weight = Field(None)
    steps: list[StepIn] = Field(None, description=_STEPS)
    phases: list[PhaseIn] = Field(None)
    reason: str = Field(None, description="Why: required when the target or baseline changes.")


def _kr_states(cycle_of: dict[int, Cycle]) -> dict[int, tuple[KRState, float | None]]:
    """State and latest value of each key result id → its cycle, in four queries."""
    snaps = snapshots(KeyResult.objects.filter(id__in=list(cycle_of)))
    return {kr_id: (evaluate(snap, cycle_of[kr_id]), snap.last.value if snap.last else None)
            for kr_id, snap in snaps.items()}


def _kr_summary(kr: dict, state: KRState, value: float | None) -> dict:
    return {"id": kr["key"], "title": kr["title"], "owner": kr["owner__email"],
            "kind": kr["kind"], "baseline": kr["baseline"], "target": kr["target"],
            "unit": kr["unit"], "weight": kr["weight"],
            "progress": _round(state.progress), "expected": _round(state.expected),
            "status": state.status.value, "value": value, "confidence": state.confidence,
            "last_checkin": state.last_checkin}


_KR_FIELDS = ("id", "key", "title", "owner__email", "kind", "baseline", "target", "unit",
              "weight", "objective_id")


def key_result_dicts(rows: list[KeyResult]) -> list[dict]:
    """Key results (a page of any length) with their steps, phases and state: 6 queries."""
    ids = [kr.pk for kr in rows]
    states = _kr_states({kr.pk: kr.objective.cycle for kr in rows})
    steps: dict[int, list[dict]] = defaultdict(list)
    for kr_id, key, title, weight in (MilestoneStep.objects.filter(key_result_id__in=ids)
                                      .order_by("order", "id")
                                      .values_list("key_result_id", "key", "title", "weight")):
        steps[kr_id].append({"id": key, "title": title, "weight": weight})
    phases: dict[int, list[dict]] = defaultdict(list)
    for kr_id, day, target in (Phase.objects.filter(key_result_id__in=ids).order_by("date")
                               .values_list("key_result_id", "date", "target")):
        phases[kr_id].append({"date": day, "target": target})
    out = []
    for kr in rows:
        base = {"key": kr.key, "title": kr.title, "owner__email": kr.owner.email,
                "kind": kr.kind, "baseline": kr.baseline, "target": kr.target, "unit": kr.unit,
                "weight": kr.weight}
        out.append({**_kr_summary(base, *states[kr.pk]),
                    "objective": kr.objective.key, "steps": steps.get(kr.pk, []),
                    "phases": phases.get(kr.pk, []), "archived_at": kr.archived_at})
    return out


KR_RELATED = ("owner", "objective__cycle")


# Objectives ---------------------------------------------------------------------------


class ObjectiveOut(Schema):
    id: str
    cycle: str
    unit: str
    title: str
    description: str
    kind: ObjectiveKind
    parent: str | None = Field(..., description="Id of the annual objective, improvement "
                                                "priority, theme or objective it serves.")
    progress: float | None = Field(..., description="Weighted mean of its key results' progress "
                                                    "(the tree also rolls in child objectives).")
    status: Status = Field(..., description=_STATUS)
    key_results: list[KeyResultSummaryOut] = Field(..., description="Its live key results.")
    archived_at: dt.datetime | None


class ObjectiveCreate(Input):
    id: str = Field(None, description="The id (e.g. O1); generated when left out.")
    cycle: str = Field(..., description="Id of the quarter.")
    unit: str = Field(..., description="Id of the unit.")
    title: str
    description: str = Field(None)
    kind: ObjectiveKind = Field(None, description="Default: committed.")
    parent: str | None = Field(None, description="Id of the annual objective, improvement "
                                                 "priority, theme or objective it serves.")


class ObjectivePatch(Input):
    cycle: str = Field(None, description="Move to another quarter.")
    unit: str = Field(None, description="Move to another unit.")
    title: str = Field(None)
    description: str = Field(None)
    kind: ObjectiveKind = Field(None)
    parent: str | None = Field(None)


OBJECTIVE_RELATED = ("cycle", "unit", "parent_annual", "parent_priority", "parent_theme",
                     "parent_objective")


def objective_dicts(rows: list[Objective]) -> list[dict]:
    """Objectives with their live key results and states: 5 queries for any page."""
    cycles = {o.pk: o.cycle for o in rows}
    krs = list(KeyResult.objects.filter(objective_id__in=list(cycles), archived_at__isnull=True)
               .order_by("id").values(*_KR_FIELDS))
    states = _kr_states({kr["id"]: cycles[kr["objective_id"]] for kr in krs})
    summaries: dict[int, list[dict]] = defaultdict(list)
    rolled: dict[int, list[tuple]] = defaultdict(list)
    for kr in krs:
        state, value = states[kr["id"]]
        summaries[kr["objective_id"]].append(_kr_summary(kr, state, value))
        rolled[kr["objective_id"]].append((kr["weight"], state.progress, state.status))
    out = []
    for o in rows:
        progress, status = rollup(rolled.get(o.pk, []))
        parent = o.parent
        out.append({"id": o.key, "cycle": o.cycle.key, "unit": o.unit.key, "title": o.title,
                    "description": o.description, "kind": o.kind,
                    "parent": parent.key if parent else None,
                    "progress": _round(progress), "status": status.value,
                    "key_results": summaries.get(o.pk, []), "archived_at": o.archived_at})
    return out


# Check-ins ----------------------------------------------------------------------------


class CheckInOut(Schema):
    id: int = Field(..., description="The stored check-in's id: a client that got it knows "
                                     "its check-in was stored.")
    key_result: str
    date: dt.date
    value: float | None
    confidence: int | None
    note: str
    blockers: str
    steps_done: list[str]
    author: str | None
    created_at: dt.datetime


class CheckInIn(Input):
    value: Measure | None = Field(None, description="The reading (milestones without steps: 1 "
                                                  "done, 0 not done).")
    confidence: Confidence | None = Field(None, description="0-10: how sure the owner is the "
                                                            "target will be met.")
    note: str = Field("", description="A short note.")
    blockers: str = Field("", description="What stands in the way, if anything.")
    steps_done: list[str] = Field([], description="Milestones with steps: ids of the steps done.")
    date: dt.date = Field(None, description="Default: today.")


def checkin_dicts(rows: list[CheckIn], key: str | None = None) -> list[dict]:
    return [{"id": c.pk, "key_result": key or c.key_result.key, "date": c.date,
             "value": c.value,
             "confidence": c.confidence, "note": c.note, "blockers": c.blockers,
             "steps_done": list(c.steps_done or []),
             "author": c.author.email if c.author_id else None, "created_at": c.created_at}
            for c in rows]


# Initiatives --------------------------------------------------------------------------


class LinkSchema(Schema):
    url: str = Field(..., description="Where the work is tracked (Jira, Asana, GitHub…).")
    title: str = ""


class LinkIn(LinkSchema, Input):
    pass


class InitiativeOut(Schema):
    id: str
    key_result: str
    title: str
    owner: str | None
    status: InitiativeStatus
    size: float | None
    links: list[LinkSchema]
    archived_at: dt.datetime | None


# Stopping or pausing an initiative is a trade-off (okrs.services.save_initiative): the
# same three fields as the portfolio's status endpoint, on every write of a status.
_REASON = ("Why; required (422 without it) when the status stops the initiative (cancelled) "
           "or pauses started work (in_progress or blocked back to not_started), which "
           "writes an entry of the trade-off register (GET /trade-offs/{id}).")
_TOLD_PEOPLE = "Emails told of the trade-off besides the initiative's and its key result's owners."
_TOLD_UNITS = "Units told of the trade-off (their leads)."


class InitiativeCreate(Input):
    model_config = STOPPING

    id: str = Field(None, description="The id (e.g. I1); generated when left out.")
    key_result: str = Field(..., description="Id of the key result the work should move.")
    title: str
    owner: str | None = Field(None, description="Email of the owner.")
    status: InitiativeStatus = Field(None, description="Default: not_started.")
    size: Measure | None = Field(None, ge=0)
    links: list[LinkIn] = Field(None)
    reason: str = Field(None, description=_REASON)
    told_people: list[str] = Field(None, description=_TOLD_PEOPLE)
    told_units: list[str] = Field(None, description=_TOLD_UNITS)


class InitiativePatch(Input):
    model_config = STOPPING

    title: str = Field(None)
    owner: str | None = Field(None)
    status: InitiativeStatus = Field(None)
    size: Measure | None = Field(None, ge=0)
    links: list[LinkIn] = Field(None, description="Replaces all links when sent.")
    reason: str = Field(None, description=_REASON)
    told_people: list[str] = Field(None, description=_TOLD_PEOPLE)
    told_units: list[str] = Field(None, description=_TOLD_UNITS)


INITIATIVE_RELATED = ("key_result", "owner")


def initiative_dicts(rows: list[Initiative]) -> list[dict]:
    links: dict[int, list[dict]] = defaultdict(list)
    for initiative_id, url, title in (InitiativeLink.objects
                                      .filter(initiative_id__in=[i.pk for i in rows])
                                      .order_by("id").values_list("initiative_id", "url", "title")):
        links[initiative_id].append({"url": url, "title": title})
    return [{"id": i.key, "key_result": i.key_result.key, "title": i.title,
             "owner": i.owner.email if i.owner_id else None, "status": i.status,
             "size": i.size, "links": links.get(i.pk, []), "archived_at": i.archived_at}
            for i in rows]
