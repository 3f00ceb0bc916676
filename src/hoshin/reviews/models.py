"""Governance reviews that decide: agendas built from the signals, a decision per item,
actions with owners and due dates."""

from __future__ import annotations

import secrets

from django.db import models
from django.urls import reverse

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.okrs.models import Cycle, Dependency, KeyResult
from hoshin.org.models import Person
from hoshin.reviews.schedule import LABELS


class Review(models.Model):
    class Kind(models.TextChoices):
        WEEKLY = "weekly", LABELS["weekly"]
        MONTHLY = "monthly", LABELS["monthly"]
        MID_CYCLE = "mid_cycle", LABELS["mid_cycle"]
        QUARTER_END = "quarter_end", LABELS["quarter_end"]

    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        OPEN = "open", "In session"
        CLOSED = "closed", "Closed"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    date = models.DateField()
    week = models.PositiveSmallIntegerField(help_text="Week of the cycle, 1-based.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PLANNED)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    # Closed without a single decision: it was a status meeting, not a review.
    status_meeting = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    history = History()

    def get_absolute_url(self) -> str:
        return reverse("reviews:detail", args=[self.pk])

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["cycle", "date"],
                                               name="review_one_per_cycle_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%-d %b %Y}"


class AgendaItem(models.Model):
    class Source(models.TextChoices):
        FLAG = "flag", "At-risk flag"
        BLOCKER = "blocker", "Blocker"
        DEPENDENCY = "dependency", "Dependency request"
        ACTION = "action", "Overdue action"
        COUNTERMEASURE = "countermeasure", "Overdue countermeasure"
        MANUAL = "manual", "Added by hand"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    source = models.CharField(max_length=16, choices=Source.choices)
    # What the item is about; `source_ref` names the signal so an agenda is built once.
    source_ref = models.CharField(max_length=80, blank=True)
    key_result = models.ForeignKey(KeyResult, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    dependency = models.ForeignKey(Dependency, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    # Why the item is on the agenda, as the flag codes that put it there ("behind-pace",
    # "silent"...): kept as built, so a review read later still says why it was discussed
    # after the flags have cleared.
    reasons = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=0)
    history = History()

    class Meta:
        ordering = ["review", "order", "id"]
        constraints = [models.UniqueConstraint(
            fields=["review", "source_ref"], condition=~models.Q(source_ref=""),
            name="agenda_item_once_per_signal")]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    class Kind(models.TextChoices):
        CONTINUE = "continue", "Continue"
        REALLOCATE = "reallocate", "Reallocate people or budget"
        DEPRIORITISE = "deprioritise", "Stop or deprioritise"
        UNBLOCK = "unblock", "Unblock"
        ESCALATE = "escalate", "Escalate"
        CHANGE_TARGET = "change_target", "Change the target"

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="decision")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    rationale = models.TextField()
    new_target = models.FloatField(null=True, blank=True)
    # Whom an escalation goes to (a person, a board, a committee), in the review's words.
    escalated_to = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(default=clock.now)
    history = History()

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.item}"


class Action(models.Model):
    """Something a person must do by a date, agreed in a review; tracked until done."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="actions")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="review_actions")
    due = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.done_on is None and self.due < today


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's secret calendar address: calendar apps cannot log in, so the address is
    the key. Regenerating it cuts off every copy of the old one."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(default=clock.now)
