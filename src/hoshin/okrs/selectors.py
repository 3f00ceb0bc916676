"""Read queries of the OKRs that views, the API and exports share: the quarters, the
running ones and a person's key results in them, and the chain from an objective up to
the breakthroughs. (okrs/progress.py reads what the engine needs: snapshots, the
alignment tree, `active_key_results`.)"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from hoshin.okrs.models import Cycle, KeyResult, Objective, Theme
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
    PriorityCorrelation,
)


def quarters() -> list[Cycle]:
    """Every quarter that is not archived, the latest first."""
    return list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
                .order_by("-start"))


def active_quarters() -> QuerySet:
    """The running quarters, the earliest first."""
    return Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE,
                                archived_at__isnull=True).order_by("start")


def quarter_or_current(key: str | None) -> Cycle | None:
    """The quarter `key` names; without one, the running quarter (the latest, should
    several run), else the latest quarter."""
    found = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
    if key:
        return found.filter(key=key).first()
    return (found.filter(state=Cycle.State.ACTIVE).order_by("-start").first()
            or found.order_by("-start").first())


def my_key_results(user) -> QuerySet:
    """The key results a person owns in the running quarter(s)."""
    return KeyResult.objects.filter(owner=user, objective__cycle__in=active_quarters(),
                                    objective__archived_at__isnull=True,
                                    archived_at__isnull=True)


# Why this matters: the chain from an objective up to the breakthroughs --------------------


def _item(kind: str, obj) -> dict:
    # Every level links to its page; a theme has none (it lives in the quarter's brief).
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
    return {"kind": kind, "key": obj.key, "title": obj.title, "url": url}


def chains(objectives: list[Objective]) -> dict[int, list[list[dict]]]:
    """For each objective, the levels above it (nearest first), each a list of plan
    elements. A handful of queries for any number of objectives."""
    objs = {o.pk: o for o in objectives}
    pending = {o.parent_objective_id for o in objs.values() if o.parent_objective_id} - objs.keys()
    while pending:  # one query per level of objective nesting
        objs.update(Objective.objects.in_bulk(pending))
        pending = {o.parent_objective_id for o in objs.values()
                   if o.parent_objective_id} - objs.keys()
    theme_ids = {o.parent_theme_id for o in objs.values() if o.parent_theme_id}
    prio_ids = {o.parent_priority_id for o in objs.values() if o.parent_priority_id}
    themes = Theme.objects.in_bulk(theme_ids)
    prios = ImprovementPriority.objects.in_bulk(prio_ids)
    annuals_of_theme: dict[int, list[int]] = defaultdict(list)
    for theme_id, annual_id in Theme.annual_objectives.through.objects.filter(
            theme_id__in=theme_ids).values_list("theme_id", "annualobjective_id"):
        annuals_of_theme[theme_id].append(annual_id)
    annuals_of_prio: dict[int, list[int]] = defaultdict(list)
    for prio_id, annual_id in PriorityCorrelation.objects.filter(
            priority_id__in=prio_ids).values_list("priority_id", "annual_objective_id"):
        annuals_of_prio[prio_id].append(annual_id)
    annual_ids = ({o.parent_annual_id for o in objs.values() if o.parent_annual_id}
                  | {a for ids in annuals_of_theme.values() for a in ids}
                  | {a for ids in annuals_of_prio.values() for a in ids})
    annuals = AnnualObjective.objects.in_bulk(annual_ids)
    breakthroughs_of: dict[int, list[int]] = defaultdict(list)
    for annual_id, b_id in BreakthroughCorrelation.objects.filter(
            annual_objective_id__in=annual_ids).values_list("annual_objective_id",
                                                             "breakthrough_id"):
        breakthroughs_of[annual_id].append(b_id)
    breakthroughs = Breakthrough.objects.in_bulk(
        {b for ids in breakthroughs_of.values() for b in ids})

    result = {}
    for objective in objectives:
        levels: list[list[dict]] = []
        node, seen = objective, {objective.pk}
        while node.parent_objective_id and node.parent_objective_id not in seen:
            node = objs[node.parent_objective_id]
            seen.add(node.pk)
            levels.append([_item("Objective", node)])
        annual_list: list[int] = []
        if node.parent_theme_id:
            levels.append([_item("Theme", themes[node.parent_theme_id])])
            annual_list = annuals_of_theme[node.parent_theme_id]
        elif node.parent_priority_id:
            levels.append([_item("Improvement priority", prios[node.parent_priority_id])])
            annual_list = annuals_of_prio[node.parent_priority_id]
        elif node.parent_annual_id:
            annual_list = [node.parent_annual_id]
        if annual_list:
            levels.append([_item("Annual objective", annuals[a]) for a in sorted(set(annual_list))])
            b_ids = sorted({b for a in annual_list for b in breakthroughs_of[a]})
            if b_ids:
                levels.append([_item("Breakthrough", breakthroughs[b]) for b in b_ids])
        result[objective.pk] = levels
    return result
