"""Reads cycles from the database into the analyzer's plain plan data.

A fixed number of queries whatever the plan's size: each table is read once with
`values()` (no model instances), filtered by cycle in the database, never by long id lists.
"""

from __future__ import annotations

from django.db.models import Count, Q

from hoshin.analyzer import plan as p
from hoshin.core.errors import NotFound
from hoshin.okrs.models import Cycle, Dependency, KeyResult, MilestoneStep, Objective, Theme
from hoshin.okrs.rules import fiscal_year_of
from hoshin.org.models import Organization, Unit
from hoshin.strategy.models import (
    AnnualObjective,
    ImprovementPriority,
    MetricCorrelation,
    PriorityCorrelation,
)

LIVE = Q(archived_at__isnull=True)
_OBJECTIVE_FIELDS = ("key", "title", "unit__key", "cycle__key", "kind", "parent_annual__key",
                     "parent_priority__key", "parent_theme__key", "parent_objective__key")


def cycles_to_check(key: str | None = None) -> list[Cycle]:
    """The named cycle, or else the current plan: every quarter in planning or active
    (or, when none is, the latest quarter)."""
    if key:
        cycle = Cycle.objects.filter(key=key).first()
        if cycle is None:
            known = ", ".join(Cycle.objects.filter(LIVE).values_list("key", flat=True))
            raise NotFound.field("cycle", f'unknown cycle "{key}"'
                                 + (f" (cycles: {known})" if known else " (there are none yet)"))
        return [cycle]
    quarters = Cycle.objects.filter(LIVE, kind=Cycle.Kind.QUARTER)
    current = list(quarters.filter(state__in=[Cycle.State.PLANNING, Cycle.State.ACTIVE]))
    if current:
        return current
    latest = quarters.order_by("-start").first()
    return [latest] if latest else []


def _objective(row: dict) -> p.Objective:
    parent = (row["parent_annual__key"] or row["parent_priority__key"]
              or row["parent_theme__key"] or row["parent_objective__key"])
    return p.Objective(id=row["key"], title=row["title"], unit=row["unit__key"],
                       cycle=row["cycle__key"], parent=parent, kind=row["kind"])


def collect(cycles: list[Cycle]) -> p.Plan:
    """The plan of these cycles: their objectives and key results with everything the
    rules compare them against (units, the brief, the year's strategy, dependencies)."""
    fy_start = Organization.current().fiscal_year_start
    plan = p.Plan(cycles=[p.Cycle(id=c.key, title=c.name or c.key,
                                  fiscal_year=fiscal_year_of(c.start, fy_start)) for c in cycles])
    years = sorted({c.fiscal_year for c in plan.cycles})
    cycle_ids = [c.pk for c in cycles]
    for key, name, parent in Unit.objects.filter(LIVE).values_list("key", "name", "parent__key"):
        plan.units[key] = p.Unit(id=key, name=name, parent=parent)

    objectives: dict[int, p.Objective] = {}
    for row in (Objective.objects.filter(LIVE, cycle_id__in=cycle_ids)
                .order_by("cycle__start", "unit__key", "key").values("id", *_OBJECTIVE_FIELDS)):
        objectives[row["id"]] = _objective(row)
    plan.objectives = list(objectives.values())

    kr_rows = (KeyResult.objects.filter(LIVE, objective__archived_at__isnull=True,
                                        objective__cycle_id__in=cycle_ids)
               .order_by("objective_id", "id")
               .values_list("id", "key", "title", "objective_id", "owner__email", "owner__name",
                            "kind", "baseline", "target"))
    steps = dict(MilestoneStep.objects.filter(key_result__objective__cycle_id__in=cycle_ids,
                                              key_result__kind=KeyResult.Kind.MILESTONE)
                 .values("key_result_id").annotate(n=Count("id"))
                 .values_list("key_result_id", "n"))
    for kr_id, key, title, objective_id, email, name, kind, baseline, target in kr_rows:
        objective = objectives.get(objective_id)
        if objective is None:
            continue
        owner = p.Owner(id=email, name=name) if email else None
        objective.key_results.append(p.KeyResult(
            id=key, title=title, objective=objective.id, owner=owner, kind=kind,
            baseline=baseline, target=target, steps=steps.get(kr_id, 0)))

    # Parents outside these cycles (a year's objectives), for parent chains.
    known = {o.id for o in plan.objectives}
    parent_objectives = {o.parent for o in plan.objectives} - known - {None}
    if parent_objectives:
        outside = (Objective.objects.filter(child_objectives__cycle_id__in=cycle_ids)
                   .exclude(cycle_id__in=cycle_ids).distinct().values(*_OBJECTIVE_FIELDS))
        for row in outside:
            plan.outside_objectives[row["key"]] = _objective(row)

    themes = {key: p.Theme(id=key, title=title, cycle=cycle) for key, title, cycle in
              Theme.objects.filter(LIVE, cycle_id__in=cycle_ids)
              .values_list("key", "title", "cycle__key")}
    for theme, annual in (Theme.annual_objectives.through.objects
                          .filter(theme__cycle_id__in=cycle_ids)
                          .values_list("theme__key", "annualobjective__key")):
        if theme in themes:
            themes[theme].annual_objectives.append(annual)
    plan.themes = sorted(themes.values(), key=lambda t: (t.cycle, t.id))

    plan.annual_objectives = [
        p.AnnualObjective(id=key, title=title, year=year) for key, title, year in
        AnnualObjective.objects.filter(LIVE, year__in=years).order_by("key")
        .values_list("key", "title", "year")]
    priorities = {key: p.Priority(id=key, title=title, year=year, unit=unit) for
                  key, title, year, unit in
                  ImprovementPriority.objects.filter(LIVE, year__in=years).order_by("key")
                  .values_list("key", "title", "year", "unit__key")}
    for priority, annual in (PriorityCorrelation.objects.filter(priority__year__in=years)
                             .values_list("priority__key", "annual_objective__key")):
        if priority in priorities:
            priorities[priority].annual_objectives.append(annual)
    plan.priorities = list(priorities.values())

    metrics: dict[str, p.Metric] = {}
    for metric, title, priority in (MetricCorrelation.objects
                                    .filter(priority__year__in=years, metric__archived_at=None)
                                    .values_list("metric__key", "metric__title",
                                                 "priority__key")):
        metrics.setdefault(metric, p.Metric(id=metric, title=title)).priorities.append(priority)
    plan.metrics = list(metrics.values())

    plan.dependencies = [
        p.Dependency(id=key, key_result=kr, objective=obj, providing_unit=unit,
                     description=description, state=state)
        for key, kr, obj, unit, description, state in
        Dependency.objects.filter(LIVE).filter(Q(key_result__objective__cycle_id__in=cycle_ids)
                                               | Q(objective__cycle_id__in=cycle_ids))
        .order_by("id").values_list("key", "key_result__key", "objective__key",
                                    "providing_unit__key", "description", "state")]
    return plan

