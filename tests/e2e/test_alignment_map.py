"""The alignment map in a real browser: branches collapse and expand, filters narrow it."""

import pytest

from hoshin.okrs import services
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_alignment_map_collapses_and_filters(page, login, screenshot):
    plan = build_plan()
    services.record_checkin(None, plan.kr_sales, value=30, confidence=7)
    login("viewer@acme.test", "/alignment/")
    kr = page.get_by_text("Installer-sold units from 20% to 35%")
    assert kr.is_visible()
    screenshot("alignment-map")
    page.locator("summary", has_text="Make installers our best sales channel").first.click()
    assert not kr.is_visible()
    page.get_by_label("Unit").select_option("ops")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**unit=ops**")
    assert page.get_by_text("Install faster").is_visible()
    assert page.get_by_text("Installer-sold units").count() == 0
