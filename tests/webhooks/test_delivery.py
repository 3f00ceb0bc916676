"""Signed outgoing webhooks end to end: real service calls (a check-in, flags raised and
cleared, a review decision, a catchball agreement, a cycle's transition) queue messages in
their own transaction; the notify outbox sends them signed to a local receiver that
verifies them with the `standardwebhooks` library; 5xx answers and silence are retried
with backoff and given up after the outbox's attempts, a 4xx at once; every attempt is
logged, and a replay re-sends the same id and body."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from standardwebhooks import Webhook, WebhookVerificationError

from hoshin.audit.models import AuditEntry
from hoshin.catchball import services as catchball
from hoshin.core import clock, vault
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.notify import outbox
from hoshin.notify.models import OutboxMessage
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult
from hoshin.reviews import services as reviews
from hoshin.webhooks import sending, services
from hoshin.webhooks.models import Attempt, Message, Subscription

pytestmark = pytest.mark.django_db


class Worker:
    """Runs the outbox as `hoshin worker` would, a little later each time, so every retry's
    backoff (at most six hours) has passed."""

    def __init__(self):
        self.now = clock.now()

    def run(self) -> int:
        self.now += dt.timedelta(hours=7)
        return outbox.deliver_pending(now=self.now)


def kr1():
    return KeyResult.objects.get(key="KR1")


def webhook_rows():
    return OutboxMessage.objects.filter(channel=services.CHANNEL)


def test_a_check_in_reaches_the_receiver_signed(plan, receiver):
    sub, secret = services.add_subscription(plan.admin, receiver.url, "checkin")
    receiver.secret = secret
    assert secret.startswith("whsec_") and sending.check_secret(secret) is None
    okrs.record_checkin(plan.member, kr1(), value=25, confidence=7, note="Two new installers")
    message = Message.objects.get()
    assert message.type == "checkin.created" and message.subscription == sub
    assert not receiver.received  # queued, not sent in the request
    Worker().run()  # (it also sends the flags' e-mails the check-in may have queued)
    [got] = receiver.received
    assert got.refused == "" and got.path == "/hooks/hoshin"
    assert got.headers["webhook-id"] == message.message_id
    assert got.headers["webhook-signature"].startswith("v1,")
    assert got.body.decode() == message.body  # the exact bytes stored, signed and sent
    payload = got.payload
    assert payload["type"] == "checkin.created" and payload["timestamp"]
    data = payload["data"]
    assert data["key_result"]["id"] == "KR1" and data["key_result"]["objective"]["id"] == "O1"
    assert (data["value"], data["confidence"], data["note"]) == (25, 7, "Two new installers")
    assert data["author"] == {"email": "member@acme.test", "name": "Mia Member"}
    assert data["key_result"]["url"].endswith("/key-results/KR1/")
    # Another secret does not verify it: the signature is the subscription's own.
    with pytest.raises(WebhookVerificationError):
        Webhook(sending.new_secret()).verify(got.body, got.headers)
    [attempt] = Attempt.objects.all()
    assert (attempt.outcome, attempt.status_code, attempt.number, attempt.replay) == (
        "delivered", 200, 1, False)
    assert webhook_rows().get().state == OutboxMessage.State.SENT


def test_a_check_in_rolled_back_announces_nothing(plan, receiver):
    services.add_subscription(plan.admin, receiver.url, "all")
    with pytest.raises(RuntimeError), transaction.atomic():
        okrs.record_checkin(plan.member, kr1(), value=25, confidence=7)
        assert Message.objects.filter(type="checkin.created").count() == 1
        raise RuntimeError("the request failed after the check-in")
    assert not Message.objects.exists() and not webhook_rows().exists()


def test_flags_raised_and_cleared_are_sent_to_who_asked_for_flags(plan, receiver):
    sub, receiver.secret = services.add_subscription(plan.admin, receiver.url, ["flag"])
    services.add_subscription(plan.admin, receiver.url + "/checkins", "checkin")
    okrs.record_checkin(plan.member, kr1(), value=24, confidence=7,
                        blockers="Installer portal down")
    okrs.record_checkin(plan.member, kr1(), value=26, confidence=7)
    assert set(Message.objects.filter(subscription=sub).values_list("type", flat=True)) == {
        "flag.raised", "flag.cleared"}
    Worker().run()
    # The blocker's flag, raised by the first check-in and cleared by the second (the
    # pace rules may raise and clear others on the way, depending on today's date).
    flags = [p for p in receiver.verified()
             if p["type"].startswith("flag.") and p["data"]["code"] == "blockers"]
    raised, cleared = flags
    assert (raised["type"], cleared["type"]) == ("flag.raised", "flag.cleared")
    assert raised["data"]["code"] == "blockers" and raised["data"]["cleared_on"] is None
    assert raised["data"]["key_result"]["id"] == "KR1"
    assert cleared["data"]["id"] == raised["data"]["id"] and cleared["data"]["cleared_on"]
    # The check-ins went to the other subscription only.
    checkins = [r for r in receiver.received if r.path == "/hooks/hoshin/checkins"]
    assert len(checkins) == 2 and all(r.headers["webhook-signature"] for r in checkins)
    assert {r.path for r in receiver.received if r.payload and r.payload["type"].startswith(
        "flag.")} == {"/hooks/hoshin"}


def test_decisions_agreements_and_cycle_changes(plan, receiver):
    _, receiver.secret = services.add_subscription(plan.admin, receiver.url,
                                                   "decision,agreement,cycle")
    review = reviews.schedule_reviews(None, plan.quarter)[0]
    item = reviews.add_item(plan.office, review, title="Installer portal", key_result="KR1")
    reviews.decide(plan.office, item, kind="escalate", rationale="IT must fix the portal",
                   escalated_to="CIO")
    thread = catchball.propose(plan.office, element="KR1", unit="sales", target=40)
    catchball.respond(plan.lead, thread, contribution="We can do 35", target=35)
    catchball.accept(plan.office, thread)
    next_year = plan.quarter.start.year + 1
    draft = okrs.save_cycle(None, key=f"{next_year}-Q1", kind="quarter",
                            start=dt.date(next_year, 1, 1), end=dt.date(next_year, 3, 31))
    okrs.transition_cycle(plan.office, draft, Cycle.State.PLANNING,
                          override_reason="Alignment agreed in the board meeting")
    Worker().run()
    assert all(r.refused == "" for r in receiver.received)
    by_type = {p["type"]: p["data"] for p in receiver.verified()}
    assert set(by_type) == {"review.decided", "catchball.agreed", "cycle.transitioned"}
    decided = by_type["review.decided"]
    assert (decided["kind"], decided["escalated_to"]) == ("escalate", "CIO")
    assert decided["item"]["key_result"]["id"] == "KR1"
    assert decided["decided_by"]["email"] == "office@acme.test"
    assert decided["review"]["cycle"] == plan.quarter.key
    agreed = by_type["catchball.agreed"]
    assert agreed["element"]["id"] == "KR1" and agreed["element"]["title"] == kr1().title
    assert agreed["unit"] == "sales" and agreed["version"]["target"] == 35
    moved = by_type["cycle.transitioned"]
    assert (moved["cycle"]["id"], moved["from"], moved["to"]) == (
        f"{next_year}-Q1", "draft", "planning")
    assert moved["override_reason"] == "Alignment agreed in the board meeting"


def test_server_errors_are_retried_with_backoff_under_the_same_id(plan, receiver):
    _, receiver.secret = services.add_subscription(plan.admin, receiver.url, "checkin")
    receiver.answers = [500, 503]
    okrs.record_checkin(plan.member, kr1(), value=25, confidence=7)
    worker = Worker()
    worker.run()
    row = webhook_rows().get()
    assert row.state == OutboxMessage.State.PENDING and row.attempts == 1
    assert row.next_attempt_at == worker.now + outbox.backoff(1)
    # Before the backoff has passed nothing is sent again.
    assert outbox.deliver_pending(now=worker.now + dt.timedelta(seconds=30)) == 0
    worker.run()
    worker.run()
    assert [r.payload is not None for r in receiver.received] == [True, True, True]
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    attempts = list(Attempt.objects.order_by("at", "id"))
    assert [(a.number, a.status_code, a.outcome) for a in attempts] == [
        (1, 500, "retrying"), (2, 503, "retrying"), (3, 200, "delivered")]
    assert "HTTP 500" in attempts[0].error and attempts[2].error == ""
    assert webhook_rows().get().state == OutboxMessage.State.SENT


def test_it_gives_up_after_the_outboxs_attempts(plan, receiver):
    _, receiver.secret = services.add_subscription(plan.admin, receiver.url, "checkin")
    receiver.answers = [502] * 50
    okrs.record_checkin(plan.member, kr1(), value=25, confidence=7)
    worker = Worker()
    for _ in range(outbox.MAX_ATTEMPTS + 2):
        worker.run()
    assert len(receiver.received) == outbox.MAX_ATTEMPTS
    outcomes = list(Attempt.objects.order_by("at", "id").values_list("outcome", flat=True))
    assert outcomes == ["retrying"] * (outbox.MAX_ATTEMPTS - 1) + ["gave-up"]
    assert webhook_rows().get().state == OutboxMessage.State.FAILED


@pytest.mark.parametrize("status", [400, 302])
def test_a_refusal_or_a_redirect_is_given_up_at_once(plan, receiver, status):
    _, receiver.secret = services.add_subscription(plan.admin, receiver.url, "checkin")
    receiver.answers = [status]
    okrs.record_checkin(plan.member, kr1(), value=25, confidence=7)
    worker = Worker()
    worker.run()
    worker.run()
    assert len(receiver.received) == 1  # the redirect was not followed
    [attempt] = Attempt.objects.all()
    assert (attempt.status_code, attempt.outcome) == (status, "gave-up")
    assert webhook_rows().get().state == OutboxMessage.State.FAILED


def test_a_receiver_that_never_answers_times_out_and_is_retried(plan, silent_receiver):
    services.add_subscription(plan.admin, silent_receiver, "checkin")
    okrs.record_checkin(plan.member, kr1(), value=25, confidence=7)
    began = time.monotonic()
    Worker().run()
    assert time.monotonic() - began < 5
    [attempt] = Attempt.objects.all()
    assert attempt.status_code is None and attempt.outcome == "retrying"
    assert attempt.error == "no answer within 0.5 s" and attempt.duration_ms >= 400
    row = webhook_rows().get()
    assert row.state == OutboxMessage.State.PENDING and row.attempts == 1


def test_a_replay_resends_the_same_id_and_body(plan, receiver):
    _, receiver.secret = services.add_subscription(plan.admin, receiver.url, "checkin")
    okrs.record_checkin(plan.member, kr1(), value=25, confidence=7)
    worker = Worker()
    worker.run()
    message = Message.objects.get()
    with pytest.raises(PermissionDenied):
        services.replay(plan.office, message.message_id)
    services.replay(plan.admin, message.message_id)
    worker.run()
    first, again = receiver.received
    assert first.payload == again.payload and first.body == again.body
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == message.message_id
    assert again.refused == ""  # signed afresh, with this attempt's timestamp
    attempts = list(message.attempts.order_by("at", "id"))
    assert [(a.replay, a.outcome) for a in attempts] == [(False, "delivered"),
                                                        (True, "delivered")]
    assert attempts[0].send != attempts[1].send
    assert Message.objects.count() == 1


def test_paused_removed_and_the_audit_log(plan, receiver):
    sub, receiver.secret = services.add_subscription(plan.admin, receiver.url, "checkin")
    services.update_subscription(plan.admin, sub.pk, active=False)
    okrs.record_checkin(plan.member, kr1(), value=25, confidence=7)
    assert not Message.objects.exists()
    services.update_subscription(plan.admin, sub.pk, active=True)
    okrs.record_checkin(plan.member, kr1(), value=26, confidence=7)
    message = Message.objects.get()
    services.remove_subscription(plan.admin, sub.pk)
    Worker().run()
    assert not receiver.received
    assert webhook_rows().get().state == OutboxMessage.State.FAILED
    assert Attempt.objects.count() == 0 and "removed" in webhook_rows().get().last_error
    with pytest.raises(DomainError):
        services.replay(plan.admin, message.message_id)
    kinds = list(AuditEntry.objects.filter(kind__startswith="webhook").order_by("at", "pk")
                 .values_list("kind", "actor__email"))
    assert kinds == [("webhook-added", "admin@acme.test"), ("webhook-removed", "admin@acme.test")]
    assert receiver.url in AuditEntry.objects.get(kind="webhook-removed").what


def test_a_gone_receiver_pauses_its_subscription(plan, receiver):
    sub, receiver.secret = services.add_subscription(plan.admin, receiver.url, "checkin")
    receiver.answers = [410]
    okrs.record_checkin(plan.member, kr1(), value=25, confidence=7)
    Worker().run()
    assert not Subscription.objects.get(pk=sub.pk).active
    assert Attempt.objects.get().outcome == "gave-up"


def test_the_secret_is_sealed_given_or_made_and_checked(plan, receiver):
    given = sending.new_secret()
    sub, secret = services.add_subscription(plan.admin, receiver.url, "checkin",
                                            secret=given)
    assert secret == given
    stored = Subscription.objects.get(pk=sub.pk).sealed_secret
    assert given not in stored and given[6:] not in stored
    assert vault.unseal_text(stored) == given
    # Nor is it kept, sealed or not, in the subscription's history.
    assert not hasattr(sub.history.model, "sealed_secret")
    for bad, why in (("not-a-secret", "whsec_"), ("whsec_!!!", "base64"),
                     ("whsec_c2hvcnQ=", "24 to 64 bytes")):
        with pytest.raises(DomainError) as refused:
            services.add_subscription(plan.admin, receiver.url, "checkin", secret=bad)
        assert why in str(refused.value)
    with pytest.raises(DomainError) as refused:
        services.add_subscription(plan.admin, "ftp://example.test", "checkin,birthdays")
    fields = {e.field for e in refused.value.errors}
    assert fields == {"url", "events"}


@pytest.mark.parametrize("who", ["office", "lead", "member", "viewer"])
def test_only_admins_manage_webhooks(plan, receiver, who):
    person = getattr(plan, who)
    with pytest.raises(PermissionDenied):
        services.add_subscription(person, receiver.url, "checkin")
    sub, _ = services.add_subscription(plan.admin, receiver.url, "checkin")
    for call in (lambda: services.update_subscription(person, sub.pk, active=False),
                 lambda: services.remove_subscription(person, sub.pk),
                 lambda: services.subscriptions(person),
                 lambda: services.messages(person, sub.pk)):
        with pytest.raises(PermissionDenied):
            call()
    assert Subscription.objects.get(pk=sub.pk).active
