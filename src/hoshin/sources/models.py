"""Sources that feed a key result's value (or a strategy metric's monthly actual), and the
readings they turned into check-ins (or actuals)."""

from __future__ import annotations

from django.db import models

from hoshin.core import clock
from hoshin.okrs.models import CheckIn, KeyResult
from hoshin.org.models import Person
from hoshin.strategy.models import Metric, MetricActual


class Source(models.Model):
    """Where a key result's value, or a metric's actual of the month, comes from, read on a
    schedule. One per key result or metric: it feeds exactly one of the two.

    The secret part (a token, headers, a database URL) is kept encrypted in `sealed`
    (vault.py) and never shown; `location` is what may be shown: the address, the file,
    or the database URL without its password."""

    class Kind(models.TextChoices):
        SQL = "sql", "SQL query"
        HTTP = "http", "HTTP JSON"
        CSV = "csv", "CSV file"
        CHILDREN = "children", "Aligned key results"

    class Combine(models.TextChoices):
        SUM = "sum", "Sum"
        AVERAGE = "average", "Weighted average"

    key_result = models.OneToOneField(KeyResult, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="source")
    metric = models.OneToOneField(Metric, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="source")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    location = models.CharField(max_length=2000)
    query = models.TextField(blank=True)  # sql
    json_path = models.CharField(max_length=500, blank=True)  # http
    column = models.CharField(max_length=200, blank=True)  # csv
    row = models.CharField(max_length=300, blank=True)  # csv: last, a number, column=value
    combine = models.CharField(max_length=8, choices=Combine.choices, blank=True)  # children
    header_names = models.JSONField(default=list, blank=True)  # shown; values are sealed
    sealed = models.TextField(blank=True)
    every_minutes = models.PositiveIntegerField(default=60)
    # Added from the server's command line: may read any local file (services.py).
    by_operator = models.BooleanField(default=False)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    # The last attempt, the last good reading, and the failure streak with its message.
    checked_at = models.DateTimeField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    value_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=12, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    next_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["key_result__key", "metric__key"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(key_result__isnull=False, metric__isnull=True)
                       | models.Q(key_result__isnull=True, metric__isnull=False)),
            name="source_feeds_one_key_result_or_metric")]

    def __str__(self) -> str:
        return f"{self.target.key} ← {self.get_kind_display()} {self.location}"

    @property
    def target(self) -> KeyResult | Metric:
        """What the source feeds: its key result or its metric."""
        return self.key_result if self.key_result_id else self.metric

    @property
    def failing(self) -> bool:
        return self.failures > 0


class Reading(models.Model):
    """A value a source gave that was recorded as a check-in: the automatic mark on the
    check-in (okrs's CheckIn stays as it is, append-only), with when the value was read."""

    source = models.ForeignKey(Source, null=True, on_delete=models.SET_NULL,
                               related_name="readings")
    # A key result's reading is a check-in; a metric's sets the month's actual.
    checkin = models.OneToOneField(CheckIn, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="reading")
    metric_actual = models.ForeignKey(MetricActual, null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="readings")
    kind = models.CharField(max_length=8, choices=Source.Kind.choices)
    location = models.CharField(max_length=2000)
    value = models.FloatField()
    as_of = models.DateTimeField()

    class Meta:
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        fed = self.checkin.key_result if self.checkin_id else self.metric_actual.metric
        return f"{fed.key} {self.value} as of {self.as_of:%Y-%m-%d %H:%M}"
