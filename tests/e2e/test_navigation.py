"""The header in a browser: one row at 1,280 px, a menu that opens by keyboard on a phone."""

import pytest

from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_bar_fits_one_row_at_1280(page, login, screenshot):
    plan = build_plan()
    from hoshin.org import services as org

    # A long bar: a unit lead (my unit, my key results) who holds an API token.
    org.create_token(None, plan.lead, "sheet")
    login("lead@acme.test", "/strategy/")
    page.set_viewport_size({"width": 1280, "height": 800})
    items = page.locator(".top-bar .brand, .nav-main .nav-link, .me-who, .me-menu > summary, "
                         ".logout button")
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    assert len(boxes) >= 11  # brand, 5 sections, my unit, my KRs, me, menu, log out
    middles = [b["y"] + b["height"] / 2 for b in boxes]
    assert max(middles) - min(middles) < 4, middles  # one row
    logout = page.get_by_role("button", name="Log out")
    assert logout.bounding_box()["height"] < 40  # "Log out" on one line
    right = max(b["x"] + b["width"] for b in boxes)
    assert right <= 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # The current section and page are marked.
    assert page.locator('.nav-main .nav-link[aria-current]').inner_text() == "Strategy"
    assert page.locator('.section-nav [aria-current="page"]').inner_text() == "Strategy"
    screenshot("nav-1280")


def test_section_pages_drop_down_by_keyboard(page, login):
    build_plan()
    login("office@acme.test", "/")
    page.set_viewport_size({"width": 1280, "height": 800})
    execution = page.locator(".nav-main .nav-link", has_text="Execution")
    execution.focus()
    flags = page.locator(".nav-main .nav-flyout a", has_text="Flags")
    flags.wait_for(state="visible")
    page.keyboard.press("Tab")  # into the section's pages
    assert page.evaluate("document.activeElement.textContent.trim()") == "Company"


def test_the_phone_menu_opens_with_the_keyboard(page, login, screenshot):
    build_plan()
    page.set_viewport_size({"width": 390, "height": 844})
    login("admin@acme.test", "/")
    assert not page.locator(".nav-main").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    summary = page.locator("details.nav-phone > summary")
    flags = page.locator(".phone-panel").get_by_role("link", name="Flags")
    assert not flags.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    flags.wait_for(state="visible")
    assert page.locator(".phone-panel").get_by_role("link", name="Admin", exact=True).is_visible()
    assert page.locator(".phone-panel").get_by_role("button", name="Log out").is_visible()
    panel = page.locator(".phone-panel").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 390
    screenshot("nav-phone-menu-390")
    page.keyboard.press("Escape")  # closes, focus back on the button
    flags.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    # Tab reaches the links once open again, and one takes you there.
    page.keyboard.press("Enter")
    flags.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/flags/")
