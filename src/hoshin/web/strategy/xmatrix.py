"""The X-matrix (SPEC §2.5), generated from the model on every request, its annual
objectives and priorities coloured by the running quarter's OKRs (SPEC §3.8)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from hoshin.okrs.models import Cycle
from hoshin.okrs.progress import strategy_statuses
from hoshin.okrs.rules import fiscal_year_of
from hoshin.org.models import Organization
from hoshin.strategy import xmatrix
from hoshin.strategy.views.xmatrix import xmatrix_data
from hoshin.strategy.views.years import plan_years, selected_year
from hoshin.web.strategy.years import active_quarter


def real_statuses(year: int, org: Organization) -> tuple[Cycle | None, dict[str, str]]:
    """Status of the year's annual objectives and priorities from the active quarter's OKRs
    (SPEC §3.8: real execution data, not self-reported colours)."""
    cycle = active_quarter()
    if cycle is None or fiscal_year_of(cycle.start, org.fiscal_year_start) != year:
        return None, {}
    return cycle, {key: str(status) for key, status in strategy_statuses(cycle).items()}


def _build(request):
    org = Organization.current()
    year = selected_year(request, org)
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
        "nav": "xmatrix", "year": year, "years": plan_years(year), "svg": mark_safe(svg),
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
