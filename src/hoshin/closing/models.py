"""Quarter close (grades, retrospectives, carry over or drop) and the annual review."""

from __future__ import annotations

from django.db import models

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.okrs.models import Cycle, KeyResult
from hoshin.org.models import Person, Unit
from hoshin.strategy.models import AnnualObjective, ImprovementPriority


class Grade(models.Model):
    """A key result's end-of-quarter grade: for learning, never a rating of a person."""

    key_result = models.OneToOneField(KeyResult, on_delete=models.CASCADE, related_name="grade")
    suggested = models.FloatField()
    grade = models.FloatField()
    reason = models.TextField(blank=True, help_text="Why the grade differs from the suggestion.")
    graded_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    graded_at = models.DateTimeField(default=clock.now)
    history = History()

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(grade__gte=0) & models.Q(grade__lte=1), name="grade_0_to_1")]


class Retrospective(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="retrospectives")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="retrospectives")
    worked = models.TextField(blank=True)
    did_not_work = models.TextField(blank=True)
    change = models.TextField(blank=True, help_text="What we change next quarter.")
    author = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    updated_at = models.DateTimeField(default=clock.now)
    history = History()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"],
                                               name="retrospective_one_per_unit")]


class CarryOver(models.Model):
    """What happens to an unfinished key result: carried into the next quarter, or dropped."""

    class Decision(models.TextChoices):
        CARRY_OVER = "carry_over", "Carry over"
        DROP = "drop", "Drop"

    key_result = models.OneToOneField(KeyResult, on_delete=models.CASCADE,
                                      related_name="carry_over")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField()
    carried_to = models.ForeignKey(KeyResult, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="carried_from")
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(default=clock.now)
    history = History()


class QuarterClose(models.Model):
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="close_record")
    closed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_at = models.DateTimeField(default=clock.now)
    override_reason = models.TextField(blank=True,
                                       help_text="Why it closed with grades or decisions missing.")
    history = History()


class AnnualDecision(models.Model):
    """Hansei: what happens next year to an annual objective, improvement priority or
    breakthrough, decided on its real execution record. `seeded` / `seeded_priority` is
    next year's element a carry-over or modification created: the link a key result
    carried from the last quarter into the next year follows to keep its parent."""

    class Item(models.TextChoices):
        ANNUAL = "annual", "Annual objective"
        PRIORITY = "priority", "Improvement priority"
        BREAKTHROUGH = "breakthrough", "Breakthrough objective"

    class Decision(models.TextChoices):
        CARRY_OVER = "carry_over", "Carry over"
        MODIFY = "modify", "Modify"
        DROP = "drop", "Drop"

    year = models.PositiveIntegerField()
    item_type = models.CharField(max_length=12, choices=Item.choices)
    item_key = models.CharField(max_length=64)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    rationale = models.TextField()
    new_title = models.CharField(max_length=300, blank=True)
    seeded = models.ForeignKey(AnnualObjective, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="seeded_by")
    seeded_priority = models.ForeignKey(ImprovementPriority, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="seeded_by")
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(default=clock.now)
    history = History()

    class Meta:
        ordering = ["year", "item_type", "item_key"]
        constraints = [models.UniqueConstraint(fields=["year", "item_type", "item_key"],
                                               name="annual_decision_once")]
