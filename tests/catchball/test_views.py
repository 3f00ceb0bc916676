"""Catchball pages: inbox, thread with answer forms, proposing, overview and calendar."""

import datetime as dt

import pytest
from django.urls import reverse

from hoshin.catchball import services
from hoshin.catchball.models import Catchball, PlanningDeadline
from hoshin.strategy.models import ImprovementPriority

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(person):
        client.force_login(person)
        return client
    return login


def test_propose_from_the_objective_page_then_answer_in_the_thread(plan, as_user):
    client = as_user(plan.office)
    page = client.get(reverse("okrs:objective", args=["O1"])).content.decode()
    assert "/catchball/propose/?element=O1" in page
    form = client.get("/catchball/propose/?element=O1").content.decode()
    assert 'value="Make installers our best sales channel"' in form
    response = client.post("/catchball/propose/?element=O1", {
        "element": "O1", "unit": "ops", "title": "Make installers our best channel",
        "target": "", "description": "", "comment": "Can Ops support this?"})
    thread = Catchball.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/catchball/{thread.pk}/"

    client = as_user(plan.other_lead)
    inbox = client.get("/catchball/").content.decode()
    assert "Make installers our best sales channel" in inbox and "(1)" in inbox
    page = client.get(f"/catchball/{thread.pk}/").content.decode()
    assert "Respond for Operations" in page and "Accept" in page
    response = client.post(f"/catchball/{thread.pk}/", {
        "action": "respond", "respond-contribution": "Install within 10 days",
        "respond-needs_people": "2 fitters", "respond-help_from": ["sales"],
        "respond-title": "Make installers our best channel", "respond-target": "",
        "respond-description": ""})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.waiting_on == "proposer" and thread.version_by == "proposer"
    page = client.get(f"/catchball/{thread.pk}/").content.decode()
    assert "2 fitters" in page and "It is Oscar Office's turn to answer." in page

    client = as_user(plan.office)
    page = client.get(f"/catchball/{thread.pk}/").content.decode()
    assert "Revise the proposal" in page and 'value="accept"' not in page
    client.post(f"/catchball/{thread.pk}/", {
        "action": "revise", "revise-title": "Make installers our best channel",
        "revise-target": "", "revise-description": "", "revise-comment": "You get the fitters"})
    client = as_user(plan.other_lead)
    client.post(f"/catchball/{thread.pk}/", {"action": "accept", "accept-comment": "Deal"})
    thread.refresh_from_db()
    assert thread.state == "agreed"
    page = client.get(f"/catchball/{thread.pk}/").content.decode()
    assert "agreed in catchball" in page and "Your answer" not in page
    assert plan.objective.__class__.objects.get(key="O1").title == (
        "Make installers our best channel")


def test_errors_show_next_to_the_field_and_nothing_is_saved(plan, as_user):
    client = as_user(plan.office)
    response = client.post("/catchball/propose/", {"element": "NOPE", "unit": "sales"})
    assert response.status_code == 200
    assert "unknown plan element" in response.content.decode()
    thread = services.propose(plan.office, element="P1", unit="sales")
    client = as_user(plan.lead)
    response = client.post(f"/catchball/{thread.pk}/", {
        "action": "respond", "respond-title": "Sell through installers",
        "respond-target": "", "respond-description": "", "respond-contribution": ""})
    assert response.status_code == 400
    assert "say what the unit can contribute" in response.content.decode()
    assert thread.rounds.count() == 1


def test_viewers_and_outsiders_are_refused(plan, as_user):
    thread = services.propose(plan.office, element="P1", unit="sales")
    client = as_user(plan.viewer)
    assert client.post(f"/catchball/{thread.pk}/", {"action": "accept"}).status_code == 403
    assert client.post("/catchball/propose/", {"element": "P1", "unit": "ops"}).status_code == 403
    client = as_user(plan.other_lead)
    assert client.get(f"/catchball/{thread.pk}/").status_code == 200
    assert client.post(f"/catchball/{thread.pk}/", {"action": "respond",
                                                    "respond-contribution": "x"}
                       ).status_code == 403
    assert client.get("/catchball/overview/").status_code == 403
    assert client.get("/catchball/999/").status_code == 404
    assert thread.rounds.count() == 1


def test_overview_and_calendar_for_the_office(plan, as_user):
    client = as_user(plan.office)
    response = client.post("/catchball/calendar/", {
        "cycle": plan.year.key, "what": "catchball_response", "due": "2020-01-31"})
    assert response.status_code == 302
    assert PlanningDeadline.objects.get().due == dt.date(2020, 1, 31)
    thread = services.propose(plan.office, element="P1", unit="sales")
    assert thread.respond_by == dt.date(2020, 1, 31)  # from the calendar
    page = client.get("/catchball/overview/").content.decode()
    assert "Sales" in page and "overdue" in page and "not answered" in page


def test_nav_count_costs_one_query(plan, as_user, django_assert_num_queries):
    services.propose(plan.office, element="P1", unit="sales")
    client = as_user(plan.lead)
    page = client.get("/catchball/").content.decode()
    assert 'Catchball <span class="nav-count" title="awaiting your answer">(1)</span>' in page
    from hoshin.catchball.context import Awaiting
    awaiting = Awaiting(plan.lead)
    with django_assert_num_queries(1):
        assert awaiting.count == 1 and awaiting.count == 1
    assert ImprovementPriority.objects.get(key="P1")


def test_home_shows_what_awaits_my_answer_only_when_something_does(plan, as_user):
    services.propose(plan.office, element="P1", unit="sales", comment="Over to you")
    page = as_user(plan.lead).get("/").content.decode()
    assert "Catchball: awaiting my answer" in page and "Sell through installers" in page
    page = as_user(plan.member).get("/").content.decode()
    assert "awaiting my answer" not in page


def test_targets_read_as_everywhere_else(plan, as_user):
    # One number formatter (hoshin.engine.numbers.number, the |number filter): the thread
    # page, the element's status, the messages and the rounds write 36.125 as 36.13.
    from hoshin.notify.models import OutboxMessage

    thread = services.propose(plan.office, element="KR1", unit="sales", target=37.5)
    services.respond(plan.lead, thread, contribution="Most of it", target=36.125)
    [told] = OutboxMessage.objects.filter(recipient=plan.office)
    assert "target 36.13 (was" in told.text and "target 37.5)" in told.text
    rows = services.thread_rounds(thread)
    assert rows[1]["changes"] == [{"field": "target", "old": "37.5", "new": "36.13"}]
    assert [row["target"] for row in rows] == ["37.5", "36.13"]

    page = as_user(plan.office).get(f"/catchball/{thread.pk}/").content.decode()
    assert "target <strong>36.13</strong>" in page and "· target 37.5" in page
    assert "<del>37.5</del> → <ins>36.13</ins>" in page and ", target 36.13</summary>" in page
    services.accept(plan.office, thread)
    page = as_user(plan.office).get(reverse("okrs:key_result", args=["KR1"])).content.decode()
    assert "Agreed in catchball</strong> with" in page and "target <strong>36.13</strong>" in page
