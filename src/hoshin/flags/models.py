"""At-risk flags on key results: raised with a reason, cleared when the cause is gone."""

from __future__ import annotations

from django.db import models

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.engine.flags import CODES, FlagPolicy
from hoshin.okrs.models import KeyResult

_DEFAULTS = FlagPolicy()
LABELS = {"forecast-miss": "Forecast misses the target", "behind-pace": "Behind pace",
          "confidence-drop": "Confidence dropped", "low-confidence": "Low confidence",
          "blockers": "Blocked", "silent": "Silent"}
assert set(LABELS) == set(CODES)


class Flag(models.Model):
    """One warning on one key result. At most one open flag per key result and code; a
    cause that returns after clearing raises a new flag (and a new notification)."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="flags")
    code = models.CharField(max_length=30, choices=list(LABELS.items()))
    message = models.TextField()
    raised_on = models.DateField()
    cleared_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    history = History()

    class Meta:
        ordering = ["-raised_on", "key_result", "code"]
        constraints = [models.UniqueConstraint(
            fields=["key_result", "code"], condition=models.Q(cleared_on__isnull=True),
            name="flag_one_open_per_code")]
        indexes = [models.Index(fields=["cleared_on", "key_result"])]

    def __str__(self) -> str:
        return f"{self.key_result.key}: {self.code}"

    @property
    def is_open(self) -> bool:
        return self.cleared_on is None


class FlagSettings(models.Model):
    """The organisation's margins for flags (one row)."""

    behind_pace_points = models.PositiveSmallIntegerField(
        default=round(_DEFAULTS.behind_pace * 100),
        help_text="Flag when progress is this many points (of 100) behind expected pace.")
    confidence_drop = models.PositiveSmallIntegerField(
        default=_DEFAULTS.confidence_drop,
        help_text="Flag when confidence falls by this much from one check-in to the next.")
    low_confidence = models.PositiveSmallIntegerField(
        default=_DEFAULTS.low_confidence, help_text="Flag when confidence is below this.")
    silent_days = models.PositiveSmallIntegerField(
        default=_DEFAULTS.silent_days, help_text="Flag after this many days without a check-in.")
    forecast_shortfall_points = models.PositiveSmallIntegerField(
        default=round(_DEFAULTS.forecast_shortfall * 100),
        help_text="Flag when the trend reaches less than 100 minus this many points of the way.")
    history = History()

    def __str__(self) -> str:
        return "Flag settings"

    @classmethod
    def current(cls) -> FlagSettings:
        return cls.objects.order_by("pk").first() or cls()

    def policy(self) -> FlagPolicy:
        return FlagPolicy(behind_pace=self.behind_pace_points / 100,
                          confidence_drop=self.confidence_drop,
                          low_confidence=self.low_confidence, silent_days=self.silent_days,
                          forecast_shortfall=self.forecast_shortfall_points / 100)
