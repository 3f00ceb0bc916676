"""The alignment map in a real browser: branches collapse and expand, filters narrow it."""

import pytest
from playwright.sync_api import expect

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
    # The branch toggle sits under the objective's card (its summary names it for screen
    # readers); folding it hides the key results.
    page.locator("summary", has_text="Make installers our best sales channel").first.click()
    assert not kr.is_visible()
    page.get_by_label("Unit").select_option("ops")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**unit=ops**")
    assert page.get_by_role("link", name="Install faster").is_visible()
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


NESTED_CONTROLS = """() => document.querySelectorAll(
    'a a, a button, button a, button button, summary a, summary button, summary input,'
    + ' summary select, a summary').length"""


def test_the_map_is_a_tree_of_cards_folded_by_mouse_and_keyboard(page, login, screenshot):
    plan = build_plan()
    # One key result off track, one on track: the map shows both colours and words.
    services.record_checkin(None, plan.kr_sales, value=21, confidence=1)
    services.record_checkin(None, plan.kr_milestone, steps_done=["S1"], confidence=8)
    page.set_viewport_size({"width": 1440, "height": 900})
    login("viewer@acme.test", "/alignment/")
    kr_card = page.locator("li.kind-key_result", has_text="Installer-sold units")
    assert kr_card.is_visible()
    assert "off track" in kr_card.locator(".status").inner_text()
    assert "Mia Member" in kr_card.inner_text()
    # The card's edge carries the status colour: red for off track.
    edge = kr_card.locator(".map-card").evaluate(
        "el => getComputedStyle(el).borderLeftColor")
    assert edge == "rgb(209, 52, 43)", edge
    assert page.evaluate(NESTED_CONTROLS) == 0
    screenshot("alignment-map-cards-1440")

    toggle = page.locator("summary", has_text="Make installers our best sales channel").first
    toggle.click()                      # mouse: fold
    assert not kr_card.is_visible()
    toggle.focus()
    page.keyboard.press("Enter")        # keyboard: open again
    expect(kr_card).to_be_visible()
    page.keyboard.press("Space")        # and fold
    expect(kr_card).to_be_hidden()
    # The title link is reached with Tab on its own, outside any toggle.
    link = page.get_by_role("link", name="Make installers our best sales channel")
    link.focus()
    assert page.evaluate("document.activeElement.closest('summary')") is None
    link.click()
    page.wait_for_url("**/objectives/O1/")


def test_axe_finds_no_nested_controls_on_the_map(page, login):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    build_plan()
    login("viewer@acme.test", "/alignment/")
    results = axe.Axe().run(page, context=".alignment")
    ids = {v["id"]: v["impact"] for v in results.response["violations"]}
    assert "nested-interactive" not in ids, ids
    assert not {i for i, impact in ids.items() if impact in ("serious", "critical")}, ids
