"""The X-matrix in a real browser."""

import pytest

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
