"""The alignment map page: the chain of the plan, filters, escaping, login."""

from django.test import Client

from hoshin.okrs import services
from tests.factories import PASSWORD


def client_for(email):
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username=email, password=PASSWORD)
    return client


def test_map_shows_the_chain_with_status(plan):
    services.record_checkin(None, plan.kr_sales, value=35, confidence=9)
    html = client_for("viewer@acme.test").get("/alignment/").content.decode()
    for text in ("Every home heated without fossil fuel", "Lead the heat-pump market",
                 "Double installations", "Sell through installers",
                 "Make installers our best sales channel", "Installer-sold units"):
        assert text in html
    assert 'class="status status-on_track"' in html and "no data" in html


def test_filters_by_unit_owner_and_status(plan):
    services.record_checkin(None, plan.kr_sales, value=35, confidence=9)
    client = client_for("member@acme.test")
    by_unit = client.get("/alignment/", {"unit": "ops"}).content.decode()
    assert "Install faster" in by_unit and "Installer-sold units" not in by_unit
    by_owner = client.get("/alignment/", {"owner": "MEMBER@acme.test"}).content.decode()
    assert "Installer-sold units" in by_owner and "certification programme" not in by_owner
    by_status = client.get("/alignment/", {"status": "no_data"}).content.decode()
    assert "certification programme" in by_status and "Installer-sold units" not in by_status
    none = client.get("/alignment/", {"owner": "nobody@acme.test"}).content.decode()
    assert "Nothing matches these filters" in none


def test_titles_are_escaped(plan):
    services.save_objective(None, plan.objective, title="<img src=x onerror=alert(1)>")
    html = client_for("member@acme.test").get("/alignment/").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_login_required(plan):
    response = Client(HTTP_HOST="127.0.0.1").get("/alignment/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_every_link_on_the_map_leads_to_a_page(plan):
    import re

    client = client_for("member@acme.test")
    html = client.get("/alignment/").content.decode()
    links = set(re.findall(r'<a href="(/[^"]+)"', html.split('class="alignment"', 1)[1]))
    assert "/key-results/KR1/" in links and "/objectives/O1/" in links
    for link in links:
        assert client.get(link).status_code == 200, link
