"""Notifications: the outbox every message passes through."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from hoshin.org.models import Person


class OutboxMessage(models.Model):
    """A message to deliver, stored in the same transaction as the change that caused it,
    so a crash or a stopped worker never loses it; the worker sends it afterwards and
    retries with backoff. The table is its own log (no separate history)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

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
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
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
