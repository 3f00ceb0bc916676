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


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_a_peer_answers(plan):
    """A slow receiver must not hold the database: on SQLite every transaction takes the
    write lock, which each check-in needs. The receiver here writes to the database while
    our worker waits for its answer, and another worker's claim finds nothing to take."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from django.db import connection as main_connection
    from django.db import connections

    from hoshin.core import clock
    from hoshin.notify.models import Rhythm

    seen: dict = {}

    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            seen["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            try:
                # Another connection writes while the sender waits for this answer.
                with transaction.atomic():
                    Rhythm.objects.update_or_create(pk=1, defaults={"time_zone": "Europe/Oslo"})
                seen["claim"] = outbox._claim(clock.now())
            except Exception as exc:  # noqa: BLE001 - reported to the test below
                seen["error"] = repr(exc)
            finally:
                connections.close_all()
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.TEAMS, recipient=plan.member,
            address=f"http://127.0.0.1:{server.server_port}/hook", payload={"text": "Check in"},
            subject="Check in", created_at=clock.now(), next_attempt_at=clock.now())
        assert not main_connection.in_atomic_block
        assert outbox.deliver_pending() == 1
    finally:
        server.shutdown()
        server.server_close()
    assert seen["body"] == {"text": "Check in"}
    assert "error" not in seen, seen.get("error")
    assert seen["claim"] is None  # the message in flight is not taken twice
    assert Rhythm.objects.get().time_zone == "Europe/Oslo"
    assert OutboxMessage.objects.get().state == "sent"
