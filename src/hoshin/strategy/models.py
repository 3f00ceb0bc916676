"""The long-range layers of the Hoshin plan and the X-matrix's correlations."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from hoshin.core.history import History
from hoshin.core.models import PlanElement
from hoshin.org.models import Person, Unit


class Strength(models.TextChoices):
    STRONG = "strong", "Strong ●"
    IMPORTANT = "important", "Important ○"
    WEAK = "weak", "Weak △"


# Roll-up weight of a correlation: a strong link carries more of the child's result.
STRENGTH_WEIGHT = {Strength.STRONG: 1.0, Strength.IMPORTANT: 0.6, Strength.WEAK: 0.3}


class ResourceRole(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ROTATING = "rotating", "Rotating"


class Vision(models.Model):
    """True North: where the organisation is going (a singleton row, pk=1)."""

    statement = models.TextField()
    horizon = models.PositiveIntegerField(null=True, blank=True)
    customer_ideal = models.TextField(blank=True)
    history = History()

    def __str__(self) -> str:
        return self.statement[:80]


class Breakthrough(PlanElement):
    """A 3-5 year strategic gap to close."""

    KEY_PREFIX = "B"

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    horizon = models.PositiveIntegerField(null=True, blank=True)
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    history = History()

    def get_absolute_url(self) -> str:
        return reverse("strategy:breakthrough", args=[self.key])

    class Meta:
        ordering = ["key"]


class AnnualObjective(PlanElement):
    """This year's bet toward the breakthroughs (the "Hoshin")."""

    KEY_PREFIX = "A"

    year = models.PositiveIntegerField(
        help_text="Fiscal year (named by the calendar year it starts in).")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    breakthroughs = models.ManyToManyField(Breakthrough, through="BreakthroughCorrelation",
                                           related_name="annual_objectives")
    history = History()

    def get_absolute_url(self) -> str:
        return reverse("strategy:annual", args=[self.key])

    class Meta:
        ordering = ["year", "key"]


class ImprovementPriority(PlanElement):
    """A unit's yearly contribution to one or more annual objectives."""

    KEY_PREFIX = "P"

    year = models.PositiveIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="improvement_priorities")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    annual_objectives = models.ManyToManyField(AnnualObjective, through="PriorityCorrelation",
                                               related_name="improvement_priorities")
    history = History()

    def get_absolute_url(self) -> str:
        return reverse("strategy:priority", args=[self.key])

    class Meta:
        ordering = ["year", "key"]
        verbose_name_plural = "improvement priorities"


class Metric(PlanElement):
    """A measure to improve (or a KPI to keep healthy), with monthly plan and actuals."""

    KEY_PREFIX = "M"

    class Direction(models.TextChoices):
        INCREASE = "increase", "Increase"
        DECREASE = "decrease", "Decrease"

    title = models.CharField(max_length=300)
    unit = models.CharField(max_length=40, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices,
                                 default=Direction.INCREASE)
    baseline = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    priorities = models.ManyToManyField(ImprovementPriority, through="MetricCorrelation",
                                        related_name="metrics")
    history = History()

    def get_absolute_url(self) -> str:
        return reverse("strategy:metric", args=[self.key])

    class Meta:
        ordering = ["key"]


class MetricActual(models.Model):
    """One month of a metric: plan and actual (the bowling chart's cell)."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="actuals")
    period = models.DateField(help_text="First day of the month.")
    plan = models.FloatField(null=True, blank=True)
    actual = models.FloatField(null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["metric", "period"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "period"], name="metric_actual_unique_period")
        ]


class Correlation(models.Model):
    strength = models.CharField(max_length=10, choices=Strength.choices)

    class Meta:
        abstract = True


class BreakthroughCorrelation(Correlation):
    """South-west corner of the X-matrix: breakthrough ↔ annual objective."""

    breakthrough = models.ForeignKey(Breakthrough, on_delete=models.CASCADE,
                                     related_name="correlations")
    annual_objective = models.ForeignKey(AnnualObjective, on_delete=models.CASCADE,
                                         related_name="breakthrough_correlations")
    history = History()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["breakthrough", "annual_objective"],
                                               name="breakthrough_correlation_unique")]


class PriorityCorrelation(Correlation):
    """North-west corner: annual objective ↔ improvement priority."""

    annual_objective = models.ForeignKey(AnnualObjective, on_delete=models.CASCADE,
                                         related_name="priority_correlations")
    priority = models.ForeignKey(ImprovementPriority, on_delete=models.CASCADE,
                                 related_name="annual_correlations")
    history = History()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["annual_objective", "priority"],
                                               name="priority_correlation_unique")]


class MetricCorrelation(Correlation):
    """North-east corner: improvement priority ↔ metric."""

    priority = models.ForeignKey(ImprovementPriority, on_delete=models.CASCADE,
                                 related_name="metric_correlations")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="correlations")
    history = History()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["priority", "metric"],
                                               name="metric_correlation_unique")]


class Resource(models.Model):
    """Who works on an improvement priority: a person or a whole unit, with a role."""

    priority = models.ForeignKey(ImprovementPriority, on_delete=models.CASCADE,
                                 related_name="resources")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="resources")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="resources")
    role = models.CharField(max_length=10, choices=ResourceRole.choices)
    history = History()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False, unit__isnull=True)
                           | models.Q(person__isnull=True, unit__isnull=False)),
                name="resource_person_xor_unit",
            ),
            models.UniqueConstraint(fields=["priority"], condition=models.Q(role="primary"),
                                    name="resource_one_primary"),
            models.UniqueConstraint(fields=["priority", "person"],
                                    condition=models.Q(person__isnull=False),
                                    name="resource_person_unique"),
            models.UniqueConstraint(fields=["priority", "unit"],
                                    condition=models.Q(unit__isnull=False),
                                    name="resource_unit_unique"),
        ]

    @property
    def holder_key(self) -> str:
        return self.person.email if self.person_id else self.unit.key

    def __str__(self) -> str:
        return f"{self.holder_key} {self.role} on {self.priority.key}"
