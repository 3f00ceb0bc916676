"""The strategy page: vision, breakthroughs, annual objectives, improvement priorities and
metrics of one fiscal year on one page, with the archived elements for those who edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from hoshin.engine.numbers import number
from hoshin.org.models import Organization
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    ImprovementPriority,
    Metric,
    Vision,
)
from hoshin.strategy.views.elements import KINDS, can_edit
from hoshin.strategy.views.grids import GRID_TITLES
from hoshin.strategy.views.history import item_history
from hoshin.strategy.views.links import latest_actuals, resources_by_priority
from hoshin.strategy.views.years import plan_years, selected_year


@login_required
def overview(request):
    org = Organization.current()
    year = selected_year(request, org)
    vision = Vision.objects.filter(pk=1).first()
    breakthroughs = list(Breakthrough.objects.filter(archived_at__isnull=True)
                         .select_related("owner"))
    annuals = list(AnnualObjective.objects.filter(year=year, archived_at__isnull=True)
                   .select_related("owner"))
    priorities = list(ImprovementPriority.objects.filter(year=year, archived_at__isnull=True)
                      .select_related("unit"))
    resources = resources_by_priority([p.pk for p in priorities])
    metrics = list(Metric.objects.filter(archived_at__isnull=True).select_related("owner"))
    latest = latest_actuals([m.pk for m in metrics])
    metric_rows = [{"metric": m, "baseline": number(m.baseline, empty="–"),
                    "target": number(m.target, empty="–"), "latest": latest.get(m.pk)}
                   for m in metrics]
    editable = can_edit(request.user)
    archived = []
    if editable:
        for kind in KINDS.values():
            qs = kind.model.objects.filter(archived_at__isnull=False)
            if kind.model in (AnnualObjective, ImprovementPriority):
                qs = qs.filter(year=year)
            archived += [{"kind": kind, "item": item} for item in qs.order_by("key")[:50]]
    return render(request, "strategy/strategy.html", {
        "nav": "strategy", "year": year, "years": plan_years(year), "vision": vision,
        "breakthroughs": breakthroughs, "annuals": annuals,
        "priorities": [{"priority": p, "resources": resources.get(p.pk, [])}
                       for p in priorities],
        "metric_rows": metric_rows, "can_edit": editable, "archived": archived,
        "grids": GRID_TITLES,
        "vision_history": item_history(vision, limit=10) if vision else [],
    })
