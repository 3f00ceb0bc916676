"""An owner feeds their key result from a JSON endpoint in a real browser: from the key
result's panel to the source's page, the HTTP fields only (CSS, no script), "Test without
saving" answered in place by htmx, saved, synced, and the value on the key result. The
endpoint is the tests' own HTTP server on a port the system picks; the page fixture fails
the test on any Content Security Policy violation."""

import pytest

from hoshin.okrs.models import CheckIn
from hoshin.sources import vault
from hoshin.sources.models import Source
from tests.factories import build_plan
from tests.sources.conftest import TOKEN, peer  # noqa: F401  (the endpoint the source reads)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_owner_adds_an_http_source_syncs_it_and_sees_the_value(
        login, live_server, page, screenshot, peer):  # noqa: F811  (peer: the imported fixture)
    plan = build_plan()
    peer.set_json("/kpi.json", {"data": {"total": 31.5}})
    login(plan.member.email, "/key-results/KR1/")
    page.locator("#source").get_by_role("link", name="Feed it from data").click()
    page.wait_for_url(f"{live_server.url}/sources/KR1/")

    form = page.locator("#source-form")
    # HTTP is chosen first: the other kinds' fields are hidden.
    assert form.get_by_label("JSONPath", exact=True).is_visible()
    assert not form.get_by_label("Query", exact=True).is_visible()
    form.get_by_label("SQL query", exact=True).check()
    assert form.get_by_label("Query", exact=True).is_visible()
    assert not form.get_by_label("JSONPath", exact=True).is_visible()
    form.get_by_label("HTTP JSON", exact=True).check()

    form.get_by_label("Address", exact=True).fill(f"{peer.url}/secure")
    form.get_by_label("JSONPath", exact=True).fill("$.data.total")
    form.get_by_label("Bearer token", exact=True).fill(TOKEN)
    form.get_by_label("Read every (minutes)", exact=True).fill("30")
    page.evaluate("window.__stayed = true")
    form.get_by_role("button", name="Test without saving").click()
    page.get_by_text("Read 31.5 %. Nothing is saved yet").wait_for()
    assert page.evaluate("window.__stayed") is True
    assert not Source.objects.exists()
    # The typed fields are still there to save.
    assert form.get_by_label("Bearer token", exact=True).input_value() == TOKEN
    shot = screenshot("sources-setup-form")
    assert shot.exists()

    form.get_by_role("button", name="Save the source").click()
    page.wait_for_url(f"{live_server.url}/key-results/KR1/#source")
    page.get_by_text("KR1 is fed by HTTP JSON").wait_for()
    source = Source.objects.get()
    assert (source.location, source.json_path, source.every_minutes) == (
        f"{peer.url}/secure", "$.data.total", 30)
    assert vault.unseal(source.sealed)["token"] == TOKEN
    assert TOKEN not in page.content()

    page.locator("#source").get_by_role("button", name="Sync now").click()
    page.get_by_text("Recorded 31.5 as a check-in").wait_for()
    assert "Last value 31.5 %" in page.locator("#source").inner_text()
    assert CheckIn.objects.get(key_result=plan.kr_sales).value == 31.5

    # Back on the source's page: the token is "set", not shown.
    page.locator("#source").get_by_role("link", name="Change or remove the source").click()
    page.get_by_text("Token: set").wait_for()
    assert TOKEN not in page.content()
    assert page.locator("#source-form").get_by_label("Bearer token", exact=True).input_value() == ""
    screenshot("sources-setup-stored")
