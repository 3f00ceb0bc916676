"""Unit and objective pages and the objective form with its key results."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.core.errors import DomainError
from hoshin.okrs import services
from hoshin.okrs.models import KeyResult, Objective

pytestmark = pytest.mark.django_db


def test_unit_page_lists_objectives_with_their_chain_and_krs(client, plan):
    client.force_login(plan.viewer)
    html = client.get("/units/sales/").content.decode()
    assert "Make installers our best sales channel" in html
    # Why this matters: objective -> priority -> annual objective -> breakthrough.
    for text in ("Sell through installers", "Double installations", "Lead the heat-pump market"):
        assert text in html
    assert html.index("Sell through installers") < html.index("Lead the heat-pump market")
    assert "Installer-sold units from 20% to 35%" in html
    assert plan.lead.name in html
    assert "New objective" not in html  # a viewer cannot add one
    acme = client.get("/units/acme/").content.decode()
    assert 'href="/units/sales/' in acme and 'href="/units/ops/' in acme


def test_unit_page_offers_new_objective_to_its_lead_only(client, plan):
    client.force_login(plan.lead)
    assert "New objective" in client.get("/units/sales/").content.decode()
    assert "New objective" not in client.get("/units/ops/").content.decode()


def test_chain_through_a_theme_and_queries_do_not_grow(client, plan):
    client.force_login(plan.lead)
    html = client.get(f"/units/ops/?cycle={plan.quarter.key}").content.decode()
    assert "Installer channel" in html and "Lead the heat-pump market" in html
    with CaptureQueriesContext(connection) as few:
        client.get("/units/sales/")
    for i in range(4):
        services.save_objective(None, key=f"OX{i}", cycle=plan.quarter.key, unit="sales",
                                title=f"Extra {i}", parent="O1" if i % 2 else "T1")
        services.save_key_result(None, key=f"KRX{i}", objective=f"OX{i}", title="k",
                                 owner=plan.member.email, baseline=0, target=1)
    with CaptureQueriesContext(connection) as many:
        client.get("/units/sales/")
    assert len(many) <= len(few) + 2


def test_objective_page_has_charts_with_checkins_and_history(client, plan):
    start = plan.quarter.start
    services.record_checkin(plan.member, plan.kr_sales, value=24, confidence=7, date=start)
    services.record_checkin(plan.member, plan.kr_sales, value=28, confidence=7,
                            date=start + dt.timedelta(days=14))
    services.save_key_result(plan.lead, plan.kr_sales, target=40, reason="board raised the bar")
    client.force_login(plan.viewer)
    html = client.get("/objectives/O1/").content.decode()
    # Each key result is drawn once: a small chart per key result at the top, linking to
    # its page. No burn-up or timeline repeats them under the rows (issue #11).
    assert html.count('<li class="multiple"') == 2
    assert html.count("<svg") == 2
    assert "burnup" not in html and 'class="timeline' not in html
    # What the full chart said in words stays under each row, with the way to it.
    rows = html[html.index('<div class="krs">'):]
    assert "Now 28 % (" in rows and "target 40 %" in rows and "forecast " in rows
    assert "Still to do: Curriculum, Pilot, Launch" in rows
    assert rows.count('href="/key-results/KR1/">Burn-up chart and check-ins') == 1
    assert rows.count('href="/key-results/KR2/">Timeline and check-ins') == 1
    # The key result's page has the full burn-up, with both check-ins.
    kr_page = client.get("/key-results/KR1/").content.decode()
    kr_chart = kr_page[kr_page.index('class="burnup burnup-wide"'):]
    kr_chart = kr_chart[:kr_chart.index("</svg>")]
    assert "Burn-up of Installer-sold" in kr_chart
    assert kr_chart.count('class="dot"') == 2 and 'class="pace-line"' in kr_chart
    assert "Sell through installers" in html  # chain up
    assert ('<span class="history-field">Target</span> 35 <span aria-label="changed to">→</span> 40'
            in html and "Reason: board raised the bar" in html and "Lea Lead" in html)
    assert "target_" not in html and "parent_" not in html  # no raw field names
    assert plan.lead.name in html
    assert "Edit or add key results" not in html


def test_objective_nodes_of_the_alignment_map_link_to_their_page(client, plan):
    client.force_login(plan.viewer)
    assert 'href="/objectives/O1/"' in client.get("/alignment/").content.decode()


def form_data(**extra):
    data = {"title": "Win the north", "description": "", "kind": "committed", "parent": "P1",
            "kr-TOTAL_FORMS": "3", "kr-INITIAL_FORMS": "0", "kr-MIN_NUM_FORMS": "0",
            "kr-MAX_NUM_FORMS": "10"}
    for i in range(3):
        data.update({f"kr-{i}-title": "", f"kr-{i}-owner": "", f"kr-{i}-kind": "increase",
                     f"kr-{i}-baseline": "", f"kr-{i}-target": "", f"kr-{i}-unit": ""})
    data.update(extra)
    return data


def test_lead_creates_an_objective_with_two_key_results(client, plan):
    client.force_login(plan.lead)
    url = f"/objectives/new/?unit=sales&cycle={plan.quarter.key}"
    form = client.get(url).content.decode()
    assert "Sell through installers" in form and plan.member.email in form
    response = client.post(url, form_data(**{
        "kr-0-title": "North dealers 0 to 12", "kr-0-owner": plan.member.email,
        "kr-0-baseline": "0", "kr-0-target": "12", "kr-0-unit": "dealers",
        "kr-1-title": "Returns below 2%", "kr-1-owner": plan.lead.email,
        "kr-1-kind": "stay_below", "kr-1-target": "2", "kr-1-unit": "%"}))
    objective = Objective.objects.get(title="Win the north")
    assert response.status_code == 302 and response.url == f"/objectives/{objective.key}/"
    assert objective.parent_priority.key == "P1" and objective.unit.key == "sales"
    krs = list(objective.key_results.order_by("id").values_list("title", "owner__email", "target"))
    assert krs == [("North dealers 0 to 12", plan.member.email, 12.0),
                   ("Returns below 2%", plan.lead.email, 2.0)]


def test_errors_show_next_to_fields_and_nothing_is_stored(client, plan):
    client.force_login(plan.lead)
    before = (Objective.objects.count(), KeyResult.objects.count())
    response = client.post(f"/objectives/new/?unit=sales&cycle={plan.quarter.key}", form_data(**{
        "kr-0-title": "Good one", "kr-0-owner": plan.member.email, "kr-0-baseline": "0",
        "kr-0-target": "5",
        "kr-1-title": "No owner", "kr-1-baseline": "1", "kr-1-target": "2"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_kr-1-owner-error"' in html and "exactly one owner" in html
    assert 'id="id_kr-0-owner-error"' not in html
    assert (Objective.objects.count(), KeyResult.objects.count()) == before


def test_objective_errors_go_next_to_the_objective_field(client, plan):
    client.force_login(plan.lead)
    response = client.post(f"/objectives/new/?unit=sales&cycle={plan.quarter.key}",
                           form_data(title="   "))
    assert 'id="id_title-error"' in response.content.decode()
    assert not Objective.objects.filter(title__startswith=" ").exists()


@pytest.mark.parametrize("who", ["viewer", "other_lead", "member"])
def test_others_get_403_and_nothing_changes(client, plan, who):
    client.force_login(getattr(plan, who))
    before = Objective.objects.count()
    url = f"/objectives/new/?unit=sales&cycle={plan.quarter.key}"
    assert client.post(url, form_data()).status_code == 403
    assert client.get(url).status_code == 403
    assert client.post("/objectives/O1/edit/", form_data(title="Hijacked")).status_code == 403
    assert Objective.objects.count() == before
    assert Objective.objects.get(key="O1").title == "Make installers our best sales channel"


def test_lead_edits_an_objective_and_adds_a_key_result(client, plan):
    client.force_login(plan.lead)
    response = client.post("/objectives/O1/edit/", form_data(**{
        "title": "Installers first", "kr-0-title": "Third KR", "kr-0-owner": plan.member.email,
        "kr-0-baseline": "1", "kr-0-target": "3"}))
    assert response.status_code == 302
    objective = Objective.objects.get(key="O1")
    assert objective.title == "Installers first"
    assert objective.key_results.filter(title="Third KR").exists()


def test_service_prefixes_key_result_errors_and_rolls_back(plan):
    with pytest.raises(DomainError) as caught:
        services.create_objective_with_key_results(
            plan.lead, {"cycle": plan.quarter.key, "unit": "sales", "title": "X"},
            [{"title": "ok", "owner": plan.member.email, "baseline": 0, "target": 1},
             {"title": "bad", "owner": "sales", "baseline": 0, "target": 1}])
    assert [e.field for e in caught.value.errors] == ["key_results[1].owner"]
    assert not Objective.objects.filter(title="X").exists()
    assert not KeyResult.objects.filter(title="ok").exists()
