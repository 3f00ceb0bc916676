"""The strategy page, its forms and item pages over the `plan` fixture."""

import datetime as dt

import pytest

from hoshin.org.models import Person
from hoshin.strategy import services as strategy
from hoshin.strategy.models import AnnualObjective, Breakthrough, ImprovementPriority, Vision
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year
EDIT_MARKERS = ("Add a breakthrough", "Edit the vision", ">Archive<")


def login(client, email):
    assert client.login(username=email, password=PASSWORD)


def test_login_required(client, plan):
    for url in ("/strategy/", "/strategy/breakthroughs/B1/", "/strategy/annual/A1/",
                "/strategy/priorities/P1/", "/strategy/grids/annual-priority/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("email", ["viewer@acme.test", "member@acme.test", "lead@acme.test"])
def test_everyone_reads_the_whole_plan_without_edit_controls(client, plan, email):
    login(client, email)
    html = client.get(f"/strategy/?year={YEAR}").content.decode()
    for text in ("Every home heated without fossil fuel", "Warm, cheap, silent", "2030",
                 "Lead the heat-pump market", "Double installations", "Sell through installers",
                 "Sales", "Lea Lead", "Primary", "Installations per month", "100 → 200 #",
                 "↑ higher is better", f"/strategy/x-matrix/?year={YEAR}"):
        assert text in html, text
    for marker in EDIT_MARKERS:
        assert marker not in html


def test_office_gets_edit_controls(client, plan):
    login(client, "office@acme.test")
    html = client.get(f"/strategy/?year={YEAR}").content.decode()
    for marker in EDIT_MARKERS:
        assert marker in html


@pytest.mark.parametrize("email", ["viewer@acme.test", "member@acme.test", "lead@acme.test"])
def test_others_cannot_post(client, plan, email):
    login(client, email)
    posts = [
        ("/strategy/new/breakthroughs/", {"title": "Sneaky"}),
        ("/strategy/breakthroughs/B1/edit/", {"title": "Sneaky"}),
        ("/strategy/breakthroughs/B1/archive/", {}),
        ("/strategy/vision/edit/", {"statement": "Sneaky"}),
        ("/strategy/grids/breakthrough-annual/", {"cell:B1:A1": ""}),
        ("/strategy/grids/resources/", {"cell:lead@acme.test:P1": ""}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert client.get("/strategy/new/breakthroughs/").status_code == 403
    b1 = Breakthrough.objects.get(key="B1")
    assert b1.title == "Lead the heat-pump market" and not b1.archived
    assert Vision.objects.get().statement == "Every home heated without fossil fuel"
    assert not Breakthrough.objects.filter(title="Sneaky").exists()
    assert AnnualObjective.objects.get(key="A1").breakthrough_correlations.count() == 1


def test_office_adds_edits_and_archives_a_breakthrough(client, plan):
    login(client, "office@acme.test")
    response = client.post("/strategy/new/breakthroughs/", {
        "key": "B2", "title": "Service every install within a day", "horizon": "2028",
        "owner": "lead@acme.test"})
    assert response.status_code == 302
    b2 = Breakthrough.objects.get(key="B2")
    assert b2.owner == plan.lead and b2.horizon == 2028

    response = client.post("/strategy/breakthroughs/B2/edit/", {
        "title": "Service every install within a day", "horizon": "2029", "owner": ""})
    assert response.status_code == 302
    b2.refresh_from_db()
    assert b2.horizon == 2029 and b2.owner is None

    assert client.post("/strategy/breakthroughs/B2/archive/").status_code == 302
    b2.refresh_from_db()
    assert b2.archived
    html = client.get("/strategy/").content.decode()
    assert "Service every install" in html[html.index('id="archived"'):]
    client.post("/strategy/breakthroughs/B2/archive/", {"restore": "1"})
    b2.refresh_from_db()
    assert not b2.archived


def test_form_errors_sit_next_to_their_field(client, plan):
    login(client, "office@acme.test")
    response = client.post("/strategy/new/breakthroughs/", {
        "key": "A1", "title": "Duplicate id", "owner": ""})
    assert response.status_code == 200
    html = response.content.decode()
    key_field = html[html.index('for="id_key"'):html.index('for="id_title"')]
    assert "is already the id of a" in key_field
    assert not Breakthrough.objects.filter(title="Duplicate id").exists()

    response = client.post("/strategy/new/breakthroughs/", {
        "title": "Bad owner", "owner": "nobody@acme.test"})
    html = response.content.decode()
    owner_field = html[html.index('for="id_owner"'):]
    assert "Choose a person from the list." in owner_field
    assert not Breakthrough.objects.filter(title="Bad owner").exists()


def test_owner_is_picked_by_name(client, plan):
    """The owner box lists people by name (no address on the page), the item's owner
    chosen; the id posted back saves that person."""
    login(client, "office@acme.test")
    html = client.get("/strategy/annual/A1/edit/").content.decode()
    owner_field = html[html.index('id="id_owner"'):html.index("</select>",
                                                              html.index('id="id_owner"'))]
    assert "@" not in owner_field
    lead = Person.objects.get(email="lead@acme.test")
    assert f'<option value="{lead.pk}"' in owner_field and lead.name in owner_field
    response = client.post("/strategy/new/breakthroughs/", {
        "title": "Own the install experience", "owner": str(lead.pk)})
    assert response.status_code == 302
    assert Breakthrough.objects.get(title="Own the install experience").owner == lead


def test_htmx_form_is_a_fragment_and_success_redirects(client, plan):
    login(client, "office@acme.test")
    response = client.get("/strategy/annual/A1/edit/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'hx-post="/strategy/annual/A1/edit/"' in html
    assert 'value="Double installations"' in html
    response = client.post("/strategy/annual/A1/edit/", {
        "year": YEAR, "title": "Triple installations", "owner": "office@acme.test"},
        HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/strategy/?year=")
    assert AnnualObjective.objects.get(key="A1").title == "Triple installations"


def test_office_adds_a_priority_and_a_metric(client, plan):
    login(client, "office@acme.test")
    response = client.post(f"/strategy/new/priorities/?year={YEAR}", {
        "key": "P2", "year": YEAR, "unit": "ops", "title": "Halve install lead time"})
    assert response.status_code == 302
    assert ImprovementPriority.objects.get(key="P2").unit.key == "ops"
    response = client.post("/strategy/new/metrics/", {
        "key": "M2", "title": "Lead time", "unit": "days", "direction": "decrease",
        "baseline": "30", "target": "14", "owner": ""})
    assert response.status_code == 302
    html = client.get(f"/strategy/?year={YEAR}").content.decode()
    assert "Halve install lead time" in html and "30 → 14 days" in html


def test_vision_edit(client, plan):
    login(client, "admin@acme.test")
    response = client.post("/strategy/vision/edit/", {"statement": "", "horizon": "2031"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = client.post("/strategy/vision/edit/", {"statement": "Heat for all",
                                                      "horizon": "2031", "customer_ideal": ""})
    assert response.status_code == 302
    assert Vision.objects.get().horizon == 2031


def test_priority_page(client, plan):
    login(client, "viewer@acme.test")
    response = client.get("/strategy/priorities/P1/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Sell through installers", "/strategy/annual/A1/", "Double installations",
                 "Strong", "Lea Lead", "Operations", "Primary", "Secondary",
                 "Installations per month", "Important", "/objectives/O1/",
                 "Make installers our best sales channel", plan.quarter.key,
                 "Created improvement priority"):
        assert text in html, text
    assert "Edit in the resources grid" not in html and ">Archive<" not in html


def test_annual_and_breakthrough_pages(client, plan):
    login(client, "member@acme.test")
    html = client.get("/strategy/annual/A1/").content.decode()
    # O1 serves it through P1, O2 through the theme T1.
    for text in ("/strategy/breakthroughs/B1/", "/strategy/priorities/P1/", "/objectives/O1/",
                 "/objectives/O2/", "Installations per month"):
        assert text in html, text
    html = client.get("/strategy/breakthroughs/B1/").content.decode()
    for text in ("/strategy/annual/A1/", "/objectives/O1/", "/objectives/O2/", "2029"):
        assert text in html, text
    assert client.get("/strategy/breakthroughs/NOPE/").status_code == 404


def test_history_in_words(client, plan):
    strategy.save_breakthrough(plan.office, Breakthrough.objects.get(key="B1"),
                               title="Own the heat-pump market", owner="lead@acme.test")
    strategy.save_correlation_grid(plan.office, "breakthrough-annual", {("B1", "A1"): "weak"})
    login(client, "viewer@acme.test")
    html = client.get("/strategy/breakthroughs/B1/").content.decode()
    history = html[html.index("Change history"):]
    assert "Title: Lead the heat-pump market → Own the heat-pump market" in history
    assert "Owner: — → Lea Lead" in history  # core.history_view.EMPTY, as on every page
    assert "Link to A1 Double installations: Strong ● → Weak △" in history
    assert "Oscar Office" in history
    assert "owner_id" not in history and "breakthrough_id" not in history


def test_editing_from_an_item_page_returns_there(client, plan):
    login(client, "office@acme.test")
    html = client.get("/strategy/priorities/P1/").content.decode()
    assert 'href="/strategy/priorities/P1/edit/?next=/strategy/priorities/P1/"' in html
    response = client.post("/strategy/priorities/P1/edit/?next=/strategy/priorities/P1/", {
        "year": YEAR, "unit": "sales", "title": "Sell through certified installers"})
    assert response.status_code == 302 and response["Location"] == "/strategy/priorities/P1/"
    # Only a path on this site is followed.
    response = client.post("/strategy/priorities/P1/edit/?next=https://evil.test/", {
        "year": YEAR, "unit": "sales", "title": "Sell through installers"})
    assert response["Location"].startswith("/strategy/?year=")


def test_vision_changes_are_listed_in_words(client, plan):
    strategy.set_vision(plan.admin, statement="Heat for all", horizon=2031,
                        customer_ideal="Warm, cheap, silent")
    login(client, "viewer@acme.test")
    html = client.get("/strategy/").content.decode()
    history = html[html.index("Changes to the vision"):]
    assert "Statement: Every home heated without fossil fuel → Heat for all" in history
    assert "Horizon: 2030 → 2031" in history and "Ana Admin" in history
