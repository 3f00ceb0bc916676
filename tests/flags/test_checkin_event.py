"""A check-in reaches flags through `CheckInRecorded`: okrs publishes it, flags re-judges
the key result in the same transaction, and what is rolled back raises and tells nothing."""

import datetime as dt
import pathlib

import pytest
from django.db import transaction

from hoshin.core import clock, events
from hoshin.flags.models import Flag
from hoshin.notify.models import OutboxMessage
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn

pytestmark = pytest.mark.django_db

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "hoshin"


def late_in_the_quarter(plan):
    # Two thirds through the quarter: KR1 (20 % → 35 %) is expected near 30 %.
    return plan.quarter.start + dt.timedelta(days=60)


def test_flags_subscribes_to_check_ins_and_okrs_does_not_call_flags():
    # Other apps react to check-ins too (the roll-up, analytics' forecast, webhooks):
    # flags is one subscriber among them, in the check-in's transaction.
    assert "hoshin.flags.services.judge_after_checkin" in events.subscribers(
        events.CheckInRecorded)
    assert "hoshin.flags" not in (SRC / "okrs" / "services.py").read_text()


def test_a_check_in_below_pace_raises_the_flag_and_tells_the_owner(plan):
    with clock.at(late_in_the_quarter(plan)):
        okrs.record_checkin(plan.member, plan.kr_sales, value=21, confidence=7)
    flag = Flag.objects.get(key_result=plan.kr_sales, code="behind-pace", cleared_on=None)
    assert flag.raised_on == late_in_the_quarter(plan)
    told = OutboxMessage.objects.filter(kind="flag", recipient=plan.member)
    assert told.count() == 1 and "KR1" in told.get().subject
    # The next check-in back on pace clears it at once.
    with clock.at(late_in_the_quarter(plan) + dt.timedelta(days=1)):
        okrs.record_checkin(plan.member, plan.kr_sales, value=31, confidence=7)
    flag.refresh_from_db()
    assert flag.cleared_on == late_in_the_quarter(plan) + dt.timedelta(days=1)


def test_a_check_in_that_rolls_back_raises_nothing_and_tells_nobody(plan):
    with clock.at(late_in_the_quarter(plan)), pytest.raises(RuntimeError), \
            transaction.atomic():
        okrs.record_checkin(plan.member, plan.kr_sales, value=21, confidence=2)
        assert Flag.objects.filter(key_result=plan.kr_sales).exists()  # judged inside
        raise RuntimeError("the request failed after the check-in")
    assert not CheckIn.objects.exists()
    assert not Flag.objects.exists()
    assert not OutboxMessage.objects.filter(kind="flag").exists()


def test_the_event_carries_the_check_in_and_the_day_it_was_judged_on(plan, monkeypatch):
    seen = []
    handlers = [*events._handlers.get(events.CheckInRecorded, []), (seen.append, False)]
    monkeypatch.setitem(events._handlers, events.CheckInRecorded, handlers)
    day = late_in_the_quarter(plan)
    with clock.at(day):
        checkin = okrs.record_checkin(plan.member, plan.kr_sales, value=30, confidence=8,
                                      date=day - dt.timedelta(days=2))
    [event] = seen
    assert (event.actor, event.key_result.pk, event.check_in, event.today) == (
        plan.member, plan.kr_sales.pk, checkin, day)
