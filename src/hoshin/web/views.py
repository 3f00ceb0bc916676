"""The web front door: the home page of the person logged in, and the health check."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from hoshin.core import clock
from hoshin.core.history_view import history_rows
from hoshin.engine.numbers import number
from hoshin.engine.rollup import rollup
from hoshin.okrs.models import CheckIn, Cycle, KeyResult, Objective
from hoshin.okrs.rows import StandingFigures, build_rows
from hoshin.okrs.views import active_quarters
from hoshin.org import permissions
from hoshin.org.models import Organization, Role, Unit
from hoshin.web import cockpit

RECENT_CHANGES = 10


@dataclass
class Change:
    when: dt.datetime
    who: str
    subject: str
    url: str
    what: str
    reason: str = ""
    who_url: str = ""  # the person's page; empty for the system


# The roles that get the cockpit: the people who steer the whole plan, and those who
# watch it (hoshin.org.permissions.PLAN_EDITORS and viewers).
COCKPIT_ROLES = {Role.ADMIN, Role.STRATEGY_OFFICE, Role.VIEWER}


@dataclass
class UnitObjective(StandingFigures):
    """One of my units' objectives with its status rolled up from its key results."""

    objective: Objective
    rows: list
    progress: float | None
    status: str


@dataclass
class MyUnit:
    unit: Unit
    led: bool
    objectives: list[UnitObjective]
    new_objective_url: str | None  # where the lead adds the first one


@login_required
def home(request):
    """Sections in the order of what the person steers: the cockpit (strategy office,
    executives, viewers), the units they lead, their own key results with today's check-in,
    their units' objectives when they only belong to them. Each appears when it applies;
    a plain member sees their key results first, as before."""
    user = request.user
    today = clock.today()
    cycles = list(active_quarters())
    cockpit_cycle = cockpit.active_quarter() if user.role in COCKPIT_ROLES else None
    board = cockpit.build(cockpit_cycle, today) if cockpit_cycle is not None else None

    my_unit_ids = (Unit.objects.filter(memberships__person=user).order_by().values("id")
                   .union(Unit.objects.filter(lead=user).order_by().values("id")))
    units = list(Unit.objects.filter(id__in=my_unit_ids, archived_at__isnull=True)
                 .order_by("name"))
    objectives = list(Objective.objects.filter(cycle__in=cycles, unit__in=units,
                                               archived_at__isnull=True)
                      .select_related("unit", "cycle").order_by("unit__name", "key"))
    # Mine and my units' key results, each read through its own index: one OR over both
    # would scan every key result of the organisation, in each of the queries that follow.
    running = KeyResult.objects.filter(objective__cycle__in=cycles,
                                       objective__archived_at__isnull=True,
                                       archived_at__isnull=True)
    ids = running.filter(owner=user).order_by().values_list("id", flat=True).union(
        running.filter(objective__in=[o.pk for o in objectives]).order_by()
        .values_list("id", flat=True))
    key_results = KeyResult.objects.filter(id__in=ids).order_by("objective__key", "id")
    # Forms only on my own key results: the home page is for my part of the plan.
    rows = build_rows(key_results, user, today=today,
                      forms_for=lambda kr: kr.owner_id == user.pk)
    mine = [r for r in rows if r.kr.owner_id == user.pk]
    by_objective = defaultdict(list)
    for r in rows:
        by_objective[r.kr.objective_id].append(r)
    by_unit = defaultdict(list)
    for o in objectives:
        krs = by_objective.get(o.pk, [])
        # The objective's own key results, rolled up as /company/ does.
        progress, status = rollup([(r.kr.weight, r.state.progress, r.state.status)
                                   for r in krs])
        by_unit[o.unit_id].append(UnitObjective(o, krs, progress, str(status)))
    can_plan = permissions.can_edit_strategy(user)
    cycle = cycles[-1] if cycles else None
    my_units = []
    for unit in units:
        led = unit.lead_id == user.pk
        new_url = None
        if cycle is not None and (led or can_plan) and user.role != Role.VIEWER:
            new_url = (reverse("okrs:objective_new") + "?"
                       + urlencode({"unit": unit.key, "cycle": cycle.key}))
        my_units.append(MyUnit(unit, led, by_unit.get(unit.pk, []), new_url))
    # A unit lead steers their units before their own key results.
    my_units.sort(key=lambda u: not u.led)
    leads = any(u.led for u in my_units)
    changes = recent_changes(user, [r.kr for r in mine], objectives)
    return render(request, "web/home.html", {
        "organization": Organization.current(), "cycles": cycles, "nav": "home",
        "cockpit": board, "mine": mine, "due": sum(r.due for r in mine), "units": units,
        "my_units": my_units, "leads": leads, "next": request.path, "changes": changes,
        # Members and leads always see their key results, if only to learn they own none;
        # the cockpit's people only when they own some.
        "show_mine": bool(mine) or board is None,
        # With no quarter running (the last one just closed), where its results are.
        "last_closed": None if cycles else Cycle.objects.filter(
            kind=Cycle.Kind.QUARTER, state=Cycle.State.CLOSED, archived_at__isnull=True)
        .order_by("-end").first(),
    })


def recent_changes(user, my_key_results, objectives, limit: int = RECENT_CHANGES) -> list[Change]:
    """The latest changes to my key results and my units' objectives, and others'
    check-ins on my key results, in a fixed number of queries."""
    krs = {kr.pk: kr for kr in my_key_results}
    objs = {o.pk: o for o in objectives}
    changes: list[Change] = []
    records = []
    for model, items in ((KeyResult, krs), (Objective, objs)):
        if items:
            records += list(model.history.filter(id__in=items)
                            .order_by("-history_date", "-history_id")[:limit])
    for row in history_rows(records, limit=limit):
        item = (krs if row.model is KeyResult else objs)[row.object_id]
        changes.append(Change(when=row.when, who=row.who, subject=f"{item.key} {item.title}",
                              url=_url(item), what=row.summary, reason=row.reason,
                              who_url=row.who_url or ""))
    if krs:
        for c in (CheckIn.objects.filter(key_result_id__in=krs).exclude(author=user)
                  .select_related("author").order_by("-created_at", "-id")[:limit]):
            kr = krs[c.key_result_id]
            reading = "" if c.value is None else f" {number(c.value)}{kr.unit and ' ' + kr.unit}"
            changes.append(Change(when=c.created_at, who=_name(c.author),
                                  subject=f"{kr.key} {kr.title}", url=_url(kr),
                                  what=f"checked in{reading}", reason=c.note,
                                  who_url=c.author.get_absolute_url() if c.author else ""))
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def _name(person) -> str:
    return person.name if person is not None else "System"


def _url(item) -> str:
    if isinstance(item, KeyResult):
        return reverse("okrs:key_result", args=[item.key])
    return reverse("okrs:objective", args=[item.key])


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
