"""A past review's page shows the figures the meeting saw: value, confidence, status and
trend as they stood when it was held (or at the end of its day, missed), and the target
of then, whatever was checked in or changed afterwards. Today's and later reviews show
today's figures."""

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.utils import timezone

from hoshin.core import clock
from hoshin.okrs import services as okrs
from hoshin.reviews import services
from hoshin.reviews.models import Review
from tests.factories import PASSWORD, build_plan

pytestmark = pytest.mark.django_db

WEEK6 = dt.date(2026, 8, 10)  # 2026-Q3 starts 1 July; reviews on Mondays from 6 July
LATER = dt.date(2026, 9, 7)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


@pytest.fixture
def q3():
    # Built on the quarter's first day, so the plan's history reaches back to its reviews.
    with clock.at(dt.date(2026, 7, 1)):
        return build_plan(today=dt.date(2026, 7, 1))


def review_on(plan, day: dt.date) -> Review:
    return next(r for r in services.reviews_of(plan.quarter) if r.date == day)


def page(review: Review, today: dt.date) -> str:
    client = Client()
    assert client.login(email="viewer@acme.test", password=PASSWORD)
    with clock.at(today):
        return html.unescape(client.get(f"/reviews/{review.pk}/").content.decode())


def item(page_html: str, item_pk: int) -> tuple[str, str, str]:
    """The item's status, its facts as text, and its sparkline's points."""
    part = page_html[page_html.index(f'id="item{item_pk}"'):]
    part = part[:part.index("</li>")]
    status = re.search(r'data-status="([a-z_]+)"', part).group(1)
    facts = re.sub(r"<[^>]+>", " ", part[part.index('class="ai-facts"'):part.index("</dl>")])
    points = re.search(r'points="([^"]+)"', part)
    return status, " ".join(facts.split()), points.group(1) if points else ""


def note(page_html: str) -> str:
    """The line above the agenda saying which moment the figures are from, as text."""
    found = re.search(r'<p class="as-of".*?</p>', page_html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split()) if found else ""


def weekly_checkins(plan, days_values, confidence):
    for day, value in days_values:
        with clock.at(at(day)):
            okrs.record_checkin(plan.member, plan.kr_sales, value=value, confidence=confidence)


def test_a_held_review_keeps_the_figures_of_its_day(q3):
    # Weeks 1-6 on pace towards 35 (expected about 26.5 on 10 August).
    weekly_checkins(q3, [(dt.date(2026, 7, 3), 21), (dt.date(2026, 7, 17), 23.5),
                         (dt.date(2026, 7, 31), 25.5), (dt.date(2026, 8, 7), 27)], 8)
    week6 = review_on(q3, WEEK6)
    with clock.at(at(WEEK6, 10)):
        sales = services.add_item(q3.office, week6, title="Installer share", key_result="KR1")
        ops = services.add_item(q3.office, week6, title="Install days", key_result="KR3")
    with clock.at(dt.datetime(2026, 8, 10, 10, 30)):
        services.decide(q3.office, sales, kind="continue", rationale="On pace")
        # The review's own decision raises KR3's bar: the item keeps the target it decided on.
        services.decide(q3.office, ops, kind="change_target", new_target=10,
                        rationale="Competitors install in ten days")
    with clock.at(at(WEEK6, 11)):
        services.close_review(q3.office, week6)
    # Afterwards: the value stalls, confidence falls, and the board raises the target.
    weekly_checkins(q3, [(dt.date(2026, 8, 14), 27), (dt.date(2026, 8, 28), 27.2),
                         (dt.date(2026, 9, 4), 27.3)], 3)
    with clock.at(at(dt.date(2026, 8, 20))):
        okrs.save_key_result(None, q3.kr_sales, target=40, reason="The board raised the bar")

    held = page(week6, LATER)
    status, facts, points = item(held, sales.pk)
    assert note(held).startswith("Figures as of 10 August 2026 , 10:30, when the review took "
                                 "its first decision")
    assert "history starts" not in note(held)  # the history reaches back: nothing guessed
    assert "Target 35 %" in facts and "Now 27 %" in facts and "Confidence 8/10" in facts
    assert status == "on_track"
    assert len(points.split()) == 4  # the check-ins up to week 6 only
    ops_status, ops_facts, _ = item(held, ops.pk)
    assert "Target 14 days" in ops_facts
    ops_text = " ".join(re.sub(r"<[^>]+>", " ", held[held.index(f'id="item{ops.pk}"'):])
                        .split())
    assert "Decided: Change the target (new target 10 days)" in ops_text

    # A review of today shows today's figures, from the same key result.
    today_review = review_on(q3, LATER)
    with clock.at(at(LATER, 10)):
        now_item = services.add_item(q3.office, today_review, title="Installer share",
                                     key_result="KR1")
    live = page(today_review, LATER)
    assert note(live) == ""
    status, facts, points = item(live, now_item.pk)
    assert "Target 40 %" in facts and "Now 27.3 %" in facts and "Confidence 3/10" in facts
    assert status != "on_track"
    assert len(points.split()) == 7


