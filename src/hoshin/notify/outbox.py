"""Queue messages in the outbox and deliver them.

`queue_email` is called inside a service's transaction: the message commits or rolls back
with the change that caused it. `deliver_pending` sends what is due, one message per
transaction, so a worker stopped mid-queue leaves every message either sent or pending.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction

from hoshin.core import clock
from hoshin.notify.models import WEBHOOK_URLS, OutboxMessage, Rhythm
from hoshin.org.models import Person

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.BASE_URL + (path if path.startswith("/") else "/" + path)


def queue_email(recipient: Person, *, subject: str, text: str, html: str = "", url: str = "",
                kind: str = "", dedupe_key: str | None = None,
                now: dt.datetime | None = None) -> OutboxMessage | None:
    """Store an email for `recipient`. Returns None when `dedupe_key` was queued before
    or the person has no address."""
    if not recipient.email or not recipient.is_active:
        return None
    if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    now = now or clock.now()
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.EMAIL, recipient=recipient,
                address=recipient.email, subject=subject[:300], text=text, html=html,
                url=absolute_url(url), kind=kind, dedupe_key=dedupe_key,
                created_at=now, next_attempt_at=now)
    except IntegrityError:  # a concurrent writer queued the same dedupe_key first
        return None


# A chat message's address: the rhythm's webhook, named, not copied. The URL is a credential
# kept sealed in the rhythm; it is read when the message is sent.
WEBHOOK_ADDRESS = {OutboxMessage.Channel.SLACK: "rhythm:slack_webhook_url",
                   OutboxMessage.Channel.TEAMS: "rhythm:teams_webhook_url"}


def queue_webhook(channel: str, payload: dict, *, recipient: Person | None = None,
                  subject: str = "", url: str = "", kind: str = "",
                  dedupe_key: str | None = None,
                  now: dt.datetime | None = None) -> OutboxMessage | None:
    """Store a chat message (Slack or Teams) for the organisation's incoming webhook."""
    address = WEBHOOK_ADDRESS[channel]
    if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    now = now or clock.now()
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                channel=channel, recipient=recipient, address=address, payload=payload,
                subject=subject[:300], url=absolute_url(url), kind=kind,
                dedupe_key=dedupe_key, created_at=now, next_attempt_at=now)
    except IntegrityError:
        return None


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes, at most six hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _send_email(message: OutboxMessage, mail_connection) -> None:
    email = EmailMultiAlternatives(subject=message.subject, body=message.text,
                                   from_email=settings.DEFAULT_FROM_EMAIL,
                                   to=[message.address], connection=mail_connection)
    if message.html:
        email.attach_alternative(message.html, "text/html")
    email.send()


def _post_webhook(message: OutboxMessage, mail_connection) -> None:
    from hoshin.notify.channels import post_json

    address = message.address
    if not address.startswith(("https://", "http://")):
        # The rhythm's webhook (WEBHOOK_ADDRESS), as stored now: raises while it is
        # missing or unreadable, so the message is retried, never lost.
        name = address.removeprefix("rhythm:")
        if name not in WEBHOOK_URLS:
            raise RuntimeError(f"unknown webhook address {address!r}")
        address = Rhythm.current().secret(name)
        if not address:
            raise RuntimeError(f"no {name.replace('_', ' ')} is set (notification settings)")
    post_json(address, message.payload or {})


# channel → callable(message, mail_connection); a sender raises on failure.
SENDERS = {OutboxMessage.Channel.EMAIL: _send_email,
           OutboxMessage.Channel.SLACK: _post_webhook,
           OutboxMessage.Channel.TEAMS: _post_webhook}


# A claimed message is not due again for this long: the time one send may take (the
# webhook and chat timeouts are seconds). A worker that dies mid-send leaves its message to
# be sent again after it, so a message is sent at least once, rarely twice.
LEASE = dt.timedelta(minutes=10)


def _claim(now: dt.datetime) -> OutboxMessage | None:
    """Take the next due message in one short transaction, moving its next attempt past the
    lease so no other worker takes it while it is sent. On PostgreSQL the row lock skips
    what another worker is claiming at the same moment; on SQLite the write lock makes
    claims take turns."""
    with transaction.atomic():
        query = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING,
                                             next_attempt_at__lte=now).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        message = query.first()
        if message is not None:
            OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=now + LEASE)
        return message


def deliver_pending(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send up to `limit` due messages; returns how many were sent.

    No transaction is open while a message is sent: a slow mail server, chat or webhook
    receiver (each waits up to its timeout) must not hold SQLite's write lock, which every
    check-in needs. Each message is claimed in a short transaction, sent, and its outcome
    recorded in another."""
    now = now or clock.now()
    sent = 0
    mail_connection = get_connection()
    for _ in range(limit):
        message = _claim(now)
        if message is None:
            break
        sender = SENDERS.get(message.channel)
        try:
            if sender is None:
                raise RuntimeError(f"no sender for channel {message.channel}")
            sender(message, mail_connection)
        except Exception as exc:  # any failure is retried later, never lost
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.state = OutboxMessage.State.FAILED
                log.error("giving up on outbox message %s: %s", message.pk, exc)
            else:
                message.next_attempt_at = now + backoff(message.attempts)
            with transaction.atomic():
                message.save(update_fields=["attempts", "last_error", "state",
                                            "next_attempt_at"])
            continue
        message.state = OutboxMessage.State.SENT
        message.attempts += 1
        message.sent_at = now
        with transaction.atomic():
            message.save(update_fields=["state", "attempts", "sent_at"])
        sent += 1
    return sent
