"""The alignment session in a real browser: the office opens it, records a remove and an
accept, sees what blocks the close, closes, and the quarter is active."""

import pytest

from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, Objective
from hoshin.planning import session_services as sessions
from hoshin.planning.models import AlignmentSession
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_decides_and_closes_the_session(page, login, screenshot, live_server):
    plan = build_plan()
    Cycle.objects.filter(pk=plan.quarter.pk).update(state="planning")
    key = plan.quarter.key
    okrs.save_objective(None, key="O7", cycle=key, unit="ops",
                        title="Maintain weekly reporting")
    okrs.save_objective(None, key="O8", cycle=key, unit="sales",
                        title="Keep the partner wiki up to date")

    login("office@acme.test", f"/planning/?cycle={key}")
    page.get_by_role("link", name=f"Alignment session {key}").click()
    page.get_by_role("button", name="Open the session (run the analyzer)").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Does it support the themes?").is_visible()
    screenshot("session-open")

    # Remove O7.
    o7 = page.locator('li[data-fingerprint="orphan-objective:O7"]')
    o7.get_by_label("Decision").select_option("remove")
    o7.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    assert Objective.objects.get(key="O7").archived_at is not None

    # Accept O8 without a reason: refused next to the field; then with one.
    o8 = page.locator('li[data-fingerprint="orphan-objective:O8"]')
    o8.get_by_label("Decision").select_option("accept")
    o8.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    o8 = page.locator('li[data-fingerprint="orphan-objective:O8"]')
    assert o8.get_by_role("alert").first.inner_text().startswith("say why")
    o8.get_by_label("Decision").select_option("accept")
    o8.get_by_label("Reason (required to accept)").fill("Partners asked for it this quarter")
    o8.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    assert "Decided: Accept" in page.locator(
        'li[data-fingerprint="orphan-objective:O8"]').inner_text()

    # Whatever else blocks the close gets accepted (the rest of the plan's findings).
    session = AlignmentSession.objects.get(cycle__key=key)
    for entry in sessions.blockers(session):
        sessions.decide(plan.office, session, entry.fingerprint, "accept", reason="seen")
    page.reload()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("session-decided-phone")
    page.get_by_role("button", name="Close with the approved OKR set").click()
    page.wait_for_load_state()
    assert page.locator("#closed").is_visible()
    screenshot("session-closed")
    assert Cycle.objects.get(key=key).state == "active"
    session.refresh_from_db()
    assert "O8" in session.approved["objectives"] and "O7" not in session.approved["objectives"]
