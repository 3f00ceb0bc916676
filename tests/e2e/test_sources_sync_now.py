"""Sync now of a key result's data source (hoshin.sources) in a real browser: the panel is swapped in place by htmx, under the Content
Security Policy (the page fixture fails the test on any violation)."""

import pytest

from hoshin.okrs.models import CheckIn
from hoshin.sources import services
from tests.factories import build_plan
from tests.sources.conftest import peer  # noqa: F401  (the data source the page reads)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sync_now_records_in_place_and_shows_a_failure(
        login, live_server, page, peer):  # noqa: F811  (peer: the imported fixture)
    plan = build_plan()
    services.add_source(None, "KR1", kind="http", url=f"{peer.url}/kpi.json",
                        json_path="$.data.total")
    login(plan.member.email, "/key-results/KR1/")
    page.evaluate("window.__stayed = true")
    panel = page.locator("#source")
    assert "Not read yet" in panel.inner_text()
    panel.get_by_role("button", name="Sync now").click()
    page.get_by_text("Recorded 27.5 as a check-in").wait_for()
    assert page.evaluate("window.__stayed") is True
    assert "Last value 27.5 %" in page.locator("#source").inner_text()
    assert CheckIn.objects.filter(key_result=plan.kr_sales).count() == 1

    peer.set_json("/kpi.json", {"data": {"total": "n/a"}})
    page.locator("#source").get_by_role("button", name="Sync now").click()
    page.get_by_text("The reading failed").wait_for()
    alert = page.get_by_role("alert").inner_text()
    assert "Reading failed" in alert and '"n/a", not a number' in alert
    assert "Last value 27.5 %" in page.locator("#source").inner_text()
    assert CheckIn.objects.filter(key_result=plan.kr_sales).count() == 1
