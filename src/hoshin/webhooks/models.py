"""Signed outgoing webhooks: the organisation's subscriptions, the messages queued for
them and every attempt to deliver one.

A message is written in the same transaction as the change it announces (a check-in that
rolls back announces nothing) and handed to the notify outbox, which sends it with
retries; each attempt is logged here with its answer, so an admin can see what a receiver
got and replay a message under the same id."""

from __future__ import annotations

from django.db import models

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.org.models import Person

# What a subscription may ask for (`--events`), and the payload types each one sends.
FAMILIES: dict[str, tuple[str, ...]] = {
    "checkin": ("checkin.created",),
    "flag": ("flag.raised", "flag.cleared"),
    "decision": ("review.decided",),
    "agreement": ("catchball.agreed",),
    "cycle": ("cycle.transitioned",),
}
FAMILY_LABELS = {
    "checkin": "Check-ins",
    "flag": "At-risk flags raised and cleared",
    "decision": "Review decisions",
    "agreement": "Catchball agreements",
    "cycle": "Cycle state changes",
}
TYPES = tuple(t for types in FAMILIES.values() for t in types)


class Subscription(models.Model):
    """A receiver of the organisation's events (the installation serves one organisation,
    org.Organization, so every subscription is its). The signing secret is kept sealed
    (core.vault) and shown once, when the subscription is made."""

    url = models.URLField(max_length=500, help_text="Where the events are POSTed.")
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Families of events sent: "
                                                      + ", ".join(FAMILIES) + ".")
    sealed_secret = models.TextField(help_text="The whsec_ signing secret, encrypted.")
    active = models.BooleanField(default=True, help_text="A paused subscription gets no new "
                                                         "events.")
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    history = History(excluded_fields=["sealed_secret"])

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"webhook {self.pk} → {self.url}"

    def wants(self, event_type: str) -> bool:
        return any(event_type in FAMILIES.get(family, ()) for family in self.events or ())


class Message(models.Model):
    """One event for one subscription: its Standard Webhooks id (`webhook-id`, the same on
    every attempt and every replay, so a receiver can deduplicate) and the exact body
    signed and sent. The table is its own log (no separate history)."""

    message_id = models.CharField(max_length=40, unique=True)
    subscription = models.ForeignKey(Subscription, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="messages")
    type = models.CharField(max_length=40)
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["subscription", "-id"])]

    def __str__(self) -> str:
        return f"{self.type} {self.message_id}"


class Attempt(models.Model):
    """One try at delivering a message: when, what the receiver answered (or why there was
    no answer) and what happens next."""

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", "Delivered"
        RETRYING = "retrying", "Failed, will retry"
        GAVE_UP = "gave-up", "Failed, given up"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempts")
    # The outbox row that made the attempt: the first send and each replay have their own.
    send = models.PositiveBigIntegerField()
    number = models.PositiveIntegerField(help_text="Attempt number within its send.")
    replay = models.BooleanField(default=False)
    at = models.DateTimeField(default=clock.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["message", "-at"])]

    def __str__(self) -> str:
        return f"{self.message} attempt {self.number}: {self.outcome}"
