"""Check-in in seconds: from the home page, in at most three interactions, in place."""

import re

import pytest

from hoshin.okrs.models import CheckIn
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_checks_in_from_home_in_three_interactions(login, live_server, page, screenshot):
    plan = build_plan()
    login("member@acme.test")
    row = page.locator(f"#kr-{plan.kr_sales.pk}")
    assert row.get_attribute("data-status") == "no_data"
    assert "Check-in due" in row.inner_text()
    screenshot("home")
    # A marker on the page survives only if the page is not reloaded.
    page.evaluate("window.__stayed = true")
    url = page.url

    row.get_by_label("Value (%)").fill("35")           # 1
    row.get_by_label("Confidence (0–10)").fill("9")    # 2
    row.get_by_role("button", name="Check in").click()  # 3

    row = page.locator(f"#kr-{plan.kr_sales.pk}")
    page.wait_for_selector(f"#kr-{plan.kr_sales.pk}[data-status=on_track]")
    assert page.url == url and page.evaluate("window.__stayed") is True
    text = row.inner_text()
    assert "100 %" in text and "On track" in text and "Checked in" in text
    assert "Check-in due" not in text
    assert page.locator("#due-summary").inner_text() == "All checked in this week"
    assert "On track" in page.locator(f"#kr-status-{plan.kr_sales.pk}").inner_text()
    assert CheckIn.objects.get(key_result=plan.kr_sales).confidence == 9
    screenshot("home-after-checkin")


def test_checkin_error_is_shown_next_to_the_field(login, live_server, page):
    plan = build_plan()
    login("member@acme.test")
    row = page.locator(f"#kr-{plan.kr_sales.pk}")
    row.get_by_label("Value (%)").fill("30")
    row.get_by_label("Confidence (0–10)").fill("12")
    row.get_by_role("button", name="Check in").click()
    error = page.locator(f"#kr{plan.kr_sales.pk}-confidence-error")
    error.wait_for()
    message = error.inner_text()
    assert "between 0 and 10" in message or "less than or equal to 10" in message
    assert page.locator(f"#kr{plan.kr_sales.pk}-value").input_value() == "30"
    # The cursor waits in the field to correct.
    page.wait_for_function(f"document.activeElement.id === 'kr{plan.kr_sales.pk}-confidence'")
    assert not CheckIn.objects.exists()


def test_viewer_home_is_friendly_and_member_home_fits_a_phone(login, live_server, page,
                                                             screenshot):
    build_plan()
    login("viewer@acme.test")
    # A viewer owns nothing: the home is the cockpit, with nothing to fill in.
    assert page.get_by_role("heading", name=re.compile("The plan this quarter")).is_visible()
    assert page.locator("form.checkin").count() == 0
    screenshot("home-viewer")
    page.get_by_role("button", name="Log out").click()
    page.set_viewport_size({"width": 390, "height": 844})
    login("member@acme.test")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("home-phone")
