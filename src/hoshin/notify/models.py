"""Notifications: the outbox every message passes through."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import time as dt_time

from django.db import models

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.org.models import Person


class OutboxMessage(models.Model):
    """A message to deliver, stored in the same transaction as the change that caused it,
    so a crash or a stopped worker never loses it; the worker sends it afterwards and
    retries with backoff. The table is its own log (no separate history)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"
        # Signed outgoing webhooks (hoshin.webhooks registers their sender).
        WEBHOOK = "webhook", "Signed webhook"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    address = models.CharField(max_length=500, help_text="Email address or webhook URL.")
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    payload = models.JSONField(null=True, blank=True, help_text="Slack or Teams message body.")
    url = models.CharField(max_length=500, blank=True, help_text="Where the message leads.")
    kind = models.CharField(max_length=40, blank=True)
    # The same notification is never queued twice (e.g. one reminder per KR per week).
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=clock.now)
    next_attempt_at = models.DateTimeField(default=clock.now)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} to {self.address}: {self.subject or self.kind}"


class ScheduledRun(models.Model):
    """One run of a periodic job for one slot (a week, a day, a minute). The unique pair
    makes the scheduler enqueue each slot once, however often it ticks or restarts; a run
    not completed within its lease is enqueued again, so a worker stopped mid-job loses
    nothing (jobs are idempotent: their messages carry dedupe keys)."""

    job = models.CharField(max_length=60)
    slot = models.CharField(max_length=60)
    enqueued_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-enqueued_at"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"],
                                               name="scheduled_run_unique_slot")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"


def _valid_time_zone(value: str) -> None:
    import zoneinfo

    from django.core.exceptions import ValidationError

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/London)") \
            from exc


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


# The rhythm read in the running `Rhythm.read_once()` block (empty until first read); None
# outside any block. A context variable: one job run or tick never sees another's reading.
_read_once: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "hoshin_rhythm_read_once", default=None)


# Rhythm's fields that hold a secret: sealed at rest, never returned, never in the history.
# The incoming-webhook URLs are secrets too: anyone who has one can post into the channel.
WEBHOOK_URLS = ("slack_webhook_url", "teams_webhook_url")
SECRETS = ("slack_webhook_url", "slack_signing_secret", "slack_bot_token",
           "teams_webhook_url", "teams_security_token")


class Rhythm(models.Model):
    """The organisation's drumbeat (one row): when check-ins are due, when the weekly
    leadership review meets, when digests go out, in the organisation's time zone."""

    time_zone = models.CharField(max_length=60, default="UTC", validators=[_valid_time_zone])
    checkin_weekday = models.PositiveSmallIntegerField(choices=Weekday.choices,
                                                       default=Weekday.THURSDAY)
    checkin_time = models.TimeField(default=dt_time(9, 0),
                                    help_text="When the weekly check-in reminder goes out.")
    review_weekday = models.PositiveSmallIntegerField(choices=Weekday.choices,
                                                      default=Weekday.MONDAY)
    review_time = models.TimeField(default=dt_time(10, 0),
                                   help_text="The weekly leadership review.")
    nudge_hours_before_review = models.PositiveSmallIntegerField(
        default=20, help_text="A second reminder this many hours before the review, to owners "
                              "who still have not checked in.")
    digest_weekday = models.PositiveSmallIntegerField(choices=Weekday.choices,
                                                      default=Weekday.FRIDAY)
    digest_time = models.TimeField(default=dt_time(15, 0),
                                   help_text="The weekly digest to each unit lead.")
    # The secrets are kept sealed (core.vault): read them with `secret(name)`.
    slack_webhook_url = models.TextField(blank=True,
                                         help_text="Slack incoming webhook for reminders.")
    slack_signing_secret = models.TextField(blank=True)
    slack_bot_token = models.TextField(blank=True,
                                       help_text="Needed to open the check-in dialog in Slack.")
    teams_webhook_url = models.TextField(blank=True,
                                         help_text="Microsoft Teams incoming webhook.")
    teams_security_token = models.TextField(
        blank=True, help_text="The HMAC security token Teams shows once when an outgoing "
                              "webhook is created; it signs every message Teams sends.")
    history = History(excluded_fields=list(SECRETS))

    def __str__(self) -> str:
        return "Rhythm"

    @classmethod
    def current(cls) -> Rhythm:
        """The organisation's rhythm (the defaults until it is set). Read from the database
        on every call, except inside `read_once()`, where the first call's reading serves
        the whole block."""
        memo = _read_once.get()
        if memo:
            return memo[0]
        rhythm = cls.objects.order_by("pk").first() or cls()
        if memo is not None:
            memo.append(rhythm)
        return rhythm

    @staticmethod
    @contextlib.contextmanager
    def read_once() -> Iterator[None]:
        """Within the block (one scheduler tick, one job run), `current()` reads the rhythm
        once: every job asks for it while working out its slots and each notification
        asks again, which made thousands of identical queries in a year. Nothing is kept
        past the block, so the next tick or job reads afresh; a save or delete of the
        rhythm inside the block forgets the reading. A nested block shares the outer
        one's."""
        if _read_once.get() is not None:
            yield
            return
        token = _read_once.set([])
        try:
            yield
        finally:
            _read_once.reset(token)

    @staticmethod
    def _forget() -> None:
        memo = _read_once.get()
        if memo:
            memo.clear()

    def save(self, *args, **kwargs):
        # A webhook URL assigned in clear (the admin, a shell, a fixture) is sealed before it
        # is stored: a sealed value never starts with a scheme, so the two cannot be mixed up.
        from hoshin.core import vault

        for name in WEBHOOK_URLS:
            value = getattr(self, name)
            if value.startswith(("https://", "http://")):
                setattr(self, name, vault.seal_text(value))
        try:
            super().save(*args, **kwargs)
        finally:
            self._forget()

    def delete(self, *args, **kwargs):
        try:
            return super().delete(*args, **kwargs)
        finally:
            self._forget()

    def secret(self, name: str) -> str:
        """A stored secret in clear ("" when none is stored)."""
        from hoshin.core import vault

        assert name in SECRETS, name
        return vault.unseal_text(getattr(self, name), owner="the notification settings")

    @property
    def zone(self):
        import zoneinfo

        return zoneinfo.ZoneInfo(self.time_zone)


class Preference(models.Model):
    """How a person wants to be reminded."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"
        NONE = "none", "No reminders"

    person = models.OneToOneField(Person, on_delete=models.CASCADE,
                                  related_name="notification_preference")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    slack_user_id = models.CharField(max_length=40, blank=True,
                                     help_text="Slack member id (U…), to mention and to "
                                               "recognise you in /hoshin.")
    teams_user_id = models.CharField(
        max_length=36, blank=True,
        help_text="Microsoft Entra object id, to recognise you when you write to @Hoshin "
                  "in Teams.")
    history = History()

    def __str__(self) -> str:
        return f"{self.person}: {self.channel}"
