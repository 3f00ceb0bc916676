"""Webhooks through the API, the CLI and the admins' web pages: the secret is answered
once, when the webhook is made, and never again; deliveries are read and replayed."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hoshin.core import clock, vault
from hoshin.notify import outbox
from hoshin.notify.models import OutboxMessage
from hoshin.okrs import services as okrs
from hoshin.okrs.models import KeyResult
from hoshin.org import services as org
from hoshin.webhooks import sending, services
from hoshin.webhooks.models import Attempt, Message, Subscription
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def api_as(person) -> ApiClient:
    return ApiClient(org.create_token(None, person))


def logged_in(person) -> Client:
    client = Client()
    assert client.login(username=person.email, password=PASSWORD)
    return client


def check_in_and_deliver(plan, times: int = 1) -> None:
    okrs.record_checkin(plan.member, KeyResult.objects.get(key="KR1"), value=25, confidence=7)
    now = clock.now()
    for n in range(times):
        outbox.deliver_pending(now=now + dt.timedelta(hours=7 * (n + 1)))


# API --------------------------------------------------------------------------------------


def test_the_api_adds_lists_pauses_reads_deliveries_replays_and_removes(plan, receiver):
    admin = api_as(plan.admin)
    made = admin.post("/webhooks", {"url": receiver.url, "events": ["checkin", "cycle"],
                                    "description": "Data warehouse"})
    assert made.status_code == 201, made.content
    body = made.json()
    receiver.secret = body["secret"]
    assert body["secret"].startswith("whsec_") and body["events"] == ["checkin", "cycle"]
    assert body["created_by"] == "admin@acme.test" and body["active"] is True
    hook = body["id"]
    listed = admin.get("/webhooks")
    assert listed.status_code == 200 and [w["id"] for w in listed.json()] == [hook]
    one = admin.get(f"/webhooks/{hook}")
    for answer in (listed, one):
        assert receiver.secret not in answer.content.decode()
        assert "secret" not in (answer.json()[0] if isinstance(answer.json(), list)
                                else answer.json())

    receiver.answers = [500]
    check_in_and_deliver(plan, times=2)
    deliveries = admin.get(f"/webhooks/{hook}/deliveries")
    assert deliveries.status_code == 200
    [message] = [m for m in deliveries.json() if m["type"] == "checkin.created"]
    assert [(a["number"], a["status_code"], a["outcome"]) for a in message["attempts"]] == [
        (2, 200, "delivered"), (1, 500, "retrying")]
    assert json.loads(message["body"])["data"]["key_result"]["id"] == "KR1"

    replayed = admin.post(f"/webhooks/messages/{message['message_id']}/replay")
    assert replayed.status_code == 202 and replayed.json()["queued"] is True
    outbox.deliver_pending(now=clock.now() + dt.timedelta(days=2))
    ids = [r.headers["webhook-id"] for r in receiver.received
           if r.payload and r.payload["type"] == "checkin.created"]
    assert ids == [message["message_id"]] * 3 and all(not r.refused for r in receiver.received)

    paused = admin.patch(f"/webhooks/{hook}", {"active": False})
    assert paused.status_code == 200 and paused.json()["active"] is False
    assert admin.patch(f"/webhooks/{hook}", {"events": ["birthdays"]}).status_code == 400
    assert admin.post("/webhooks", {"url": receiver.url, "events": ["checkin"],
                                    "secret": "whsec_short"}).status_code == 400
    gone = admin.client.delete(f"/api/v1/webhooks/{hook}", headers=admin.headers)
    assert gone.status_code == 204 and not Subscription.objects.exists()
    assert admin.get(f"/webhooks/{hook}").status_code == 404
    # Replaying a message of a removed webhook is refused, not a server error.
    again = admin.post(f"/webhooks/messages/{message['message_id']}/replay")
    assert again.status_code == 400


def test_the_api_is_for_admins_only(plan, receiver):
    sub, _ = services.add_subscription(plan.admin, receiver.url, "checkin")
    office = api_as(plan.office)
    assert office.get("/webhooks").status_code == 403
    assert office.get(f"/webhooks/{sub.pk}/deliveries").status_code == 403
    assert office.post("/webhooks", {"url": receiver.url,
                                     "events": ["checkin"]}).status_code == 403
    assert office.patch(f"/webhooks/{sub.pk}", {"active": False}).status_code == 403
    assert Subscription.objects.get().active


# CLI --------------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("webhooks", *args, stdout=out)
    return out.getvalue()


def test_the_cli_adds_lists_pauses_replays_and_removes(plan, receiver):
    secret = sending.new_secret()
    said = run("add", receiver.url, "--events", "checkin,flag", "--secret", secret)
    assert secret in said and "checkin, flag" in said
    sub = Subscription.objects.get()
    assert sub.events == ["checkin", "flag"] and vault.unseal_text(sub.sealed_secret) == secret
    receiver.secret = secret
    listed = json.loads(run("list", "--format", "json"))
    assert [(w["id"], w["url"], w["active"]) for w in listed] == [(sub.pk, receiver.url, True)]
    assert secret not in run("list") and secret not in run("list", "--format", "json")

    check_in_and_deliver(plan)
    [message] = json.loads(run("deliveries", str(sub.pk), "--format", "json"))[:1]
    assert message["attempts"][0]["outcome"] == "delivered"
    assert "delivered HTTP 200" in run("deliveries", str(sub.pk))
    assert "queued again" in run("replay", message["message_id"])
    assert OutboxMessage.objects.filter(channel="webhook", state="pending").count() == 1

    assert "paused" in run("pause", str(sub.pk))
    assert "PAUSED" in run("list")
    assert "resumed" in run("resume", str(sub.pk))
    assert "removed" in run("remove", str(sub.pk))
    assert "No webhook." in run("list")
    with pytest.raises(CommandError, match="unknown event"):
        run("add", receiver.url, "--events", "checkin,birthdays")
    with pytest.raises(CommandError, match='no webhook "99"'):
        run("pause", "99")
    # Without --events every family is sent.
    run("add", receiver.url)
    assert Subscription.objects.get().events == ["checkin", "flag", "decision", "agreement",
                                                 "cycle"]


# Web --------------------------------------------------------------------------------------


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(plan, receiver):
    client = logged_in(plan.admin)
    page = client.get("/webhooks/")
    assert page.status_code == 200 and "No webhook yet" in page.content.decode()
    added = client.post("/webhooks/", {"url": receiver.url, "events": ["checkin", "cycle"],
                                       "description": "BI"})
    assert added.status_code == 200
    html = added.content.decode()
    sub = Subscription.objects.get()
    secret = vault.unseal_text(sub.sealed_secret)
    assert secret in html and "shown this once" in html
    assert sub.events == ["checkin", "cycle"] and sub.created_by == plan.admin
    # Never again: not on the list, not on its page.
    assert secret not in client.get("/webhooks/").content.decode()
    assert secret not in client.get(f"/webhooks/{sub.pk}/").content.decode()
    refused = client.post("/webhooks/", {"url": receiver.url, "events": ["checkin"],
                                         "secret": "whsec_c2hvcnQ="})
    assert "24 to 64 bytes" in refused.content.decode() and Subscription.objects.count() == 1


def test_an_admin_reads_deliveries_replays_pauses_and_removes(plan, receiver):
    sub, receiver.secret = services.add_subscription(plan.admin, receiver.url, "checkin")
    receiver.answers = [503]
    check_in_and_deliver(plan, times=2)
    client = logged_in(plan.admin)
    page = client.get(f"/webhooks/{sub.pk}/").content.decode()
    message = Message.objects.get()
    assert message.message_id in page and "checkin.created" in page
    assert "HTTP 503" in page and "Failed, will retry" in page and "Delivered" in page
    replayed = client.post(f"/webhooks/messages/{message.message_id}/replay", follow=True)
    assert "queued again" in replayed.content.decode()
    outbox.deliver_pending(now=clock.now() + dt.timedelta(days=2))
    assert Attempt.objects.filter(replay=True, outcome="delivered").count() == 1
    client.post(f"/webhooks/{sub.pk}/pause")
    assert not Subscription.objects.get().active
    assert "Paused" in client.get(f"/webhooks/{sub.pk}/").content.decode()
    client.post(f"/webhooks/{sub.pk}/resume")
    assert Subscription.objects.get().active
    assert client.post(f"/webhooks/{sub.pk}/remove").status_code == 302
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("who", ["office", "lead", "member", "viewer"])
def test_the_pages_are_for_admins_only(plan, receiver, who):
    sub, _ = services.add_subscription(plan.admin, receiver.url, "checkin")
    client = logged_in(getattr(plan, who))
    assert client.get("/webhooks/").status_code == 403
    assert client.post("/webhooks/", {"url": receiver.url,
                                      "events": ["checkin"]}).status_code == 403
    assert client.get(f"/webhooks/{sub.pk}/").status_code == 403
    assert client.post(f"/webhooks/{sub.pk}/remove").status_code == 403
    assert Subscription.objects.count() == 1
