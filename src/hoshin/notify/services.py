"""Changing the drumbeat and a person's reminder channel."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
import zoneinfo

from hoshin.core import vault
from hoshin.core.errors import ErrorCollector
from hoshin.core.history import service
from hoshin.notify.models import SECRETS, WEBHOOK_URLS, Preference, Rhythm
from hoshin.org import permissions
from hoshin.org.models import Person

RHYTHM_FIELDS = ("time_zone", "checkin_weekday", "checkin_time", "review_weekday",
                 "review_time", "nudge_hours_before_review", "digest_weekday", "digest_time",
                 "slack_webhook_url", "slack_signing_secret", "slack_bot_token",
                 "teams_webhook_url", "teams_security_token")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_weekday(value) -> int | None:
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    text = str(value).strip().lower()
    for i, name in enumerate(WEEKDAYS):
        if len(text) >= 3 and name.startswith(text):
            return i
    return None


def parse_time(value) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        return None


@service
def update_rhythm(actor: Person | None, **values) -> Rhythm:
    """Change the organisation's drumbeat; secrets are only ever written, never read back.
    An empty secret keeps the stored one, except a webhook URL, which an empty value
    removes (reminders then go by email)."""
    permissions.require(permissions.can_edit_strategy(actor), "change the check-in rhythm")
    rhythm = Rhythm.objects.select_for_update().order_by("pk").first() or Rhythm()
    errors = ErrorCollector()
    for name, value in values.items():
        if name not in RHYTHM_FIELDS:
            errors.add(name, "unknown setting")
        elif name == "time_zone":
            if str(value) not in zoneinfo.available_timezones():
                errors.add(name, f"{value!r} is not a known time zone (e.g. Europe/London)")
            else:
                rhythm.time_zone = str(value)
        elif name.endswith("_weekday"):
            day = parse_weekday(value)
            if day is None:
                errors.add(name, "a weekday: monday … sunday (or 0-6, Monday = 0)")
            else:
                setattr(rhythm, name, day)
        elif name.endswith("_time"):
            at = parse_time(value)
            if at is None:
                errors.add(name, "a time of day, HH:MM")
            else:
                setattr(rhythm, name, at)
        elif name == "nudge_hours_before_review":
            if not isinstance(value, int) or not 0 <= value <= 72:
                errors.add(name, "a whole number of hours from 0 to 72")
            else:
                rhythm.nudge_hours_before_review = value
        elif name in WEBHOOK_URLS:
            url = str(value or "").strip()
            if url and not url.startswith(("https://", "http://")):
                errors.add(name, "a web address starting with https://")
            elif len(url) > 500:
                errors.add(name, "at most 500 characters")
            else:
                setattr(rhythm, name, vault.seal_text(url))
        else:
            assert name in SECRETS, name
            secret = str(value or "").strip()
            if secret and name == "teams_security_token" and not _is_teams_token(secret):
                errors.add(name, "the security token Teams showed when the outgoing webhook "
                                 "was created (base64 text, about 44 characters)")
            elif secret:
                setattr(rhythm, name, vault.seal_text(secret))
    errors.raise_if_any()
    rhythm.save()
    return rhythm


def _is_teams_token(text: str) -> bool:
    try:
        return len(base64.b64decode(text, validate=True)) >= 16
    except (binascii.Error, ValueError):
        return False


@service
def set_preference(actor: Person | None, person: Person, *, channel: str | None = None,
                   slack_user_id: str | None = None,
                   teams_user_id: str | None = None) -> Preference:
    permissions.require(actor is None or actor.pk == person.pk or permissions.is_admin(actor),
                        "change someone else's notifications")
    pref, _ = Preference.objects.get_or_create(person=person)
    errors = ErrorCollector()
    if channel is not None:
        if channel not in Preference.Channel.values:
            errors.add("channel", "one of: " + ", ".join(Preference.Channel.values))
        else:
            pref.channel = channel
    if slack_user_id is not None:
        member = slack_user_id.strip()
        if member and not (member[:1] in "UW" and member[1:].isalnum() and len(member) <= 20):
            errors.add("slack_user_id", "a Slack member id looks like U024BE7LH")
        elif member and Preference.objects.filter(slack_user_id=member).exclude(
                pk=pref.pk).exists():
            errors.add("slack_user_id", "another person already uses this Slack member id")
        else:
            pref.slack_user_id = member
    if teams_user_id is not None:
        given = teams_user_id.strip()
        try:
            object_id = str(uuid.UUID(given)) if given else ""
        except ValueError:
            errors.add("teams_user_id", "a Microsoft Entra object id looks like "
                                        "6e0c9a2b-1f4d-4c8e-9d3a-2b7f5e1c0a94")
        else:
            if object_id and Preference.objects.filter(teams_user_id=object_id).exclude(
                    pk=pref.pk).exists():
                errors.add("teams_user_id", "another person already uses this Teams id")
            else:
                pref.teams_user_id = object_id
    errors.raise_if_any()
    pref.save()
    return pref
