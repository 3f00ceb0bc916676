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
