"""Linking initiatives to work and syncing it against the fakes: progress from the items'
status categories, failures shown and retried with nothing overwritten, permissions,
tokens sealed, the periodic job, and webhook calls verified as each tracker signs them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from django.test import Client

from hoshin.core import clock, vault
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.notify.models import OutboxMessage
from hoshin.notify.scheduler import JOBS, discover
from hoshin.okrs import services as okrs
from hoshin.trackers import services
from hoshin.trackers.models import Connection, Hook, TrackerLink
from hoshin.trackers.tasks import sync_links_task
from tests.trackers.conftest import ASANA_TOKEN, GITHUB_TOKEN, JIRA_EMAIL, JIRA_TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(plan, jira, asana, github):
    """I1 (owned by plan.member, for KR1) and the three trackers connected to the fakes,
    each holding some work."""
    okrs.save_initiative(None, key="I1", key_result="KR1", title="Installer portal",
                         owner=plan.member.email, status="in_progress")
    services.connect(None, "jira", base_url=jira.url, account=JIRA_EMAIL, token=JIRA_TOKEN)
    services.connect(None, "asana", base_url=asana.url, token=ASANA_TOKEN)
    services.connect(None, "github", base_url=github.url, token=GITHUB_TOKEN)
    jira.add("PAY-1", "Portal epic", "indeterminate", issuetype="Epic")
    for n, category in [(2, "done"), (3, "done"), (4, "indeterminate"), (5, "new")]:
        jira.add(f"PAY-{n}", f"Story {n}", category, parent="PAY-1")
    asana.add_project("1201", "Installer launch")
    asana.add_task("3001", "Brochure", completed=True, project="1201")
    asana.add_task("3002", "Training", section="In progress", project="1201")
    github.add("acme/portal#9", "Invoice export", state="closed", state_reason="completed")
    return plan


def link_of(ref: str) -> TrackerLink:
    return TrackerLink.objects.get(ref=ref)


def test_progress_is_the_share_of_linked_items_done(work):
    for kind, ref in [("jira", "PAY-1"), ("asana", "1201"), ("github", "acme/portal#9")]:
        services.link(work.member, "I1", kind, ref)
    outcomes = services.sync_initiative(work.member, "I1")
    assert [o.result for o in outcomes] == ["synced"] * 3
    epic = link_of("PAY-1")
    assert (epic.total, epic.done, epic.in_progress, epic.scope) == (4, 2, 1, "children")
    assert epic.title == "Portal epic" and epic.item_refs == " PAY-2 PAY-3 PAY-4 PAY-5 "
    progress = services.progress_by_initiative([epic.initiative_id])[epic.initiative_id]
    # 4 stories + 2 tasks + 1 issue; done 2 + 1 + 1; in progress 1 + 1.
    assert (progress.total, progress.done, progress.in_progress, progress.todo) == (7, 4, 2, 1)
    assert progress.share_done == pytest.approx(4 / 7)


def test_a_failure_keeps_what_was_read_and_is_retried_with_backoff(work, jira):
    services.link(work.member, "I1", "jira", "PAY-1")
    services.sync_initiative(None, "I1")
    good = link_of("PAY-1")
    jira.fail_next = [500, 500, 500]
    now = clock.now()
    with clock.at(now):
        outcome = services.sync_link(None, good)
    assert outcome.result == "failed" and "HTTP 500" in outcome.error
    failed = link_of("PAY-1")
    # Nothing read before is overwritten: the counts, items and title stay.
    assert (failed.total, failed.done, failed.in_progress) == (4, 2, 1)
    assert failed.items == good.items and failed.synced_at == good.synced_at
    assert (failed.failures, failed.error_kind) == (1, "http")
    assert failed.next_at == now + dt.timedelta(minutes=5)
    with clock.at(now):
        services.sync_link(None, failed)
        assert link_of("PAY-1").next_at == now + dt.timedelta(minutes=10)
        assert not OutboxMessage.objects.filter(subject__contains="PAY-1").exists()
        services.sync_link(None, failed)
    # The third failure in a row tells the initiative's owner, once.
    told = OutboxMessage.objects.filter(subject__contains="PAY-1")
    assert told.count() == 1 and told.get().recipient == work.member
    # A good reading clears the failure and puts the link back on its schedule.
    assert services.sync_link(None, failed).result == "synced"
    again = link_of("PAY-1")
    assert (again.failures, again.error, again.failing_since) == (0, "", None)
    # The link's history holds its making, not each reading.
    assert again.history.count() == 1


def test_wrong_credentials_and_missing_items_are_shown_on_the_link(work):
    services.connect(None, "github", base_url=work and Connection.objects.get(
        kind="github").base_url, token="revoked-token")
    services.link(work.member, "I1", "github", "acme/portal#9")
    services.link(work.member, "I1", "jira", "PAY-404")
    outcomes = {o.ref: o for o in services.sync_initiative(None, "I1")}
    assert "credentials" in outcomes["acme/portal#9"].error
    assert link_of("acme/portal#9").error_kind == "auth"
    assert link_of("PAY-404").error_kind == "notfound"
    assert "revoked-token" not in link_of("acme/portal#9").error


def test_a_timeout_is_a_failure_not_a_hang(work, jira, short_timeout):
    services.link(work.member, "I1", "jira", "PAY-1")
    jira.slow = 1.5
    outcome = services.sync_initiative(None, "I1")[0]
    assert outcome.result == "failed" and link_of("PAY-1").error_kind == "timeout"


def test_who_may_link_and_sync(work):
    okrs.save_initiative(None, key="I2", key_result="KR3", title="Faster installs")
    services.link(work.member, "I1", "jira", "PAY-1")  # the initiative's owner
    services.link(work.lead, "I1", "asana", "1201")  # the unit's lead
    with pytest.raises(PermissionDenied):
        services.link(work.member, "I2", "jira", "PAY-1")  # another unit's initiative
    with pytest.raises(PermissionDenied):
        services.link(work.viewer, "I1", "github", "acme/portal#9")
    with pytest.raises(PermissionDenied):
        services.sync_initiative(work.other_lead, "I1")
    with pytest.raises(PermissionDenied):
        services.unlink(work.viewer, "I1", "jira", "PAY-1")
    with pytest.raises(PermissionDenied):
        services.connect(work.lead, "jira", base_url="https://x.atlassian.net",
                         account="a@b.c", token="t")
    services.unlink(work.member, "I1", "jira", "PAY-1")
    assert list(TrackerLink.objects.values_list("ref", flat=True)) == ["1201"]


def test_bad_links_are_refused_with_the_reason(work):
    with pytest.raises(DomainError, match="not a Jira issue key"):
        services.link(work.member, "I1", "jira", "portal")
    services.link(work.member, "I1", "jira", "pay-1")
    with pytest.raises(DomainError, match="already linked"):
        services.link(work.member, "I1", "jira", "PAY-1")
    services.disconnect(None, "asana")
    with pytest.raises(DomainError, match="not connected"):
        services.link(work.member, "I1", "asana", "1201")


def test_tokens_are_sealed_at_rest(work):
    row = Connection.objects.get(kind="jira")
    with connection.cursor() as cur:
        cur.execute("SELECT sealed FROM trackers_connection WHERE kind = 'jira'")
        stored = cur.fetchone()[0]
    assert JIRA_TOKEN not in stored and stored
    assert vault.unseal(row.sealed) == {"token": JIRA_TOKEN}
    # Changing the address without a token keeps the stored one.
    services.connect(None, "jira", base_url="https://acme.atlassian.net", account=JIRA_EMAIL)
    assert vault.unseal(Connection.objects.get(kind="jira").sealed) == {"token": JIRA_TOKEN}
    # The history of connections leaves the sealed token out.
    assert not hasattr(row.history.model, "sealed") or "sealed" not in [
        f.name for f in row.history.model._meta.fields]


def test_the_job_syncs_due_links_of_running_quarters(work):
    discover()
    assert "sync-trackers" in JOBS
    services.link(work.member, "I1", "jira", "PAY-1")
    now = clock.now()
    JOBS["sync-trackers"].run("slot", now)
    row = link_of("PAY-1")
    assert row.done == 2 and row.next_at == row.synced_at + dt.timedelta(minutes=30)
    assert services.sync_due(now) == []  # not due again yet
    # An archived initiative's links are left alone, even when due.
    TrackerLink.objects.update(next_at=now)
    okrs.archive_initiative(None, link_of("PAY-1").initiative)
    assert services.sync_due(now) == []


# Webhooks -----------------------------------------------------------------------------------


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(path: str, body: bytes, **headers):
    # As a tracker calls: no session, no CSRF token (the check stays on, as in production).
    return Client(enforce_csrf_checks=True).post(path, data=body,
                                                 content_type="application/json",
                                                 headers=headers)


@pytest.fixture
def synced(work, github, jira):
    services.link(work.member, "I1", "github", "acme/portal#1")
    github.add("acme/portal#1", "Tracking", assignees=("mia",))
    github.add("acme/portal#2", "Sub", parent="acme/portal#1")
    services.link(work.member, "I1", "jira", "PAY-1")
    services.sync_initiative(None, "I1")
    later = clock.now() + dt.timedelta(hours=1)
    TrackerLink.objects.update(next_at=later)
    return later


def test_a_signed_github_call_makes_its_links_due(synced, github):
    hook, secret = services.add_hook(None, "github")
    body = json.dumps({"action": "closed", "issue": {"number": 2},
                       "repository": {"full_name": "acme/portal"}}).encode()
    answer = post(f"/trackers/hooks/github/{hook.token}/", body,
                  X_Hub_Signature_256="sha256=" + sign(secret, body), X_GitHub_Event="issues")
    assert answer.status_code == 200
    # The sub-issue's tracking issue is due at once (and queued for the worker).
    assert link_of("acme/portal#1").next_at <= clock.now()
    assert link_of("PAY-1").next_at == synced
    github.issues["acme/portal#2"].update(state="closed", state_reason="completed")
    # The call queued the sync for the worker (the tracker did not wait for it); the task
    # the worker runs syncs it. (The worker itself closes the test's connection: the
    # queue's round trip is tested in tests/flags/test_checkin_queue.py.)
    [queued] = DBTaskResult.objects.filter(task_path="hoshin.trackers.tasks.sync_links_task")
    assert queued.args_kwargs["args"] == [[link_of("acme/portal#1").pk]]
    assert sync_links_task.call(*queued.args_kwargs["args"]) == 1
    assert link_of("acme/portal#1").done == 1
    assert Hook.objects.get().calls == 1


@pytest.mark.parametrize("headers", [
    {},
    {"X_Hub_Signature_256": "sha256=" + "0" * 64},
    {"X_Hub_Signature_256": "sha1=abc"},
])
def test_an_unverified_github_call_is_refused_and_changes_nothing(synced, headers):
    hook, secret = services.add_hook(None, "github")
    body = json.dumps({"action": "closed", "issue": {"number": 2},
                       "repository": {"full_name": "acme/portal"}}).encode()
    before = list(TrackerLink.objects.order_by("pk").values())
    assert post(f"/trackers/hooks/github/{hook.token}/", body, **headers).status_code == 401
    assert list(TrackerLink.objects.order_by("pk").values()) == before
    assert not DBTaskResult.objects.exists()
    assert Hook.objects.get().calls == 0 and Hook.objects.get().last_call_at is None


def test_a_call_signed_for_another_hook_or_body_is_refused(synced):
    hook, secret = services.add_hook(None, "github")
    body = b'{"issue": {"number": 2}, "repository": {"full_name": "acme/portal"}}'
    signature = "sha256=" + sign(secret, body)
    assert post(f"/trackers/hooks/github/{hook.token}/", body + b" ",
                X_Hub_Signature_256=signature).status_code == 401
    assert post("/trackers/hooks/github/not-a-hook/", body,
                X_Hub_Signature_256=signature).status_code == 401
    assert post(f"/trackers/hooks/jira/{hook.token}/", body,
                X_Hub_Signature=signature).status_code == 401
    assert Client().get(f"/trackers/hooks/github/{hook.token}/").status_code == 405


def test_jira_calls_are_verified_by_x_hub_signature(synced):
    hook, secret = services.add_hook(None, "jira", secret="a-shared-secret-of-jira")
    body = json.dumps({"timestamp": 1733570000000, "webhookEvent": "jira:issue_updated",
                       "issue": {"id": "10003", "key": "PAY-3",
                                 "fields": {"parent": {"key": "PAY-1"}}}}).encode()
    assert post(f"/trackers/hooks/jira/{hook.token}/", body,
                X_Hub_Signature="sha256=" + sign("wrong", body)).status_code == 401
    assert link_of("PAY-1").next_at == synced
    assert post(f"/trackers/hooks/jira/{hook.token}/", body,
                X_Hub_Signature="sha256=" + sign(secret, body)).status_code == 200
    assert link_of("PAY-1").next_at <= clock.now()  # the epic of the story changed


def test_asana_handshake_then_signed_events(work, asana):
    services.link(work.member, "I1", "asana", "1201")
    services.sync_initiative(None, "I1")
    TrackerLink.objects.update(next_at=clock.now() + dt.timedelta(hours=1))
    hook, secret = services.add_hook(None, "asana")
    assert secret == ""
    path = f"/trackers/hooks/asana/{hook.token}/"
    handshake = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81"
    answer = post(path, b"", X_Hook_Secret=handshake)
    assert answer.status_code == 200 and answer["X-Hook-Secret"] == handshake
    assert Hook.objects.get().confirmed_at is not None
    # A second handshake (a replay, or someone guessing the address) is refused and the
    # secret stays.
    assert post(path, b"", X_Hook_Secret="attacker-secret").status_code == 401
    body = json.dumps({"events": [{"user": {"gid": "42", "resource_type": "user"},
                                   "created_at": "2026-12-07T10:00:00.000Z",
                                   "action": "changed",
                                   "resource": {"gid": "3002", "resource_type": "task"},
                                   "parent": None,
                                   "change": {"field": "completed", "action": "changed"}}]}
                      ).encode()
    assert post(path, body, X_Hook_Signature=sign("attacker-secret", body)).status_code == 401
    assert link_of("1201").next_at > clock.now()
    assert post(path, body, X_Hook_Signature=sign(handshake, body)).status_code == 200
    assert link_of("1201").next_at <= clock.now()  # the project holding the task


def test_a_webhook_secret_is_sealed(work):
    hook, secret = services.add_hook(None, "github")
    assert secret and secret not in Hook.objects.get().sealed
    assert vault.unseal_text(Hook.objects.get().sealed) == secret
