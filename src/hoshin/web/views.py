"""The web front door: the home page of the person logged in, and the health check."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from hoshin.okrs.models import CheckIn, KeyResult, Objective
from hoshin.okrs.views import active_quarters, build_rows
from hoshin.org.models import Organization, Unit

RECENT_CHANGES = 10
# Fields whose change is worth naming but whose old and new values are ids, not words.
_REFERENCE_FIELDS = {"owner", "objective", "unit", "cycle", "parent_annual", "parent_priority",
                     "parent_theme", "parent_objective"}


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
    today = timezone.localdate()
    cycles = list(active_quarters())
    units = list(Unit.objects.filter(Q(memberships__person=user) | Q(lead=user),
                                     archived_at__isnull=True).distinct().order_by("name"))
    objectives = list(Objective.objects.filter(cycle__in=cycles, unit__in=units,
                                               archived_at__isnull=True)
                      .select_related("unit", "cycle").order_by("unit__name", "key"))
    key_results = KeyResult.objects.filter(
        Q(owner=user) | Q(objective__in=[o.pk for o in objectives]),
        objective__cycle__in=cycles, objective__archived_at__isnull=True,
        archived_at__isnull=True).order_by("objective__key", "id")
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
    for model, items in ((KeyResult, krs), (Objective, objs)):
        if not items:
            continue
        records = list(model.history.filter(id__in=items).select_related("history_user")
                       .order_by("-history_date", "-history_id")[:limit])
        previous = _previous_records(model, [r for r in records if r.history_type == "~"])
        for r in records:
            item = items[r.id]
            changes.append(Change(
                when=r.history_date, who=_name(r.history_user),
                subject=f"{item.key} {item.title}", url=_url(item),
                what=_describe(r, previous.get(r.history_id)),
                reason=r.history_change_reason or ""))
    if krs:
        for c in (CheckIn.objects.filter(key_result_id__in=krs).exclude(author=user)
                  .select_related("author").order_by("-created_at", "-id")[:limit]):
            kr = krs[c.key_result_id]
            reading = "" if c.value is None else f" {c.value:g}{kr.unit and ' ' + kr.unit}"
            changes.append(Change(when=c.created_at, who=_name(c.author),
                                  subject=f"{kr.key} {kr.title}", url=_url(kr),
                                  what=f"checked in{reading}", reason=c.note))
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def _previous_records(model, records) -> dict:
    """The record each change was made to, for all the changes at once."""
    if not records:
        return {}
    older = defaultdict(list)
    for r in (model.history.filter(id__in={r.id for r in records},
                                   history_date__lte=max(r.history_date for r in records))
              .order_by("history_date", "history_id")):
        older[r.id].append(r)
    found = {}
    for r in records:
        before = [o for o in older[r.id] if (o.history_date, o.history_id) <
                  (r.history_date, r.history_id)]
        if before:
            found[r.history_id] = before[-1]
    return found


def _describe(record, previous) -> str:
    if record.history_type == "+":
        return "created"
    if record.history_type == "-":
        return "deleted"
    if previous is None:
        return "changed"
    delta = record.diff_against(previous, excluded_fields=["updated_at", "created_at"])
    if any(c.field == "archived_at" and c.new for c in delta.changes):
        return "archived"
    parts = []
    for c in delta.changes:
        name = record.instance_type._meta.get_field(c.field).verbose_name
        if c.field in _REFERENCE_FIELDS or len(str(c.old)) + len(str(c.new)) > 80:
            parts.append(str(name))
        else:
            parts.append(f"{name} {_show(c.old)} → {_show(c.new)}")
    return "changed " + ", ".join(parts) if parts else "saved without changes"


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


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
