"""Signed outgoing webhooks: subscriptions (admins only, SPEC §10), the messages queued
when something happens, their delivery through the notify outbox, and replays.

Queuing happens inside the transaction of the change (handlers.py): the message and its
outbox row commit with the check-in, flag, decision, agreement or cycle change, or not at
all. The outbox's worker then calls `deliver` for each due row; a failure it may retry
(5xx, 408, 429, no answer) is retried with the outbox's backoff until its attempts run out;
any other refusal is given up at once. Every attempt is logged (`Attempt`).
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, QuerySet

from hoshin.audit.models import AuditEntry
from hoshin.audit.services import record
from hoshin.core import clock, vault
from hoshin.core.errors import DomainError, ErrorCollector, NotFound
from hoshin.core.history import service
from hoshin.notify import outbox
from hoshin.notify.models import OutboxMessage
from hoshin.org import permissions
from hoshin.org.models import Person
from hoshin.webhooks import payloads, sending
from hoshin.webhooks.models import FAMILIES, Attempt, Message, Subscription

log = logging.getLogger(__name__)

# The outbox channel of webhook messages; its sender (`deliver`) is registered in apps.py.
CHANNEL = OutboxMessage.Channel.WEBHOOK


def _require_admin(actor: Person | None, what: str) -> None:
    permissions.require(actor is None or permissions.is_admin(actor), what)


def parse_events(events) -> list[str]:
    """`checkin,flag` or a list of families (also "all"), checked and in a fixed order."""
    if isinstance(events, str):
        events = [e for e in events.replace(" ", ",").split(",") if e]
    wanted = {str(e).strip().lower() for e in events or ()}
    if "all" in wanted:
        wanted = set(FAMILIES)
    unknown = sorted(wanted - set(FAMILIES))
    if unknown:
        raise DomainError.field("events", f"unknown event(s) {', '.join(unknown)}: choose "
                                          f"from {', '.join(FAMILIES)} (or all)")
    if not wanted:
        raise DomainError.field("events", "choose at least one of " + ", ".join(FAMILIES))
    return [family for family in FAMILIES if family in wanted]


def _check_url(url: str, errors: ErrorCollector) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors.add("url", "an http:// or https:// address")
    if len(url) > 500:
        errors.add("url", "at most 500 characters")
    return url


def _describe(sub: Subscription) -> str:
    return f"webhook {sub.pk} to {sub.url} ({', '.join(sub.events)})"


@service
def add_subscription(actor: Person | None, url: str, events, *, secret: str = "",
                     description: str = "", active: bool = True) -> tuple[Subscription, str]:
    """A new subscription and its signing secret (generated unless given). The secret is
    returned here only: it is stored sealed and never shown again."""
    _require_admin(actor, "add webhooks")
    errors = ErrorCollector()
    url = _check_url(url, errors)
    try:
        families = parse_events(events)
    except DomainError as exc:
        errors.errors.extend(exc.errors)
        families = []
    secret = (secret or "").strip() or sending.new_secret()
    problem = sending.check_secret(secret)
    if problem:
        errors.add("secret", problem)
    if len(description) > 200:
        errors.add("description", "at most 200 characters")
    errors.raise_if_any()
    sub = Subscription.objects.create(url=url, events=families, description=description,
                                      sealed_secret=vault.seal_text(secret), active=active,
                                      created_by=actor if getattr(actor, "pk", None) else None)
    record(AuditEntry.Kind.WEBHOOK_ADDED, f"Added {_describe(sub)}", actor=actor)
    return sub, secret


def _one(sub_id) -> Subscription:
    try:
        sub = Subscription.objects.filter(pk=int(sub_id)).first()
    except (TypeError, ValueError):
        sub = None
    if sub is None:
        raise NotFound.field("id", f'no webhook "{sub_id}"')
    return sub


@service
def update_subscription(actor: Person | None, sub_id, *, url: str | None = None,
                        events=None, active: bool | None = None,
                        description: str | None = None) -> Subscription:
    """Pause or resume a subscription, or change its address, events or description (the
    secret stays: remove and add the webhook to change it)."""
    _require_admin(actor, "change webhooks")
    sub = _one(sub_id)
    errors = ErrorCollector()
    if url is not None:
        sub.url = _check_url(url, errors)
    if events is not None:
        try:
            sub.events = parse_events(events)
        except DomainError as exc:
            errors.errors.extend(exc.errors)
    if description is not None:
        if len(description) > 200:
            errors.add("description", "at most 200 characters")
        sub.description = description
    if active is not None:
        sub.active = bool(active)
    errors.raise_if_any()
    sub.save()
    return sub


@service
def remove_subscription(actor: Person | None, sub_id) -> None:
    """Delete the subscription; its messages and their log stay (without it), and what was
    still waiting in the outbox is given up when its turn comes."""
    _require_admin(actor, "remove webhooks")
    sub = _one(sub_id)
    what = _describe(sub)
    sub.delete()
    record(AuditEntry.Kind.WEBHOOK_REMOVED, f"Removed {what}", actor=actor)


def subscriptions(actor: Person | None) -> QuerySet[Subscription]:
    _require_admin(actor, "see webhooks")
    return Subscription.objects.annotate(
        message_count=Count("messages", distinct=True),
        last_message_at=Max("messages__created_at")).order_by("id")


def subscription(actor: Person | None, sub_id) -> Subscription:
    _require_admin(actor, "see webhooks")
    return _one(sub_id)


def messages(actor: Person | None, sub_id) -> QuerySet[Message]:
    """The subscription's messages, newest first, each with its attempts."""
    _require_admin(actor, "see webhook deliveries")
    sub = _one(sub_id)
    return sub.messages.prefetch_related("attempts").order_by("-id")


