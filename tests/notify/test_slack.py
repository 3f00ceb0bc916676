"""Slack: signed requests only, /hoshin lists my key results, the dialog records a
check-in. Slack's Web API is a local server that answers views.open like Slack does."""

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from hoshin.core import vault
from hoshin.notify import slack
from hoshin.notify.models import Preference, Rhythm
from hoshin.okrs.models import CheckIn

pytestmark = pytest.mark.django_db

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"


def test_slacks_published_example_signature():
    # From Slack's "Verifying requests from Slack".
    body = (b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
            b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
            b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
            b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id="
            b"398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert slack.signature(SECRET, "1531420618", body) == expected
    assert slack.verification_problem(SECRET, "1531420618", expected, body,
                                      now=1531420618 + 60) is None
    assert "replay" in slack.verification_problem(SECRET, "1531420618", expected, body,
                                                  now=1531420618 + 301)
    assert slack.verification_problem(SECRET, "1531420618", expected, body + b"x",
                                      now=1531420618) == "signature does not match"
    assert slack.verification_problem(SECRET, None, expected, body) is not None


class FakeSlackApi:
    """views.open as Slack answers it: bearer token checked, a valid modal required."""

    def __init__(self):
        self.calls = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                api.calls.append((self.path, self.headers.get("Authorization"), body))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    answer = {"ok": False, "error": "invalid_auth"}
                elif not body.get("trigger_id"):
                    answer = {"ok": False, "error": "invalid_trigger_id"}
                elif body["view"].get("type") != "modal" or len(body["view"]["blocks"]) > 100 \
                        or len(body["view"]["title"]["text"]) > 24:
                    answer = {"ok": False, "error": "invalid_arguments"}
                else:
                    answer = {"ok": True, "view": {"id": "V123"}}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/api"


@pytest.fixture
def slack_api(settings):
    api = FakeSlackApi()
    settings.SLACK_API_URL = api.url
    yield api
    api.server.shutdown()
    api.server.server_close()


@pytest.fixture
def linked(plan):
    Rhythm.objects.create(slack_signing_secret=vault.seal_text(SECRET),
                          slack_bot_token=vault.seal_text(TOKEN))
    Preference.objects.create(person=plan.member, channel="slack", slack_user_id="U2CERLKJA")
    return plan


def signed_post(path, fields, *, secret=SECRET, timestamp=None):
    body = urllib.parse.urlencode(fields)
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return Client().post(path, body, content_type="application/x-www-form-urlencoded",
                         headers={"X-Slack-Request-Timestamp": timestamp,
                                  "X-Slack-Signature": slack.signature(secret, timestamp,
                                                                       body.encode())})


def test_the_slash_command_lists_my_key_results_with_a_check_in_button(linked):
    response = signed_post("/notify/slack/commands",
                           {"command": "/hoshin", "user_id": "U2CERLKJA", "text": ""})
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    [_, row] = answer["blocks"]
    assert "KR1" in row["text"]["text"] and "Installer-sold units" in row["text"]["text"]
    assert row["accessory"] == {"type": "button", "action_id": "checkin", "value": "KR1",
                                "text": {"type": "plain_text", "text": "Check in"}}


def test_an_unknown_slack_user_is_told_how_to_link_the_account(linked):
    answer = signed_post("/notify/slack/commands", {"user_id": "U999", "text": ""}).json()
    assert "/notify/me/" in answer["text"] and "U999" in answer["text"]


def test_unsigned_old_or_forged_requests_are_refused(linked):
    fields = {"user_id": "U2CERLKJA", "text": ""}
    assert signed_post("/notify/slack/commands", fields,
                       timestamp=int(time.time()) - 301).status_code == 401
    assert signed_post("/notify/slack/commands", fields, secret="wrong").status_code == 401
    assert Client().post("/notify/slack/commands", fields).status_code == 401


def test_the_button_opens_the_check_in_dialog_through_views_open(linked, slack_api):
    payload = {"type": "block_actions", "user": {"id": "U2CERLKJA"}, "trigger_id": "13345.1",
               "actions": [{"action_id": "checkin", "value": "KR1"}]}
    started = time.monotonic()
    response = signed_post("/notify/slack/interactions", {"payload": json.dumps(payload)})
    assert response.status_code == 200
    assert time.monotonic() - started < 3
    [(path, auth, body)] = slack_api.calls
    assert path == "/api/views.open" and auth == f"Bearer {TOKEN}"
    view = body["view"]
    assert body["trigger_id"] == "13345.1" and view["private_metadata"] == "KR1"
    assert [b.get("block_id") for b in view["blocks"][1:]] == [
        "value", "confidence", "note", "blockers"]
    assert [o["value"] for o in view["blocks"][2]["element"]["options"]] == [
        str(i) for i in range(11)]


def submission(value, confidence, note=""):
    return {"type": "view_submission", "user": {"id": "U2CERLKJA"}, "view": {
        "callback_id": "hoshin_checkin", "private_metadata": "KR1", "state": {"values": {
            "value": {"v": {"type": "number_input", "value": value}},
            "confidence": {"v": {"type": "static_select", "selected_option":
                                 None if confidence is None else {"value": str(confidence)}}},
            "note": {"v": {"type": "plain_text_input", "value": note}},
            "blockers": {"v": {"type": "plain_text_input", "value": None}}}}}}


def test_submitting_the_dialog_records_the_check_in_as_that_person(linked):
    response = signed_post("/notify/slack/interactions",
                           {"payload": json.dumps(submission("24.5", 7, "Two new installers"))})
    assert response.status_code == 200 and response.content == b""
    checkin = CheckIn.objects.get(key_result=linked.kr_sales)
    assert (checkin.value, checkin.confidence, checkin.note) == (24.5, 7, "Two new installers")
    assert checkin.author == linked.member


def test_a_refused_check_in_answers_with_the_error_under_its_field(linked):
    response = signed_post("/notify/slack/interactions",
                           {"payload": json.dumps(submission(None, 7))})
    answer = response.json()
    assert answer["response_action"] == "errors" and "value" in answer["errors"]
    assert not CheckIn.objects.exists()
