"""Reading dependencies between units (SPEC §5): a quarter's requests, the unit that relies
on each, the state people see (late and delivered included) and the graph's edges. Shared
by the dependencies page, `hoshin dependencies` and the review agenda."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from hoshin.okrs import dependency_graph as graph
from hoshin.okrs.models import Cycle, Dependency
from hoshin.org.models import Unit

RELATED = ("key_result__objective__unit", "key_result__objective__cycle",
           "objective__unit", "objective__cycle", "providing_unit", "requested_by",
           "decided_by")


def in_cycle(cycle: Cycle):
    return (Dependency.objects.filter(archived_at__isnull=True)
            .filter(Q(key_result__objective__cycle=cycle) | Q(objective__cycle=cycle))
            .select_related(*RELATED).order_by("id"))


def consumer_of(dep: Dependency) -> Unit:
    return (dep.key_result.objective if dep.key_result else dep.objective).unit


def shown_state(dep: Dependency, today: dt.date) -> str:
    if dep.is_late(today):
        return "late"
    if dep.state == Dependency.State.ACCEPTED and dep.delivered_on:
        return "delivered"
    return dep.state


def edges(deps, today: dt.date) -> list[graph.Edge]:
    return [graph.Edge(consumer=consumer_of(d).key, provider=d.providing_unit.key,
                       state=shown_state(d, today), label=d.key) for d in deps]
