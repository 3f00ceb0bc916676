"""Admins connect, replace and remove trackers on a web page (the token a password field,
never shown again), and every connection and webhook added, changed or removed is an
audit entry naming who did it and never the token."""

from __future__ import annotations

import pytest
from django.test import Client

from hoshin.audit.models import AuditEntry
from hoshin.core import vault
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.trackers import services
from hoshin.trackers.models import Connection, Hook
from tests.trackers.conftest import JIRA_EMAIL, JIRA_TOKEN

pytestmark = pytest.mark.django_db

TRACKER_KINDS = ("tracker-connected", "tracker-changed", "tracker-disconnected",
                 "tracker-hook-added", "tracker-hook-removed")


def log() -> list[tuple[str, str | None, str]]:
    return [(e.kind, e.actor.email if e.actor else None, e.what)
            for e in AuditEntry.objects.filter(kind__in=TRACKER_KINDS).order_by("pk")]


def stored_token(kind: str) -> str:
    return vault.unseal(Connection.objects.get(kind=kind).sealed, owner="test")["token"]


def test_connections_and_webhooks_are_audited_without_their_secrets(plan):
    services.connect(plan.admin, "jira", base_url="https://kestrel.atlassian.net",
                     account=JIRA_EMAIL, token=JIRA_TOKEN)
    services.connect(plan.admin, "jira", base_url="https://kestrel.atlassian.net",
                     account="other@kestrel.test", token="", every_minutes=15)
    services.connect(plan.admin, "jira", base_url="https://kestrel.atlassian.net",
                     account="other@kestrel.test", token="ATATT-new-token", every_minutes=15)
    hook, secret = services.add_hook(plan.admin, "github")
    services.remove_hook(None, hook.token)
    services.disconnect(plan.admin, "jira")
    entries = log()
    assert [(kind, who) for kind, who, _ in entries] == [
        ("tracker-connected", plan.admin.email), ("tracker-changed", plan.admin.email),
        ("tracker-changed", plan.admin.email), ("tracker-hook-added", plan.admin.email),
        ("tracker-hook-removed", None), ("tracker-disconnected", plan.admin.email)]
    texts = [what for _, _, what in entries]
    assert texts[0] == ("Connected Jira at https://kestrel.atlassian.net as "
                        f"{JIRA_EMAIL}, synced every 30 minutes")
    assert texts[1] == (f"Changed Jira's connection: account {JIRA_EMAIL} → "
                        "other@kestrel.test; every 30 minutes → 15 minutes")
    assert texts[2] == "Changed Jira's connection: a new token"
    assert texts[3].startswith("Added the GitHub webhook ") and "0 calls" in texts[4]
    assert texts[5].startswith("Disconnected Jira at https://kestrel.atlassian.net")
    everything = " ".join(texts)
    for secret_text in (JIRA_TOKEN, "ATATT-new-token", secret, hook.token):
        assert secret_text not in everything


def test_a_refused_change_is_not_audited(plan):
    with pytest.raises(PermissionDenied):
        services.connect(plan.member, "asana", token="asana-token")
    with pytest.raises(DomainError):
        services.connect(plan.admin, "jira", base_url="https://kestrel.atlassian.net",
                         token=JIRA_TOKEN)  # no account
    with pytest.raises(PermissionDenied):
        services.add_hook(plan.member, "github")
    assert log() == [] and not Connection.objects.exists() and not Hook.objects.exists()


def browser(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_an_admin_connects_replaces_and_removes_a_tracker_on_the_page(plan):
    admin = browser(plan.admin)
    page = admin.get("/trackers/connections/")
    html = page.content.decode()
    assert page.status_code == 200
    # Jira's, Asana's and GitHub's tokens, and a new webhook's secret.
    assert html.count('type="password"') == 4
    assert 'name="jira-account"' in html and 'name="asana-account"' not in html

    # A form refused for another field does not send the typed token back.
    refused = admin.post("/trackers/connections/", {
        "kind": "jira", "jira-base_url": "ftp://kestrel", "jira-account": JIRA_EMAIL,
        "jira-token": JIRA_TOKEN, "jira-every_minutes": "30"})
    assert refused.status_code == 400
    assert "must be an http(s) address" in refused.content.decode()
    assert JIRA_TOKEN not in refused.content.decode()
    assert not Connection.objects.exists()

    added = admin.post("/trackers/connections/", {
        "kind": "jira", "jira-base_url": "https://kestrel.atlassian.net",
        "jira-account": JIRA_EMAIL, "jira-token": JIRA_TOKEN, "jira-every_minutes": "20"},
        follow=True)
    text = added.content.decode()
    assert added.redirect_chain[-1][0] == "/trackers/connections/"
    assert "Jira at https://kestrel.atlassian.net connected" in text
    assert JIRA_TOKEN not in text and "a token is stored" in text
    assert stored_token("jira") == JIRA_TOKEN
    assert Connection.objects.get().every_minutes == 20

    # Replaced with the token left empty: the stored one stays.
    admin.post("/trackers/connections/", {
        "kind": "jira", "jira-base_url": "https://kestrel.atlassian.net",
        "jira-account": "bot@kestrel.test", "jira-token": "", "jira-every_minutes": "20"})
    assert Connection.objects.get().account == "bot@kestrel.test"
    assert stored_token("jira") == JIRA_TOKEN
    # A new token replaces it.
    admin.post("/trackers/connections/", {
        "kind": "jira", "jira-base_url": "https://kestrel.atlassian.net",
        "jira-account": "bot@kestrel.test", "jira-token": "ATATT-second",
        "jira-every_minutes": "20"})
    assert stored_token("jira") == "ATATT-second"
    assert JIRA_TOKEN not in admin.get("/trackers/connections/").content.decode()

    removed = admin.post("/trackers/connections/jira/remove", follow=True)
    assert removed.status_code == 200 and "Jira is disconnected" in removed.content.decode()
    assert not Connection.objects.exists()
    assert admin.post("/trackers/connections/jira/remove").status_code == 404
    assert [(kind, who) for kind, who, _ in log()] == [
        ("tracker-connected", plan.admin.email), ("tracker-changed", plan.admin.email),
        ("tracker-changed", plan.admin.email), ("tracker-disconnected", plan.admin.email)]


def test_only_admins_see_or_change_the_connections(plan):
    services.connect(None, "github", token="github-token")
    for person in (plan.member, plan.viewer):
        other = browser(person)
        assert other.get("/trackers/connections/").status_code == 403
        assert other.post("/trackers/connections/", {
            "kind": "github", "github-token": "mine", "github-every_minutes": "30"}
        ).status_code == 403
        assert other.post("/trackers/connections/github/remove").status_code == 403
    assert stored_token("github") == "github-token"
    assert b"Add, replace or remove a connection" not in \
        browser(plan.member).get("/trackers/").content
    assert b"Add, replace or remove a connection" in \
        browser(plan.admin).get("/trackers/").content
