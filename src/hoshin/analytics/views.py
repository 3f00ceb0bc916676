"""The execution analytics page: regularity, calibration, forecasts and trends, each with
its chart, its table and the sample size beside every figure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from hoshin.analytics import charts, exports, figures, report, selectors
from hoshin.analytics.api import scope_for
from hoshin.core import errors
from hoshin.engine import grade_forecast
from hoshin.okrs.models import Cycle
from hoshin.org import permissions
from hoshin.org.forms import person_choices, unit_options

FORECAST_ROWS = 50


@login_required
def analytics(request):
    user = request.user
    person = request.GET.get("person") or ""
    if person == "me":
        person = str(user.pk)
    try:
        scope = scope_for(user, request.GET.get("unit") or None,
                          request.GET.get("cycle") or None, person or None)
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.NotFound as e:
        raise Http404(str(e)) from e
    added = selectors.totals(scope)
    bands, n = selectors.regularity(scope, added)
    cal = selectors.calibration(scope, added)
    trend = report.trends_dict()
    quarters = trend["quarters"]
    labels = [q["cycle"] for q in quarters]
    lines = [(title, charts.trend_svg(labels, [q[field] for q in quarters], title=title))
             for field, title in (("objectives", "Objectives"),
                                  ("orphan_objectives", "Orphan objectives"),
                                  ("output_key_results", "Output key results"),
                                  ("reviews_with_decisions", "Reviews that decided something"),
                                  ("trade_offs", "Trade-offs written"))] if quarters else []
    if response := exports.respond(request, scope, bands, cal, trend):
        return response
    stored, forecasts_total = selectors.forecasts(scope, FORECAST_ROWS)
    return render(request, "analytics/index.html", {
        "nav": "analytics", "scope": scope, "n": n, "bands": bands,
        "bands_svg": charts.bands_svg(bands) if n else "", "cal": cal,
        "reliability_svg": charts.reliability_svg(cal) if cal.n else "",
        "trend": trend, "trend_lines": lines,
        "forecasts": [report.forecast_dict(f) for f in stored],
        "forecasts_total": forecasts_total, "on_track": grade_forecast.ON_TRACK_GRADE,
        "min_similar": grade_forecast.MIN_SIMILAR,
        "unit_options": unit_options(scope.unit),
        "cycles": Cycle.objects.filter(kind=Cycle.Kind.QUARTER).order_by("-start"),
        "people": person_choices() if permissions.can_edit_strategy(user) else [],
        "person": person, "me": str(user.pk),
        "reached_at": selectors.REACHED_AT, "bands_defined": figures.BANDS})
