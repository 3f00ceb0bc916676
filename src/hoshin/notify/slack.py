"""Slack: the `/hoshin` slash command and the check-in dialog.

Slack signs every request it sends: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the
app's signing secret, in `X-Slack-Signature`. A request whose signature does not match,
or whose timestamp is more than five minutes away (a replay), is refused before anything
else is read. Slack waits three seconds for an answer: the slash command answers from the
database alone; opening the dialog is one call to Slack's `views.open` with a short
timeout, as Slack requires it within three seconds of the click.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from hoshin.core import clock
from hoshin.core.errors import DomainError
from hoshin.notify.models import Preference, Rhythm
from hoshin.okrs.models import KeyResult
from hoshin.okrs.rows import percent, status_words
from hoshin.org.models import Person

MAX_AGE = 5 * 60
CHECKIN_CALLBACK = "hoshin_checkin"
# Slack shows a status as a coloured dot before its words (okrs.rows.status_words).
STATUS_DOTS = {"on_track": ":large_green_circle:", "at_risk": ":large_yellow_circle:",
               "off_track": ":red_circle:", "no_data": ":white_circle:"}


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verification_problem(secret: str, timestamp: str | None, sent: str | None, body: bytes,
                         now: float | None = None) -> str | None:
    """Why a request must be refused, or None when it really comes from Slack."""
    if not secret:
        return "Slack is not set up: no signing secret"
    if not timestamp or not sent:
        return "missing Slack signature headers"
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        return "bad timestamp"
    if age > MAX_AGE:
        return "request timestamp is more than five minutes away: refused as a replay"
    if not hmac.compare_digest(signature(secret, timestamp, body), sent):
        return "signature does not match"
    return None


def person_for(slack_user_id: str) -> Person | None:
    pref = (Preference.objects.filter(slack_user_id=slack_user_id, person__is_active=True)
            .select_related("person").first())
    return pref.person if pref else None


def _my_key_results(person: Person):

    from hoshin.notify.reminders import active_key_results

    return (active_key_results(clock.today()).filter(owner=person)
            .select_related("objective", "last_checkin").order_by("key"))


def command_response(slack_user_id: str, text: str = "") -> dict:
    """The ephemeral answer to `/hoshin`: my key results, each with a Check in button."""
    from hoshin.notify.outbox import absolute_url
    from hoshin.okrs.progress import key_result_states

    person = person_for(slack_user_id)
    if person is None:
        return {"response_type": "ephemeral", "text": (
            "I don't know who you are in Hoshin yet. Add your Slack member id "
            f"({slack_user_id}) on your notifications page: {absolute_url('/notify/me/')}")}
    query = _my_key_results(person)
    krs = list(query)
    if not krs:
        return {"response_type": "ephemeral",
                "text": "You own no key results in an active quarter."}
    states = key_result_states(query)
    blocks: list[dict] = [{"type": "section", "text": {
        "type": "mrkdwn", "text": f"*Your key results* ({len(krs)})"}}]
    for kr in krs[:40]:
        state = states[kr.pk]
        pct = "" if state.progress is None else f" · {percent(state.progress)} %"
        last = (f"last check-in {kr.last_checkin.date:%-d %b}" if kr.last_checkin
                else "no check-in yet")
        blocks.append({
            "type": "section",
            "text": {"type": "mrkdwn", "text": (
                f"*<{absolute_url(f'/key-results/{kr.key}/')}|{kr.key}>* {_esc(kr.title)}\n"
                f"{_status(state.status)}{pct} · {last}")[:3000]},
            "accessory": {"type": "button", "action_id": "checkin", "value": kr.key,
                          "text": {"type": "plain_text", "text": "Check in"}}})
    return {"response_type": "ephemeral", "text": f"Your key results ({len(krs)})",
            "blocks": blocks}


def _status(status) -> str:
    """":large_green_circle: on track"."""
    dot = STATUS_DOTS.get(str(status))
    return f"{dot} {status_words(status)}" if dot else status_words(status)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def checkin_view(kr: KeyResult) -> dict:
    """The modal: value (or the milestone's steps), confidence 0–10, note, blockers."""
    blocks: list[dict] = []
    steps = list(kr.steps.all())
    if kr.kind == KeyResult.Kind.MILESTONE and steps:
        blocks.append({"type": "input", "block_id": "steps_done", "optional": True,
                       "label": {"type": "plain_text", "text": "Steps done"},
                       "element": {"type": "checkboxes", "action_id": "v", "options": [
                           {"text": {"type": "plain_text", "text": s.title[:75]},
                            "value": s.key} for s in steps[:10]]}})
    elif kr.kind == KeyResult.Kind.MILESTONE:
        blocks.append({"type": "input", "block_id": "done",
                       "label": {"type": "plain_text", "text": "Done?"},
                       "element": {"type": "static_select", "action_id": "v", "options": [
                           {"text": {"type": "plain_text", "text": t}, "value": v}
                           for t, v in (("Not yet", "0"), ("Done", "1"))]}})
    else:
        unit = f" ({kr.unit})" if kr.unit else ""
        blocks.append({"type": "input", "block_id": "value",
                       "label": {"type": "plain_text", "text": f"Value{unit}"[:2000]},
                       "element": {"type": "number_input", "action_id": "v",
                                   "is_decimal_allowed": True}})
    blocks.append({"type": "input", "block_id": "confidence",
                   "label": {"type": "plain_text", "text": "Confidence (0–10)"},
                   "element": {"type": "static_select", "action_id": "v", "options": [
                       {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)}
                       for i in range(11)]}})
    for block_id, label in (("note", "Note"), ("blockers", "Blockers")):
        blocks.append({"type": "input", "block_id": block_id, "optional": True,
                       "label": {"type": "plain_text", "text": label},
                       "element": {"type": "plain_text_input", "action_id": "v",
                                   "multiline": True, "max_length": 2000}})
    return {"type": "modal", "callback_id": CHECKIN_CALLBACK, "private_metadata": kr.key,
            "title": {"type": "plain_text", "text": f"Check in {kr.key}"[:24]},
            "submit": {"type": "plain_text", "text": "Check in"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [{"type": "section", "text": {"type": "mrkdwn",
                                                     "text": f"*{_esc(kr.title)}*"[:3000]}},
                       *blocks]}


def open_view(trigger_id: str, view: dict, token: str, timeout: float = 2.5) -> None:
    """Slack's views.open; an `ok: false` answer raises with Slack's error."""
    body = json.dumps({"trigger_id": trigger_id, "view": view}).encode()
    request = urllib.request.Request(
        settings.SLACK_API_URL.rstrip("/") + "/views.open", data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8",
                 "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        answer = json.loads(response.read() or b"{}")
    if not answer.get("ok"):
        raise OSError(f"Slack views.open failed: {answer.get('error', 'unknown error')}")


@dataclass
class Submission:
    key: str
    args: dict


def parse_submission(view: dict) -> Submission:
    values = view.get("state", {}).get("values", {})

    def get(block: str):
        element = values.get(block, {}).get("v", {})
        if element.get("type") == "checkboxes":
            return [o["value"] for o in element.get("selected_options") or []]
        if element.get("type") == "static_select":
            option = element.get("selected_option")
            return option["value"] if option else None
        return element.get("value")

    args: dict = {"note": get("note") or "", "blockers": get("blockers") or ""}
    confidence = get("confidence")
    args["confidence"] = int(confidence) if confidence not in (None, "") else None
    if "steps_done" in values:
        args["steps_done"] = get("steps_done") or []
    elif "done" in values:
        args["value"] = float(get("done") or 0)
    else:
        raw = get("value")
        args["value"] = float(raw) if raw not in (None, "") else None
    return Submission(view.get("private_metadata", ""), args)


def submit_checkin(person: Person, view: dict) -> dict | None:
    """Record the dialog's check-in as `person`. Returns Slack's `errors` answer (the
    message shown under the block) when the check-in is refused, else None."""
    from hoshin.okrs import services

    try:
        submission = parse_submission(view)
    except (TypeError, ValueError):
        return {"response_action": "errors", "errors": {"value": "Enter a number."}}
    kr = KeyResult.objects.filter(key=submission.key).first()
    if kr is None:
        return {"response_action": "errors",
                "errors": {"confidence": f"Key result {submission.key} no longer exists."}}
    try:
        services.record_checkin(person, kr, **submission.args)
    except DomainError as error:
        blocks = {"value", "confidence", "note", "blockers", "steps_done", "done"}
        messages: dict[str, str] = {}
        for e in error.errors:
            block = e.field if e.field in blocks else "confidence"
            if block == "value" and "done" in (view.get("state", {}).get("values") or {}):
                block = "done"
            messages[block] = (messages.get(block, "") + " " + e.message).strip()[:150]
        return {"response_action": "errors", "errors": messages}
    return None


def signing_secret() -> str:
    return Rhythm.current().secret("slack_signing_secret")
