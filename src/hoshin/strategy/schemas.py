"""API shapes of the strategic plan. Correlations read and write as dict fields on the
owning element, exactly as in the plan file (`breakthroughs: {B1: strong}`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Literal

from ninja import Field, Schema

from hoshin.core import limits
from hoshin.core.api import Input, Measure
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
    Metric,
    MetricActual,
    MetricCorrelation,
    PriorityCorrelation,
    Resource,
    ResourceRole,
    Strength,
)

StrengthName = Literal[tuple(Strength.values)]
ResourceRoleName = Literal[tuple(ResourceRole.values)]
Direction = Literal[tuple(Metric.Direction.values)]

_STRENGTHS = "Correlation strengths by id: strong (●), important (○) or weak (△)."


# Vision -------------------------------------------------------------------------------


class VisionOut(Schema):
    statement: str
    horizon: int | None = Field(..., description="The year the vision is for.")
    customer_ideal: str


YEAR = {"ge": limits.YEAR_MIN, "le": limits.YEAR_MAX}


class VisionIn(Input):
    statement: str
    horizon: int | None = Field(None, **YEAR)
    customer_ideal: str = ""


# Breakthrough objectives --------------------------------------------------------------


class BreakthroughOut(Schema):
    id: str
    title: str
    description: str
    horizon: int | None
    owner: str | None
    archived_at: dt.datetime | None


class BreakthroughCreate(Input):
    id: str = Field(None, description="The id (e.g. B1); generated when left out.")
    title: str
    description: str = Field(None)
    horizon: int | None = Field(None, description="The year the gap should be closed by.", **YEAR)
    owner: str | None = Field(None, description="Email of the owner.")


class BreakthroughPatch(Input):
    title: str = Field(None)
    description: str = Field(None)
    horizon: int | None = Field(None, **YEAR)
    owner: str | None = Field(None)


def _owner(obj) -> str | None:
    return obj.owner.email if obj.owner_id else None


def breakthrough_dicts(rows: list[Breakthrough]) -> list[dict]:
    return [{"id": b.key, "title": b.title, "description": b.description, "horizon": b.horizon,
             "owner": _owner(b), "archived_at": b.archived_at} for b in rows]


# Annual objectives --------------------------------------------------------------------


class AnnualObjectiveOut(Schema):
    id: str
    year: int
    title: str
    description: str
    owner: str | None
    breakthroughs: dict[str, StrengthName] = Field(..., description=_STRENGTHS)
    archived_at: dt.datetime | None


class AnnualObjectiveCreate(Input):
    id: str = Field(None, description="The id (e.g. A1); generated when left out.")
    year: int = Field(..., description="Fiscal year, named by the calendar year it starts in.",
                      **YEAR)
    title: str
    description: str = Field(None)
    owner: str | None = Field(None, description="Email of the owner.")
    breakthroughs: dict[str, StrengthName] = Field(None, description=_STRENGTHS)


class AnnualObjectivePatch(Input):
    year: int = Field(None, **YEAR)
    title: str = Field(None)
    description: str = Field(None)
    owner: str | None = Field(None)
    breakthroughs: dict[str, StrengthName] = Field(
        None, description=_STRENGTHS + " Replaces all of them when sent.")


def annual_objective_dicts(rows: list[AnnualObjective]) -> list[dict]:
    links: dict[int, dict[str, str]] = defaultdict(dict)
    for annual_id, key, strength in (
            BreakthroughCorrelation.objects.filter(annual_objective__in=[a.pk for a in rows])
            .order_by("breakthrough__key")
            .values_list("annual_objective_id", "breakthrough__key", "strength")):
        links[annual_id][key] = strength
    return [{"id": a.key, "year": a.year, "title": a.title, "description": a.description,
             "owner": _owner(a), "breakthroughs": links.get(a.pk, {}),
             "archived_at": a.archived_at} for a in rows]


# Improvement priorities ---------------------------------------------------------------

_RESOURCES = ("Who works on it, by email (a person) or unit id: primary (exactly one), "
              "secondary or rotating.")


class ImprovementPriorityOut(Schema):
    id: str
    year: int
    unit: str
    title: str
    description: str
    annual_objectives: dict[str, StrengthName] = Field(..., description=_STRENGTHS)
    resources: dict[str, ResourceRoleName] = Field(..., description=_RESOURCES)
    archived_at: dt.datetime | None


class ImprovementPriorityCreate(Input):
    id: str = Field(None, description="The id (e.g. P1); generated when left out.")
    year: int = Field(..., **YEAR)
    unit: str = Field(..., description="Id of the unit whose contribution this is.")
    title: str
    description: str = Field(None)
    annual_objectives: dict[str, StrengthName] = Field(None, description=_STRENGTHS)
    resources: dict[str, ResourceRoleName] = Field(None, description=_RESOURCES)


class ImprovementPriorityPatch(Input):
    year: int = Field(None, **YEAR)
    unit: str = Field(None)
    title: str = Field(None)
    description: str = Field(None)
    annual_objectives: dict[str, StrengthName] = Field(None, description=_STRENGTHS)
    resources: dict[str, ResourceRoleName] = Field(None, description=_RESOURCES)


def improvement_priority_dicts(rows: list[ImprovementPriority]) -> list[dict]:
    ids = [p.pk for p in rows]
    annuals: dict[int, dict[str, str]] = defaultdict(dict)
    for priority_id, key, strength in (
            PriorityCorrelation.objects.filter(priority__in=ids).order_by("annual_objective__key")
            .values_list("priority_id", "annual_objective__key", "strength")):
        annuals[priority_id][key] = strength
    resources: dict[int, dict[str, str]] = defaultdict(dict)
    for priority_id, email, unit_key, role in (
            Resource.objects.filter(priority__in=ids).order_by("id")
            .values_list("priority_id", "person__email", "unit__key", "role")):
        resources[priority_id][email or unit_key] = role
    return [{"id": p.key, "year": p.year, "unit": p.unit.key, "title": p.title,
             "description": p.description, "annual_objectives": annuals.get(p.pk, {}),
             "resources": resources.get(p.pk, {}), "archived_at": p.archived_at} for p in rows]


# Metrics ------------------------------------------------------------------------------


class MetricOut(Schema):
    id: str
    title: str
    unit: str = Field(..., description='Unit of measure, e.g. "%".')
    direction: Direction
    baseline: float | None
    target: float | None
    owner: str | None
    priorities: dict[str, StrengthName] = Field(
        ..., description="Improvement priorities that move this metric. " + _STRENGTHS)
    archived_at: dt.datetime | None


class MetricCreate(Input):
    id: str = Field(None, description="The id (e.g. M1); generated when left out.")
    title: str
    unit: str = Field(None, description='Unit of measure, e.g. "%".',
                      max_length=limits.LABEL_LENGTH)
    direction: Direction = Field(None)
    baseline: Measure | None = Field(None)
    target: Measure | None = Field(None)
    owner: str | None = Field(None, description="Email of the owner.")
    priorities: dict[str, StrengthName] = Field(None, description=_STRENGTHS)


class MetricPatch(Input):
    title: str = Field(None)
    unit: str = Field(None, max_length=limits.LABEL_LENGTH)
    direction: Direction = Field(None)
    baseline: Measure | None = Field(None)
    target: Measure | None = Field(None)
    owner: str | None = Field(None)
    priorities: dict[str, StrengthName] = Field(None, description=_STRENGTHS)


def metric_dicts(rows: list[Metric]) -> list[dict]:
    links: dict[int, dict[str, str]] = defaultdict(dict)
    for metric_id, key, strength in (
            MetricCorrelation.objects.filter(metric__in=[m.pk for m in rows])
            .order_by("priority__key").values_list("metric_id", "priority__key", "strength")):
        links[metric_id][key] = strength
    return [{"id": m.key, "title": m.title, "unit": m.unit, "direction": m.direction,
             "baseline": m.baseline, "target": m.target, "owner": _owner(m),
             "priorities": links.get(m.pk, {}), "archived_at": m.archived_at} for m in rows]


PERIOD_PATTERN = r"^\d{4}-\d{2}$"


class MetricActualOut(Schema):
    period: str = Field(..., description="The month, YYYY-MM.", pattern=PERIOD_PATTERN)
    plan: float | None
    actual: float | None


class MetricActualIn(Input):
    period: str = Field(..., description="The month, YYYY-MM.", pattern=PERIOD_PATTERN)
    plan: Measure = Field(None, description="Left out: kept as it is.")
    actual: Measure = Field(None, description="Left out: kept as it is.")


def metric_actual_dict(row: MetricActual) -> dict:
    return {"period": f"{row.period.year:04d}-{row.period.month:02d}", "plan": row.plan,
            "actual": row.actual}
