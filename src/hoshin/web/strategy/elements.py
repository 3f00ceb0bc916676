"""Each breakthrough's, annual objective's and improvement priority's own page: the element,
its links and history (strategy.views), and the quarterly objectives serving it, with
progress and status rolled up from their key results (okrs)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from hoshin.engine.rollup import rollup
from hoshin.okrs.models import KeyResult, Objective, Theme
from hoshin.okrs.progress import key_result_states
from hoshin.okrs.rows import STATUS_LABELS
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
    PriorityCorrelation,
    ResourceRole,
)
from hoshin.strategy.views.elements import KINDS, detail_context
from hoshin.strategy.views.links import correlation_links, metric_links, resources_by_priority


def objective_figures(objectives) -> dict[int, tuple[float | None, str]]:
    """Each objective's progress and status, rolled up from its key results by weight."""
    krs = KeyResult.objects.filter(objective__in=[o.pk for o in objectives],
                                   archived_at__isnull=True)
    states = key_result_states(krs) if objectives else {}
    by_objective: dict[int, list] = defaultdict(list)
    for kr_id, objective_id, weight in krs.values_list("id", "objective_id", "weight"):
        state = states.get(kr_id)
        if state is not None:
            by_objective[objective_id].append((weight, state.progress, state.status))
    figures = {}
    for o in objectives:
        progress, status = rollup(by_objective[o.pk])
        figures[o.pk] = (progress, str(status))
    return figures


def objectives_serving(q_objs) -> list[dict]:
    """The quarterly objectives matching the filter, grouped by cycle (newest first), each
    with progress and status rolled up from its key results."""
    objectives = list(Objective.objects.filter(q_objs, archived_at__isnull=True)
                      .select_related("unit", "cycle").order_by("-cycle__start", "unit__name",
                                                                "key").distinct())
    figures = objective_figures(objectives)
    cycles: dict[int, dict] = {}
    for o in objectives:
        progress, status = figures[o.pk]
        pct = None if progress is None else round(progress * 100)
        group = cycles.setdefault(o.cycle_id, {"cycle": o.cycle, "objectives": []})
        group["objectives"].append({"objective": o, "status": status,
                                    "status_label": STATUS_LABELS.get(status, status),
                                    "pct": pct, "bar": max(0, min(100, pct or 0))})
    return list(cycles.values())


@login_required
def breakthrough_page(request, key: str):
    item = get_object_or_404(Breakthrough.objects.select_related("owner"), key=key)
    annual_links = correlation_links(
        BreakthroughCorrelation.objects.filter(breakthrough=item)
        .order_by("-annual_objective__year", "annual_objective__key"), "annual_objective")
    annual_ids = [link["item"].pk for link in annual_links]
    priority_ids = list(PriorityCorrelation.objects.filter(annual_objective_id__in=annual_ids)
                        .values_list("priority_id", flat=True))
    theme_ids = Theme.annual_objectives.through.objects.filter(
        annualobjective_id__in=annual_ids).values_list("theme_id", flat=True)
    serving = objectives_serving(Q(parent_annual_id__in=annual_ids)
                                 | Q(parent_priority_id__in=priority_ids)
                                 | Q(parent_theme_id__in=list(theme_ids)))
    context = detail_context(request, item, KINDS["breakthroughs"])
    context.update(annual_links=annual_links, serving=serving,
                   metric_links=metric_links(priority_ids))
    return render(request, "strategy/breakthrough.html", context)


@login_required
def annual_page(request, key: str):
    item = get_object_or_404(AnnualObjective.objects.select_related("owner"), key=key)
    breakthrough_links = correlation_links(
        BreakthroughCorrelation.objects.filter(annual_objective=item)
        .order_by("breakthrough__key"), "breakthrough")
    priority_links = correlation_links(
        PriorityCorrelation.objects.filter(annual_objective=item).order_by("priority__key"),
        "priority")
    priority_ids = [link["item"].pk for link in priority_links]
    resources = resources_by_priority(priority_ids)
    for link in priority_links:
        link["resources"] = resources.get(link["item"].pk, [])
    theme_ids = list(Theme.annual_objectives.through.objects.filter(
        annualobjective_id=item.pk).values_list("theme_id", flat=True))
    serving = objectives_serving(Q(parent_annual=item) | Q(parent_priority_id__in=priority_ids)
                                 | Q(parent_theme_id__in=theme_ids))
    context = detail_context(request, item, KINDS["annual"])
    context.update(breakthrough_links=breakthrough_links, priority_links=priority_links,
                   serving=serving, metric_links=metric_links(priority_ids))
    return render(request, "strategy/annual.html", context)


@login_required
def priority_page(request, key: str):
    item = get_object_or_404(ImprovementPriority.objects.select_related("unit"), key=key)
    annual_links = correlation_links(
        PriorityCorrelation.objects.filter(priority=item).order_by("annual_objective__key"),
        "annual_objective")
    context = detail_context(request, item, KINDS["priorities"])
    resources = resources_by_priority([item.pk]).get(item.pk, [])
    context.update(annual_links=annual_links, resources=resources,
                   has_primary=any(r.role == ResourceRole.PRIMARY for r in resources),
                   metric_links=metric_links([item.pk]),
                   serving=objectives_serving(Q(parent_priority=item)))
    return render(request, "strategy/priority.html", context)
