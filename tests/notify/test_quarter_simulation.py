"""A whole quarter, hour by hour: who is reminded when, who is nudged before the leadership
review, which lead gets a digest, and that nothing is sent twice. Time is injected."""

import datetime as dt
from collections import Counter

import pytest

from hoshin.notify import outbox, scheduler
from hoshin.notify.models import OutboxMessage, Rhythm, Weekday
from hoshin.okrs import services as okrs
from tests.factories import build_plan

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 7, 1, 0, 0, tzinfo=dt.UTC)
END = dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.UTC)


STEP = dt.timedelta(hours=2)


def first_tick(moment):
    """The scheduler's first tick at or after `moment`."""
    ticks = -(-(moment - START) // STEP)
    return START + ticks * STEP


def simulate(plan, checkins):
    """Tick every two hours through Q3 2026. `checkins(now)` returns the key results to
    check in at that tick."""
    now = START
    while now < END:
        for kr in checkins(now):
            okrs.record_checkin(None, kr, value=25, confidence=7, date=now.date())
        for name, slot in scheduler.tick(now):
            if name != "deliver-outbox":
                scheduler.run_slot(name, slot, now)
        if now.hour == 22:
            outbox.deliver_pending(now)
        now += STEP


@pytest.fixture
def quarter(only_jobs):
    only_jobs("checkin-reminders", "review-nudges", "lead-digests", "deliver-outbox")
    plan = build_plan(today=dt.date(2026, 7, 1))  # 2026-Q3, active
    Rhythm.objects.create(time_zone="Europe/London", checkin_weekday=Weekday.THURSDAY,
                          checkin_time=dt.time(9, 0), review_weekday=Weekday.MONDAY,
                          review_time=dt.time(10, 0), nudge_hours_before_review=20,
                          digest_weekday=Weekday.FRIDAY, digest_time=dt.time(15, 0))
    return plan


def sent(kind):
    return sorted((m.address, m.created_at) for m in OutboxMessage.objects.filter(kind=kind))


def test_a_quarter_of_reminders_nudges_and_digests(quarter, mailoutbox):
    plan = quarter

    def checkins(now):
        # Mia checks in every Friday at noon (after Thursday's reminder); Otto on Tuesdays
        # of even ISO weeks; Lea never does.
        if now.hour != 12:
            return []
        due = []
        if now.weekday() == 4:
            due.append(plan.kr_sales)
        if now.weekday() == 1 and now.isocalendar().week % 2 == 0:
            due.append(okrs.get(okrs.KeyResult, "KR3"))
        return due

    simulate(plan, checkins)

    # 09:00 in London is 08:00 UTC in summer (a tick falls on it; 09:00 UTC would not).
    thursdays = [dt.datetime(2026, 7, 2, 8, tzinfo=dt.UTC) + dt.timedelta(weeks=i)
                 for i in range(13)]
    reminders = sent("reminder")
    assert [t for a, t in reminders if a == "member@acme.test"] == thursdays
    assert [t for a, t in reminders if a == "lead@acme.test"] == thursdays
    # Otto is reminded only in the weeks he has not checked in by Thursday (odd weeks).
    assert [t for a, t in reminders if a == "opslead@acme.test"] == [
        t for t in thursdays if t.isocalendar().week % 2 == 1]

    # The nudge goes 20 hours before Monday 10:00 London (Sunday 14:00, 13:00 UTC), only
    # to owners still without a check-in that week: never Mia (Fridays), always Lea.
    sundays = [first_tick(dt.datetime(2026, 7, 5, 13, tzinfo=dt.UTC) + dt.timedelta(weeks=i))
               for i in range(13)]
    nudges = sent("nudge")
    assert [t for a, t in nudges if a == "lead@acme.test"] == sundays
    assert not [t for a, t in nudges if a == "member@acme.test"]
    assert [t for a, t in nudges if a == "opslead@acme.test"] == [
        t for t in sundays if t.isocalendar().week % 2 == 1]

    # Each lead of a unit with key results gets a digest every Friday at 15:00 London.
    fridays = [dt.datetime(2026, 7, 3, 14, tzinfo=dt.UTC) + dt.timedelta(weeks=i)
               for i in range(13)]
    digests = sent("digest")
    assert [t for a, t in digests if a == "lead@acme.test"] == fridays
    assert [t for a, t in digests if a == "opslead@acme.test"] == fridays
    assert not [t for a, t in digests if a == "admin@acme.test"]  # acme itself has no OKRs

    # Every message was delivered exactly once.
    outbox.deliver_pending(END)
    assert len(mailoutbox) == OutboxMessage.objects.count() == len(reminders) + len(
        nudges) + len(digests)
    assert max(Counter((m.to[0], m.subject, m.body) for m in mailoutbox).values()) == 1


def test_the_reminder_links_straight_to_each_key_result(quarter, mailoutbox, settings):
    settings.BASE_URL = "https://okr.example.com"
    thursday = dt.datetime(2026, 7, 9, 8, 0, tzinfo=dt.UTC)
    for name, slot in scheduler.tick(thursday):
        if name == "checkin-reminders":
            scheduler.run_slot(name, slot, thursday)
    outbox.deliver_pending(thursday)
    [mail] = [m for m in mailoutbox if m.to == ["lead@acme.test"]]
    assert mail.subject == "Check-in due: 1 key result"
    assert "https://okr.example.com/key-results/KR2/" in mail.body
    html = mail.alternatives[0][0]
    assert 'href="https://okr.example.com/key-results/KR2/"' in html
    assert "Installer certification programme live" in html


def test_no_reminders_outside_an_active_quarter(quarter):
    okrs.transition_cycle(None, quarter.quarter, "closed", override_reason="test")
    thursday = dt.datetime(2026, 7, 9, 8, 0, tzinfo=dt.UTC)
    for name, slot in scheduler.tick(thursday):
        if name != "deliver-outbox":
            scheduler.run_slot(name, slot, thursday)
    assert not OutboxMessage.objects.exists()
