"""Operations on the strategic plan: vision, breakthroughs, annual objectives,
improvement priorities, metrics, correlations and resources."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from hoshin.core import clock, gates, limits
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


def check_guards(actor: Person | None, element, authority=None, **changes) -> None:
    """Run the guards other apps registered on plan elements (catchball: an agreed title is
    locked) on the fields being changed; `authority` is None for an ordinary edit, or
    `gates.Agreement(thread)` when catchball writes what both sides agreed."""
    given = {name: value for name, value in changes.items() if value is not _UNSET}
    gates.check_guards(actor, element, given, authority)


def _agreed(authority, element) -> bool:
    # The agreement of both sides stands in for the actor's own right to edit the element
    # (a unit lead accepting an annual objective does not edit annual objectives); the
    # guards check that it covers this element and these values. Like `actor=None`, an
    # authority is passed by code, never from a request.
    return isinstance(authority, gates.Agreement) and getattr(element, "pk", None) is not None


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
    vision.statement, vision.horizon = statement.strip(), horizon
    vision.customer_ideal = customer_ideal
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
                          breakthroughs: dict[str, str] | None = None,
                          authority=None) -> AnnualObjective:
    if not _agreed(authority, annual):
        _require_editor(actor, "edit annual objectives")
    errors = ErrorCollector()
    if annual is None:
        annual = AnnualObjective(key=claim_key(key))
        for name, value in (("title", title), ("year", year)):
            if value is _UNSET:
                errors.add(name, "is required")
    if year is not _UNSET and (year is None or not limits.YEAR_MIN <= int(year) <= limits.YEAR_MAX):
        errors.add("year", "must be a year such as 2026")
    if annual.pk:
        check_guards(actor, annual, authority, title=title)
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
                              resources: dict[str, str] | None = None,
                              authority=None) -> ImprovementPriority:
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
    permissions.require(allowed or _agreed(authority, priority),
                        "edit this unit's improvement priorities")
    if priority is None:
        priority = ImprovementPriority(key=claim_key(key))
        for name, value in (("title", title), ("year", year), ("unit", unit)):
            if value is _UNSET:
                errors.add(name, "is required")
    if unit_obj is not None:
        priority.unit = unit_obj
    if priority.pk:
        check_guards(actor, priority, authority, title=title)
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
    obj.archived_at = clock.now()
    obj.save()


# Grids: the X-matrix corners edited as a whole, all or nothing -------------------------

# Which correlation a grid edits: its model, and the row and column fields and models.
GRIDS = {
    "breakthrough-annual": (BreakthroughCorrelation, "breakthrough", Breakthrough,
                            "annual_objective", AnnualObjective),
    "annual-priority": (PriorityCorrelation, "annual_objective", AnnualObjective,
                        "priority", ImprovementPriority),
    "priority-metric": (MetricCorrelation, "priority", ImprovementPriority, "metric", Metric),
}


def cell_field(row_key: str, col_key: str) -> str:
    """The error field of one grid cell; forms put the message next to that cell."""
    return f"cell.{row_key}.{col_key}"


def _by_key(errors: ErrorCollector, model, keys, field) -> dict:
    found = {o.key: o for o in model.objects.filter(key__in=set(keys))}
    for key in sorted(set(keys) - found.keys()):
        errors.add(field(key), f'unknown {model._meta.verbose_name} "{key}"')
    return found


@service
def save_correlation_grid(actor: Person | None, grid: str,
                          cells: dict[tuple[str, str], str]) -> int:
    """Set every given (row key, column key) cell of a correlation grid to a strength, or
    remove the link where the strength is blank. Cells not given are left alone. Nothing
    is saved unless every cell is valid. Returns how many links changed."""
    _require_editor(actor, "edit correlations")
    if grid not in GRIDS:
        raise NotFound.field("grid", f'unknown grid "{grid}"')
    model, row_field, row_model, col_field, col_model = GRIDS[grid]
    errors = ErrorCollector()
    for (row_key, col_key), strength in cells.items():
        if strength and strength not in STRENGTHS:
            errors.add(cell_field(row_key, col_key),
                       f'unknown strength "{strength}" (expected blank or one of '
                       f'{", ".join(STRENGTHS)})')
    rows = _by_key(errors, row_model, [r for r, _ in cells], lambda k: f"row.{k}")
    cols = _by_key(errors, col_model, [c for _, c in cells], lambda k: f"column.{k}")
    errors.raise_if_any()
    existing = {(getattr(link, f"{row_field}_id"), getattr(link, f"{col_field}_id")): link
                for link in model.objects.filter(**{f"{row_field}__in": list(rows.values()),
                                                    f"{col_field}__in": list(cols.values())})}
    changed = 0
    for (row_key, col_key), strength in cells.items():
        row, col = rows[row_key], cols[col_key]
        link = existing.get((row.pk, col.pk))
        if not strength:
            if link is not None:
                link.delete()
                changed += 1
        elif link is None:
            model.objects.create(**{row_field: row, col_field: col}, strength=strength)
            changed += 1
        elif link.strength != strength:
            link.strength = strength
            link.save()
            changed += 1
    return changed


def resource_field(holder: str, priority_key: str) -> str:
    return f"resource.{holder}.{priority_key}"


@service
def save_resource_grid(actor: Person | None, cells: dict[tuple[str, str], str]) -> int:
    """Set who works on which improvement priority: {(holder, priority key): role or blank},
    where a holder is a person's email or a unit's key. A priority with any resource needs
    exactly one primary (SPEC §1), counted over the whole result, not just the given cells.
    All or nothing. Returns how many assignments changed."""
    _require_editor(actor, "edit resources")
    errors = ErrorCollector()
    for (holder, priority_key), role in cells.items():
        if role and role not in RESOURCE_ROLES:
            errors.add(resource_field(holder, priority_key),
                       f'unknown role "{role}" (expected blank or one of '
                       f'{", ".join(RESOURCE_ROLES)})')
    priorities = _by_key(errors, ImprovementPriority, [p for _, p in cells],
                         lambda k: f"priority.{k}")
    emails = {h.lower() for h, _ in cells if "@" in h}
    match = Q()
    for email in emails:
        match |= Q(email__iexact=email)
    people = {p.email.lower(): p for p in Person.objects.filter(match)} if emails else {}
    units = {u.key: u for u in Unit.objects.filter(key__in={h for h, _ in cells if "@" not in h})}
    for holder in sorted({h for h, _ in cells}):
        if "@" in holder and holder.lower() not in people:
            errors.add(f"holder.{holder}", f'unknown person "{holder}"')
        elif "@" not in holder and holder not in units:
            errors.add(f"holder.{holder}", f'unknown unit "{holder}"')
    errors.raise_if_any()

    # The outcome, priority by priority: what is there now with the given cells applied.
    existing = {}
    for res in Resource.objects.filter(priority__in=list(priorities.values())).select_related(
            "person", "unit", "priority"):
        holder = res.person.email.lower() if res.person_id else res.unit.key
        existing[(holder, res.priority.key)] = res
    outcome = {k: r.role for k, r in existing.items()}
    wanted = {((h.lower() if "@" in h else h), p): role for (h, p), role in cells.items()}
    outcome.update(wanted)
    for key in sorted(priorities):
        roles = [role for (_, p), role in outcome.items() if p == key and role]
        primaries = roles.count(ResourceRole.PRIMARY)
        if primaries > 1:
            errors.add(f"priority.{key}", f"has {primaries} primary resources; an improvement "
                                          "priority has exactly one")
        elif roles and primaries == 0:
            errors.add(f"priority.{key}", "has resources but no primary; choose exactly one")
    errors.raise_if_any()

    # Demote before promoting so the one-primary constraint holds at every step.
    changed = 0
    ordered = sorted(wanted.items(), key=lambda item: item[1] == ResourceRole.PRIMARY)
    for (holder, priority_key), role in ordered:
        res = existing.get((holder, priority_key))
        if not role:
            if res is not None:
                res.delete()
                changed += 1
        elif res is None:
            Resource.objects.create(priority=priorities[priority_key], role=role,
                                    person=people.get(holder) if "@" in holder else None,
                                    unit=units.get(holder) if "@" not in holder else None)
            changed += 1
        elif res.role != role:
            res.role = role
            res.save()
            changed += 1
    return changed


@service
def restore(actor: Person | None, obj) -> None:
    """Bring an archived breakthrough, annual objective, priority or metric back."""
    if isinstance(obj, ImprovementPriority):
        permissions.require(permissions.can_edit_unit_plan(actor, obj.unit),
                            "restore this improvement priority")
    else:
        _require_editor(actor, f"restore {obj._meta.verbose_name_plural}")
    obj.archived_at = None
    obj.save()
