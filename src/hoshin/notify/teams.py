"""Microsoft Teams: checking in by writing to @Hoshin in a channel.

A Teams *outgoing webhook* posts every message that mentions it to our address as a Bot
Framework activity, signed as Microsoft documents it: `Authorization: HMAC <signature>`,
where the signature is the base64 HMAC-SHA256 of the raw body under the base64-decoded
security token Teams showed when the webhook was created. A request whose signature does
not match is refused before anything in it is read. Teams waits only a few seconds for the
answer, which is the reply it posts in the thread: a message activity carrying an Adaptive
Card, built here from the database alone.

Commands (after the mention, any case):

* `my` — my key results of the running quarter with status, progress and last check-in,
  each with a link to its page, where the check-in form is;
* `checkin <key result> <value> [confidence] [note …]` — records a check-in as the person
  who wrote it (their rights, not the system's): a number (`42`, `1,250`, `37.5%`), or for
  a milestone without steps `done` / `not yet`; a whole number 0–10 after the value is the
  confidence; the rest is the note;
* anything else — the help card.

People are recognised by their Microsoft Entra object id (`from.aadObjectId`), which each
person enters on their notifications page; the answer to an unknown person shows it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import re
from dataclasses import dataclass

from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.notify.models import Preference, Rhythm
from hoshin.okrs.models import KeyResult
from hoshin.okrs.rows import percent, status_words
from hoshin.org.models import Person

CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.4"  # what Teams renders in messages from outgoing webhooks
MAX_ROWS = 25
DONE_WORDS = {"done", "yes", "complete", "completed", "finished"}
NOT_DONE_WORDS = {"no", "not", "notyet", "open", "pending"}
# Teams shows status as a coloured word; these are the Adaptive Card text colours.
STATUS_COLOURS = {"on_track": "Good", "at_risk": "Warning", "off_track": "Attention"}


def signature(security_token: str, body: bytes) -> str:
    key = base64.b64decode(security_token)
    return "HMAC " + base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def verification_problem(security_token: str, authorization: str | None,
                         body: bytes) -> str | None:
    """Why a request must be refused, or None when Teams really sent it."""
    if not security_token:
        return "Teams check-in is not set up: no security token"
    if not authorization or not authorization.startswith("HMAC "):
        return "missing the Teams HMAC Authorization header"
    try:
        expected = signature(security_token, body)
    except (binascii.Error, ValueError):
        return "the stored Teams security token is not base64: enter it again"
    if not hmac.compare_digest(expected.encode(), authorization.strip().encode()):
        return "signature does not match"
    return None


def security_token() -> str:
    return Rhythm.current().secret("teams_security_token")


def person_for(activity: dict) -> Person | None:
    object_id = str((activity.get("from") or {}).get("aadObjectId") or "").strip().lower()
    if not object_id:
        return None
    pref = (Preference.objects.filter(teams_user_id=object_id, person__is_active=True)
            .select_related("person").first())
    return pref.person if pref else None


_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def command_words(text: str) -> list[str]:
    """The words after the mention: Teams sends `<at>Hoshin</at> checkin KR1 42`, sometimes
    with other HTML and non-breaking spaces around it."""
    text = _TAG.sub(" ", _MENTION.sub(" ", text or ""))
    return html.unescape(text).replace("\xa0", " ").split()


@dataclass
class CheckinRequest:
    key: str
    args: dict


def parse_checkin(words: list[str], kr: KeyResult) -> CheckinRequest:
    """`<value> [confidence] [note …]` for `kr`; raises DomainError naming what is wrong."""
    if not words:
        raise DomainError.field("value", f"give a value: @Hoshin checkin {kr.key} 42")
    rest = list(words)
    args: dict = {}
    if kr.kind == KeyResult.Kind.MILESTONE:
        if kr.steps.exists():
            raise DomainError.field(
                "value", f"{kr.key} is checked in step by step: open its page to tick steps")
        word = rest.pop(0).lower().rstrip(".!")
        if word == "not" and rest and rest[0].lower().rstrip(".!") == "yet":
            rest.pop(0)
            word = "notyet"
        if word in DONE_WORDS or word == "1":
            args["value"] = 1.0
        elif word in NOT_DONE_WORDS or word == "0":
            args["value"] = 0.0
        else:
            raise DomainError.field("value", f"{kr.key} is a milestone: write done or not yet")
    else:
        raw = rest.pop(0)
        args["value"] = _number(raw)
        if args["value"] is None:
            raise DomainError.field("value", f"{raw!r} is not a number (e.g. 42, 1,250 or 37.5%)")
    if rest and re.fullmatch(r"(10|[0-9])(/10)?", rest[0]):
        args["confidence"] = int(rest.pop(0).split("/")[0])
    args["note"] = " ".join(rest)
    return CheckinRequest(kr.key, args)


def _number(raw: str) -> float | None:
    text = raw.strip().rstrip("%").replace(",", "").replace("_", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


# --- answers ------------------------------------------------------------------------------

def message(body: list[dict], actions: list[dict] | None = None, summary: str = "") -> dict:
    """A message activity carrying one Adaptive Card, as Teams posts it in the thread."""
    card: dict = {"type": "AdaptiveCard", "version": CARD_VERSION, "body": body,
                  "$schema": "http://adaptivecards.io/schemas/adaptive-card.json"}
    if actions:
        card["actions"] = actions
    return {"type": "message", "summary": summary[:200],
            "attachments": [{"contentType": CARD, "content": card}]}


def _text(text: str, **style) -> dict:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _open(title: str, path: str) -> dict:
    from hoshin.notify.outbox import absolute_url

    return {"type": "Action.OpenUrl", "title": title, "url": absolute_url(path)}


def help_card(intro: str = "") -> dict:
    lines = [
        "**@Hoshin my**: your key results this quarter, with links to check in.",
        "**@Hoshin checkin KR12 42 7 Signed the second partner**: value 42, "
        "confidence 7 of 10, and a note. Milestones: *done* or *not yet*.",
    ]
    body = ([_text(intro, weight="Bolder")] if intro else []) + [_text(x) for x in lines]
    return message(body, [_open("Open Hoshin", "/")], summary="How to use @Hoshin")


def unknown_person_card(activity: dict) -> dict:
    object_id = (activity.get("from") or {}).get("aadObjectId") or "(none sent)"
    return message([
        _text("Hoshin does not know you yet.", weight="Bolder"),
        _text(f"Paste your Teams id **{object_id}** into the Microsoft Teams id box on your "
              "notifications page, then write to @Hoshin again."),
    ], [_open("Open my notifications page", "/notify/me/")], summary="Link your Teams id")


def my_card(person: Person) -> dict:
    from hoshin.notify.reminders import active_key_results
    from hoshin.okrs.progress import key_result_states
    from hoshin.core import clock

    query = (active_key_results(clock.today()).filter(owner=person)
             .select_related("objective", "last_checkin").order_by("key"))
    krs = list(query[:MAX_ROWS + 1])
    if not krs:
        return message([_text("You own no key results in a running quarter.")],
                       [_open("Open Hoshin", "/")], summary="No key results")
    states = key_result_states(query.filter(pk__in=[k.pk for k in krs[:MAX_ROWS]]))
    body: list[dict] = [_text(f"Your key results ({query.count()})", weight="Bolder",
                              size="Medium")]
    for kr in krs[:MAX_ROWS]:
        state = states[kr.pk]
        pct = "" if state.progress is None else f" · {percent(state.progress)} %"
        last = (f"last check-in {kr.last_checkin.date:%-d %b}" if kr.last_checkin
                else "no check-in yet")
        body.append({"type": "ColumnSet", "columns": [
            {"type": "Column", "width": "stretch", "items": [
                _text(f"**{kr.key}** {kr.title}"),
                _text(f"{status_words(state.status)}{pct} · {last}", isSubtle=True,
                      spacing="None", color=STATUS_COLOURS.get(str(state.status), "Default")),
            ]},
            {"type": "Column", "width": "auto", "verticalContentAlignment": "Center", "items": [
                {"type": "ActionSet", "actions": [_open("Check in", f"/key-results/{kr.key}/")]},
            ]},
        ]})
    if len(krs) > MAX_ROWS:
        body.append(_text("More on your home page.", isSubtle=True))
    return message(body, [_open("Open my home page", "/#my-krs")],
                   summary=f"Your key results ({len(krs)})")


def checkin_card(person: Person, words: list[str]) -> dict:
    """Record the check-in the words describe, as `person`, and say what happened."""
    from hoshin.okrs import services
    from hoshin.okrs.progress import key_result_states

    if not words:
        return help_card("Which key result? For example: @Hoshin checkin KR12 42")
    key = words[0].strip(".,:;").upper()
    kr = KeyResult.objects.filter(key=key).select_related("objective").first()
    if kr is None:
        return help_card(f"There is no key result {key}.")
    try:
        request = parse_checkin(words[1:], kr)
        saved = services.record_checkin(person, kr, **request.args)
    except PermissionDenied:
        return message([_text(f"You may not check in on {kr.key}: only its owner, the "
                              "unit's lead and the strategy office can.", color="Attention")],
                       [_open(f"Open {kr.key}", f"/key-results/{kr.key}/")],
                       summary="Not checked in")
    except DomainError as error:
        problems = [_text(f"{e.message}", color="Attention") for e in error.errors]
        return message([_text(f"{kr.key} was not checked in.", weight="Bolder"), *problems],
                       [_open(f"Check in on {kr.key}'s page", f"/key-results/{kr.key}/")],
                       summary="Not checked in")
    state = key_result_states(KeyResult.objects.filter(pk=kr.pk))[kr.pk]
    figures = [f"value {saved.value:g}" if saved.value is not None else None,
               f"confidence {saved.confidence}/10" if saved.confidence is not None else None]
    pct = "" if state.progress is None else f", {percent(state.progress)} %"
    body = [_text(f"Checked in on **{kr.key}** {kr.title}", weight="Bolder"),
            _text(", ".join(f for f in figures if f) + "." if any(figures) else "Recorded."),
            _text(f"Now {status_words(state.status)}{pct}.",
                  color=STATUS_COLOURS.get(str(state.status), "Default"))]
    if saved.note:
        body.append(_text(f"Note: {saved.note}", isSubtle=True))
    return message(body, [_open(f"Open {kr.key}", f"/key-results/{kr.key}/")],
                   summary=f"Checked in on {kr.key}")


def answer(activity: dict) -> dict:
    """The reply to one verified message."""
    person = person_for(activity)
    if person is None:
        return unknown_person_card(activity)
    words = command_words(str(activity.get("text") or ""))
    verb = words[0].lower().replace("-", "") if words else ""
    if verb in ("my", "mine", "list"):
        return my_card(person)
    if verb in ("checkin", "check"):
        rest = words[1:]
        if verb == "check" and rest and rest[0].lower() == "in":
            rest = rest[1:]
        return checkin_card(person, rest)
    return help_card()
