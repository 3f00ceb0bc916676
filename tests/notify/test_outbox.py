"""The outbox: messages commit with their cause, are sent once, and retried on failure."""

import datetime as dt
import socket

import pytest
from django.db import transaction
from django.utils import timezone

from hoshin.notify import outbox
from hoshin.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_a_message_rolls_back_with_the_change_that_caused_it(plan):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.queue_email(plan.member, subject="Hi", text="body")
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_queued_email_is_sent_once_with_html_and_an_absolute_link(plan, mailoutbox, settings):
    settings.BASE_URL = "https://okr.example.com"
    outbox.queue_email(plan.member, subject="Check in", text="Due", html="<p>Due</p>",
                       url="/key-results/KR1/", kind="reminder")
    assert outbox.deliver_pending() == 1
    assert outbox.deliver_pending() == 0
    [mail] = mailoutbox
    assert mail.to == ["member@acme.test"] and mail.subject == "Check in"
    assert mail.alternatives[0][0] == "<p>Due</p>"
    message = OutboxMessage.objects.get()
    assert message.state == "sent" and message.url == "https://okr.example.com/key-results/KR1/"


def test_the_same_dedupe_key_is_queued_only_once(plan):
    assert outbox.queue_email(plan.member, subject="a", text="", dedupe_key="kr1-w3")
    assert outbox.queue_email(plan.member, subject="a", text="", dedupe_key="kr1-w3") is None
    assert OutboxMessage.objects.count() == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_failed_send_is_retried_later_with_backoff_then_given_up(plan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_TIMEOUT = 2
    now = timezone.now()
    outbox.queue_email(plan.member, subject="a", text="", now=now)
    assert outbox.deliver_pending(now) == 0
    message = OutboxMessage.objects.get()
    assert message.state == "pending" and message.attempts == 1
    assert "ConnectionRefused" in message.last_error
    assert outbox.deliver_pending(now + dt.timedelta(seconds=30)) == 0
    message.refresh_from_db()
    assert message.attempts == 1  # not due again yet
    later = now
    for _ in range(outbox.MAX_ATTEMPTS):
        later += dt.timedelta(hours=7)
        outbox.deliver_pending(later)
    message.refresh_from_db()
    assert message.state == "failed" and message.attempts == outbox.MAX_ATTEMPTS
