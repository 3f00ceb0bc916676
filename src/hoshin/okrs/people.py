"""A person's page (/people/<id>/): who they are, the units they lead or belong to, and
the key results they own in a quarter with their status. Every name of a person on
another page links here ({% person %}, core/templatetags/people.py).

okrs owns it because what it shows is OKR data (key results by owner); org knows the
person and the units but not what they own. Like every page, it is for anyone logged in:
the plan is transparent inside the organisation (SPEC §10). The e-mail address is not
shown: colleagues know each other by name, and the address is the person's login."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from hoshin.core.templatetags.people import hue, initials
from hoshin.okrs.models import KeyResult
from hoshin.okrs.pages import _pick_cycle
from hoshin.okrs.rows import build_rows, no_forms
from hoshin.okrs.selectors import quarters
from hoshin.org.models import Person, Unit


# How many of their key results are in each status, in these words ("2 off track").
STATUS_WORDS = (("on_track", "on track"), ("at_risk", "at risk"),
                ("off_track", "off track"), ("no_data", "without data"))


@login_required
def person_page(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    cycles = quarters()
    cycle = _pick_cycle(cycles, request.GET.get("cycle"))
    led = list(Unit.objects.filter(lead=person, archived_at__isnull=True).order_by("name"))
    member_of = list(Unit.objects.filter(memberships__person=person, archived_at__isnull=True)
                     .exclude(pk__in=[u.pk for u in led]).order_by("name").distinct())
    rows = []
    if cycle is not None:
        krs = KeyResult.objects.filter(owner=person, objective__cycle=cycle,
                                       objective__archived_at__isnull=True,
                                       archived_at__isnull=True).order_by("objective__key", "id")
        rows = build_rows(krs, request.user, forms_for=no_forms)
    by_objective: dict[int, dict] = defaultdict(dict)
    for row in rows:  # grouped under their objective, as on the unit page
        group = by_objective[row.kr.objective_id]
        group.setdefault("objective", row.kr.objective)
        group.setdefault("rows", []).append(row)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    return render(request, "okrs/person.html", {
        "person": person, "initials": initials(person.name), "hue": hue(person.name), "led": led, "member_of": member_of, "cycle": cycle,
        "cycles": cycles, "groups": list(by_objective.values()), "rows": rows,
        "counts": [(s, label, counts[s]) for s, label in STATUS_WORDS if counts[s]],
    })
