"""The company-wide view (/company/) and the TV mode (/tv/) over the `plan` fixture."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.okrs import services as okrs
from hoshin.org import services as org
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email="viewer@acme.test"):
    assert client.login(username=email, password=PASSWORD)


def section(html: str, unit: str) -> str:
    start = html.index(f'id="unit-{unit}"')
    return html[start:html.index("</section>", start)]


def test_login_required(client, plan):
    for url in ("/company/", "/tv/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_company_view_for_a_viewer(client, plan):
    okrs.record_checkin(None, plan.kr_sales, value=35, confidence=8)
    login(client)
    response = client.get("/company/")
    html = response.content.decode()
    assert response.status_code == 200
    assert plan.quarter.key in html
    sales = section(html, "sales")
    assert "Make installers our best sales channel" in sales
    assert "Installer-sold units from 20% to 35%" in sales
    assert "100 %" in sales and "On track" in sales
    assert "Install faster" in section(html, "ops")
    assert 'id="unit-acme"' not in html  # no objectives of its own: no empty section
    # Summary: one count per status over the two objectives, and the KR tally.
    summary = html[html.index('class="co-summary"'):]
    summary = summary[:summary.index("</ul>")]
    counts = {status: int(n) for n, status in
              re.findall(r"<strong>(\d+)</strong><span class=\"status status-(\w+)\"", summary)}
    assert set(counts) == {"on_track", "at_risk", "off_track", "no_data"}
    assert sum(counts.values()) == 2
    assert "1 on track" in html  # KR1 among the key results
    assert "<form method=\"post\"" not in html.replace(
        html[html.index('<div class="me">'):html.index("</header>")], "")  # read-only


def test_queries_do_not_grow_with_the_company(client, plan):
    login(client)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = {url: count(url) for url in ("/company/", "/tv/")}
    for i in range(4):
        org.create_unit(None, key=f"team{i}", name=f"Team {i}", parent="sales")
        okrs.save_objective(None, key=f"OT{i}", cycle=plan.quarter.key, unit=f"team{i}",
                            title=f"Team objective {i}", parent="O1")
        for j in range(3):
            okrs.save_key_result(None, key=f"KT{i}{j}", objective=f"OT{i}",
                                 title=f"Result {j}", owner="member@acme.test",
                                 kind="increase", baseline=0, target=10)
    after = {url: count(url) for url in ("/company/", "/tv/")}
    assert after == before
    assert "Team objective 3" in client.get("/company/").content.decode()


def test_company_fixed_queries(client, plan, django_assert_max_num_queries):
    login(client)
    # 16: one is the header's (my unit, my key results, API token: web/context.py).
    with django_assert_max_num_queries(16):
        client.get("/company/")
    with django_assert_max_num_queries(16):
        client.get("/tv/")


def refresh_of(html: str) -> tuple[int, str]:
    """The plain refresh a screen falls back on without scripts: (seconds, next URL)."""
    refresh = re.search(r'<meta http-equiv="refresh" content="(\d+); url=([^"]+)">', html)
    return int(refresh.group(1)), refresh.group(2).replace("&amp;", "&")


def test_tv_rotates_from_the_company_through_its_units(client, plan):
    okrs.record_checkin(None, plan.kr_sales, value=30, confidence=8)
    login(client)
    html = client.get("/tv/").content.decode()
    # First the whole company: its overall status and a tile per unit with objectives.
    assert "Company overview" in html and "next: Operations" in html
    assert html.count('class="tv-unit"') == 2 and "<h1><span>Operations</span>" not in html
    assert re.search(r"<strong>\d+</strong> days? left", html)
    assert refresh_of(html) == (15, "/tv/?unit=ops&every=15")
    # Then each unit in organisation order (siblings by name): Operations, Sales.
    html = client.get("/tv/?unit=ops&every=15").content.decode()
    assert "<h1><span>Operations</span>" in html and "Unit 1 of 2" in html
    assert refresh_of(html) == (15, "/tv/?unit=sales&every=15")
    html = client.get("/tv/?unit=sales&every=15").content.decode()
    assert "<h1><span>Sales</span>" in html and "Unit 2 of 2" in html
    assert "Make installers our best sales channel" in html
    # A small chart per key result, with its status in words and its value.
    assert html.count('<li class="multiple"') == 2 and html.count('<svg xmlns') >= 2
    assert "No data" in html or "On track" in html  # status colours come with a word
    assert "30 %" in html and 'href="/key-results/KR1/"' in html
    assert refresh_of(html) == (15, "/tv/?every=15")  # wraps round to the company


def test_tv_interval_and_unknown_unit(client, plan):
    login(client)
    html = client.get("/tv/?every=30&unit=nope").content.decode()
    assert refresh_of(html) == (30, "/tv/?unit=ops&every=30")
    assert "Company overview" in html  # an unknown unit starts at the beginning
    assert 'content="30; ' in client.get("/tv/?seconds=30").content.decode()  # older name
    assert 'content="5; ' in client.get("/tv/?every=1").content.decode()
    assert 'content="15; ' in client.get("/tv/?every=abc").content.decode()


def test_no_active_quarter(client, plan):
    okrs.transition_cycle(None, plan.quarter, "closed", override_reason="test")
    login(client)
    assert "no active quarter" in client.get("/company/").content.decode()
    html = client.get("/tv/").content.decode()
    assert "no active quarter" in html and "http-equiv" not in html


def test_tv_shares_many_units_out_over_company_screens(client, plan):
    """Above TV_UNITS_PER_SCREEN units, the company screen is several screens, shared out
    evenly and shown in turn before the units: each unit's tile on exactly one."""
    from hoshin.web.transparency import TV_UNITS_PER_SCREEN

    for i in range(TV_UNITS_PER_SCREEN):  # 2 + 15 = 17 units: two screens, 9 and 8
        org.create_unit(None, key=f"team{i:02d}", name=f"Team {i:02d}", parent="acme")
        okrs.save_objective(None, key=f"OT{i}", cycle=plan.quarter.key, unit=f"team{i:02d}",
                            title=f"Team objective {i}")
    login(client)
    first = client.get("/tv/?every=15").content.decode()
    assert "Company overview 1 of 2" in first and "Units 1–9 of 17" in first
    assert refresh_of(first) == (15, "/tv/?page=2&every=15")
    second = client.get("/tv/?page=2&every=15").content.decode()
    assert "Company overview 2 of 2" in second and "Units 10–17 of 17" in second
    names = re.findall(r'<li class="tv-unit"[^>]*>\s*<div class="head"><h2>([^<]+)</h2>',
                       first + second)
    assert len(names) == 17 == len(set(names))
    assert first.count('class="tv-unit"') == 9 and second.count('class="tv-unit"') == 8
    # Then the units, and from the last unit back round to the first company screen.
    assert refresh_of(second)[1].startswith("/tv/?unit=")
    assert "Company overview 2 of 2" in client.get("/tv/?page=9&every=15").content.decode()
    last = re.findall(r'href="(/tv/\?unit=[^"]+)"', first)[-1].replace("&amp;", "&")
    assert refresh_of(client.get(last).content.decode())[1] == "/tv/?every=15"
