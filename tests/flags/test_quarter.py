"""A quarter week by week: which key results are flagged when and why, when flags clear,
and that the owner and the unit lead hear of each flag once."""

import datetime as dt
from collections import Counter

import pytest

from hoshin.flags.models import Flag
from hoshin.flags.services import evaluate_flags
from hoshin.notify import outbox
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, KeyResult
from tests.factories import build_plan

pytestmark = pytest.mark.django_db

MONDAYS = [dt.date(2026, 7, 6) + dt.timedelta(weeks=i) for i in range(13)]


def check_in(kr, day, value=None, confidence=7, blockers=""):
    # Straight into the table: the check-in service judges flags as of the real today,
    # and this quarter is in the past. The weekly evaluation below injects the day.
    checkin = CheckIn.objects.create(key_result=kr, date=day, value=value,
                                     confidence=confidence, blockers=blockers)
    KeyResult.objects.filter(pk=kr.pk).update(last_checkin=checkin)


def open_codes():
    return {(f.key_result.key, f.code) for f in Flag.objects.filter(cleared_on__isnull=True)
            .select_related("key_result")}


def test_a_quarter_of_flags(mailoutbox):
    plan = build_plan(today=dt.date(2026, 7, 1))
    kr1, kr3 = plan.kr_sales, KeyResult.objects.get(key="KR3")
    # KR1 (20 → 35 %): creeps up half a point a week; confidence falls 7 → 4 in week 5,
    # recovers to 6 in week 6. KR3 (30 → 14 days): on pace, blocked in week 3, silent
    # after week 8. KR2 (milestone): never checked in.
    kr1_values = [20 + 0.5 * i for i in range(13)]
    kr1_conf = [7, 7, 7, 7, 4, 6, 6, 6, 6, 6, 6, 6, 6]
    timeline = {}
    for week, monday in enumerate(MONDAYS):
        friday_before = monday - dt.timedelta(days=3)
        if week < 12:
            check_in(kr1, friday_before, kr1_values[week], kr1_conf[week])
        if week <= 8:
            expected = 30 - 16 * ((friday_before - dt.date(2026, 7, 1)).days / 91)
            check_in(kr3, friday_before, round(expected, 1), 8,
                     "Waiting for the van lease" if week == 3 else "")
        evaluate_flags(None, today=monday)
        timeline[monday] = open_codes()

    assert timeline[dt.date(2026, 7, 6)] == set()
    # Two weeks without a check-in on the milestone, counted from the cycle's start.
    assert timeline[dt.date(2026, 7, 13)] == set()
    assert ("KR2", "silent") in timeline[dt.date(2026, 7, 20)]
    # KR1: three readings give a trend that falls short; then pace slips too.
    assert ("KR1", "forecast-miss") in timeline[dt.date(2026, 7, 20)]
    assert ("KR1", "behind-pace") not in timeline[dt.date(2026, 7, 13)]
    assert ("KR1", "behind-pace") in timeline[dt.date(2026, 7, 27)]
    # Week 5: confidence 7 → 4 raises both confidence flags; week 6 (4 → 6) clears both.
    week5, week6 = dt.date(2026, 8, 3), dt.date(2026, 8, 10)
    assert {("KR1", "confidence-drop"), ("KR1", "low-confidence")} <= timeline[week5]
    assert not {("KR1", "confidence-drop"), ("KR1", "low-confidence")} & timeline[week6]
    # KR3: blocked in week 3 only; on pace otherwise; silent two weeks after week 8.
    assert {c for k, c in timeline[dt.date(2026, 7, 27)] if k == "KR3"} == {"blockers"}
    assert {c for k, c in timeline[dt.date(2026, 8, 3)] if k == "KR3"} == set()
    # Its last check-in is on Friday 28 August: ten days later it is not silent yet.
    assert ("KR3", "silent") not in timeline[dt.date(2026, 9, 7)]
    assert ("KR3", "silent") in timeline[dt.date(2026, 9, 14)]

    # Every flag says why.
    blocked = Flag.objects.get(key_result=kr3, code="blockers")
    assert "Waiting for the van lease" in blocked.message
    assert blocked.raised_on == dt.date(2026, 7, 27) and blocked.cleared_on == week5

    # Each raised flag was told once to the owner and once to the unit lead (KR3's owner
    # leads Operations and KR2's owner leads Sales: they hear once).
    outbox.deliver_pending()
    told = Counter((m.to[0], m.subject) for m in mailoutbox)
    assert max(told.values()) == 1
    kr1_raises = Flag.objects.filter(key_result=kr1).values("raised_on").distinct().count()
    assert sum(1 for (to, s) in told if to == "member@acme.test") == kr1_raises
    assert sum(1 for (to, s) in told if to == "lead@acme.test" and "KR1" in s) == kr1_raises
    assert sum(1 for (to, s) in told if to == "opslead@acme.test") == \
        Flag.objects.filter(key_result=kr3).values("raised_on").distinct().count()


def test_a_check_in_clears_its_flag_at_once(plan, mailoutbox):
    # The current quarter: the check-in service judges the key result straight away.
    kr = plan.kr_sales
    start = plan.quarter.start
    today = dt.date.today()
    okrs.record_checkin(None, kr, value=21, confidence=5, blockers="No pricing sheet",
                        date=max(start, today - dt.timedelta(days=1)))
    assert ("KR1", "blockers") in open_codes()
    okrs.record_checkin(None, kr, value=22, confidence=6, date=max(start, today))
    assert ("KR1", "blockers") not in open_codes()
    flag = Flag.objects.get(key_result=kr, code="blockers")
    assert flag.cleared_on == today
    outbox.deliver_pending()
    assert [m.to[0] for m in mailoutbox if "KR1" in m.subject].count(
        "member@acme.test") >= 1


def test_flags_of_a_closed_cycle_are_cleared(plan):
    okrs.record_checkin(None, plan.kr_sales, value=21, confidence=2, date=dt.date.today()
                        if dt.date.today() >= plan.quarter.start else plan.quarter.start)
    assert Flag.objects.filter(cleared_on__isnull=True).exists()
    okrs.transition_cycle(None, plan.quarter, "closed", override_reason="test")
    evaluate_flags(None)
    assert not Flag.objects.filter(cleared_on__isnull=True).exists()
