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

from hoshin.core import clock
from hoshin.core.history_view import history_rows
from hoshin.engine.numbers import number
from hoshin.okrs.models import CheckIn, KeyResult, Objective
from hoshin.okrs.rows import build_rows
from hoshin.okrs.views import active_quarters
from hoshin.org.models import Organization, Unit

RECENT_CHANGES = 10


@dataclass
class Change:
    when: dt.datetime
    who: str
    subject: str
    url: str
    what: str
    reason: str = ""


@login_required
def home(request):
    user = request.user
    today = clock.today()
    cycles = list(active_quarters())
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
    unit_objectives = [(o, by_objective.get(o.pk, [])) for o in objectives]
    return render(request, "web/home.html", {
        "organization": Organization.current(), "cycles": cycles, "nav": "home",
        "mine": mine, "due": sum(r.due for r in mine), "units": units,
        "unit_objectives": unit_objectives, "next": request.path,
        "changes": recent_changes(user, [r.kr for r in mine], objectives),
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
                              url=_url(item), what=row.summary, reason=row.reason))
    if krs:
        for c in (CheckIn.objects.filter(key_result_id__in=krs).exclude(author=user)
                  .select_related("author").order_by("-created_at", "-id")[:limit]):
            kr = krs[c.key_result_id]
            reading = "" if c.value is None else f" {number(c.value)}{kr.unit and ' ' + kr.unit}"
            changes.append(Change(when=c.created_at, who=_name(c.author),
                                  subject=f"{kr.key} {kr.title}", url=_url(kr),
                                  what=f"checked in{reading}", reason=c.note))
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def _name(person) -> str:
    return person.name if person is not None else "System"


def _url(item) -> str:
    if isinstance(item, KeyResult):
        return reverse("okrs:key_result", args=[item.key])
    return ""


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
