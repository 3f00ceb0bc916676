"""Operations on the strategic plan: vision, breakthroughs, annual objectives,
improvement priorities, metrics, correlations and resources."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hoshin.core.errors import DomainError, ErrorCollector, NotFound
from hoshin.core.history import service
from hoshin.core.keys import claim_key
from hoshin.org import permissions
from hoshin.org.models import Person, Unit
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
    Vision,
)

STRENGTHS = [s.value for s in Strength]
RESOURCE_ROLES = [r.value for r in ResourceRole]
_UNSET = object()


def _require_editor(actor: Person | None, what: str) -> None:
    permissions.require(permissions.can_edit_strategy(actor), what)


def _person_or_error(errors: ErrorCollector, field: str, email: str | None) -> Person | None:
    if not email:
        return None
    person = Person.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        errors.add(field, f'unknown person "{email}"')
    return person


def _title(errors: ErrorCollector, title: str | None) -> None:
    if title is not None and not title.strip():
        errors.add("title", "must not be empty")


def get(model, key: str, field: str = "key"):
    obj = model.objects.filter(key=key).first()
    if obj is None:
        raise NotFound.field(field, f'unknown {model._meta.verbose_name} "{key}"')
    return obj


@service
def set_vision(actor: Person | None, *, statement: str, horizon: int | None = None,
               customer_ideal: str = "") -> Vision:
    _require_editor(actor, "change the vision")
    if not (statement or "").strip():
        raise DomainError.field("statement", "must not be empty")
    vision = Vision.objects.filter(pk=1).first() or Vision(pk=1)
    vision.statement, vision.horizon, vision.customer_ideal = statement.strip(), horizon, customer_ideal
    vision.save()
    return vision


def _apply(obj, errors: ErrorCollector, fields: dict) -> None:
    for name, value in fields.items():
        if value is _UNSET:
            continue
        if name == "title":
            _title(errors, value)
            value = value.strip() if value else value
        if name == "owner":
            value = _person_or_error(errors, "owner", value)
        setattr(obj, name, value)


@service
def save_breakthrough(actor: Person | None, breakthrough: Breakthrough | None = None, *,
                      key: str | None = None, title=_UNSET, description=_UNSET, horizon=_UNSET,
                      owner=_UNSET) -> Breakthrough:
    _require_editor(actor, "edit breakthrough objectives")
    errors = ErrorCollector()
    if breakthrough is None:
        breakthrough = Breakthrough(key=claim_key(key))
        if title is _UNSET:
            errors.add("title", "is required")
    _apply(breakthrough, errors, {"title": title, "description": description,
                                  "horizon": horizon, "owner": owner})
    errors.raise_if_any()
    breakthrough.save()
    return breakthrough


def _set_correlations(errors: ErrorCollector, field: str, links: dict[str, str], target_model,
                      save) -> list:
    resolved = []
    for other_key, strength in (links or {}).items():
        other = target_model.objects.filter(key=other_key).first()
        if other is None:
            errors.add(f"{field}.{other_key}",
                       f'unknown {target_model._meta.verbose_name} "{other_key}"')
        if strength not in STRENGTHS:
            errors.add(f"{field}.{other_key}",
                       f'unknown strength "{strength}" (expected one of {", ".join(STRENGTHS)})')
        resolved.append((other, strength))
    return resolved


@service
def save_annual_objective(actor: Person | None, annual: AnnualObjective | None = None, *,
                          key: str | None = None, year=_UNSET, title=_UNSET,
                          description=_UNSET, owner=_UNSET,
                          breakthroughs: dict[str, str] | None = None) -> AnnualObjective:
    _require_editor(actor, "edit annual objectives")
    errors = ErrorCollector()
    if annual is None:
        annual = AnnualObjective(key=claim_key(key))
        for name, value in (("title", title), ("year", year)):
            if value is _UNSET:
                errors.add(name, "is required")
    if year is not _UNSET and (year is None or not 1900 <= int(year) <= 2200):
        errors.add("year", "must be a year such as 2026")
    _apply(annual, errors, {"title": title, "year": year, "description": description,
                            "owner": owner})
    links = _set_correlations(errors, "breakthroughs", breakthroughs, Breakthrough, None)
    errors.raise_if_any()
    annual.save()
    if breakthroughs is not None:
        annual.breakthrough_correlations.all().delete()
        for other, strength in links:
            BreakthroughCorrelation.objects.create(breakthrough=other, annual_objective=annual,
                                                   strength=strength)
    return annual


@service
def save_improvement_priority(actor: Person | None, priority: ImprovementPriority | None = None,
                              *, key: str | None = None, year=_UNSET, unit=_UNSET, title=_UNSET,
                              description=_UNSET, annual_objectives: dict[str, str] | None = None,
                              resources: dict[str, str] | None = None) -> ImprovementPriority:
    errors = ErrorCollector()
    unit_obj = None
    if unit is not _UNSET:
        unit_obj = Unit.objects.filter(key=unit).first() if unit else None
        if unit_obj is None:
            errors.add("unit", f'unknown unit "{unit}"')
    target_unit = unit_obj or (priority.unit if priority else None)
    # A unit lead owns their unit's priorities; the strategy office owns all of them.
    allowed = permissions.can_edit_strategy(actor) or (
        target_unit is not None and permissions.can_edit_unit_plan(actor, target_unit)
        and (priority is None or permissions.can_edit_unit_plan(actor, priority.unit)))
    permissions.require(allowed, "edit this unit's improvement priorities")
    if priority is None:
        priority = ImprovementPriority(key=claim_key(key))
        for name, value in (("title", title), ("year", year), ("unit", unit)):
            if value is _UNSET:
                errors.add(name, "is required")
    if unit_obj is not None:
        priority.unit = unit_obj
    _apply(priority, errors, {"title": title, "year": year, "description": description})
    links = _set_correlations(errors, "annual_objectives", annual_objectives, AnnualObjective, None)
    holders = _resolve_resources(errors, resources) if resources is not None else None
    errors.raise_if_any()
    priority.save()
    if annual_objectives is not None:
        priority.annual_correlations.all().delete()
        for other, strength in links:
            PriorityCorrelation.objects.create(annual_objective=other, priority=priority,
                                               strength=strength)
    if holders is not None:
        priority.resources.all().delete()
        for person, unit_holder, role in holders:
            Resource.objects.create(priority=priority, person=person, unit=unit_holder, role=role)
    return priority


def _resolve_resources(errors: ErrorCollector, resources: dict[str, str]):
    holders = []
    primaries = [k for k, role in resources.items() if role == ResourceRole.PRIMARY]
    if len(primaries) > 1:
        errors.add("resources", "an improvement priority has exactly one primary resource "
                                f"(found {len(primaries)}: {', '.join(primaries)})")
    for holder, role in resources.items():
        if role not in RESOURCE_ROLES:
            errors.add(f"resources.{holder}",
                       f'unknown role "{role}" (expected one of {", ".join(RESOURCE_ROLES)})')
        person = unit = None
        if "@" in holder:
            person = Person.objects.filter(email__iexact=holder).first()
            if person is None:
                errors.add(f"resources.{holder}", f'unknown person "{holder}"')
        else:
            unit = Unit.objects.filter(key=holder).first()
            if unit is None:
                errors.add(f"resources.{holder}", f'unknown unit "{holder}"')
        holders.append((person, unit, role))
    return holders


@service
def save_metric(actor: Person | None, metric: Metric | None = None, *, key: str | None = None,
                title=_UNSET, unit=_UNSET, direction=_UNSET, baseline=_UNSET, target=_UNSET,
                owner=_UNSET, priorities: dict[str, str] | None = None) -> Metric:
    _require_editor(actor, "edit metrics")
    errors = ErrorCollector()
    if metric is None:
        metric = Metric(key=claim_key(key))
        if title is _UNSET:
            errors.add("title", "is required")
    if direction is not _UNSET and direction not in Metric.Direction.values:
        errors.add("direction", 'must be "increase" or "decrease"')
    _apply(metric, errors, {"title": title, "unit": unit, "direction": direction,
                            "baseline": baseline, "target": target, "owner": owner})
    links = _set_correlations(errors, "priorities", priorities, ImprovementPriority, None)
    errors.raise_if_any()
    metric.unit = metric.unit or ""
    metric.save()
    if priorities is not None:
        metric.correlations.all().delete()
        for other, strength in links:
            MetricCorrelation.objects.create(priority=other, metric=metric, strength=strength)
    return metric


def parse_period(period: str, field: str = "period") -> dt.date:
    try:
        year, month = str(period).split("-")[:2]
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise DomainError.field(field, f'"{period}" is not a month like 2026-01') from None


@service
def record_metric_actual(actor: Person | None, metric: Metric, *, period: str,
                         plan: float | None = None, actual: float | None = None) -> MetricActual:
    """Set one month's plan and/or actual of a metric (the bowling chart)."""
    allowed = permissions.can_edit_strategy(actor) or (actor is not None
                                                      and metric.owner_id == actor.pk)
    permissions.require(allowed, "record this metric's actuals")
    month = parse_period(period)
    row, _ = MetricActual.objects.get_or_create(metric=metric, period=month)
    if plan is not None:
        row.plan = plan
    if actual is not None:
        row.actual = actual
    row.save()
    return row


@service
def archive(actor: Person | None, obj) -> None:
    """Archive a breakthrough, annual objective, improvement priority or metric."""
    if isinstance(obj, ImprovementPriority):
        permissions.require(permissions.can_edit_unit_plan(actor, obj.unit),
                            "archive this improvement priority")
    else:
        _require_editor(actor, f"archive {obj._meta.verbose_name_plural}")
    obj.archived_at = timezone.now()
    obj.save()
