"""Reading threads: what awaits a person's answer, what waits on others, the strategy
office's overview, the badges of elements in catchball, and a thread's rounds as read on
its page and in the CLI."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from hoshin.catchball.models import ELEMENT_FIELDS, Catchball, PlanningDeadline, Side
from hoshin.catchball.services.elements import element_field
from hoshin.catchball.services.versions import version_of
from hoshin.engine.numbers import number
from hoshin.org.models import Person

# How a missing target reads in a thread's rounds.
NO_TARGET = "–"


def _awaiting_q(person: Person) -> Q:
    unit_side = (Q(waiting_on=Side.UNIT) & (Q(unit__lead=person) | Q(delegate=person))
                 & ~Q(proposer=person))
    proposer_side = Q(waiting_on=Side.PROPOSER) & (Q(proposer=person)
                                                   | Q(proposer_unit__lead=person))
    return Q(state=Catchball.State.OPEN) & (unit_side | proposer_side)


def _involved_q(person: Person) -> Q:
    return (Q(unit__lead=person) | Q(delegate=person) | Q(proposer=person)
            | Q(proposer_unit__lead=person))


def _threads(query):
    return query.select_related("unit", "unit__lead", "proposer", "proposer_unit", "delegate",
                                *ELEMENT_FIELDS)


def _with_today(threads, today: dt.date) -> list[Catchball]:
    rows = list(threads)
    for thread in rows:
        thread.overdue = thread.is_overdue(today)
    far = dt.date.max
    rows.sort(key=lambda t: (not t.overdue, t.respond_by or far, t.pk))
    return rows


def awaiting_count(person: Person | None) -> int:
    """How many threads wait for the person's answer: one query (the nav badge)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return 0
    return Catchball.objects.filter(_awaiting_q(person)).count()


def awaiting_answer(person: Person, today: dt.date) -> list[Catchball]:
    """Open threads where it is the person's turn: as the lead (or delegate) of the
    receiving unit, or as the proposer after the unit answered. Overdue first."""
    return _with_today(_threads(Catchball.objects.filter(_awaiting_q(person))), today)


def waiting_on_others(person: Person, today: dt.date) -> list[Catchball]:
    query = (Catchball.objects.filter(state=Catchball.State.OPEN).filter(_involved_q(person))
             .exclude(_awaiting_q(person)))
    return _with_today(_threads(query), today)


def recently_closed(person: Person, limit: int = 10) -> list[Catchball]:
    query = Catchball.objects.exclude(state=Catchball.State.OPEN).filter(_involved_q(person))
    return list(_threads(query).order_by("-closed_at", "-id")[:limit])


def overview(today: dt.date) -> list[dict]:
    """Open threads per receiving unit, for the strategy office: units with overdue threads
    first, then by the earliest deadline."""
    threads = _with_today(_threads(Catchball.objects.filter(state=Catchball.State.OPEN)), today)
    agreement = dict(PlanningDeadline.objects.filter(what=PlanningDeadline.What.AGREEMENT)
                     .values_list("cycle_id", "due"))
    units: dict[int, dict] = {}
    for thread in threads:
        thread.agree_by = agreement.get(thread.cycle_id)
        row = units.setdefault(thread.unit_id, {"unit": thread.unit, "threads": [],
                                                "overdue": 0, "unanswered": 0})
        row["threads"].append(thread)
        row["overdue"] += thread.overdue
        row["unanswered"] += thread.waiting_on == Side.UNIT
    far = dt.date.max
    return sorted(units.values(), key=lambda r: (
        -r["overdue"], min((t.respond_by or far) for t in r["threads"]), r["unit"].name))


def in_catchball(elements) -> dict[tuple[str, int], str]:
    """{(element field, pk): "in catchball" | "agreed in catchball"} for the given elements,
    in one query per kind: the badge lists and pages show."""
    by_field: dict[str, list[int]] = {}
    for element in elements:
        by_field.setdefault(element_field(element), []).append(element.pk)
    marks: dict[tuple[str, int], str] = {}
    for field, ids in by_field.items():
        rows = (Catchball.objects.filter(**{f"{field}__in": ids})
                .exclude(state=Catchball.State.WITHDRAWN).values_list(f"{field}_id", "state"))
        for pk, state in rows:
            if state == Catchball.State.OPEN:
                marks[(field, pk)] = "in catchball"
            else:
                marks.setdefault((field, pk), "agreed in catchball")
    return marks


def thread_rounds(thread: Catchball) -> list[dict]:
    """The rounds with what each changed in the version (old → new)."""
    rows, previous = [], None
    for round_ in thread.rounds.select_related("author").prefetch_related("help_from"):
        version = version_of(round_)
        changes = []
        if previous is not None:
            for name in ("title", "target", "description"):
                if version[name] != previous[name]:
                    old, new = previous[name], version[name]
                    if name == "target":
                        old, new = number(old, empty=NO_TARGET), number(new, empty=NO_TARGET)
                    changes.append({"field": name, "old": old, "new": new})
        rows.append({"round": round_, "version": version, "changes": changes,
                     "target": number(version["target"], empty=NO_TARGET),
                     "help_from": list(round_.help_from.all())})
        previous = version
    return rows
