"""Execution analytics keep one table: each quarter's trend figures, counted by the
nightly job (and `hoshin analytics trends --refresh`), because counting output key results
runs the analyzer over the whole quarter, too slow for a page at 20,000 people. Every
other figure is counted by the database when asked."""

from django.db import models

from hoshin.core import clock
from hoshin.okrs.models import Cycle


class CycleTrend(models.Model):
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="trend")
    objectives = models.PositiveIntegerField()
    key_results = models.PositiveIntegerField()
    orphan_objectives = models.PositiveIntegerField()
    output_key_results = models.PositiveIntegerField()
    reviews_held = models.PositiveIntegerField()
    reviews_with_decisions = models.PositiveIntegerField(
        help_text="Held reviews in which at least one decision was taken.")
    decisions = models.PositiveIntegerField()
    trade_offs = models.PositiveIntegerField()
    counted_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["cycle__start"]


class OutcomeCount(models.Model):
    """A closed quarter whose key results' weekly progress and final grades are counted in
    SimilarOutcome (the grade forecast's history); counted again when a grade changes."""

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="outcome_count")
    key_results = models.PositiveIntegerField()
    counted_at = models.DateTimeField(default=clock.now)


class SimilarOutcome(models.Model):
    """How many graded key results of a closed quarter, of one kind, were `progress`
    tenths of the way at the end of `week` of their quarter and ended at `grade` tenths
    (engine/grade_forecast.py reads these as the history of similar key results)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    week = models.PositiveSmallIntegerField()
    progress = models.PositiveSmallIntegerField(help_text="tenths, 0-10")
    grade = models.PositiveSmallIntegerField(help_text="tenths, 0-10")
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["cycle", "kind", "week", "progress", "grade"], name="similar_outcome_once")]
        indexes = [models.Index(fields=["kind", "week", "progress"])]


class StoredForecast(models.Model):
    """A running key result's grade forecast, kept so a page lists the organisation's
    lowest without reading every check-in: computed after each check-in and nightly."""

    key_result = models.OneToOneField("okrs.KeyResult", on_delete=models.CASCADE,
                                      related_name="grade_forecast")
    grade = models.FloatField()
    low = models.FloatField()
    high = models.FloatField()
    trend_grade = models.FloatField(null=True)
    trend_low = models.FloatField(null=True)
    trend_high = models.FloatField(null=True)
    checkins = models.PositiveIntegerField()
    similar = models.PositiveIntegerField(help_text="similar key results in closed quarters")
    similar_grade = models.FloatField(null=True)
    history_weight = models.FloatField()
    explanation = models.TextField()
    as_of = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["grade", "key_result"])]


class GradedRecord(models.Model):
    """A graded key result's figures for regularity and calibration, counted once (by the
    nightly job; again when its grade changes) so the pages add up a row per key result
    instead of every check-in. Pages count live only the graded key results not counted
    yet, or graded again since, so a grade given today shows today."""

    key_result = models.OneToOneField("okrs.KeyResult", on_delete=models.CASCADE,
                                      related_name="graded_record")
    weeks_with_checkin = models.PositiveIntegerField()
    weeks = models.PositiveIntegerField()
    band = models.PositiveSmallIntegerField(help_text="index of figures.BANDS")
    grade = models.FloatField()
    reached = models.BooleanField()
    graded_at = models.DateTimeField(help_text="the grade's graded_at when counted: a grade "
                                               "given again since makes the record stale")
    counted_at = models.DateTimeField(default=clock.now)


class GradedConfidence(models.Model):
    """How many check-ins of a graded key result, within its quarter, stated a confidence."""

    record = models.ForeignKey(GradedRecord, on_delete=models.CASCADE,
                               related_name="confidences")
    confidence = models.PositiveSmallIntegerField()
    n = models.PositiveIntegerField()


class ScopeFigures(models.Model):
    """Regularity and calibration added up for one scope: a unit and every unit below it
    (null: the whole organisation) in one quarter (null: every quarter). Written whole by
    count_graded from the GradedRecords it leaves, so a page reads one row instead of a
    row per graded key result; the key results graded (or graded again) since `as_of` are
    added live by the selectors, and any change to a graded key result's place (its
    objective, its unit, the unit tree) since then sends the page back to the per-record
    sums until the next count. The row with no unit and no quarter is always written: it
    says when the figures were added up."""

    unit = models.ForeignKey("org.Unit", null=True, on_delete=models.CASCADE,
                             related_name="+")
    cycle = models.ForeignKey(Cycle, null=True, on_delete=models.CASCADE, related_name="+")
    # {band index: [key results, reached, sum of grades]}
    bands = models.JSONField(default=dict)
    # {stated confidence: [check-ins, on key results that reached their target]}
    bins = models.JSONField(default=dict)
    key_results = models.PositiveIntegerField(
        default=0, help_text="graded key results with at least one stated confidence")
    as_of = models.DateTimeField(help_text="grades given after this are added live")
    records = models.PositiveIntegerField(
        default=0, help_text="GradedRecord rows when added up: fewer now means key results "
                             "were deleted since, and the sums are not used")

    class Meta:
        indexes = [models.Index(fields=["unit", "cycle"])]
