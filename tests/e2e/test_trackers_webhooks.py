"""An admin sets up a tracker's incoming webhook in a real browser, under the Content
Security Policy (the page fixture fails the test on any violation): the address to paste
and the secret are shown once, the list shows the address and never the secret, and a new
secret replaces the old one."""

import pytest

from hoshin.core import vault
from hoshin.trackers.models import Hook
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_adds_a_github_webhook_and_gives_it_a_new_secret(login, live_server, page):
    plan = build_plan()
    login(plan.admin.email, "/trackers/connections/")
    webhooks = page.locator("#webhooks")
    assert "No webhook yet." in webhooks.inner_text()
    webhooks.get_by_label("Tracker").select_option("github")
    webhooks.get_by_role("button", name="Add the webhook").click()
    page.get_by_role("heading", name="GitHub webhook added").wait_for()
    hook = Hook.objects.get()
    address = page.locator("#hook-address").inner_text()
    secret = page.locator("#hook-secret").inner_text()
    assert address == f"{live_server.url}/trackers/hooks/github/{hook.token}/"
    assert vault.unseal_text(hook.sealed) == secret
    assert "shown this once" in page.locator("main").inner_text()

    page.get_by_role("link", name="Back to the webhooks").click()
    row = page.locator(f"#hook-{hook.pk}")
    row.wait_for()
    assert address in row.inner_text() and secret not in page.content()
    row.get_by_role("button", name="New secret").click()
    page.get_by_role("heading", name="GitHub webhook has a new secret").wait_for()
    new = page.locator("#hook-secret").inner_text()
    assert new != secret and vault.unseal_text(Hook.objects.get().sealed) == new
