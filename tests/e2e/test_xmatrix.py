"""The X-matrix in a real browser."""

import pytest

from hoshin.okrs import services
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_xmatrix_shows_the_plan(page, login, screenshot):
    build_plan()
    login("viewer@acme.test", "/strategy/x-matrix/")
    svg = page.locator("#xm-figure svg")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box["width"] > box["height"] > 200
    text = svg.text_content()
    for item in ("B1", "Lead the heat-pump market", "A1", "Double installations", "P1",
                 "Sell through installers", "M1", "Installations per month"):
        assert item in text
    assert svg.locator('[data-row="B1"][data-col="A1"][data-mark="strong"]').count() == 1
    assert svg.locator('[data-row="P1"][data-col="M1"][data-mark="important"]').count() == 1
    assert page.get_by_role("link", name="Download PNG").is_visible()
    screenshot("xmatrix")
    # A metric is a link to its page.
    page.locator('#xm-figure svg a[href="/strategy/metrics/M1/"]').click()
    page.wait_for_url("**/strategy/metrics/M1/")
    assert page.get_by_text("Installations per month").first.is_visible()


def test_the_xmatrix_shows_trouble_in_red_and_the_flags(page, login, screenshot):
    plan = build_plan()
    services.record_checkin(None, plan.kr_sales, value=21, confidence=1)
    services.record_checkin(None, plan.kr_milestone, steps_done=[], confidence=1)
    page.set_viewport_size({"width": 1440, "height": 900})
    login("viewer@acme.test", "/strategy/x-matrix/")
    badge = page.locator('#xm-figure svg g[data-key="P1"] rect.status-badge')
    assert badge.get_attribute("data-status") == "off_track"
    assert badge.evaluate("el => getComputedStyle(el).fill") == "rgb(209, 52, 43)"
    flags = page.locator("section", has=page.get_by_role("heading", name="Flags"))
    assert "open flag" in flags.inner_text()
    screenshot("xmatrix-trouble-1440")
    flags.get_by_role("link", name="Flags page").click()
    page.wait_for_url("**/flags/")