def message(actor: Person | None, message_id: str) -> Message:
    _require_admin(actor, "see webhook deliveries")
    found = Message.objects.select_related("subscription").filter(
        message_id=message_id).first()
    if found is None:
        raise NotFound.field("message_id", f'no webhook message "{message_id}"')
    return found


def _send(msg: Message, url: str, *, replay: bool, now=None) -> OutboxMessage:
    now = now or clock.now()
    return OutboxMessage.objects.create(
        channel=CHANNEL, address=url, payload={"webhook_message": msg.pk,
                                               "replay": replay},
        subject=f"{msg.type} {msg.message_id}"[:300], kind="webhook",
        dedupe_key=None if replay else f"webhook:{msg.message_id}",
        created_at=now, next_attempt_at=now)


@service
def replay(actor: Person | None, message_id: str) -> OutboxMessage:
    """Send a message again, with the same id and body (a receiver that already has it
    knows it by its `webhook-id`), signed afresh; it goes through the outbox like the
    first send, retries included."""
    _require_admin(actor, "replay webhook messages")
    msg = message(actor, message_id)
    if msg.subscription is None:
        raise DomainError.field("message_id", "its webhook was removed: there is nowhere to "
                                              "send it")
    return _send(msg, msg.subscription.url, replay=True)


# Queuing (called by handlers.py inside the change's transaction) ------------------------


def queue(event_type: str, build_data) -> int:
    """Queue `event_type` for every active subscription that wants it; `build_data()` is
    called only when one does. Returns how many messages were queued.

    Runs inside the publisher's transaction, so a failure here would undo the person's
    check-in or decision: it is contained in a savepoint and logged instead."""
    subs = [s for s in Subscription.objects.filter(active=True) if s.wants(event_type)]
    if not subs:
        return 0
    try:
        with transaction.atomic():
            body = payloads.envelope(event_type, build_data())
            now = clock.now()
            for sub in subs:
                msg = Message.objects.create(message_id=f"msg_{uuid.uuid4().hex}",
                                             subscription=sub, type=event_type, body=body,
                                             created_at=now)
                _send(msg, sub.url, replay=False, now=now)
    except Exception:
        log.exception("could not queue the webhook %s", event_type)
        return 0
    return len(subs)


# Delivery (the outbox's sender for the "webhook" channel) --------------------------------


class DeliveryFailed(Exception):
    pass


def timeout() -> float:
    return float(getattr(settings, "HOSHIN_WEBHOOK_TIMEOUT", 10))


def deliver(outbox_message: OutboxMessage, mail_connection=None) -> None:
    """Sign and POST one message; log the attempt. Returns when the receiver took it (2xx);
    raises otherwise, so the outbox retries it with its backoff. A failure not worth
    retrying uses up the row's attempts, so the outbox gives up on it now."""
    payload = outbox_message.payload or {}
    msg = (Message.objects.select_related("subscription")
           .filter(pk=payload.get("webhook_message")).first())
    number = outbox_message.attempts + 1
    last_chance = number >= outbox.MAX_ATTEMPTS
    if msg is None or msg.subscription is None:
        outbox_message.attempts = outbox.MAX_ATTEMPTS - 1
        raise DeliveryFailed("the webhook was removed")
    sub = msg.subscription
    try:
        secret = vault.unseal_text(sub.sealed_secret, owner=f"webhook {sub.pk}")
    except vault.SecretUnreadable as exc:
        answer = sending.Answer(None, str(exc), 0)
        retry = False
    else:
        answer = sending.post(outbox_message.address or sub.url, secret, msg.message_id,
                              msg.body, timeout=timeout())
        retry = answer.retryable and not last_chance
    outcome = (Attempt.Outcome.DELIVERED if answer.delivered else
               Attempt.Outcome.RETRYING if retry else Attempt.Outcome.GAVE_UP)
    Attempt.objects.create(message=msg, send=outbox_message.pk, number=number,
                           replay=bool(payload.get("replay")), at=clock.now(),
                           duration_ms=answer.duration_ms, status_code=answer.status,
                           outcome=outcome, error=answer.error)
    if answer.delivered:
        return
    if answer.status == 410:
        # 410 Gone: the receiver says the endpoint is no more (the specification's signal
        # to stop sending); the subscription is paused until an admin resumes it.
        Subscription.objects.filter(pk=sub.pk).update(active=False)
    if not retry:
        outbox_message.attempts = outbox.MAX_ATTEMPTS - 1
    raise DeliveryFailed(answer.error)
