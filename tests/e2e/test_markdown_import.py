"""The Markdown import page in a real browser: upload a real handbook page, preview it,
import it; on a phone and with the keyboard."""

from pathlib import Path

import pytest
from django.core.management import call_command

from hoshin.okrs.models import Objective
from hoshin.org import services as org
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).parents[1] / "planfile" / "fixtures" / "markdown"


def worker_runs(page):
    """The preview or import waits for `hoshin worker`: once the page shows its job
    waiting, run the queued work, as the worker would, and let the page's polling show it."""
    page.get_by_text("Waiting for the worker").wait_for()
    call_command("worker", "--batch", verbosity=0)


def test_office_uploads_previews_and_imports_a_page(login, live_server, page, screenshot):
    plan = build_plan()
    login("office@acme.test", "/import/markdown/")
    page.get_by_label("…or a .md file").set_input_files(
        str(FIXTURES / "sourcegraph-fy21-q1.md"))
    page.get_by_label("Into cycle").select_option(plan.quarter.key)
    page.get_by_label("Default unit").select_option("acme")
    page.get_by_label("Default key-result owner").fill("lead@acme.test")
    page.get_by_role("button", name="Preview").click()
    worker_runs(page)
    page.get_by_role("heading", name="Preview: what an import into").wait_for()
    report = page.locator("#md-job")
    assert "29 objectives, 73 key results" in report.inner_text()
    assert "placeholder \"$N\" where a number should be" in report.inner_text()
    # The uploaded page is now in the text box, so Import sends what was previewed.
    assert page.get_by_label("Markdown page").input_value().startswith("# FY21-Q1 OKRs")
    assert Objective.objects.filter(title="Resolve issues for major customers").count() == 0
    screenshot("markdown-import-preview")

    page.get_by_role("button", name="Import").click()
    worker_runs(page)
    page.get_by_role("heading", name="Imported into").wait_for()
    assert Objective.objects.filter(cycle=plan.quarter).count() == 2 + 29
    page.get_by_role("link", name="Resolve issues for major customers").click()
    page.get_by_role("heading", name="Resolve issues for major customers").wait_for()


def test_errors_on_a_phone_with_the_keyboard(login, live_server, page, screenshot):
    build_plan()
    # A second top unit: the page names no department and the organisation has no single
    # root unit to put it in.
    org.create_unit(None, name="Elsewhere", key="elsewhere", parent=None)
    page.set_viewport_size({"width": 390, "height": 844})
    login("office@acme.test", "/import/markdown/")
    box = page.get_by_label("Markdown page")
    box.focus()
    box.type("1. **Marketing: Install faster**\n   1. Installs scheduled within 2 days\n")
    # No unit to go to: the objective has none, the page says so and stores nothing.
    page.get_by_role("button", name="Import").focus()
    page.keyboard.press("Enter")
    worker_runs(page)
    page.get_by_role("heading", name="Nothing was imported: 1 error").wait_for()
    assert "has no unit" in page.locator("#md-job").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot("markdown-import-phone-error")
