"""The analyzer in the browser: the report page, and findings appearing while an
objective is typed."""

import pytest

from hoshin.okrs import services
from hoshin.okrs.models import Objective
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_an_output_kr_shows_the_finding_live(login, live_server, page, screenshot):
    build_plan()
    login("lead@acme.test", "/objectives/new/?unit=sales")
    page.locator("#id_title").fill("Win the northern region")
    page.locator("#id_parent").select_option("P1")
    page.locator("#id_kr-0-title").fill("Launch the new website")

    findings = page.locator("#draft-findings")
    finding = findings.locator(".finding", has_text="output-kr")
    finding.wait_for(timeout=15_000)
    assert "New key result 1" in finding.inner_text()
    assert "orphan-objective" not in findings.inner_text()
    screenshot("analyzer-live-draft")

    # Fixing the wording clears it; nothing was saved meanwhile.
    page.locator("#id_kr-0-title").fill("Northern dealers from 0 to 12")
    page.locator("#id_kr-0-baseline").fill("0")
    page.locator("#id_kr-0-target").fill("12")
    finding.wait_for(state="detached", timeout=15_000)
    assert not Objective.objects.filter(title="Win the northern region").exists()


def test_report_page_on_a_phone(login, live_server, page, screenshot):
    plan = build_plan()
    services.save_objective(None, key="O9", cycle=plan.quarter.key, unit="sales",
                            title="Win the Nordic market")
    page.set_viewport_size({"width": 390, "height": 844})
    login("viewer@acme.test", "/analyzer/")

    section = page.locator("#orphan-objective")
    assert "O9" in section.inner_text()
    section.get_by_role("link", name="Win the Nordic market").click()
    page.wait_for_url(f"{live_server.url}/objectives/O9/")
    page.go_back()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot("analyzer-report-phone")
