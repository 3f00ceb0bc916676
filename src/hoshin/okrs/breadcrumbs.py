"""Breadcrumbs up the whole chain, for okrs/_breadcrumbs.html: what a key result, an
objective or a unit sits under, outermost first, each crumb a link.

    key result:  [annual objective or priority served] › units, top down › parent
                 objectives, outermost first › its objective › the key result
    objective:   the same without the key result
    unit:        its parent units, top down › the unit

The strategy end is the annual objective or improvement priority the outermost objective
serves (through a theme: the theme's first annual objective, as a theme has no page).
One query per level of unit or objective nesting, plus one or two for the strategy end:
bounded by the depth of the plan, not its size.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from hoshin.okrs.models import KeyResult, Objective
from hoshin.org.models import Unit
from hoshin.strategy.models import AnnualObjective, ImprovementPriority


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str
    key: str = ""  # the plan element's key, shown as secondary text before the label
    kind: str = ""  # "Annual objective", "Improvement priority": said where it is not obvious
    current: bool = False


def _units_above(unit: Unit) -> list[Unit]:
    """The unit's parents, top of the organisation first (not the unit itself)."""
    above: list[Unit] = []
    seen = {unit.pk}
    parent_id = unit.parent_id
    while parent_id and parent_id not in seen:  # a cycle in bad data must not hang a page
        parent = (Unit.objects.filter(pk=parent_id).only("id", "key", "name", "parent_id")
                  .first())
        if parent is None:
            break
        above.append(parent)
        seen.add(parent.pk)
        parent_id = parent.parent_id
    return above[::-1]


def _objectives_above(objective: Objective) -> list[Objective]:
    """The objective's parent objectives, outermost first (not the objective itself)."""
    above: list[Objective] = []
    seen = {objective.pk}
    parent_id = objective.parent_objective_id
    while parent_id and parent_id not in seen:
        parent = Objective.objects.filter(pk=parent_id).first()
        if parent is None:
            break
        above.append(parent)
        seen.add(parent.pk)
        parent_id = parent.parent_objective_id
    return above[::-1]


def _strategy_crumb(objective: Objective) -> Crumb | None:
    """What the outermost objective serves in the strategy, if anything."""
    item, kind = None, ""
    if objective.parent_priority_id:
        item = ImprovementPriority.objects.filter(pk=objective.parent_priority_id).first()
        kind = "Improvement priority"
    elif objective.parent_annual_id:
        item = AnnualObjective.objects.filter(pk=objective.parent_annual_id).first()
        kind = "Annual objective"
    elif objective.parent_theme_id:
        item = (AnnualObjective.objects.filter(themes__id=objective.parent_theme_id)
                .order_by("key").first())
        kind = "Annual objective"
    if item is None:
        return None
    return Crumb(item.title, item.get_absolute_url(), key=item.key, kind=kind)


def _unit_crumb(unit: Unit, cycle_key: str | None) -> Crumb:
    url = unit.get_absolute_url()
    if cycle_key:  # the unit page opens on the quarter the trail came from
        url += f"?cycle={cycle_key}"
    return Crumb(unit.name, url)


def unit_trail(unit: Unit, cycle_key: str | None = None) -> list[Crumb]:
    return ([_unit_crumb(u, cycle_key) for u in _units_above(unit)]
            + [Crumb(unit.name, _unit_crumb(unit, cycle_key).url, current=True)])


def objective_trail(objective: Objective) -> list[Crumb]:
    """`objective` with its unit and cycle loaded (select_related) saves two queries."""
    cycle_key = objective.cycle.key
    parents = _objectives_above(objective)
    served = _strategy_crumb(parents[0] if parents else objective)
    crumbs = [served] if served else []
    unit = objective.unit
    crumbs += [_unit_crumb(u, cycle_key) for u in _units_above(unit)]
    crumbs.append(_unit_crumb(unit, cycle_key))
    crumbs += [Crumb(o.title, o.get_absolute_url(), key=o.key) for o in parents]
    crumbs.append(Crumb(objective.title, objective.get_absolute_url(), key=objective.key,
                        current=True))
    return crumbs


def key_result_trail(kr: KeyResult) -> list[Crumb]:
    *above, objective = objective_trail(kr.objective)
    return [*above, Crumb(objective.label, objective.url, key=objective.key),
            Crumb(kr.title, kr.get_absolute_url(), key=kr.key, current=True)]
