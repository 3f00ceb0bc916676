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


def test_a_large_map_loads_a_branch_when_it_is_opened(page, login, screenshot, monkeypatch):
    from hoshin.web import alignment

    build_plan()
    # The live server runs in this process: the plan's small map now counts as large.
    monkeypatch.setattr(alignment, "LARGE_TREE", 6)
    login("viewer@acme.test", "/alignment/")
    assert page.get_by_text("load when you open them").is_visible()
    assert page.get_by_text("Installer-sold units from 20% to 35%").count() == 0
    branch = page.locator("details[hx-get]").first
    with page.expect_response(lambda r: "/alignment/branch/" in r.url):
        branch.locator("summary").first.click()
    kr = page.get_by_text("Installer-sold units from 20% to 35%")
    kr.wait_for()
    assert kr.is_visible()
    assert page.get_by_text("Open this branch").count() < page.locator("details[hx-get]").count()
    screenshot("alignment-map-lazy-branch")
    # The keyboard opens a branch too.
    closed = page.locator("details[hx-get]:not([open]) > summary").first
    if closed.count():
        closed.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelectorAll('details[hx-get][open]').length >= 2")
