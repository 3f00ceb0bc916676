"""The drumbeat as an iCalendar feed (RFC 5545): weekly check-in days, every review with
its computed date (the week-6 review included), planning deadlines.

Each event is written out on its own date, never as a repeating rule, so the week-6 review
of every quarter lands where the quarter puts it. UIDs are stable, so calendar apps update
events in place when the plan changes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from icalendar import Calendar, Event

from hoshin.core import clock
from hoshin.notify.models import Rhythm
from hoshin.okrs.models import Cycle, KeyResult
from hoshin.org import permissions
from hoshin.org.models import Organization, Person
from hoshin.reviews import schedule
from hoshin.reviews.agenda import standings
from hoshin.reviews.models import Review

DOMAIN = "hoshin"


def _at(day: dt.date, time: dt.time, zone) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)


def _event(uid: str, summary: str, start, end, description: str = "", url: str = "") -> Event:
    event = Event()
    event.add("uid", f"{uid}@{DOMAIN}")
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    if description:
        event.add("description", description)
    if url:
        event.add("url", settings.BASE_URL + url)
    return event


def _cycles() -> list[Cycle]:
    return list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True,
                                     state__in=[Cycle.State.PLANNING, Cycle.State.ACTIVE,
                                                Cycle.State.DRAFT]).order_by("start"))


def feed(person: Person | None = None) -> bytes:
    """The organisation's calendar, or a person's: their check-in days (when they own key
    results), the reviews they take part in, and the planning deadlines."""
    org = Organization.current()
    rhythm = Rhythm.current()
    zone = rhythm.zone
    cal = Calendar()
    cal.add("prodid", "-//Hoshin//Strategy execution//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = org.name if org else "Hoshin"
    cal.add("x-wr-calname", f"{name}: {person.name}" if person else name)
    cycles = _cycles()
    owning = set()
    runs_reviews = True
    if person is not None:
        owning = set(KeyResult.objects.filter(owner=person, archived_at__isnull=True)
                     .values_list("objective__cycle_id", flat=True))
        runs_reviews = permissions.can_edit_strategy(person) or person.led_units.exists()
    hour = dt.timedelta(hours=1)
    for cycle in cycles:
        if person is None or cycle.pk in owning:
            day = cycle.start + dt.timedelta(days=(rhythm.checkin_weekday - cycle.start.weekday())
                                             % 7)
            while day <= cycle.end:
                start = _at(day, rhythm.checkin_time, zone)
                cal.add_component(_event(
                    f"checkin-{cycle.key}-{day.isoformat()}", "Check-in day",
                    start, start + dt.timedelta(minutes=30),
                    "Record value, confidence, a note and blockers for each key result you own.",
                    "/"))
                day += dt.timedelta(days=7)
        if runs_reviews:
            held = _review_standings(cycle)
            for slot in schedule.schedule(cycle.start, cycle.end, rhythm.review_weekday):
                start = _at(slot.date, rhythm.review_time, zone)
                review_pk, standing = held.get(slot.date, (None, None))
                event = _event(
                    f"review-{cycle.key}-{slot.date.isoformat()}",
                    f"{slot.label} ({cycle.key}, week {slot.week})", start, start + hour,
                    _review_description(standing),
                    f"/reviews/{review_pk}/" if review_pk else "/reviews/")
                event.add("status", _review_status(standing))
                cal.add_component(event)
    deadlines = _deadlines(person, cycles)
    for uid, summary, day in deadlines:
        event = _event(uid, summary, day, day + dt.timedelta(days=1))
        cal.add_component(event)
    return cal.to_ical()


PLANNED_TEXT = ("Agenda: flags, blockers, dependency requests, overdue actions. Every item "
                "ends with a decision.")


def _review_standings(cycle: Cycle) -> dict:
    """The cycle's reviews that exist, by date: their page and whether they were held."""
    reviews = list(Review.objects.filter(cycle=cycle).select_related("closed_by"))
    of = standings(reviews, clock.today())
    return {r.date: (r.pk, of[r.pk]) for r in reviews}


def _review_status(standing) -> str:
    """RFC 5545 STATUS: a missed review is CANCELLED (it did not take place; calendar apps
    strike it through or hide it); a held, today's or planned one is CONFIRMED."""
    return "CANCELLED" if standing is not None and standing.code == "missed" else "CONFIRMED"


def _review_description(standing) -> str:
    """A past review says in the calendar whether it was held (when, by whom) or missed."""
    if standing is None or standing.code in ("planned", "today"):
        return PLANNED_TEXT
    if standing.code == "held":
        by = f" by {standing.held_by_text}" if standing.held_by else ""
        count = f"{standing.decisions} decision{'s' if standing.decisions != 1 else ''}"
        return f"Held {standing.held_on:%-d %b %Y}{by}: {count}."
    return "Missed: no decision was recorded."


def _deadlines(person: Person | None, cycles: list[Cycle]) -> list[tuple[str, str, dt.date]]:
    try:
        from hoshin.catchball.models import PlanningDeadline
    except ImportError:
        return []
    if person is not None and not (permissions.can_edit_strategy(person)
                                   or person.led_units.exists()):
        return []
    rows = PlanningDeadline.objects.filter(
        Q(cycle__in=cycles) | Q(cycle__kind=Cycle.Kind.YEAR, cycle__archived_at__isnull=True)
    ).select_related("cycle")
    return [(f"deadline-{r.cycle.key}-{r.what}", f"{r.get_what_display()} ({r.cycle.key})",
             r.due) for r in rows]
