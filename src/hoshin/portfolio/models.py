"""The initiative portfolio (SPEC §5): relative cost-of-delay scoring done as a team.

A scoring session is the record of one sitting: who scored, when, for which part of the
organisation, and the scores given. An initiative's standing in the portfolio is its
score from the latest session that scored it; earlier sessions stay as they were, so the
history of how priorities moved is kept.
"""

from __future__ import annotations

from django.db import models

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.okrs.models import Initiative
from hoshin.org.models import Person, Unit
from hoshin.portfolio.wsjf import SCALE

SCALE_CHOICES = [(v, str(v)) for v in SCALE]


class ScoringSession(models.Model):
    held_at = models.DateTimeField(default=clock.now)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="scoring_sessions",
                             help_text="The part of the organisation scored; empty for all of it.")
    recorded_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    participants = models.ManyToManyField(Person, related_name="scoring_sessions", blank=True)
    note = models.TextField(blank=True)
    history = History(m2m_fields=[participants])

    class Meta:
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"Scoring session {self.held_at:%Y-%m-%d}"


class InitiativeScore(models.Model):
    session = models.ForeignKey(ScoringSession, on_delete=models.CASCADE, related_name="scores")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="scores")
    business_value = models.PositiveSmallIntegerField(choices=SCALE_CHOICES)
    time_criticality = models.PositiveSmallIntegerField(choices=SCALE_CHOICES)
    risk_reduction = models.PositiveSmallIntegerField(
        choices=SCALE_CHOICES, help_text="Risk reduction or opportunity enablement.")
    job_size = models.PositiveSmallIntegerField(choices=SCALE_CHOICES)
    history = History()

    class Meta:
        ordering = ["session", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "initiative"],
                                               name="one_score_per_initiative_and_session")]

    @property
    def cost_of_delay(self) -> int:
        return self.business_value + self.time_criticality + self.risk_reduction


class WipLimit(models.Model):
    """How many initiatives a unit may have in progress (or blocked) at once: a unit that
    starts more than it can finish only makes everything slower (Little's law). Set by the
    unit's lead or the strategy office; a unit without one has no limit."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="wip_limit")
    limit = models.PositiveSmallIntegerField()
    set_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    set_at = models.DateTimeField(default=clock.now)
    history = History()

    class Meta:
        ordering = ["unit"]

    def __str__(self) -> str:
        return f"WIP limit of {self.unit}: {self.limit}"
