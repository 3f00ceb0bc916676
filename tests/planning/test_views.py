"""Planning pages: who sees and may do what, and the forms end to end through the services."""

import pytest
from django.test import Client

from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, TradeOff
from hoshin.planning import readiness
from hoshin.planning import services as planning
from hoshin.planning.models import AlignmentRound, Brief, GateOverride, Ranking
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def client_for(person) -> Client:
    c = Client()
    assert c.login(email=person.email, password=PASSWORD)
    return c


def draft_quarter(plan) -> Cycle:
    return okrs.save_cycle(None, key="NEXT", kind="quarter", start=plan.quarter.start,
                           end=plan.quarter.end)


def test_overview_move_refused_then_overridden(plan):
    cycle = draft_quarter(plan)
    office = client_for(plan.office)
    page = office.get("/planning/?cycle=NEXT")
    assert page.status_code == 200
    assert "Alignment gate closed" in page.content.decode()
    refused = office.post("/planning/?cycle=NEXT", {"action": "move", "to_state": "planning"})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "drafting cannot open" in body and 'id="id_override_reason-error"' in body
    cycle.refresh_from_db()
    assert cycle.state == "draft"
    moved = office.post("/planning/?cycle=NEXT", {"action": "move", "to_state": "planning",
                                                  "override_reason": "Board meets Monday"})
    assert moved.status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == "planning"
    assert "Board meets Monday" in office.get("/planning/?cycle=NEXT").content.decode()
    assert GateOverride.objects.get().by == plan.office


def test_move_forbidden_to_leads_and_viewers(plan):
    draft_quarter(plan)
    assert client_for(plan.lead).post("/planning/?cycle=NEXT", {
        "action": "move", "to_state": "planning", "override_reason": "x"}).status_code == 403
    assert client_for(plan.viewer).post("/planning/?cycle=NEXT", {
        "action": "move", "to_state": "planning", "override_reason": "x"}).status_code == 403
    # The lead sees the page but no move form.
    page = client_for(plan.lead).get("/planning/?cycle=NEXT").content.decode()
    assert "Move cycle" not in page


def test_readiness_questionnaire(plan):
    office = client_for(plan.office)
    office.post(f"/planning/?cycle={plan.year.key}", {"action": "open-survey"})
    lead = client_for(plan.lead)
    url = f"/planning/readiness/{plan.year.key}/"
    form = lead.get(url).content.decode()
    assert readiness.QUESTIONS[0].text in form
    incomplete = lead.post(url, {"clarity_1": "4"})
    assert "Please answer this statement." in incomplete.content.decode()
    data = {q.key: "4" for q in readiness.QUESTIONS}
    assert lead.post(url, data).status_code == 302
    assert planning.my_response(planning.get_survey(plan.year), plan.lead).answers["trust_1"] == 4
    # A member is no leader; a viewer cannot post.
    assert client_for(plan.member).post(url, data).status_code == 403
    assert client_for(plan.viewer).post(url, data).status_code == 403
    # The office sees who answered; the lead does not.
    assert "Lea Lead" in office.get(url).content.decode()
    assert 'id="respondents"' not in lead.get(url).content.decode()


def test_round_ranking_and_results(plan):
    office = client_for(plan.office)
    response = office.post("/planning/alignment/new/", {
        "cycle": plan.year.key, "title": "Priorities", "items": "A1\nWin installers\nCut costs",
        "executives": [plan.admin.email, plan.lead.email, plan.other_lead.email],
        "threshold": "0.5"})
    assert response.status_code == 302
    round_ = AlignmentRound.objects.get()
    items = list(round_.items.all())
    url = f"/planning/alignment/{round_.pk}/"
    lead = client_for(plan.lead)
    assert 'type="number"' in lead.get(url).content.decode()
    bad = lead.post(url, {f"item_{items[0].pk}": "9"})
    assert "Ensure this value is less than or equal to 3." in bad.content.decode()
    for person, order in ((plan.lead, [1, 2, 3]), (plan.other_lead, [1, 3, 2]),
                          (plan.admin, [2, 1, 3])):
        assert client_for(person).post(url, {f"item_{i.pk}": str(p) for i, p in
                                             zip(items, order, strict=True)}).status_code == 302
    assert Ranking.objects.count() == 3
    # Sealed: before closing, nobody sees the rank table.
    assert 'id="rank-table"' not in office.get(url).content.decode()
    assert client_for(plan.member).post(url, {f"item_{items[0].pk}": "1"}).status_code == 403
    assert lead.post(url, {"action": "close"}).status_code == 403
    office.post(url, {"action": "close"})
    page = client_for(plan.viewer).get(url).content.decode()
    assert 'id="rank-table"' in page and "W = 0.44" in page


def test_brief_page(plan):
    office = client_for(plan.office)
    url = f"/planning/brief/{plan.quarter.key}/"
    assert office.post(url, {"action": "brief", "success": "A third via installers",
                             "risks": "Churn", "constraints": ""}).status_code == 302
    assert Brief.objects.get().success == "A third via installers"
    for n in range(3):
        office.post(url, {"action": "theme", "theme-title": f"Theme {n}",
                          "theme-annual_objectives": ["A1"]})
    page = office.get(url).content.decode()
    assert "4 themes: more than 3 dilutes" in page
    refused = office.post(url, {"action": "trade-off", "tradeoff-title": "Partner programme",
                                "tradeoff-kind": "paused", "tradeoff-reason": ""})
    assert refused.status_code == 200 and not TradeOff.objects.exists()
    office.post(url, {"action": "trade-off", "tradeoff-title": "Partner programme",
                      "tradeoff-kind": "paused", "tradeoff-reason": "Installers first",
                      "tradeoff-told_units": "ops", "tradeoff-affects": "O1"})
    trade = TradeOff.objects.get()
    assert (trade.source, trade.decided_by) == ("brief", plan.office)
    assert [u.key for u in trade.told_units.all()] == ["ops"]
    assert [o.key for o in trade.objectives.all()] == ["O1"]
    # No removing: an entry is superseded on its page in the register.
    assert f"/trade-offs/{trade.pk}/" in office.get(url).content.decode()
    # Everyone reads; only the office and admins edit.
    member_page = client_for(plan.member).get(url).content.decode()
    assert "A third via installers" in member_page and "Save the brief" not in member_page
    assert client_for(plan.lead).post(url, {"action": "brief", "success": "x"}).status_code == 403
    assert client_for(plan.viewer).post(url, {"action": "brief"}).status_code == 403


def test_a_new_round_names_its_executives_never_by_address(plan):
    """The executives to choose are shown by name and role (issue #11); their address is
    only the value the form sends."""
    from tests.links import parse

    html = client_for(plan.office).get("/planning/alignment/new/").content.decode()
    page = parse(html)
    assert page.emails() == [], page.emails()
    assert "Lea Lead (Unit lead)" in html
    assert f'value="{plan.lead.email}"' in html
