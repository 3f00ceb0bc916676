"""Work trackers: the connection to each (Jira, Asana, GitHub), the initiatives' links to
work items there with what the last sync read, and the webhooks the trackers call."""

from __future__ import annotations

from django.db import models

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.okrs.models import Initiative
from hoshin.org.models import Person
from hoshin.trackers.progress import Progress


class Kind(models.TextChoices):
    JIRA = "jira", "Jira"
    ASANA = "asana", "Asana"
    GITHUB = "github", "GitHub"


DEFAULT_BASE_URLS = {Kind.ASANA: "https://app.asana.com", Kind.GITHUB: "https://api.github.com"}


class Connection(models.Model):
    """How Hoshin reaches one tracker: its address and credentials. One per tracker.

    The token is kept encrypted in `sealed` (hoshin.core.vault) and never shown; `account`
    (Jira: the e-mail the API token belongs to) may be."""

    kind = models.CharField(max_length=8, choices=Kind.choices, unique=True)
    base_url = models.URLField(max_length=500)
    account = models.CharField(max_length=254, blank=True)
    sealed = models.TextField(blank=True)
    every_minutes = models.PositiveIntegerField(default=30)
    updated_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(default=clock.now)
    history = History(excluded_fields=["sealed"])

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.base_url}"


class TrackerLink(models.Model):
    """An initiative's link to a work item: a Jira issue or epic, an Asana task or
    project, a GitHub issue (or tracking issue). What the last good sync read stays until
    the next good one: a failure changes only the failure fields."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE,
                                   related_name="tracker_links")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    ref = models.CharField(max_length=200)  # PAY-12, 1204567890, acme/app#42
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    # The last good reading.
    title = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True)
    scope = models.CharField(max_length=8, default="item")  # item, or children
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    in_progress = models.PositiveIntegerField(default=0)
    items = models.JSONField(default=list, blank=True)
    # " REF REF " of the items read, so a webhook about a child finds its epic's link.
    item_refs = models.TextField(blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    # The last attempt, and the failure streak with its message.
    checked_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=12, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    next_at = models.DateTimeField(default=clock.now, db_index=True)
    # Who linked what, and when it was unlinked, is the history; the readings are not.
    history = History(excluded_fields=[
        "title", "url", "scope", "total", "done", "in_progress", "items", "item_refs",
        "synced_at", "checked_at", "failures", "error", "error_kind", "failing_since",
        "next_at"])

    class Meta:
        ordering = ["initiative", "kind", "ref"]
        constraints = [models.UniqueConstraint(fields=["initiative", "kind", "ref"],
                                               name="trackerlink_once_per_initiative")]

    def __str__(self) -> str:
        return f"{self.initiative.key} → {self.get_kind_display()} {self.ref}"

    @property
    def failing(self) -> bool:
        return self.failures > 0

    @property
    def progress(self) -> Progress:
        return Progress(self.total, self.done, self.in_progress)


class Hook(models.Model):
    """A webhook a tracker calls: /trackers/hooks/<kind>/<token>/. The token in the
    address only says which hook is meant; every call is verified by its signature with
    the hook's secret (sealed). Asana's secret arrives in its handshake, once."""

    kind = models.CharField(max_length=8, choices=Kind.choices)
    token = models.CharField(max_length=64, unique=True)
    sealed = models.TextField(blank=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_call_at = models.DateTimeField(null=True, blank=True)
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} webhook {self.token[:6]}…"
