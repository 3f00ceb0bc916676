"""The close page and the annual review name things by their titles, with keys as
secondary text, and every name links (issue #11, item 3)."""

import datetime as dt

import pytest
from django.test import Client

from hoshin.closing import services
from tests.factories import PASSWORD, build_plan
from tests.links import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def q3():
    return build_plan(today=dt.date(2026, 7, 1))


def test_the_close_page_shows_titles_linked_with_keys_secondary(q3):
    client = Client()
    client.login(email="viewer@acme.test", password=PASSWORD)
    html = client.get(f"/closing/{q3.quarter.key}/").content.decode()
    page = parse(html)
    for path, name in [("/key-results/KR1/", "Installer-sold units from 20% to 35%"),
                       ("/objectives/O1/", "Make installers our best sales channel"),
                       ("/units/sales/", "Sales"),
                       (f"/people/{q3.member.pk}/", "Mia Member")]:
        assert page.links_to(path, name), (name, page.where(name))
    # The key follows the title as small text; the link is the title, not the id.
    assert ('Installer-sold units from 20% to 35%</a> <span class="key">KR1</span>' in html)
    assert not any(link.text == "KR1" for link in page.links)
    assert page.emails() == []


def test_the_annual_review_links_each_strategy_item_by_title(q3):
    services.grade_key_result(None, q3.kr_sales, grade=0.5, reason="halfway, by our count")
    client = Client()
    client.login(email="viewer@acme.test", password=PASSWORD)
    page = parse(client.get("/closing/annual/2026/").content.decode())
    assert page.links_to("/strategy/annual/A1/", "Double installations")
    assert page.links_to("/strategy/priorities/P1/", "Sell through installers")
    assert page.links_to("/strategy/breakthroughs/B1/", "Lead the heat-pump market")
    assert page.links_to(f"/closing/{q3.quarter.key}/", q3.quarter.name or q3.quarter.key)
