"""Before planning: the readiness diagnostic, the executive alignment test, the quarter's
strategic brief (its themes and trade-offs live in okrs) and the overrides of the gate
that lets a cycle move to drafting."""

from __future__ import annotations

from django.db import models

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.core.models import ClockDateTimeField
from hoshin.okrs.models import Cycle
from hoshin.org.models import Person
from hoshin.planning.concordance import DEFAULT_THRESHOLD
from hoshin.strategy.models import AnnualObjective, ImprovementPriority


class ReadinessSurvey(models.Model):
    """The readiness questionnaire of one cycle (a year or a quarter)."""

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="readiness")
    opened_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["cycle__start", "cycle__kind"]

    def __str__(self) -> str:
        return f"Readiness {self.cycle.key}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ReadinessResponse(models.Model):
    """One leader's answers; private to them and the strategy office."""

    survey = models.ForeignKey(ReadinessSurvey, on_delete=models.CASCADE,
                               related_name="responses")
    respondent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)  # {question key: 1..5}
    submitted_at = models.DateTimeField(default=clock.now)
    updated_at = ClockDateTimeField(auto_now=True)
    history = History()

    class Meta:
        ordering = ["survey", "submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "respondent"],
                                               name="readiness_one_response_each")]


class AlignmentRound(models.Model):
    """Executives rank candidate priorities privately; the round's W gates drafting."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="alignment_rounds")
    title = models.CharField(max_length=300, blank=True)
    threshold = models.FloatField(default=DEFAULT_THRESHOLD)
    executives = models.ManyToManyField(Person, related_name="alignment_rounds")
    opened_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Kept when the round closes, so the gate and the history read the same number later.
    w = models.FloatField(null=True, blank=True)
    history = History(m2m_fields=[executives])

    class Meta:
        ordering = ["cycle__start", "opened_at", "id"]

    def __str__(self) -> str:
        return self.title or f"Alignment round {self.pk} ({self.cycle.key})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def passed(self) -> bool:
        return self.w is not None and self.w >= self.threshold


class AlignmentItem(models.Model):
    """A candidate priority: free text, or an annual objective or improvement priority."""

    round = models.ForeignKey(AlignmentRound, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=300)
    annual_objective = models.ForeignKey(AnnualObjective, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    priority = models.ForeignKey(ImprovementPriority, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveIntegerField(default=0)
    history = History()

    class Meta:
        ordering = ["round", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def link_key(self) -> str:
        linked = self.annual_objective or self.priority
        return linked.key if linked else ""


class Ranking(models.Model):
    """One executive's order of a round's items; private until the round closes."""

    round = models.ForeignKey(AlignmentRound, on_delete=models.CASCADE, related_name="rankings")
    executive = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    positions = models.JSONField(default=dict)  # {item id (str): position 1..n}
    submitted_at = models.DateTimeField(default=clock.now)
    updated_at = ClockDateTimeField(auto_now=True)
    history = History()

    class Meta:
        ordering = ["round", "submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "executive"],
                                               name="ranking_one_per_executive")]


class Brief(models.Model):
    """The quarter's strategic brief beside its themes and trade-offs (okrs)."""

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="brief")
    success = models.TextField(blank=True, help_text="What success looks like at quarter end.")
    risks = models.TextField(blank=True)
    constraints = models.TextField(blank=True)
    updated_at = ClockDateTimeField(auto_now=True)
    history = History()

    def __str__(self) -> str:
        return f"Brief {self.cycle.key}"


class GateOverride(models.Model):
    """A cycle moved to drafting although its leaders did not agree enough (or never
    tested it): who decided, why, and on what figure. Append-only, so it is its own
    history."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="gate_overrides")
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    reason = models.TextField()
    by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(default=clock.now)
    round = models.ForeignKey(AlignmentRound, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    w = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "at", "id"]


class AlignmentSession(models.Model):
    """The quarter's alignment session: leaders decide on each analyzer finding, then
    close with the approved OKR set, which makes the quarter active."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT,
                                 related_name="alignment_session")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(default=clock.now)
    closed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    # The analyzer's findings at opening and at the latest re-run ({findings, counts}).
    opening_report = models.JSONField(default=dict)
    report = models.JSONField(default=dict)
    reruns = models.PositiveIntegerField(default=0)
    rerun_at = models.DateTimeField(null=True, blank=True)
    approved = models.JSONField(default=dict)  # {objectives: [keys], key_results: [keys]}
    history = History()

    def __str__(self) -> str:
        return f"Alignment session {self.cycle.key}"


class SessionDecision(models.Model):
    """What the leaders decided about one finding, matched across re-runs by fingerprint."""

    class Kind(models.TextChoices):
        REMOVE = "remove", "Remove"
        MERGE = "merge", "Merge"
        REPARENT = "reparent", "Re-parent"
        ADD_DEPENDENCY = "add_dependency", "Add dependency"
        ACCEPT = "accept", "Accept"

    session = models.ForeignKey(AlignmentSession, on_delete=models.CASCADE,
                                related_name="decisions")
    fingerprint = models.CharField(max_length=500)
    code = models.CharField(max_length=60)
    finding = models.TextField(blank=True)  # the finding's message when decided
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.TextField(blank=True)
    subject = models.CharField(max_length=60, blank=True)  # the objective or KR acted on
    target = models.CharField(max_length=60, blank=True)   # merge into / new parent
    providing_unit = models.CharField(max_length=60, blank=True)
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(default=clock.now)
    applied = models.BooleanField(default=False)
    history = History()

    class Meta:
        ordering = ["session", "decided_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "fingerprint"],
                                               name="session_one_decision_per_finding")]
