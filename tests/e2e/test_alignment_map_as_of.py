"""The alignment map as of a date, in Chromium: the date box of the filter form (a plain
GET form) shows the old plan with a note and a link back to today."""

import pytest

from tests.planfile.history import BEFORE, NEW_TITLE, OLD_TITLE, plan_with_history

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_map_as_of_the_day_before_a_change(page, login, screenshot):
    plan_with_history()
    login("viewer@acme.test", "/alignment/")

    page.get_by_label("As of").fill(BEFORE.isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**as_of=2026-10-19**")

    note = page.get_by_role("status")
    assert "As of 2026-10-19" in note.inner_text()
    tree = page.locator(".alignment").inner_text()
    assert OLD_TITLE in tree and NEW_TITLE not in tree
    screenshot("alignment-map-as-of")

    note.get_by_role("link", name="Back to today").click()
    page.wait_for_load_state()
    assert NEW_TITLE in page.locator(".alignment").inner_text()
    assert page.get_by_label("As of").input_value() == ""
