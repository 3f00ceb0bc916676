"""One notification, rendered for the channel a person chose: email (text + HTML), Slack
(Block Kit through the incoming webhook) or Microsoft Teams (an Adaptive Card through the
incoming webhook). Everything goes through the outbox."""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from hoshin.core import vault
from hoshin.notify import outbox
from hoshin.notify.models import OutboxMessage, Preference, Rhythm
from hoshin.org.models import Person

log = logging.getLogger(__name__)


@dataclass
class Link:
    label: str
    url: str
    detail: str = ""


@dataclass
class Notice:
    """What to tell a person, independent of the channel."""

    subject: str
    intro: str
    links: list[Link] = field(default_factory=list)
    action_label: str = "Open Hoshin"
    action_url: str = "/"
    kind: str = ""


def preference_of(person: Person) -> str:
    try:
        return person.notification_preference.channel
    except Preference.DoesNotExist:
        return Preference.Channel.EMAIL


def slack_user_of(person: Person) -> str:
    try:
        return person.notification_preference.slack_user_id
    except Preference.DoesNotExist:
        return ""


def email_parts(person: Person, notice: Notice) -> tuple[str, str]:
    context = {"person": person, "notice": notice,
               "links": [Link(li.label, outbox.absolute_url(li.url), li.detail)
                         for li in notice.links],
               "action_url": outbox.absolute_url(notice.action_url)}
    return (render_to_string("notify/notice.txt", context),
            render_to_string("notify/notice.html", context))


def slack_payload(person: Person, notice: Notice) -> dict:
    """Block Kit message for an incoming webhook (a channel), mentioning the person."""
    who = f"<@{slack_user_of(person)}>" if slack_user_of(person) else person.name
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": notice.subject[:150]}},
        # Slack refuses a section over 3000 characters (a long catchball comment).
        {"type": "section", "text": {"type": "mrkdwn", "text": f"{who}: {notice.intro}"[:3000]}},
    ]
    for link in notice.links[:20]:
        text = f"*<{outbox.absolute_url(link.url)}|{_slack_escape(link.label)}>*"
        if link.detail:
            text += f"\n{_slack_escape(link.detail)}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    blocks.append({"type": "actions", "elements": [{
        "type": "button", "text": {"type": "plain_text", "text": notice.action_label[:75]},
        "url": outbox.absolute_url(notice.action_url), "style": "primary"}]})
    return {"text": f"{notice.subject}: {person.name}", "blocks": blocks}


def teams_payload(person: Person, notice: Notice) -> dict:
    """An Adaptive Card (1.4) in the message envelope Teams incoming webhooks accept."""
    body: list[dict] = [
        {"type": "TextBlock", "text": notice.subject, "weight": "Bolder", "size": "Medium",
         "wrap": True},
        {"type": "TextBlock", "text": f"{person.name}: {notice.intro}", "wrap": True},
    ]
    for link in notice.links[:20]:
        text = f"[{link.label}]({outbox.absolute_url(link.url)})"
        if link.detail:
            text += f" — {link.detail}"
        body.append({"type": "TextBlock", "text": text, "wrap": True, "spacing": "Small"})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4", "body": body,
            "actions": [{"type": "Action.OpenUrl", "title": notice.action_label,
                         "url": outbox.absolute_url(notice.action_url)}]}
    return {"type": "message", "attachments": [{
        "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
        "content": card}]}


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_url(rhythm: Rhythm, name: str) -> str:
    """The stored incoming-webhook URL in clear; "" when none is stored or it cannot be
    read (the secrets key changed): reminders then go by email rather than fail the change
    that caused them."""
    try:
        return rhythm.secret(name)
    except vault.SecretUnreadable as e:
        log.warning("%s: reminders go by email until it is entered again", e)
        return ""


def notify(person: Person, notice: Notice, *, dedupe_key: str | None = None,
           now: dt.datetime | None = None, rhythm: Rhythm | None = None) -> bool:
    """Queue `notice` for `person` on their channel (email when the chosen chat channel
    is not configured). Returns whether something was queued."""
    channel = preference_of(person)
    if channel == Preference.Channel.NONE:
        return False
    rhythm = rhythm or Rhythm.current()
    if channel == Preference.Channel.SLACK and webhook_url(rhythm, "slack_webhook_url"):
        return outbox.queue_webhook(OutboxMessage.Channel.SLACK,
                                    slack_payload(person, notice), recipient=person,
                                    subject=notice.subject, url=notice.action_url,
                                    kind=notice.kind, dedupe_key=dedupe_key, now=now) is not None
    if channel == Preference.Channel.TEAMS and webhook_url(rhythm, "teams_webhook_url"):
        return outbox.queue_webhook(OutboxMessage.Channel.TEAMS,
                                    teams_payload(person, notice), recipient=person,
                                    subject=notice.subject, url=notice.action_url,
                                    kind=notice.kind, dedupe_key=dedupe_key, now=now) is not None
    text, html = email_parts(person, notice)
    return outbox.queue_email(person, subject=notice.subject, text=text, html=html,
                              url=notice.action_url, kind=notice.kind, dedupe_key=dedupe_key,
                              now=now) is not None


def post_json(url: str, payload: dict, timeout: float = 10.0) -> None:
    """POST a webhook payload; anything but a 2xx answer raises, so the outbox retries."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise OSError(f"webhook answered HTTP {response.status}")
