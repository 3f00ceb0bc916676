"""The web parts of the yearly loop, once, in Chromium: a member checks in from their home
page on a Friday, the unit lead records a review decision on the next Monday's review, and
on the quarter's last day the strategy office closes it: suggested grades accepted in one
step, the stuck key result carried over into the next quarter, the quarter closed.

The plan is built through the services with the injected clock, each step on its own day:
the year's alignment round, the plan, the quarter's drafting and alignment session (which
makes the quarter active), and the weekly check-ins so far, with the ops key result
slipping and blocked. The browser acts in simulated time too: `clock.everywhere()` sets the
clock of the live server's threads (`clock.at()` reaches only the thread that set it), so
the pages judge "this week" and stamp what they save on the simulated day, whatever the
real date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import pytest
from django.urls import reverse

from hoshin.closing.models import CarryOver, Grade, QuarterClose
from hoshin.core import clock
from hoshin.flags.models import Flag
from hoshin.flags.services import evaluate_flags
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, Cycle, KeyResult
from hoshin.org import services as org
from hoshin.planning import services as planning
from hoshin.planning import session_services as sessions
from hoshin.reviews import services as reviews
from hoshin.reviews.models import Decision, Review
from hoshin.strategy import services as strategy
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UTC = dt.UTC
YEAR = 2026
QUARTER, START, END = f"{YEAR}-Q2", dt.date(YEAR, 4, 1), dt.date(YEAR, 6, 30)
NEXT = f"{YEAR}-Q3"
CHECKIN_DAY = dt.date(YEAR, 5, 22)  # the Friday of week 8
REVIEW_DAY = dt.date(YEAR, 5, 25)  # the Monday after


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=UTC)


def fridays(start: dt.date, end: dt.date):
    day = start + dt.timedelta(days=(4 - start.weekday()) % 7)
    while day <= end:
        yield day
        day += dt.timedelta(days=7)


def kr1_value(friday: dt.date) -> float:
    """Mia's installer share, on pace from 20 % to 35 % by the quarter's last Friday."""
    share = min(1.0, ((friday - START).days + 7) / (END - START).days)
    return round(20 + 15 * share, 1)


def kr2_checkin(kr2: KeyResult, friday: dt.date) -> None:
    """Max's install time: on pace for four weeks, then stuck behind the van lease."""
    week = (friday - START).days // 7 + 1
    stuck = week > 4
    okrs.record_checkin(kr2.owner, kr2, value=30 - 16 * min(week, 4) / 13,
                        confidence=3 if stuck else 7,
                        blockers="The van lease is stuck with finance" if stuck else "")


