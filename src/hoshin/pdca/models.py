"""PDCA: countermeasures for what went off track, and the learnings library."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.okrs.models import KeyResult
from hoshin.org.models import Person, Unit
from hoshin.strategy.models import Metric


class Countermeasure(models.Model):
    """Plan-do-check-act on one problem: an off-track key result or a red month of a
    metric's bowling chart. Problem → five whys → root cause → countermeasure → check."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        CHECKED = "checked", "Checked"
        CLOSED = "closed", "Closed"
        ABANDONED = "abandoned", "Abandoned"

    ACTIVE = (Status.OPEN, Status.IN_PROGRESS, Status.CHECKED)

    key_result = models.ForeignKey(KeyResult, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="countermeasures")
    metric = models.ForeignKey(Metric, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="countermeasures")
    period = models.DateField(null=True, blank=True, help_text="The red month (first day).")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="countermeasures")
    problem = models.TextField()
    whys = models.JSONField(default=list, blank=True, help_text="Up to five whys, in order.")
    root_cause = models.TextField(blank=True)
    countermeasure = models.TextField(blank=True)
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="countermeasures")
    due = models.DateField(null=True, blank=True)
    check_on = models.DateField(null=True, blank=True, help_text="When to check the effect.")
    result = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(default=clock.today)
    opened_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_automatically = models.BooleanField(default=False)
    closed_on = models.DateField(null=True, blank=True)
    history = History()

    def get_absolute_url(self) -> str:
        return reverse("pdca:detail", args=[self.pk])

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key_result__isnull=False, metric__isnull=True)
                | models.Q(key_result__isnull=True, metric__isnull=False, period__isnull=False)
                | models.Q(key_result__isnull=True, metric__isnull=True),
                name="countermeasure_one_subject"),
            models.UniqueConstraint(
                fields=["key_result"], name="countermeasure_one_active_per_kr",
                condition=models.Q(key_result__isnull=False,
                                   status__in=["open", "in_progress", "checked"])),
            models.UniqueConstraint(
                fields=["metric", "period"], name="countermeasure_one_per_red_month",
                condition=models.Q(metric__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"Countermeasure {self.pk}: {self.subject}"

    @property
    def subject(self) -> str:
        if self.key_result_id:
            return f"{self.key_result.key} {self.key_result.title}"
        if self.metric_id:
            return f"{self.metric.title}, {self.period:%B %Y}"
        return self.problem[:80]

    def is_overdue(self, today) -> bool:
        return self.status in self.ACTIVE and self.due is not None and self.due < today


class Learning(models.Model):
    """A reflection worth reusing: what worked and what did not, findable by anyone."""

    class Source(models.TextChoices):
        COUNTERMEASURE = "countermeasure", "Countermeasure"
        RETROSPECTIVE = "retrospective", "Retrospective"
        MANUAL = "manual", "Written directly"

    title = models.CharField(max_length=300)
    worked = models.TextField(blank=True, help_text="What worked.")
    did_not_work = models.TextField(blank=True, help_text="What did not.")
    tags = models.CharField(max_length=500, blank=True,
                            help_text="Comma-separated, lower case.")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="learnings")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    countermeasure = models.ForeignKey(Countermeasure, null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="learnings")
    reference = models.CharField(max_length=200, blank=True,
                                 help_text="Where it came from, e.g. a retrospective's cycle.")
    author = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="learnings")
    created_on = models.DateField(default=clock.today)
    history = History()

    class Meta:
        ordering = ["-created_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class LearningUse(models.Model):
    """Another unit adopted a learning: the "used by" link."""

    learning = models.ForeignKey(Learning, on_delete=models.CASCADE, related_name="uses")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="adopted_learnings")
    adopted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    adopted_on = models.DateField(default=clock.today)
    note = models.TextField(blank=True)
    history = History()

    class Meta:
        ordering = ["-adopted_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["learning", "unit"],
                                               name="learning_used_once_per_unit")]
