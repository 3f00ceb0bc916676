"""Planning in a real browser: a leader answers the readiness questionnaire, three
executives rank privately, the office sees W and the drafting gate refuse, then move the
cycle with a recorded override."""

import pytest

from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle
from hoshin.planning import readiness
from hoshin.planning import services as planning
from hoshin.planning.models import GateOverride
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_readiness_ranking_and_the_drafting_gate(page, login, screenshot, live_server):
    plan = build_plan()
    okrs.save_cycle(None, key="NEXT", name="Next quarter", kind="quarter",
                    start=plan.quarter.start, end=plan.quarter.end)
    planning.open_survey(None, "NEXT")
    round_ = planning.open_round(
        None, "NEXT", title="What matters most next quarter",
        items=["A1", "Win the installer channel", "Cut installation time"],
        executives=[plan.admin.email, plan.lead.email, plan.other_lead.email])

    # A leader answers the questionnaire, by keyboard-reachable radio buttons.
    login("lead@acme.test", "/planning/readiness/NEXT/")
    for q in readiness.QUESTIONS:
        value = "2" if q.dimension == "alignment" and not q.reverse else "4"
        page.locator(f'input[name="{q.key}"][value="{value}"]').check()
    screenshot("planning-readiness-form")
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**/planning/?cycle=NEXT")
    assert page.get_by_text("your answers are saved").is_visible()
    assert page.get_by_role("link", name="Change my answers").is_visible()

    # Three executives rank; they disagree. Numbers are typed or stepped with arrow keys.
    orders = {"admin@acme.test": ["1", "2", "3"], "lead@acme.test": ["3", "2", "1"],
              "opslead@acme.test": ["2", "3", "1"]}
    titles = ["Double installations", "Win the installer channel", "Cut installation time"]
    for email, order in orders.items():
        page.context.clear_cookies()
        login(email, f"/planning/alignment/{round_.pk}/")
        for title, position in zip(titles, order, strict=True):
            page.get_by_label(title).fill(position)
        if email == "opslead@acme.test":
            box = page.get_by_label(titles[0])
            box.fill("1")
            box.press("ArrowUp")  # back to 2, by keyboard
            assert box.input_value() == "2"
        page.get_by_role("button", name="Save my ranking").click()
        page.wait_for_load_state()
        assert page.get_by_text("Your ranking is saved").is_visible()
        # Sealed: nobody sees a rank table before the round closes.
        assert page.locator("#rank-table").count() == 0

    # The office closes the round and sees W with the disagreement.
    page.context.clear_cookies()
    login("office@acme.test", f"/planning/alignment/{round_.pk}/")
    page.get_by_role("button", name="Close the round and compute W").click()
    page.wait_for_load_state()
    w_text = page.locator("#w").text_content()
    assert w_text.startswith("W = 0.")
    assert page.get_by_text("below 0.50: drafting needs an override").is_visible()
    assert page.locator("#rank-table tbody tr").count() == 3
    assert page.locator("#pairs li").count() == 3
    screenshot("planning-alignment-results")

    # Moving to drafting is refused below the threshold ...
    page.get_by_role("link", name="← Planning NEXT").click()
    assert page.locator("#gate").text_content().strip().startswith("Alignment gate closed")
    page.get_by_label("Move to").select_option("planning")
    page.get_by_role("button", name="Move cycle").click()
    page.wait_for_load_state()
    assert page.locator("#id_to_state-error").text_content().startswith("drafting cannot open")
    assert page.locator("#id_override_reason-error").is_visible()
    assert Cycle.objects.get(key="NEXT").state == "draft"
    screenshot("planning-gate-refused")

    # ... and allowed with a reason, which is recorded and shown.
    page.get_by_label("Move to").select_option("planning")
    page.get_by_label("Override reason").fill("Board approved the plan; we settle the order "
                                               "in week 1")
    page.get_by_role("button", name="Move cycle").click()
    page.wait_for_load_state()
    assert page.locator("#cycle-state").text_content() == "Planning"
    assert page.get_by_text("NEXT is now Planning.").is_visible()
    assert "Board approved the plan" in page.locator("#overrides").text_content()
    override = GateOverride.objects.get()
    assert override.by.email == "office@acme.test" and override.w < 0.5
    screenshot("planning-overview")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("planning-overview-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_brief_warns_above_three_themes(page, login, screenshot):
    plan = build_plan()
    login("office@acme.test", f"/planning/brief/{plan.quarter.key}/")
    page.get_by_label("What success looks like at quarter end").fill(
        "Installers sell a third of our units")
    page.get_by_label("Risks", exact=True).fill("Installer churn")
    page.get_by_role("button", name="Save the brief").click()
    page.wait_for_load_state()
    assert page.get_by_text("The brief is saved.").is_visible()
    for title in ("Cut install time", "Quiet unit pilot", "Service plans"):
        page.get_by_label("Theme", exact=True).fill(title)
        page.get_by_label("A1 Double installations").check()
        page.get_by_role("button", name="Add theme").click()
        page.wait_for_load_state()
    assert page.get_by_text("4 themes: more than 3 dilutes the quarter's focus").is_visible()
    page.get_by_label("What", exact=True).fill("Partner programme")
    page.get_by_label("Is", exact=True).select_option("paused")
    page.get_by_label("Why", exact=True).fill("Installers first")
    page.get_by_role("button", name="Record").click()
    page.wait_for_load_state()
    assert "Paused: Partner programme" in page.locator("#trade-offs").text_content()
    screenshot("planning-brief")
    # A member reads the brief without edit controls.
    page.context.clear_cookies()
    login("member@acme.test", f"/planning/brief/{plan.quarter.key}/")
    assert page.get_by_text("Installer churn").is_visible()
    assert page.get_by_role("button", name="Save the brief").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("planning-brief-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
