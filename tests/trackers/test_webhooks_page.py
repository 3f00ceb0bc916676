"""Admins set up the trackers' incoming webhooks on /trackers/connections/, as from the
CLI and the API: add one (the whole address to paste, and GitHub's or Jira's secret shown
that once, never again), give it a new secret (the old one stops verifying), remove it.
Every change is audited without the secret; nobody else may do any of it."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pytest
from django.test import Client

from hoshin.audit.models import AuditEntry
from hoshin.core import vault
from hoshin.org import services as org
from hoshin.trackers import services
from hoshin.trackers.models import Hook
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

BODY = json.dumps({"action": "edited", "issue": {"number": 9},
                   "repository": {"full_name": "acme/none"}}).encode()


def browser(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def github_call(path: str, secret: str) -> int:
    """A call signed as GitHub signs (X-Hub-Signature-256 over the body) with `secret`."""
    signature = "sha256=" + hmac.new(secret.encode(), BODY, hashlib.sha256).hexdigest()
    return Client(enforce_csrf_checks=True).post(
        path, data=BODY, content_type="application/json",
        headers={"X-Hub-Signature-256": signature, "X-GitHub-Event": "issues"}).status_code


def shown(html: str, element_id: str) -> str:
    found = re.search(rf'<code id="{element_id}">([^<]+)</code>', html)
    assert found, f"no {element_id} on the page"
    return found.group(1)


def test_an_admin_adds_a_github_webhook_and_sees_its_secret_once(plan):
    admin = browser(plan.admin)
    page = admin.get("/trackers/connections/").content.decode()
    assert 'id="webhooks"' in page and "No webhook yet." in page
    answer = admin.post("/trackers/webhooks/new", {"kind": "github", "secret": ""})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    html = answer.content.decode()
    hook = Hook.objects.get()
    address, secret = shown(html, "hook-address"), shown(html, "hook-secret")
    assert address == f"http://testserver/trackers/hooks/github/{hook.token}/"
    assert len(secret) >= 32 and "shown this once" in html
    assert vault.unseal_text(hook.sealed) == secret and secret not in hook.sealed
    # The address works as GitHub calls it, with that secret.
    path = address.removeprefix("http://testserver")
    assert github_call(path, secret) == 200
    # Never shown again: the list gives the address, not the secret.
    listing = admin.get("/trackers/connections/").content.decode()
    assert address in listing and secret not in listing
    assert "New secret" in listing and "Remove" in listing
    entry = AuditEntry.objects.get(kind="tracker-hook-added")
    assert entry.actor == plan.admin and secret not in entry.what


def test_a_jira_secret_can_be_pasted_and_asana_waits_for_its_handshake(plan):
    admin = browser(plan.admin)
    jira_secret = "jira-generated-secret-0123456789"
    html = admin.post("/trackers/webhooks/new",
                      {"kind": "jira", "secret": jira_secret}).content.decode()
    assert shown(html, "hook-secret") == jira_secret and "Settings → System → WebHooks" in html
    too_short = admin.post("/trackers/webhooks/new", {"kind": "jira", "secret": "short"})
    assert too_short.status_code == 400
    assert "must be at least 16 characters" in too_short.content.decode()
    assert 'value="short"' not in too_short.content.decode()  # never written back
    asana = admin.post("/trackers/webhooks/new", {"kind": "asana", "secret": ""})
    html = asana.content.decode()
    assert 'id="hook-secret"' not in html and "handshake" in html
    listing = admin.get("/trackers/connections/").content.decode()
    assert "waiting for Asana&#x27;s handshake" in listing or \
        "waiting for Asana's handshake" in listing
    assert sorted(Hook.objects.values_list("kind", flat=True)) == ["asana", "jira"]


def test_a_new_secret_replaces_the_old_one_at_once(plan):
    hook, old = services.add_hook(None, "github")
    path = f"/trackers/hooks/github/{hook.token}/"
    assert github_call(path, old) == 200
    admin = browser(plan.admin)
    answer = admin.post(f"/trackers/webhooks/{hook.pk}/secret")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    html = answer.content.decode()
    new = shown(html, "hook-secret")
    assert new != old and "The old secret no longer verifies" in html
    assert shown(html, "hook-address") == f"http://testserver{path}"  # the address stays
    assert github_call(path, old) == 401
    assert github_call(path, new) == 200
    entry = AuditEntry.objects.get(kind="tracker-hook-rotated")
    assert entry.actor == plan.admin and new not in entry.what and old not in entry.what
    # Asana's secret is its handshake's: no new secret from Hoshin.
    asana, _ = services.add_hook(None, "asana")
    refused = admin.post(f"/trackers/webhooks/{asana.pk}/secret", follow=True)
    assert "remove this webhook and add a new one" in refused.content.decode()
    assert not AuditEntry.objects.filter(kind="tracker-hook-rotated",
                                         what__contains="Asana").exists()


def test_the_api_gives_a_new_secret_too(plan):
    hook, old = services.add_hook(None, "jira")
    api = ApiClient(org.create_token(None, plan.admin))
    answer = api.post(f"/trackers/hooks/{hook.pk}/secret", {})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["id"] == hook.pk and body["secret"] not in ("", old)
    assert vault.unseal_text(Hook.objects.get().sealed) == body["secret"]
    assert all("secret" not in h for h in api.get("/trackers/hooks").json())
    member = ApiClient(org.create_token(None, plan.member))
    assert member.post(f"/trackers/hooks/{hook.pk}/secret", {}).status_code == 403


def test_an_admin_removes_a_webhook_and_its_address_is_refused(plan):
    hook, secret = services.add_hook(None, "github")
    path = f"/trackers/hooks/github/{hook.token}/"
    answer = browser(plan.admin).post(f"/trackers/webhooks/{hook.pk}/remove", follow=True)
    assert "is removed" in answer.content.decode()
    assert not Hook.objects.exists() and github_call(path, secret) == 401
    assert AuditEntry.objects.get(kind="tracker-hook-removed").actor == plan.admin


def test_only_admins_set_up_webhooks(plan):
    hook, secret = services.add_hook(None, "github")
    for person in (plan.member, plan.viewer, plan.office):
        other = browser(person)
        assert other.post("/trackers/webhooks/new", {"kind": "github"}).status_code == 403
        assert other.post(f"/trackers/webhooks/{hook.pk}/secret").status_code == 403
        assert other.post(f"/trackers/webhooks/{hook.pk}/remove").status_code == 403
    assert Hook.objects.count() == 1
    assert vault.unseal_text(Hook.objects.get().sealed) == secret
    assert browser(plan.admin).get("/trackers/webhooks/new").status_code == 405


def test_the_cli_gives_a_new_secret_too(plan):
    from io import StringIO

    from django.core.management import CommandError, call_command

    hook, old = services.add_hook(None, "github")
    out = StringIO()
    call_command("trackers", "hook-secret", str(hook.pk), stdout=out)
    said = out.getvalue()
    new = re.search(r"New secret \(shown this once\): (\S+)", said).group(1)
    assert new != old and f"/trackers/hooks/github/{hook.token}/" in said
    path = f"/trackers/hooks/github/{hook.token}/"
    assert github_call(path, old) == 401 and github_call(path, new) == 200
    assert AuditEntry.objects.get(kind="tracker-hook-rotated").actor is None
    with pytest.raises(CommandError, match="no tracker webhook has the id 999"):
        call_command("trackers", "hook-secret", "999", stdout=StringIO())
    asana, _ = services.add_hook(None, "asana")
    with pytest.raises(CommandError, match="Asana gives the secret in its handshake"):
        call_command("trackers", "hook-secret", str(asana.pk), stdout=StringIO())
