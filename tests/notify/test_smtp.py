"""Email goes out over a real SMTP conversation: an SMTP server (aiosmtpd) runs in the
test process and receives what the outbox sends."""

import datetime as dt
import email
import socket

import pytest
from aiosmtpd.controller import Controller

from hoshin.notify import outbox, scheduler
from hoshin.notify.models import OutboxMessage
from tests.factories import build_plan

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.mail_from, envelope.rcpt_tos,
                              email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "hoshin@kestrel.test"
    settings.BASE_URL = "https://okr.kestrel.test"
    yield inbox
    controller.stop()


def test_a_check_in_reminder_arrives_over_smtp_as_text_and_html(smtp):
    build_plan(today=dt.date(2026, 7, 1))
    thursday = dt.datetime(2026, 7, 9, 9, 0, tzinfo=dt.UTC)
    for name, slot in scheduler.tick(thursday):
        if name == "checkin-reminders":
            scheduler.run_slot(name, slot, thursday)
    sent = outbox.deliver_pending(thursday)
    assert sent == OutboxMessage.objects.count() == len(smtp.messages) == 3
    by_rcpt = {rcpt[0]: (sender, message) for sender, rcpt, message in smtp.messages}
    sender, message = by_rcpt["member@acme.test"]
    assert sender == "hoshin@kestrel.test"
    assert message["Subject"] == "Check-in due: 1 key result"
    assert message.is_multipart()
    parts = {part.get_content_type(): part.get_payload(decode=True).decode()
             for part in message.walk() if not part.is_multipart()}
    assert "https://okr.kestrel.test/key-results/KR1/" in parts["text/plain"]
    assert 'href="https://okr.kestrel.test/key-results/KR1/"' in parts["text/html"]
    assert all(m.state == "sent" for m in OutboxMessage.objects.all())
