"""The X-matrix's data (SPEC §2.5): the plain input of `strategy.xmatrix` for one fiscal
year, read from the model on every request. The X-matrix pages (web.strategy.xmatrix, with
the running quarter's statuses) and the annual review (closing) draw it."""

from __future__ import annotations

from urllib.parse import quote

from django.db.models import Q

from hoshin.engine.numbers import number
from hoshin.strategy import xmatrix
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
    Metric,
    MetricCorrelation,
    PriorityCorrelation,
    Resource,
    Vision,
)


def xmatrix_data(year: int, statuses: dict[str, str] | None = None) -> xmatrix.XMatrixData:
    """The plain input of the X-matrix for one fiscal year, in a fixed handful of queries."""
    vision = Vision.objects.filter(pk=1).values_list("statement", flat=True).first() or ""
    breakthroughs = [xmatrix.Item(key, title, href=f"/strategy/breakthroughs/{quote(key)}/")
                     for key, title in
                     Breakthrough.objects.filter(archived_at__isnull=True)
                     .values_list("key", "title")]
    annuals_qs = AnnualObjective.objects.filter(year=year, archived_at__isnull=True)
    statuses = statuses or {}
    annuals = [xmatrix.Item(key, title, status=statuses.get(key),
                            href=f"/strategy/annual/{quote(key)}/")
               for key, title in annuals_qs.values_list("key", "title")]
    priorities_qs = ImprovementPriority.objects.filter(year=year, archived_at__isnull=True)
    priorities = [xmatrix.Item(key, title, unit_name, statuses.get(key),
                               f"/strategy/priorities/{quote(key)}/")
                  for key, title, unit_name in
                  priorities_qs.values_list("key", "title", "unit__name")]

    # The year's metrics: those its priorities move, plus metrics nothing moves yet (they
    # show up as orphans, which is the point).
    metrics_qs = (Metric.objects.filter(archived_at__isnull=True)
                  .filter(Q(correlations__priority__in=priorities_qs)
                          | Q(correlations__isnull=True)).distinct())
    metrics = []
    for key, title, unit, baseline, target in metrics_qs.values_list(
            "key", "title", "unit", "baseline", "target"):
        detail = ""
        if baseline is not None or target is not None:
            detail = f"{number(baseline)} → {number(target)} {unit}".strip()
        metrics.append(xmatrix.Item(key, title, detail, href=f"/strategy/metrics/{quote(key)}/"))

    bt_annual = {(b, a): s for b, a, s in BreakthroughCorrelation.objects
                 .filter(annual_objective__in=annuals_qs, breakthrough__archived_at__isnull=True)
                 .values_list("breakthrough__key", "annual_objective__key", "strength")}
    annual_priority = {(a, p): s for a, p, s in PriorityCorrelation.objects
                       .filter(priority__in=priorities_qs,
                               annual_objective__in=annuals_qs)
                       .values_list("annual_objective__key", "priority__key", "strength")}
    priority_metric = {(p, m): s for p, m, s in MetricCorrelation.objects
                       .filter(priority__in=priorities_qs, metric__archived_at__isnull=True)
                       .values_list("priority__key", "metric__key", "strength")}

    people: dict[str, xmatrix.Holder] = {}
    units: dict[str, xmatrix.Holder] = {}
    roles: dict[tuple[str, str], str] = {}
    for p, email, name, unit_key, unit_name, role in (
            Resource.objects.filter(priority__in=priorities_qs)
            .values_list("priority__key", "person__email", "person__name", "unit__key",
                         "unit__name", "role")):
        if email:
            people[email] = xmatrix.Holder(email, name, "person")
            roles[(p, email)] = role
        else:
            units[unit_key] = xmatrix.Holder(unit_key, unit_name, "unit",
                                             f"/units/{quote(unit_key)}/")
            roles[(p, unit_key)] = role
    holders = (sorted(people.values(), key=lambda h: h.name.lower())
               + sorted(units.values(), key=lambda h: h.name.lower()))

    return xmatrix.XMatrixData(
        year=year, vision=vision, breakthroughs=breakthroughs, annuals=annuals,
        priorities=priorities, metrics=metrics, holders=holders,
        breakthrough_annual=bt_annual, annual_priority=annual_priority,
        priority_metric=priority_metric, roles=roles)
