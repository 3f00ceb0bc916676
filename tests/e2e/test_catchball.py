"""A full catchball exchange in the browser: the office proposes an improvement priority to
Sales with target 40, the Sales lead counters with 30 and says what they need, the office
accepts; the priority shows the agreed values, the thread every round, and email went out."""

import re

import pytest
from playwright.sync_api import expect

from hoshin.catchball.models import Catchball
from hoshin.notify.outbox import deliver_pending

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_proposes_sales_counters_office_accepts(plan, page, login, live_server,
                                                       screenshot, mailoutbox):
    login("office@acme.test", "/catchball/")
    page.get_by_role("link", name="Propose to a unit").click()
    page.get_by_label("Plan element (id)").fill("P1")
    page.get_by_label("Propose to unit").select_option("sales")
    page.get_by_label("Title").fill("Sell through installers")
    page.get_by_label("Target").fill("40")
    page.get_by_label("Comment").fill("Can Sales make 40 installer partners?")
    page.get_by_role("button", name="Propose").click()
    page.wait_for_url(re.compile(r"/catchball/\d+/$"))
    expect(page.locator("#current-version")).to_contain_text("target 40")
    thread = Catchball.objects.get()

    page.context.clear_cookies()
    login("lead@acme.test", "/catchball/")
    # The section's tab row shows how many threads await the lead's answer.
    expect(page.get_by_role("link", name=re.compile(r"^Catchball 1$"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Sell through installers")).click()
    expect(page.locator("#waiting-on")).to_contain_text("your turn")
    page.get_by_label("What we can contribute").fill("Two new installer partners a month")
    page.get_by_label("People we need").fill("1 channel manager")
    page.get_by_label("Budget we need").fill("20k for training")
    page.get_by_label("Operations").check()
    page.get_by_label("Conflicts with our other commitments").fill("Q2 price change")
    page.get_by_label("Counter-proposal: title").fill("Sell through certified installers")
    page.get_by_label("Counter-proposal: target").fill("30")
    screenshot("catchball-respond-form")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Your answer was sent.")).to_be_visible()
    expect(page.locator("#turn")).to_contain_text("Oscar Office's turn")

    page.context.clear_cookies()
    login("office@acme.test", f"/catchball/{thread.pk}/")
    page.get_by_role("button", name="Accept and lock into the plan").click()
    expect(page.get_by_text("Agreed: the element is locked")).to_be_visible()
    rounds = page.locator("#rounds > li")
    expect(rounds).to_have_count(3)
    expect(rounds.nth(0)).to_contain_text("proposed")
    expect(rounds.nth(1)).to_contain_text("responded for Sales")
    expect(rounds.nth(1)).to_contain_text("1 channel manager")
    expect(rounds.nth(1)).to_contain_text("Operations")
    expect(rounds.nth(1).locator("del")).to_have_text(["Sell through installers", "40"])
    expect(rounds.nth(1).locator("ins")).to_have_text(["Sell through certified installers", "30"])
    expect(rounds.nth(2)).to_contain_text("accepted")
    screenshot("catchball-thread-agreed")

    page.get_by_role("link", name="open the improvement priority").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Sell through certified installers")
    status = page.locator(".catchball-status")
    expect(status).to_contain_text("Agreed in catchball with Sales")
    expect(status).to_contain_text("target 30")
    screenshot("catchball-priority-agreed")

    assert deliver_pending() >= 3
    sent = {(m.to[0], m.subject) for m in mailoutbox}
    assert ("lead@acme.test", "Catchball: Oscar Office proposes P1 to Sales") in sent
    assert ("office@acme.test", "Catchball: Sales answered on P1") in sent
    assert ("lead@acme.test", "Catchball agreed: P1 with Sales") in sent


def test_inbox_and_thread_on_a_phone(plan, page, login, screenshot):
    from hoshin.catchball import services

    thread = services.propose(plan.office, element="O1", unit="sales", comment="Please check")
    page.set_viewport_size({"width": 390, "height": 844})
    login("lead@acme.test", "/catchball/")
    screenshot("catchball-inbox-phone")
    page.get_by_role("link", name=re.compile("Make installers")).click()
    page.wait_for_url(re.compile(rf"/catchball/{thread.pk}/$"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    # The answer form works from the keyboard alone.
    page.get_by_label("What we can contribute").focus()
    page.keyboard.type("We can do this")
    screenshot("catchball-thread-phone")
