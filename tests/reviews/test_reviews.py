"""A quarter of reviews: the week-6 agenda is built from the signals, decisions are
carried out, actions are tracked, and a review without a decision is a status meeting."""

import datetime as dt

import icalendar
import pytest
from django.test import Client

from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.flags.services import evaluate_flags
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, KeyResult, TradeOff
from hoshin.org import services as org
from hoshin.reviews import ical, services
from hoshin.reviews.models import CalendarFeed, Review
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD, build_plan

pytestmark = pytest.mark.django_db


def check_in(kr, day, value=None, confidence=7, blockers=""):
    # Written straight to the table: this quarter is in the past, and the check-in
    # service judges flags as of the real today.
    c = CheckIn.objects.create(key_result=kr, date=day, value=value, confidence=confidence,
                               blockers=blockers)
    KeyResult.objects.filter(pk=kr.pk).update(last_checkin=c)


@pytest.fixture
def q3():
    return build_plan(today=dt.date(2026, 7, 1))  # 2026-Q3, active; reviews on Mondays


def run_quarter_until(plan, last_monday):
    """Week by week: Friday check-ins, Monday flag evaluation and review."""
    kr1, kr3 = plan.kr_sales, KeyResult.objects.get(key="KR3")
    reviews = {r.date: r for r in services.reviews_of(plan.quarter)}
    monday = dt.date(2026, 7, 6)
    week = 0
    while monday <= last_monday:
        friday = monday - dt.timedelta(days=3)
        check_in(kr1, friday, 20 + 0.4 * week, 7)
        check_in(kr3, friday, 30 - 1.3 * week, 8,
                 "The van lease is stuck with finance" if monday == dt.date(2026, 8, 10) else "")
        check_in(plan.kr_milestone, friday, None, 6)
        evaluate_flags(None, today=monday)
        review = reviews[monday]
        if monday == dt.date(2026, 7, 27):
            services.build_agenda(plan.office, review, today=monday)
            services.add_action(plan.office, review, title="Price list for installers",
                                owner="lead@acme.test", due=dt.date(2026, 8, 5))
            services.close_review(plan.office, review)
        if monday == last_monday:
            return review
        week += 1
        monday += dt.timedelta(weeks=1)


def test_an_accepted_dependency_past_its_date_comes_back_on_the_agenda_as_late(q3):
    dep = okrs.request_dependency(q3.lead, providing_unit="ops", key_result="KR1",
                                  description="Two installer trainers from Operations")
    okrs.decide_dependency(q3.other_lead, dep, "accepted", deliverable="Two trainers for a week",
                           due=dt.date(2026, 7, 31))
    review = run_quarter_until(q3, dt.date(2026, 8, 10))
    services.build_agenda(q3.office, review, today=review.date)
    [item] = [i for i in review.items.all() if i.source == "dependency"]
    assert item.title == "KR1 needs Operations: late, due 31 Jul"
    assert item.reasons == ["late-dependency"] and "Two trainers for a week" in item.detail
    # Delivered, it leaves the next agenda.
    okrs.mark_dependency_delivered(q3.other_lead, dep, on=dt.date(2026, 8, 10))
    later = Review.objects.filter(cycle=q3.quarter, date__gt=review.date).order_by("date").first()
    services.build_agenda(q3.office, later, today=later.date)
    assert not later.items.filter(source="dependency").exists()


def test_the_week_six_agenda_holds_flags_blockers_requests_and_late_actions(q3):
    okrs.request_dependency(q3.lead, providing_unit="ops", key_result="KR1",
                            description="Two installer trainers from Operations in August")
    review = run_quarter_until(q3, dt.date(2026, 8, 10))
    assert review.kind == "mid_cycle" and review.week == 6
    services.build_agenda(q3.office, review, today=review.date)
    items = {i.source: i for i in review.items.all()}
    titles = [i.title for i in review.items.all()]
    assert any(t.startswith("KR1 ") and "behind pace" in t for t in titles)
    blocker = items["blocker"]
    assert blocker.key_result.key == "KR3" and "van lease" in blocker.detail
    assert "KR1 needs Operations: not yet accepted" in items["dependency"].title
    assert items["action"].title == "Overdue action: Price list for installers"
    # Building again adds nothing twice.
    assert services.build_agenda(q3.office, review, today=review.date) == []