def build_plan_and_weeks_so_far():
    """Everything up to the browser's Friday, through the services."""
    before = START - dt.timedelta(days=30)
    with clock.at(before - dt.timedelta(days=10)):
        for email, role, name in [("admin@acme.test", "admin", "Ana Admin"),
                                  ("office@acme.test", "strategy_office", "Oscar Office"),
                                  ("lea@acme.test", "unit_lead", "Lea Lead"),
                                  ("otto@acme.test", "unit_lead", "Otto Ops"),
                                  ("mia@acme.test", "member", "Mia Member"),
                                  ("max@acme.test", "member", "Max Member")]:
            org.create_person(None, email=email, name=name, role=role, password=PASSWORD)
        admin = org.get_person("admin@acme.test")
        office = org.get_person("office@acme.test")
        org.update_organization(admin, name="Acme Heat", fiscal_year_start=1)
        org.create_unit(admin, key="acme", name="Acme Heat", lead="admin@acme.test")
        org.create_unit(admin, key="sales", name="Sales", parent="acme", lead="lea@acme.test")
        org.create_unit(admin, key="ops", name="Operations", parent="acme",
                        lead="otto@acme.test")
        org.update_person(admin, org.get_person("mia@acme.test"), units=["sales"])
        org.update_person(admin, org.get_person("max@acme.test"), units=["ops"])
        okrs.save_cycle(office, key=str(YEAR), kind="year", start=dt.date(YEAR, 1, 1),
                        end=dt.date(YEAR, 12, 31))
        okrs.save_cycle(office, key=QUARTER, kind="quarter", start=START, end=END)
        okrs.save_cycle(office, key=NEXT, kind="quarter", start=dt.date(YEAR, 7, 1),
                        end=dt.date(YEAR, 9, 30))
    with clock.at(before - dt.timedelta(days=9)):
        strategy.set_vision(office, statement="Every home heated without fossil fuel")
        strategy.save_breakthrough(office, key="B1", title="Lead the heat-pump market",
                                   horizon=YEAR + 3)
        strategy.save_annual_objective(office, key="A1", year=YEAR,
                                       title="Double installations through installers",
                                       breakthroughs={"B1": "strong"})
        strategy.save_annual_objective(office, key="A2", year=YEAR,
                                       title="Cut the time from order to install in half",
                                       breakthroughs={"B1": "important"})
        strategy.save_improvement_priority(office, key="P1", year=YEAR, unit="sales",
                                           title="Sell through installers",
                                           annual_objectives={"A1": "strong"},
                                           resources={"lea@acme.test": "primary"})
        round_ = planning.open_round(office, str(YEAR), items=["A1", "A2"],
                                     executives=["admin@acme.test", "office@acme.test",
                                                 "otto@acme.test"])
    ids = list(round_.items.order_by("order").values_list("pk", flat=True))
    for email in ("admin@acme.test", "office@acme.test", "otto@acme.test"):
        with clock.at(before - dt.timedelta(days=8)):
            planning.save_ranking(org.get_person(email), round_, {ids[0]: 1, ids[1]: 2})
    with clock.at(before - dt.timedelta(days=7)):
        planning.close_round(office, round_)
    with clock.at(before):
        planning.save_brief(office, QUARTER, success="Installers sell a third of our units")
        okrs.save_theme(office, key="T1", cycle=QUARTER, title="Installer channel",
                        annual_objectives=["A1"])
        okrs.transition_cycle(office, planning.get_cycle(QUARTER), "planning")  # the round
        lea, otto = org.get_person("lea@acme.test"), org.get_person("otto@acme.test")
        okrs.create_objective_with_key_results(
            lea, {"cycle": QUARTER, "unit": "sales", "parent": "P1", "kind": "committed",
                  "title": "Make installers our best sales channel"},
            [{"key": "KR1", "title": "Installer-sold units from 20% to 35%",
              "owner": "mia@acme.test", "kind": "increase", "baseline": 20, "target": 35,
              "unit": "%"}])
        okrs.create_objective_with_key_results(
            otto, {"cycle": QUARTER, "unit": "ops", "parent": "A2", "kind": "committed",
                   "title": "Install heat pumps faster"},
            [{"key": "KR2", "title": "Days from order to install from 30 to 14",
              "owner": "max@acme.test", "kind": "decrease", "baseline": 30, "target": 14,
              "unit": "days"}])
    with clock.at(before + dt.timedelta(days=14)):
        session = sessions.open_session(office, QUARTER)
        for entry in list(sessions.blockers(session)):
            sessions.decide(office, session, entry.fingerprint, "accept",
                            reason="Seen in the session")
        sessions.close(office, sessions.get_session(QUARTER))
    assert Cycle.objects.get(key=QUARTER).state == "active"
    kr1, kr2 = KeyResult.objects.get(key="KR1"), KeyResult.objects.get(key="KR2")
    weeks = 0
    for friday in fridays(START, CHECKIN_DAY - dt.timedelta(days=1)):
        weeks += 1
        with clock.at(at(friday, 12)):
            okrs.record_checkin(kr1.owner, kr1, value=kr1_value(friday), confidence=8)
            kr2_checkin(kr2, friday)
    with clock.at(at(CHECKIN_DAY, 6)):
        evaluate_flags(None, today=CHECKIN_DAY)
    return kr1, kr2, weeks


@pytest.fixture
def simulated():
    """`simulated(moment)`: from now on it is `moment` for the test and the live server
    alike; the real clock is back after the test."""
    with contextlib.ExitStack() as stack:
        yield lambda when: stack.enter_context(clock.everywhere(when))


