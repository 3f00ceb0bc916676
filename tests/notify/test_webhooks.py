"""Slack and Microsoft Teams reminders reach their incoming webhooks in the shape those
services accept. The receivers are local HTTP servers that check the payload."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hoshin.notify import outbox, scheduler
from hoshin.notify.models import OutboxMessage, Preference, Rhythm

pytestmark = pytest.mark.django_db

THURSDAY = dt.datetime(2026, 7, 9, 9, 0, tzinfo=dt.UTC)


class Receiver:
    """An incoming-webhook endpoint: records JSON bodies, answers like the service."""

    def __init__(self, validate, status=200):
        self.bodies, self.status = [], status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                assert self.headers["Content-Type"] == "application/json"
                problem = validate(body)
                receiver.bodies.append(body)
                code = 400 if problem else receiver.status
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"ok" if code == 200 else (problem or "error").encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def slack_problem(body):
    """What Slack's webhook would refuse: no fallback text, or blocks it does not know."""
    if not isinstance(body.get("text"), str) or not body["text"]:
        return "no_text"
    for block in body.get("blocks", []):
        if block["type"] not in {"header", "section", "actions", "context", "divider"}:
            return "invalid_blocks"
        if block["type"] == "section" and block["text"]["type"] not in {"mrkdwn", "plain_text"}:
            return "invalid_blocks"
        if block["type"] == "actions":
            for element in block["elements"]:
                if element["type"] != "button" or len(element["text"]["text"]) > 75:
                    return "invalid_blocks"
    return None


def teams_problem(body):
    if body.get("type") != "message":
        return "not a message"
    [attachment] = body["attachments"]
    if attachment["contentType"] != "application/vnd.microsoft.card.adaptive":
        return "not an adaptive card"
    card = attachment["content"]
    if card["type"] != "AdaptiveCard" or not card["version"] or not card["body"]:
        return "bad card"
    return None


@pytest.fixture
def receiver():
    made = []

    def make(validate, status=200):
        made.append(Receiver(validate, status))
        return made[-1]

    yield make
    for r in made:
        r.close()


def remind(plan):
    for name, slot in scheduler.tick(THURSDAY):
        if name == "checkin-reminders":
            scheduler.run_slot(name, slot, THURSDAY)
    return outbox.deliver_pending(THURSDAY)


@pytest.fixture
def q3():
    from tests.factories import build_plan

    return build_plan(today=dt.date(2026, 7, 1))


def test_a_slack_reminder_mentions_the_owner_and_links_each_key_result(q3, receiver):
    slack = receiver(slack_problem)
    Rhythm.objects.create(slack_webhook_url=slack.url)
    Preference.objects.create(person=q3.member, channel="slack", slack_user_id="U024BE7LH")
    remind(q3)
    [body] = slack.bodies
    section = body["blocks"][1]["text"]["text"]
    assert section.startswith("<@U024BE7LH>: It's check-in day")
    links = json.dumps(body["blocks"])
    assert "/key-results/KR1/|KR1 Installer-sold units from 20% to 35%>" in links
    assert body["blocks"][-1]["elements"][0]["url"].endswith("/key-results/KR1/")
    assert OutboxMessage.objects.get(recipient=q3.member).state == "sent"


def test_a_teams_reminder_is_an_adaptive_card_with_a_link_to_check_in(q3, receiver):
    teams = receiver(teams_problem)
    Rhythm.objects.create(teams_webhook_url=teams.url)
    Preference.objects.create(person=q3.lead, channel="teams")
    remind(q3)
    [body] = teams.bodies
    card = body["attachments"][0]["content"]
    assert card["actions"][0]["type"] == "Action.OpenUrl"
    assert card["actions"][0]["url"].endswith("/key-results/KR2/")
    assert any("KR2 Installer certification programme live" in b["text"] for b in card["body"])


def test_a_webhook_that_fails_is_retried_and_the_message_kept(q3, receiver):
    slack = receiver(slack_problem, status=503)
    Rhythm.objects.create(slack_webhook_url=slack.url)
    Preference.objects.create(person=q3.member, channel="slack")
    remind(q3)
    message = OutboxMessage.objects.get(recipient=q3.member)
    assert message.state == "pending" and message.attempts == 1
    assert "503" in message.last_error
    slack.status = 200
    assert outbox.deliver_pending(THURSDAY + dt.timedelta(minutes=5)) == 1
    assert len(slack.bodies) == 2
    message.refresh_from_db()
    assert message.state == "sent"


def test_a_chat_channel_that_is_not_configured_falls_back_to_email(q3, mailoutbox):
    Rhythm.objects.create()
    Preference.objects.create(person=q3.member, channel="slack")
    remind(q3)
    assert "member@acme.test" in [m.to[0] for m in mailoutbox]


def test_no_reminders_for_a_person_who_turned_them_off(q3, mailoutbox):
    Rhythm.objects.create()
    Preference.objects.create(person=q3.member, channel="none")
    remind(q3)
    assert "member@acme.test" not in [m.to[0] for m in mailoutbox]
