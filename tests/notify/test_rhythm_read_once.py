"""The rhythm is read once per scheduler tick and per job run, never kept past them, and a
change inside the block is seen at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.notify import scheduler
from hoshin.notify import services as notify_services
from hoshin.notify.models import Rhythm

pytestmark = pytest.mark.django_db


def rhythm_reads(ctx) -> int:
    return sum('FROM "notify_rhythm"' in q["sql"] for q in ctx.captured_queries)


def test_outside_a_block_every_call_reads():
    Rhythm.objects.create(time_zone="Europe/London")
    with CaptureQueriesContext(connection) as ctx:
        Rhythm.current()
        Rhythm.current()
    assert rhythm_reads(ctx) == 2


def test_inside_a_block_one_read_and_a_save_is_seen_at_once():
    Rhythm.objects.create(time_zone="Europe/London")
    with CaptureQueriesContext(connection) as ctx, Rhythm.read_once():
        assert Rhythm.current().time_zone == "Europe/London"
        with Rhythm.read_once():  # nested: the outer reading
            assert Rhythm.current().time_zone == "Europe/London"
        notify_services.update_rhythm(None, time_zone="Europe/Berlin")
        assert Rhythm.current().time_zone == "Europe/Berlin"
        Rhythm.current()
    assert rhythm_reads(ctx) == 3  # the first, update_rhythm's own, the one after the save


def test_nothing_is_kept_after_the_block():
    rhythm = Rhythm.objects.create(time_zone="Europe/London")
    with Rhythm.read_once():
        Rhythm.current()
    Rhythm.objects.filter(pk=rhythm.pk).update(time_zone="Asia/Tokyo")  # another process
    assert Rhythm.current().time_zone == "Asia/Tokyo"
    with Rhythm.read_once():
        assert Rhythm.current().time_zone == "Asia/Tokyo"


def test_a_scheduler_tick_and_a_job_run_read_the_rhythm_once():
    Rhythm.objects.create(time_zone="UTC")
    scheduler.discover()
    assert len(scheduler.JOBS) > 2  # several jobs, each asking for the rhythm for its slots
    now = dt.datetime(2026, 3, 5, 9, 15, tzinfo=dt.UTC)  # a Thursday: reminders are due
    with CaptureQueriesContext(connection) as ctx:
        due = scheduler.tick(now)
    assert ("checkin-reminders", "2026-W10") in due
    assert rhythm_reads(ctx) == 1
    with CaptureQueriesContext(connection) as ctx:
        assert scheduler.run_slot("checkin-reminders", "2026-W10", now)
    assert rhythm_reads(ctx) == 1