def test_a_missed_review_shows_the_figures_at_the_end_of_its_day(q3):
    weekly_checkins(q3, [(dt.date(2026, 7, 3), 21), (dt.date(2026, 7, 17), 23)], 6)
    missed = review_on(q3, dt.date(2026, 7, 20))
    with clock.at(at(dt.date(2026, 7, 20), 8)):
        agenda_item = services.add_item(q3.office, missed, title="Installer share",
                                        key_result="KR1")
    # Checked in that evening (counts), and the next morning (does not).
    with clock.at(at(dt.date(2026, 7, 20), 18)):
        okrs.record_checkin(q3.member, q3.kr_sales, value=24, confidence=7)
    with clock.at(at(dt.date(2026, 7, 21))):
        okrs.record_checkin(q3.member, q3.kr_sales, value=30, confidence=9)

    shown = page(missed, dt.date(2026, 7, 28))
    assert "Missed" in shown
    assert note(shown).startswith("Figures as of 20 July 2026 , the end of the day of this "
                                  "missed review")
    _, facts, points = item(shown, agenda_item.pk)
    assert "Now 24 %" in facts and "Confidence 7/10" in facts
    assert len(points.split()) == 3


def test_a_plan_recorded_after_its_reviews_says_its_targets_are_todays():
    # Built (recorded) today, with reviews and check-ins dated in the past, as the demo is.
    plan = build_plan(today=dt.date(2026, 7, 1))
    review = review_on(plan, dt.date(2026, 7, 13))
    with clock.at(at(dt.date(2026, 7, 13), 10)):
        agenda_item = services.add_item(plan.office, review, title="Share", key_result="KR1")
        services.decide(plan.office, agenda_item, kind="continue", rationale="Fine")
    for day, value in [(dt.date(2026, 7, 10), 22), (dt.date(2026, 7, 24), 26)]:
        okrs.record_checkin(plan.member, plan.kr_sales, value=value, confidence=6,
                            date=day)

    shown = page(review, dt.date(2026, 8, 3))
    assert note(shown).startswith("Figures as of 13 July 2026")
    assert "The plan's recorded history starts on" in note(shown)
    assert "after this review: targets and baselines are today's" in note(shown)
    _, facts, points = item(shown, agenda_item.pk)
    assert "Now 22 %" in facts and "Target 35 %" in facts
    assert points == "" and "KR1: 1 check-in this quarter" in shown  # one point, no line


def test_a_past_agenda_reads_the_check_ins_of_its_own_key_results_only(q3):
    from hoshin.okrs.models import KeyResult
    from hoshin.reviews.standing import MISSED
    from hoshin.reviews.then import Figures, Moment

    kr3 = KeyResult.objects.get(key="KR3")
    for day in (dt.date(2026, 7, 3), dt.date(2026, 7, 10)):
        with clock.at(at(day)):
            okrs.record_checkin(q3.member, q3.kr_sales, value=22, confidence=7)
            okrs.record_checkin(q3.other_lead, kr3, value=28, confidence=7)
    evening = timezone.make_aware(at(dt.date(2026, 7, 13), 23))

    figures = Figures(Moment(evening, dt.date(2026, 7, 13), MISSED), {q3.kr_sales.pk})

    read = list(figures.plan.source.checkins())
    assert len(read) == 2 and {c["key_result_id"] for c in read} == {q3.kr_sales.pk}
    assert figures.of(q3.kr_sales.pk).last["value"] == 22
