"""A unit lead plans an objective with its key results in one form, then reads its page."""

import datetime as dt

import pytest

from hoshin.okrs import services
from hoshin.okrs.models import Objective
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_lead_creates_objective_with_two_key_results(login, live_server, page, screenshot):
    plan = build_plan()
    login("lead@acme.test")
    page.goto(live_server.url + "/units/sales/")
    screenshot("unit")
    page.get_by_role("link", name="New objective").click()
    page.locator("#id_title").fill("Win the northern region")
    page.locator("#id_description").fill("Dealers up north barely know us.")
    page.locator("#id_parent").select_option("P1")
    page.locator("#id_kr-0-title").fill("Northern dealers from 0 to 12")
    page.locator("#id_kr-0-owner").select_option(plan.member.email)
    page.locator("#id_kr-0-baseline").fill("0")
    page.locator("#id_kr-0-target").fill("12")
    page.locator("#id_kr-0-unit").fill("dealers")
    page.locator("#id_kr-1-title").fill("Return rate stays below 2 %")
    page.locator("#id_kr-1-owner").select_option(plan.lead.email)
    page.locator("#id_kr-1-kind").select_option("stay_below")
    page.locator("#id_kr-1-target").fill("2")
    page.locator("#id_kr-1-unit").fill("%")
    screenshot("objective-form")
    page.get_by_role("button", name="Create objective").click()

    objective = Objective.objects.get(title="Win the northern region")
    page.wait_for_url(f"{live_server.url}/objectives/{objective.key}/")
    kr = objective.key_results.get(title="Northern dealers from 0 to 12")
    start = plan.quarter.start
    for days, value in ((0, 1), (10, 3), (20, 4)):
        services.record_checkin(plan.member, kr, value=value, confidence=7,
                                date=min(start + dt.timedelta(days=days), dt.date.today()))
    page.reload()
    # One small multiple per key result; each full burn-up is on its key result's page.
    assert page.locator("li.multiple").count() == 2
    text = page.locator("main").inner_text()
    assert "Sell through installers" in text and "Lead the heat-pump market" in text
    assert f"created objective {objective.key}" in text
    screenshot("objective")
    page.goto(f"{live_server.url}/key-results/{kr.key}/")
    assert page.locator("svg.burnup:visible").first.locator("circle.dot").count() == 3


def test_milestone_with_steps_from_the_form_then_ticked_from_home_and_its_page(
        login, live_server, page, screenshot):
    plan = build_plan()
    login("lead@acme.test")
    page.goto(f"{live_server.url}/objectives/new/?unit=sales&cycle={plan.quarter.key}")
    page.locator("#id_title").fill("Certify northern installers")
    page.locator("#id_parent").select_option("P1")
    page.locator("#id_kr-0-title").fill("Northern certification live")
    page.locator("#id_kr-0-owner").select_option(plan.lead.email)
    page.locator("#id_kr-0-kind").select_option("milestone")
    page.locator(".kr-row").first.get_by_text("Steps and phased targets").click()
    page.get_by_label("Milestone steps").first.fill("Course written | 20%\nPilot class | 30%\n"
                                                    "First 10 certified | 50%")
    screenshot("objective-form-milestone")
    page.get_by_role("button", name="Create objective").click()
    objective = Objective.objects.get(title="Certify northern installers")
    page.wait_for_url(f"{live_server.url}/objectives/{objective.key}/")
    kr = objective.key_results.get()
    assert list(kr.steps.values_list("title", "weight")) == [
        ("Course written", 0.2), ("Pilot class", 0.3), ("First 10 certified", 0.5)]

    page.goto(live_server.url + "/")
    row = page.locator(f"#kr-{kr.pk}")
    row.get_by_label("Course written").check()
    row.get_by_label("Pilot class").check()
    row.get_by_role("button", name="Check in").click()
    page.wait_for_selector(f"#kr-{kr.pk}:has-text('Checked in')")
    assert "50 %" in page.locator(f"#kr-{kr.pk}").inner_text()

    page.goto(f"{live_server.url}/key-results/{kr.key}/")
    row = page.locator(f"#kr-{kr.pk}")
    assert row.get_by_label("Pilot class").is_checked()  # the form starts from the last reading
    row.get_by_label("First 10 certified").check()
    row.get_by_role("button", name="Check in").click()
    page.wait_for_selector(f"#kr-{kr.pk}:has-text('100 %')")
    assert kr.checkins.order_by("-id").first().steps_done == ["S1", "S2", "S3"]
    # The page reloads so the list of check-ins shows the new one too.
    assert "Course written, Pilot class, First 10 certified" in page.locator(
        "table.checkins").inner_text()
    screenshot("key-result-milestone-ticked")
