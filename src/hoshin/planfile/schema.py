"""The plan file (SPEC §8): one document that holds a whole organisation's plan.

The pydantic models here are the contract of the format. They check shape and types
only; references between ids and the domain rules are checked by the importer, so that
every error comes back at once with the path of the key that caused it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hoshin.core.api import bound_plain_fields

FORMAT_VERSION = 1

Strength = Literal["strong", "important", "weak"]
ResourceRole = Literal["primary", "secondary", "rotating"]
Role = Literal["admin", "strategy_office", "unit_lead", "member", "viewer"]
KRKind = Literal["increase", "decrease", "stay_above", "stay_below", "milestone"]
ObjectiveKind = Literal["committed", "aspirational"]
CycleKind = Literal["year", "quarter"]
CycleState = Literal["draft", "planning", "active", "closed"]
InitiativeStatus = Literal["not_started", "in_progress", "blocked", "done", "cancelled"]
TradeOffKind = Literal["paused", "slowed", "stopped", "resumed"]
TradeOffSource = Literal["brief", "review", "catchball", "portfolio", "manual"]
DependencyState = Literal["requested", "accepted", "declined"]
Direction = Literal["increase", "decrease"]

Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64,
                                       pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254,
                                         pattern=r"^[^@\s]+@[^@\s]+$")]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Period = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
# A moment, for the few records whose time matters (when a trade-off was recorded, a
# dependency asked for or answered). Written in UTC to the second (2026-01-05T09:30:00Z);
# a time without a zone is read as UTC.
Moment = dt.datetime


class Strict(BaseModel):
    # Unknown keys are an error: a typo in a plan file must never be silently dropped.
    # `archived` (on archivable elements) and `active` (on people) keep an export
    # lossless: archived items stay in the file, as they stay in the database.
    model_config = ConfigDict(extra="forbid")

    def __init_subclass__(cls, **kwargs):
        # The same limits as the API's bodies and the forms (core/limits.py): text lengths
        # by field name, measures within ±1e12, dates within 2000-2099, no `true` for 1.
        bound_plain_fields(cls)
        super().__init_subclass__(**kwargs)


class Organization(Strict):
    name: Title
    fiscal_year_start: int = Field(1, ge=1, le=12)
    include_child_objectives: bool = True


class Person(Strict):
    email: Email
    name: Title
    role: Role = "member"
    active: bool = True
    units: list[Key] = []


class Unit(Strict):
    id: Key
    name: Title
    parent: Key | None = None
    lead: Email | None = None
    archived: bool = False


class Vision(Strict):
    statement: str
    horizon: int | None = None
    customer_ideal: str = ""


class Breakthrough(Strict):
    id: Key
    title: Title
    horizon: int | None = None
    description: str = ""
    owner: Email | None = None
    archived: bool = False


class AnnualObjective(Strict):
    id: Key
    year: int
    title: Title
    description: str = ""
    owner: Email | None = None
    breakthroughs: dict[Key, Strength] = {}
    archived: bool = False


class ImprovementPriority(Strict):
    id: Key
    year: int
    unit: Key
    title: Title
    description: str = ""
    annual_objectives: dict[Key, Strength] = {}
    # Keys are a person's email or a unit id.
    resources: dict[str, ResourceRole] = {}
    archived: bool = False


class MetricActual(Strict):
    period: Period
    plan: float | None = None
    actual: float | None = None


class Metric(Strict):
    id: Key
    title: Title
    unit: str = ""
    direction: Direction = "increase"
    baseline: float | None = None
    target: float | None = None
    owner: Email | None = None
    priorities: dict[Key, Strength] = {}
    archived: bool = False
    actuals: list[MetricActual] = []


class Cycle(Strict):
    id: Key
    start: dt.date
    end: dt.date
    kind: CycleKind = "quarter"
    name: str = ""
    state: CycleState = "draft"
    archived: bool = False


class Brief(Strict):
    """The rest of a quarter's strategic brief, beside its themes and trade-offs."""

    cycle: Key
    success: str = ""
    risks: str = ""
    constraints: str = ""


class Theme(Strict):
    id: Key
    cycle: Key
    title: Title
    annual_objectives: list[Key] = []
    success: str = ""
    archived: bool = False


class TradeOff(Strict):
    """An entry of the trade-off register. `id` is the entry's number in this file (the
    exporter numbers them 1, 2, ...), named by `supersedes` of the entry replacing it."""

    id: int | None = Field(None, ge=1)
    cycle: Key
    title: Title
    reason: str = ""
    kind: TradeOffKind = "paused"
    decided_by: Email | None = None
    decided_on: dt.date | None = None
    source: TradeOffSource = "manual"
    source_note: str = Field("", max_length=300)
    unit: Key | None = None
    told_people: list[Email] = []
    told_units: list[Key] = []
    # Ids of the objectives, key results, initiatives and annual objectives it affects.
    affects: list[Key] = []
    supersedes: int | None = Field(None, ge=1)
    created_at: Moment | None = None


class Step(Strict):
    id: Key
    title: Title
    weight: float = Field(ge=0, le=1)


class Phase(Strict):
    date: dt.date
    target: float


class CheckIn(Strict):
    date: dt.date
    value: float | None = None
    confidence: int | None = Field(None, ge=0, le=10)
    note: str = ""
    blockers: str = ""
    steps_done: list[Key] = []
    by: Email | None = None


class Link(Strict):
    url: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    title: str = ""


class Initiative(Strict):
    id: Key
    title: Title
    owner: Email | None = None
    status: InitiativeStatus = "not_started"
    size: float | None = Field(None, ge=0)
    archived: bool = False
    links: list[Link] = []


class KeyResult(Strict):
    id: Key
    title: Title
    owner: Email | None = None
    kind: KRKind = "increase"
    baseline: float | None = None
    target: float | None = None
    unit: str = ""
    weight: float = Field(1.0, gt=0)
    archived: bool = False
    steps: list[Step] = []
    phases: list[Phase] = []
    checkins: list[CheckIn] = []
    initiatives: list[Initiative] = []


class Objective(Strict):
    id: Key
    cycle: Key
    unit: Key
    title: Title
    description: str = ""
    parent: Key | None = None
    kind: ObjectiveKind = "committed"
    archived: bool = False
    key_results: list[KeyResult] = []


class Dependency(Strict):
    """A key result (or objective) relying on another unit's work (SPEC §5)."""

    id: Key
    key_result: Key | None = None
    objective: Key | None = None
    providing_unit: Key
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    state: DependencyState = "requested"
    note: str = ""
    deliverable: str = ""  # accepted: what the providing unit will deliver...
    due: dt.date | None = None  # ...and by when
    delivered_on: dt.date | None = None
    requested_by: Email | None = None
    requested_at: Moment | None = None
    decided_by: Email | None = None
    decided_at: Moment | None = None
    archived: bool = False


class PlanFile(Strict):
    hoshin: Literal[1]
    organization: Organization
    people: list[Person] = []
    units: list[Unit] = []
    vision: Vision | None = None
    breakthroughs: list[Breakthrough] = []
    annual_objectives: list[AnnualObjective] = []
    improvement_priorities: list[ImprovementPriority] = []
    metrics: list[Metric] = []
    cycles: list[Cycle] = []
    briefs: list[Brief] = []
    themes: list[Theme] = []
    trade_offs: list[TradeOff] = []
    objectives: list[Objective] = []
    dependencies: list[Dependency] = []