def test_decisions_change_targets_with_reasons_and_write_trade_offs(q3):
    review = services.reviews_of(q3.quarter)[0]
    item = services.add_item(q3.office, review, title="Installer share", key_result="KR1")
    services.decide(q3.office, item, kind="change_target", rationale="Market shrank 10 %",
                    new_target=30)
    kr = KeyResult.objects.get(key="KR1")
    assert kr.target == 30
    assert "Market shrank 10 %" in kr.history.first().history_change_reason
    paused = services.add_item(q3.office, review, title="Partner portal rebuild")
    services.decide(q3.office, paused, kind="deprioritise", rationale="Frees two developers")
    trade = TradeOff.objects.get(title="Partner portal rebuild")
    assert trade.cycle == q3.quarter and "Frees two developers" in trade.reason
    assert trade.decided_by == q3.office
    with pytest.raises(DomainError):
        services.decide(q3.office, paused, kind="continue", rationale="")
    closed = services.close_review(q3.office, review)
    assert not closed.status_meeting
    with pytest.raises(DomainError):
        services.decide(q3.office, item, kind="continue", rationale="too late")


def test_a_review_closed_without_a_decision_is_a_status_meeting(q3):
    review = services.reviews_of(q3.quarter)[1]
    services.add_item(q3.office, review, title="Updates from each unit")
    assert services.close_review(q3.office, review).status_meeting


def test_members_and_viewers_read_reviews_but_do_not_run_them(q3):
    review = services.reviews_of(q3.quarter)[0]
    with pytest.raises(PermissionDenied):
        services.build_agenda(q3.member, review)
    client = Client()
    client.login(email="viewer@acme.test", password=PASSWORD)
    assert client.get(f"/reviews/{review.pk}/").status_code == 200
    assert client.post(f"/reviews/{review.pk}/", {"do": "close"}).status_code == 403
    assert Review.objects.get(pk=review.pk).state == "planned"


def test_the_review_page_records_a_decision(q3):
    review = services.reviews_of(q3.quarter)[0]
    item = services.add_item(q3.office, review, title="Hiring freeze in Sales?")
    client = Client()
    client.login(email="office@acme.test", password=PASSWORD)
    response = client.post(f"/reviews/{review.pk}/", {
        "do": "decide", "item": item.pk, "kind": "escalate", "rationale": "Board decides",
        "escalated_to": "The board"})
    assert response.status_code == 302
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "Decided: Escalate</strong> to The board" in page and "Board decides" in page
    bad = client.post(f"/reviews/{review.pk}/", {"do": "decide", "item": item.pk,
                                                 "kind": "escalate", "rationale": ""})
    assert bad.status_code == 400


def test_the_calendar_feed_is_valid_and_holds_every_review_and_check_in_day(q3):
    body = ical.feed(None)
    cal = icalendar.Calendar.from_ical(body)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = list(cal.walk("VEVENT"))
    for event in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert prop in event
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    summaries = {(e.decoded("DTSTART").date(), str(e["SUMMARY"])) for e in events}
    assert (dt.date(2026, 8, 10), "Week-6 mid-cycle review (2026-Q3, week 6)") in summaries
    checkins = [d for d, s in summaries if s == "Check-in day"]
    assert len(checkins) == 13 and all(d.weekday() == 3 for d in checkins)  # Thursdays
    assert b"RRULE" not in body


def test_personal_feeds_are_secret_addresses(q3):
    feed = CalendarFeed.objects.create(person=q3.member)
    client = Client()
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
    # Mia owns a key result (check-in days) but runs no reviews.
    assert events and all(str(e["SUMMARY"]) == "Check-in day" for e in events)
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    org_feed = client.get(f"/calendar/{feed.token}/organisation.ics")
    assert b"mid-cycle review" in org_feed.content


def test_the_api_runs_a_review(q3):
    office = ApiClient(org.create_token(None, q3.office))
    assert office.get("/reviews", cycle=q3.quarter.key).json() == []  # a GET never writes
    scheduled = office.post(f"/reviews/schedule?cycle={q3.quarter.key}", {}).json()
    reviews = office.get("/reviews", cycle=q3.quarter.key).json()
    assert reviews == scheduled
    assert [r["kind"] for r in reviews].count("mid_cycle") == 1
    rid = reviews[0]["id"]
    added = office.post(f"/reviews/{rid}/items", {"title": "Open a second warehouse?"}).json()
    item = added["items"][0]["id"]
    decided = office.post(f"/agenda-items/{item}/decision",
                          {"kind": "reallocate", "rationale": "Move two fitters"}).json()
    assert decided["items"][0]["decision"]["kind"] == "reallocate"
    acted = office.post(f"/reviews/{rid}/actions", {"title": "Lease", "owner": "lead@acme.test",
                                                    "due": "2026-07-20", "item": item})
    assert acted.status_code == 201 and acted.json()["actions"][0]["item"] == item
    closed = office.post(f"/reviews/{rid}/close", {"notes": ""}).json()
    assert closed["state"] == "closed" and closed["status_meeting"] is False
    member = ApiClient(org.create_token(None, q3.member))
    assert member.post(f"/reviews/{reviews[1]['id']}/agenda").status_code == 403