def test_a_week_and_a_close_of_the_loop_in_the_browser(simulated, login, page, live_server,
                                                       screenshot):
    kr1, kr2, weeks = build_plan_and_weeks_so_far()
    assert CheckIn.objects.filter(key_result=kr1).count() == weeks == 7

    # 1. Friday of week 8: Mia, a member, checks in from her home page.
    simulated(at(CHECKIN_DAY, 11))
    login("mia@acme.test")
    row = page.locator(f"#kr-{kr1.pk}")
    assert "Check-in due" in row.inner_text()
    screenshot("year-loop-1-member-home-due")
    row.get_by_label(re.compile(r"^Value")).fill("29.5")
    row.get_by_label("Confidence (0–10)").fill("8")
    row.get_by_role("button", name="Check in").click()
    page.wait_for_selector(f"#kr-{kr1.pk}:has-text('Checked in')")
    screenshot("year-loop-2-member-home-checked-in")
    latest = CheckIn.objects.filter(key_result=kr1).order_by("-pk").first()
    assert CheckIn.objects.filter(key_result=kr1).count() == weeks + 1
    assert (latest.value, latest.confidence, latest.date, latest.author.email) == (
        29.5, 8, CHECKIN_DAY, "mia@acme.test")
    assert latest.created_at == at(CHECKIN_DAY, 11)  # stamped in simulated time
    assert "Check-in due" not in page.locator(f"#kr-{kr1.pk}").inner_text()
    with clock.at(at(CHECKIN_DAY, 12)):
        kr2_checkin(kr2, CHECKIN_DAY)  # Max, still stuck

    # 2. The Monday after: Otto, the ops lead, builds the review's agenda and decides on
    # the blocked key result.
    simulated(at(REVIEW_DAY, 10))
    assert Flag.objects.filter(key_result=kr2, code="blockers", cleared_on__isnull=True
                               ).exists()
    [review] = [r for r in reviews.reviews_of(kr2.objective.cycle) if r.date == REVIEW_DAY]
    page.context.clear_cookies()
    login("otto@acme.test", f"/reviews/{review.pk}/")
    assert "Monday 25 May 2026" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Build the agenda from today's signals").click()
    item = page.locator(".agenda-item", has_text="KR2")
    item.wait_for()
    assert item.locator(".badge", has_text="needs a decision").is_visible()
    screenshot("year-loop-3-review-agenda")
    item.get_by_label("Decision").select_option("unblock")
    item.get_by_label("Why").fill("Finance signs the van lease this week")
    item.get_by_role("button", name="Decide").click()
    page.wait_for_selector(".agenda-item.is-decided:has-text('KR2')")
    screenshot("year-loop-4-review-decided")
    decision = Decision.objects.get(item__review=review, item__key_result=kr2)
    assert (decision.kind, decision.decided_by.email) == ("unblock", "otto@acme.test")
    assert decision.rationale == "Finance signs the van lease this week"
    assert decision.decided_at == at(REVIEW_DAY, 10)
    assert Review.objects.get(pk=review.pk).state == "open"

    # Max, a member, reads the review but cannot decide: no decision form.
    page.context.clear_cookies()
    login("max@acme.test", f"/reviews/{review.pk}/")
    assert page.locator(".agenda-item", has_text="KR2").count() == 1
    assert page.locator("form.decide").count() == 0

    # The rest of the quarter: Mia reaches her target, Max's time stays stuck.
    for friday in fridays(CHECKIN_DAY + dt.timedelta(days=1), END):
        with clock.at(at(friday, 12)):
            okrs.record_checkin(kr1.owner, kr1, value=kr1_value(friday), confidence=9)
            kr2_checkin(kr2, friday)
    assert KeyResult.objects.get(pk=kr1.pk).last_checkin.value == 35

    # 3. The quarter's last day: the strategy office grades, carries over and closes.
    simulated(at(END, 15))
    page.context.clear_cookies()
    login("office@acme.test", f"/closing/{QUARTER}/")
    assert "2 key results you may grade have no grade yet" in page.locator(
        "form.accept-all").inner_text()
    assert f"Carried-over key results go into {NEXT}" in page.content()
    screenshot("year-loop-5-close-before")
    page.get_by_role("button", name="Accept all suggested grades").click()
    page.wait_for_selector("text=2 suggested grades accepted.")
    grades = {g.key_result.key: g for g in Grade.objects.select_related("key_result")}
    assert {k: g.grade for k, g in grades.items()} == {"KR1": 1.0, "KR2": 0.3}
    assert all(g.graded_at == at(END, 15) for g in grades.values())
    assert "finished" in page.locator(f"#kr{kr1.pk} .carry-cell").inner_text()

    row = page.locator(f"#kr{kr2.pk}")
    row.get_by_label("Decision").select_option("carry_over")
    row.get_by_label("Why").fill("Lease signed at last; finish the job in Q3")
    row.get_by_role("button", name="Decide on KR2").click()
    page.wait_for_selector(f"#kr{kr2.pk} .carry-cell strong")
    carried = CarryOver.objects.get(key_result=kr2)
    copy = carried.carried_to
    assert carried.decided_at == at(END, 15)
    assert copy.objective.cycle.key == NEXT and copy.objective.parent_annual.key == "A2"
    assert copy.baseline == KeyResult.objects.get(pk=kr2.pk).last_checkin.value
    # The row links to the copy in the next quarter, by its title.
    link = page.locator(f"#kr{kr2.pk} .carry-cell a").first
    assert link.get_attribute("href") == reverse("okrs:key_result", args=[copy.key])
    assert link.inner_text() == copy.title
    panel = page.locator("#close-panel")
    assert "the quarter is over" in panel.inner_text()
    assert panel.get_by_label(re.compile("Close anyway")).count() == 0  # nothing to override
    screenshot("year-loop-6-close-decided")

    panel.get_by_role("button", name=f"Close {QUARTER}").click()
    page.wait_for_selector("p.notice:has-text('closed and read-only')")
    assert Cycle.objects.get(key=QUARTER).state == "closed"
    record = QuarterClose.objects.get(cycle__key=QUARTER)
    assert (record.closed_by.email, record.closed_at, record.override_reason) == (
        "office@acme.test", at(END, 15), "")
    notice = page.locator("p.notice")
    assert "closed 30 Jun 2026 by" in notice.inner_text()
    assert notice.get_by_role("link", name="Oscar Office").count() == 1
    screenshot("year-loop-7-closed")
