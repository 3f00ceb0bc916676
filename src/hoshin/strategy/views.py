"""Strategy pages: the X-matrix (SPEC §2.5), generated from the model on every request."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from hoshin.core import clock
from hoshin.engine.numbers import number
from hoshin.okrs.models import Cycle
from hoshin.okrs.progress import strategy_statuses
from hoshin.okrs.rules import fiscal_year_of
from hoshin.org.models import Organization
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


def _active_quarter() -> Cycle | None:
    return (Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE,
                                 archived_at__isnull=True).order_by("-start").first())


def _default_year(org: Organization) -> int:
    active = _active_quarter()
    day = active.start if active else clock.today()
    return fiscal_year_of(day, org.fiscal_year_start)


def _year(request, org: Organization) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return _default_year(org)
    return year if 1900 <= year <= 9999 else _default_year(org)


def _years(current: int) -> list[int]:
    years = set(AnnualObjective.objects.filter(archived_at__isnull=True)
                .values_list("year", flat=True).distinct())
    years |= set(ImprovementPriority.objects.filter(archived_at__isnull=True)
                 .values_list("year", flat=True).distinct())
    years.add(current)
    return sorted(years, reverse=True)


def real_statuses(year: int, org: Organization) -> tuple[Cycle | None, dict[str, str]]:
    """Status of the year's annual objectives and priorities from the active quarter's OKRs
    (SPEC §3.8: real execution data, not self-reported colours)."""
    cycle = _active_quarter()
    if cycle is None or fiscal_year_of(cycle.start, org.fiscal_year_start) != year:
        return None, {}
    return cycle, {key: str(status) for key, status in strategy_statuses(cycle).items()}


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


def _build(request):
    org = Organization.current()
    year = _year(request, org)
    cycle, statuses = real_statuses(year, org)
    data = xmatrix_data(year, statuses)
    svg, lay = xmatrix.build_svg(data, f"{org.name} · X-matrix {year}")
    return org, year, svg, lay, cycle


@login_required
def xmatrix_page(request, printable: bool = False):
    org, year, svg, lay, cycle = _build(request)
    names = {h.key: h.name for h in lay.data.holders}
    flags = [{"kind": f.kind, "key": f.key, "name": names.get(f.key, f.key),
              "message": f.message} for f in lay.flags]
    d = lay.data
    context = {
        "nav": "xmatrix", "year": year, "years": _years(year), "svg": mark_safe(svg),
        "flags": flags, "printable": printable, "organization": org, "status_cycle": cycle,
        "counts": {"breakthroughs": len(d.breakthroughs), "annuals": len(d.annuals),
                   "priorities": len(d.priorities), "metrics": len(d.metrics),
                   "resources": len(d.holders)},
        "overload_total": xmatrix.OVERLOAD_TOTAL, "overload_primary": xmatrix.OVERLOAD_PRIMARY,
    }
    return render(request, "strategy/xmatrix.html", context)


@login_required
def xmatrix_svg(request):
    _, year, svg, _, _ = _build(request)
    response = HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + svg,
                            content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="x-matrix-{year}.svg"'
    return response
