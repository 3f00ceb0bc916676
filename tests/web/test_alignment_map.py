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


def _large_map(monkeypatch, size: int):
    """Make the map count as large from `size` nodes, so the plan fixture shows lazy
    branches as a large organisation would."""
    from hoshin.web import alignment

    monkeypatch.setattr(alignment, "LARGE_TREE", size)


def test_a_large_map_sends_its_top_levels_and_loads_branches_on_demand(plan, monkeypatch):
    import re

    _large_map(monkeypatch, 6)
    client = client_for("member@acme.test")
    html = client.get("/alignment/").content.decode()
    assert "load when you open them" in html
    assert "Installer-sold units" not in html  # a key result, deep below the top levels
    urls = re.findall(r'hx-get="([^"]+)"', html)
    assert urls and all(u.startswith("/alignment/branch/?") for u in urls)
    # Without JavaScript the same URL is a link inside the closed branch.
    for url in urls:
        assert f'<a href="{url}">Open this branch' in html
    fragments = [client.get(u.replace("&amp;", "&"), HTTP_HX_REQUEST="true") for u in urls]
    assert all(f.status_code == 200 for f in fragments)
    assert all(f.content.decode().startswith("<li") for f in fragments)
    assert any("Installer-sold units" in f.content.decode() for f in fragments)


def test_a_branch_opens_as_a_page_without_javascript(plan):
    client = client_for("member@acme.test")
    response = client.get("/alignment/branch/", {"node": "objective:O1"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "One branch of the map" in html and "Back to the whole map" in html
    assert "Installer-sold units" in html and "Install faster" not in html
    assert client.get("/alignment/branch/", {"node": "objective:nope"}).status_code == 404
    assert client.get("/alignment/branch/", {"node": "vision:vision"}).status_code == 404


def test_a_branch_keeps_the_filters(plan):
    services.record_checkin(None, plan.kr_sales, value=35, confidence=9)
    client = client_for("member@acme.test")
    fragment = client.get("/alignment/branch/", {"node": "objective:O1", "status": "no_data"},
                          HTTP_HX_REQUEST="true").content.decode()
    assert "certification programme" in fragment and "Installer-sold units" not in fragment
    by_owner = client.get("/alignment/branch/", {"node": "objective:O1",
                                                  "owner": "nobody@acme.test"},
                          HTTP_HX_REQUEST="true").content.decode()
    assert "Nothing matches" in by_owner
    by_unit = client.get("/alignment/branch/", {"node": "objective:O1", "unit": "ops"})
    assert by_unit.status_code == 404  # O1 belongs to sales: not in the ops map


def test_unit_names_link_to_the_unit_pages(plan):
    client = client_for("member@acme.test")
    html = client.get("/alignment/").content.decode()
    assert '<a href="/units/sales/">' in html
    assert client.get("/units/sales/").status_code == 200


def test_every_link_of_a_large_map_and_its_branches_leads_to_a_page(plan, monkeypatch):
    import html as html_lib
    import re

    _large_map(monkeypatch, 6)
    client = client_for("member@acme.test")
    pages, seen = ["/alignment/"], set()
    while pages:
        page = pages.pop()
        body = client.get(page).content.decode()
        for link in re.findall(r'<a href="(/[^"]+)"', body.split('class="alignment"', 1)[1]):
            link = html_lib.unescape(link)
            if link in seen:
                continue
            seen.add(link)
            assert client.get(link).status_code == 200, link
            if link.startswith("/alignment/branch/"):
                pages.append(link)
    assert any(link.startswith("/alignment/branch/") for link in seen)
    assert "/key-results/KR1/" in seen and "/units/sales/" in seen


def test_each_legend_count_links_to_exactly_the_key_results_it_counts(db):
    """Not started and silent are told apart by the filter as by the legend: the silent
    link lists the key result that went quiet, not the one that never reported."""
    import datetime as dt
    import html as html_lib
    import re

    from hoshin.core import clock
    from tests.factories import build_plan

    day = dt.date(2026, 11, 19)
    with clock.at(day):
        plan = build_plan(day)
        services.record_checkin(None, plan.kr_sales, value=30, confidence=2, date=day)
        kr3 = plan.ops_objective.key_results.get(key="KR3")
        services.record_checkin(None, kr3, value=20, confidence=9, date=dt.date(2026, 10, 5))
        client = client_for("viewer@acme.test")
        html = client.get("/alignment/").content.decode()
        legend = dict((status, (int(n), html_lib.unescape(url))) for status, url, n in re.findall(
            r'<li class="st-(\w+)">.*?<a href="([^"]+)">(\d+)<span', html))
        assert legend["silent"][0] == 1 and legend["not_started"][0] == 1
        shown = {}
        for status, (count, url) in legend.items():
            page = client.get(url).content.decode().split('class="alignment"', 1)[1]
            shown[status] = set(re.findall(r'href="/key-results/([^/"]+)/"', page))
            assert len(shown[status]) == count, (status, url, shown[status])
    assert shown["silent"] == {"KR3"} and shown["not_started"] == {"KR2"}
    assert shown["off_track"] == {"KR1"}


def test_the_owner_box_offers_people_by_name_never_by_address(plan):
    """The owner filter is a list of names (the address only the value sent), the one
    chosen selected; the page's text shows no address (issue #11)."""
    from tests.links import parse

    client = client_for("viewer@acme.test")
    html = client.get("/alignment/").content.decode()
    assert parse(html).emails() == []
    assert '<option value="member@acme.test">Mia Member</option>' in html
    assert "<datalist" not in html
    chosen = client.get("/alignment/", {"owner": "Member@acme.test"}).content.decode()
    assert '<option value="member@acme.test" selected>Mia Member</option>' in chosen
    assert parse(chosen).emails() == []


def test_above_the_limit_the_owner_box_takes_a_name(plan, monkeypatch):
    """Above the list's limit the owner filter is a text box that takes a name (or an
    email), through the same helper as the forms that pick a person (issue #11)."""
    from hoshin.web import alignment

    monkeypatch.setattr(alignment, "OWNER_CHOICES", 0)
    client = client_for("viewer@acme.test")
    by_name = client.get("/alignment/", {"owner": "mia member"}).content.decode()
    assert 'placeholder="Name or email"' in by_name and 'value="mia member"' in by_name
    assert "Installer-sold units" in by_name and "certification programme" not in by_name
    unknown = client.get("/alignment/", {"owner": "Nobody Known"}).content.decode()
    assert "Nothing matches these filters" in unknown
