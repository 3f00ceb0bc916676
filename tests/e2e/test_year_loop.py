"""The web parts of the yearly loop, once, in Chromium: a member checks in from their home
page and the unit lead records a review decision on the review page.

The plan is built through the services, with the injected clock for the weeks already
behind us: the year's alignment round, the plan, the quarter's drafting and alignment
session (which makes the quarter active), and the weekly check-ins so far, with the ops key
result slipping and blocked. The browser then acts on the real today: the live server runs
in another thread, where the test's clock does not reach (hoshin.core.clock is a context
variable), so the running quarter is the one around the real date. Closing and grading in
the browser are left out on purpose: the close page is being rebuilt.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from hoshin.core import clock
from hoshin.flags.models import Flag
from hoshin.flags.services import evaluate_flags
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, KeyResult
from hoshin.org import services as org
from hoshin.planning import services as planning
from hoshin.planning import session_services as sessions
from hoshin.reviews import services as reviews
from hoshin.reviews.models import Decision, Review
from hoshin.strategy import services as strategy
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/hoshin-year-loop")


def quarter_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    q = (day.month - 1) // 3
    start = dt.date(day.year, 3 * q + 1, 1)
    end = dt.date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1) - dt.timedelta(days=1)
    return f"{day.year}-Q{q + 1}", start, end


def build_running_quarter(today: dt.date):
    """Everything up to this week, through the services, each step on its own day."""
    key, start, end = quarter_of(today)
    year_no = today.year
    before = start - dt.timedelta(days=30)
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
        okrs.save_cycle(office, key=str(year_no), kind="year", start=dt.date(year_no, 1, 1),
                        end=dt.date(year_no, 12, 31))
        okrs.save_cycle(office, key=key, kind="quarter", start=start, end=end)
    with clock.at(before - dt.timedelta(days=9)):
        strategy.set_vision(office, statement="Every home heated without fossil fuel")
        strategy.save_breakthrough(office, key="B1", title="Lead the heat-pump market",
                                   horizon=year_no + 3)
        strategy.save_annual_objective(office, key="A1", year=year_no,
                                       title="Double installations through installers",
                                       breakthroughs={"B1": "strong"})
        strategy.save_annual_objective(office, key="A2", year=year_no,
                                       title="Cut the time from order to install in half",
                                       breakthroughs={"B1": "important"})
        strategy.save_improvement_priority(office, key="P1", year=year_no, unit="sales",
                                           title="Sell through installers",
                                           annual_objectives={"A1": "strong"},
                                           resources={"lea@acme.test": "primary"})
        round_ = planning.open_round(office, str(year_no), items=["A1", "A2"],
                                     executives=["admin@acme.test", "office@acme.test",
                                                 "otto@acme.test"])
    ids = list(round_.items.order_by("order").values_list("pk", flat=True))
    for email in ("admin@acme.test", "office@acme.test", "otto@acme.test"):
        with clock.at(before - dt.timedelta(days=8)):
            planning.save_ranking(org.get_person(email), round_, {ids[0]: 1, ids[1]: 2})
    with clock.at(before - dt.timedelta(days=7)):
        planning.close_round(office, round_)
    with clock.at(before):
        planning.save_brief(office, key, success="Installers sell a third of our units")
        okrs.save_theme(office, key="T1", cycle=key, title="Installer channel",
                        annual_objectives=["A1"])
        okrs.transition_cycle(office, planning.get_cycle(key), "planning")  # the round
        lea, otto = org.get_person("lea@acme.test"), org.get_person("otto@acme.test")
        okrs.create_objective_with_key_results(
            lea, {"cycle": key, "unit": "sales", "parent": "P1", "kind": "committed",
                  "title": "Make installers our best sales channel"},
            [{"key": "KR1", "title": "Installer-sold units from 20% to 35%",
              "owner": "mia@acme.test", "kind": "increase", "baseline": 20, "target": 35,
              "unit": "%"}])
        okrs.create_objective_with_key_results(
            otto, {"cycle": key, "unit": "ops", "parent": "A2", "kind": "committed",
                   "title": "Install heat pumps faster"},
            [{"key": "KR2", "title": "Days from order to install from 30 to 14",
              "owner": "max@acme.test", "kind": "decrease", "baseline": 30, "target": 14,
              "unit": "days"}])
    with clock.at(before + dt.timedelta(days=14)):
        session = sessions.open_session(office, key)
        for entry in list(sessions.blockers(session)):
            sessions.decide(office, session, entry.fingerprint, "accept",
                            reason="Seen in the session")
        sessions.close(office, sessions.get_session(key))
    # The weeks so far: Mia on pace; Max on pace, then stuck and blocked.
    kr1, kr2 = KeyResult.objects.get(key="KR1"), KeyResult.objects.get(key="KR2")
    span = (end - start).days
    friday = start + dt.timedelta(days=(4 - start.weekday()) % 7)
    week = 0
    this_monday = today - dt.timedelta(days=today.weekday())
    while friday < this_monday:  # this week's check-in is the browser's
        week += 1
        with clock.at(friday):
            share = min(1.0, ((friday - start).days + 7) / span)
            okrs.record_checkin(kr1.owner, kr1, value=round(20 + 15 * share, 1), confidence=8)
            stuck = min(share, 0.3)
            okrs.record_checkin(kr2.owner, kr2, value=round(30 - 16 * stuck, 1),
                                confidence=7 if share < 0.3 else 3,
                                blockers="" if share < 0.3 else "The van lease is stuck "
                                                                 "with finance")
        friday += dt.timedelta(days=7)
    return key, kr1, kr2, week


@pytest.fixture
def running(transactional_db):
    today = dt.date.today()
    key, kr1, kr2, weeks = build_running_quarter(today)
    evaluate_flags(None, today=today)
    return {"today": today, "key": key, "kr1": kr1, "kr2": kr2, "weeks": weeks}


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_a_week_of_the_loop_in_the_browser(running, login, page, live_server):
    today, kr1, kr2 = running["today"], running["kr1"], running["kr2"]
    before = CheckIn.objects.filter(key_result=kr1).count()
    assert before == running["weeks"]

    # 1. Mia, a member, checks in from her home page: value, confidence, Check in.
    login("mia@acme.test")
    row = page.locator(f"#kr-{kr1.pk}")
    assert "Check-in due" in row.inner_text()
    shot(page, "1-member-home-due")
    row.get_by_label(re.compile(r"^Value")).fill("31")
    row.get_by_label("Confidence (0–10)").fill("8")
    row.get_by_role("button", name="Check in").click()
    page.wait_for_selector(f"#kr-{kr1.pk}:has-text('Checked in')")
    shot(page, "2-member-home-checked-in")
    latest = CheckIn.objects.filter(key_result=kr1).order_by("-pk").first()
    assert CheckIn.objects.filter(key_result=kr1).count() == before + 1
    assert (latest.value, latest.confidence, latest.date, latest.author.email) == (
        31, 8, today, "mia@acme.test")
    assert "Check-in due" not in page.locator(f"#kr-{kr1.pk}").inner_text()

    # 2. Otto, the ops lead, builds this week's review agenda and decides on the blocked KR.
    assert Flag.objects.filter(key_result=kr2, code="blockers", cleared_on__isnull=True
                               ).exists()
    review = max((r for r in reviews.reviews_of(kr2.objective.cycle) if r.date <= today),
                 key=lambda r: r.date, default=None) or reviews.reviews_of(
        kr2.objective.cycle)[0]
    page.context.clear_cookies()
    login("otto@acme.test", f"/reviews/{review.pk}/")
    page.get_by_role("button", name="Build the agenda from today's signals").click()
    item = page.locator(".agenda-item", has_text="KR2")
    item.wait_for()
    assert item.locator(".badge", has_text="needs a decision").is_visible()
    shot(page, "3-review-agenda")
    item.get_by_label("Decision").select_option("unblock")
    item.get_by_label("Why").fill("Finance signs the van lease this week")
    item.get_by_role("button", name="Record the decision").click()
    page.wait_for_selector(".agenda-item.is-decided:has-text('KR2')")
    shot(page, "4-review-decided")
    decision = Decision.objects.get(item__review=review, item__key_result=kr2)
    assert (decision.kind, decision.decided_by.email) == ("unblock", "otto@acme.test")
    assert decision.rationale == "Finance signs the van lease this week"
    assert Review.objects.get(pk=review.pk).state == "open"

    # 3. Max, a member, cannot decide: the review page shows him no decision form.
    page.context.clear_cookies()
    login("max@acme.test", f"/reviews/{review.pk}/")
    assert page.locator(".agenda-item", has_text="KR2").count() == 1
    assert page.locator("form.decide").count() == 0
    shot(page, "5-review-member-reads")
