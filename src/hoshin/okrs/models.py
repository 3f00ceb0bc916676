"""Quarterly execution: cycles, the strategic brief, objectives, key results, check-ins."""

from __future__ import annotations

import contextlib
import contextvars

from django.db import models
from django.urls import reverse

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.core.models import PlanElement
from hoshin.org.models import Person, Unit
from hoshin.strategy.models import AnnualObjective, ImprovementPriority


_TRANSITIONING: contextvars.ContextVar[bool] = contextvars.ContextVar("cycle_transitioning",
                                                                   default=False)


class StateWriteError(RuntimeError):
    """Code outside transition_cycle tried to change a cycle's state (a programming error)."""


class Cycle(PlanElement):
    """A planning period: a (fiscal) year or a quarter."""

    KEY_PREFIX = "C"

    class Kind(models.TextChoices):
        YEAR = "year", "Year"
        QUARTER = "quarter", "Quarter"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.QUARTER)
    start = models.DateField()
    end = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    history = History()

    class Meta:
        ordering = ["start", "kind"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                              name="cycle_end_after_start")]

    # The state changes only through okrs.services.transition_cycle, which runs the gates
    # registered for the transition; a save that changes it anywhere else is refused, so
    # no path (CLI, API, importer, admin) can close a quarter without its checks.
    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_state = instance.__dict__.get("state")
        return instance

    @classmethod
    @contextlib.contextmanager
    def transitioning(cls):
        token = _TRANSITIONING.set(True)
        try:
            yield
        finally:
            _TRANSITIONING.reset(token)

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._stored_state = self.__dict__.get("state")

    def save(self, *args, **kwargs):
        stored = getattr(self, "_stored_state", None)
        if stored is not None and self.state != stored and not _TRANSITIONING.get():
            raise StateWriteError(
                f'cycle "{self.key}" changes state only through transition_cycle '
                f"({stored} → {self.state} was attempted elsewhere)")
        super().save(*args, **kwargs)
        self._stored_state = self.state

    def encloses(self, other: Cycle) -> bool:
        return self.start <= other.start and other.end <= self.end


class Theme(PlanElement):
    """One of the quarter's 2-3 strategic themes (the strategic brief)."""

    KEY_PREFIX = "T"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="themes")
    title = models.CharField(max_length=300)
    success = models.TextField(blank=True, help_text="What success looks like at quarter end.")
    annual_objectives = models.ManyToManyField(AnnualObjective, related_name="themes", blank=True)
    history = History(m2m_fields=[annual_objectives])

    class Meta:
        ordering = ["cycle", "key"]


class TradeOff(models.Model):
    """An entry of the trade-off register (SPEC §5): a deprioritisation written down with
    what, why, who decided, who was told, when, the items it affects and where it came
    from. Entries are written once and never deleted: a later decision supersedes an
    entry with a new one (`supersedes`), and both stay in the register."""

    class Kind(models.TextChoices):
        PAUSED = "paused", "Paused"
        SLOWED = "slowed", "Slowed"
        STOPPED = "stopped", "Stopped"
        # Only as a supersession: what was paused or stopped goes ahead again.
        RESUMED = "resumed", "Resumed"

    class Source(models.TextChoices):
        BRIEF = "brief", "Strategic brief"
        REVIEW = "review", "Review decision"
        CATCHBALL = "catchball", "Catchball outcome"
        PORTFOLIO = "portfolio", "Portfolio"
        MANUAL = "manual", "Entered by hand"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="trade_offs")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PAUSED)
    # Required by the service and the plan file; rows written before that may be empty.
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_on = models.DateField(default=clock.today)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    # Where exactly, in the source's words ("Weekly review of 2026-07-13: KR12 behind pace").
    source_note = models.CharField(max_length=300, blank=True)
    # The unit whose work is deprioritised (empty: the whole organisation's).
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="trade_offs")
    told_people = models.ManyToManyField(Person, blank=True, related_name="+")
    told_units = models.ManyToManyField(Unit, blank=True, related_name="+")
    objectives = models.ManyToManyField("Objective", blank=True, related_name="trade_offs")
    key_results = models.ManyToManyField("KeyResult", blank=True, related_name="trade_offs")
    initiatives = models.ManyToManyField("Initiative", blank=True, related_name="trade_offs")
    annual_objectives = models.ManyToManyField(AnnualObjective, blank=True,
                                               related_name="trade_offs")
    # The entry this one replaces; the old one stays, "superseded by" this.
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.RESTRICT,
                                      related_name="superseded_by")
    created_at = models.DateTimeField(default=clock.now)
    history = History()

    class Meta:
        ordering = ["cycle", "id"]
        indexes = [models.Index(fields=["decided_on", "id"], name="tradeoff_newest")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("okrs:trade_off", args=[self.pk])

    @property
    def is_current(self) -> bool:
        """Not superseded (reads the reverse one-to-one: select it with the row)."""
        try:
            return self.superseded_by is None
        except TradeOff.DoesNotExist:
            return True


class Objective(PlanElement):
    """An OKR objective of one unit in one cycle, linked to the strategy it serves."""

    KEY_PREFIX = "O"

    class Kind(models.TextChoices):
        COMMITTED = "committed", "Committed"
        ASPIRATIONAL = "aspirational", "Aspirational"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="objectives")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMMITTED)
    # Exactly one of these (or none, for a draft the analyzer flags as an orphan).
    parent_annual = models.ForeignKey(AnnualObjective, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="objectives")
    parent_priority = models.ForeignKey(ImprovementPriority, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="objectives")
    parent_theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="objectives")
    parent_objective = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="child_objectives")
    history = History()

    PARENT_FIELDS = ("parent_annual", "parent_priority", "parent_theme", "parent_objective")

    def get_absolute_url(self) -> str:
        return reverse("okrs:objective", args=[self.key])

    class Meta:
        ordering = ["cycle", "unit", "key"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(parent_annual__isnull=True, parent_priority__isnull=True,
                             parent_theme__isnull=True)
                    | models.Q(parent_annual__isnull=True, parent_priority__isnull=True,
                               parent_objective__isnull=True)
                    | models.Q(parent_annual__isnull=True, parent_theme__isnull=True,
                               parent_objective__isnull=True)
                    | models.Q(parent_priority__isnull=True, parent_theme__isnull=True,
                               parent_objective__isnull=True)
                ),
                name="objective_single_parent",
            )
        ]

    @property
    def parent(self):
        for name in self.PARENT_FIELDS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None


class KeyResult(PlanElement):
    """A measurable outcome of an objective, owned by exactly one person."""

    KEY_PREFIX = "KR"

    class Kind(models.TextChoices):
        INCREASE = "increase", "Increase"
        DECREASE = "decrease", "Decrease"
        STAY_ABOVE = "stay_above", "Stay above"
        STAY_BELOW = "stay_below", "Stay below"
        MILESTONE = "milestone", "Milestone"

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="key_results")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="key_results")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INCREASE)
    baseline = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    weight = models.FloatField(default=1.0)
    # The latest check-in, kept by the check-in service in the same transaction so the
    # alignment tree of a whole cycle needs no scan of every check-in.
    last_checkin = models.ForeignKey("CheckIn", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    history = History(excluded_fields=["last_checkin"])

    def get_absolute_url(self) -> str:
        return reverse("okrs:key_result", args=[self.key])

    class Meta:
        ordering = ["objective", "id"]


class MilestoneStep(models.Model):
    """A weighted step of a milestone key result; the weights of a KR sum to 1."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    weight = models.FloatField()
    order = models.PositiveIntegerField(default=0)
    history = History()

    class Meta:
        ordering = ["key_result", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["key_result", "key"],
                                               name="milestone_step_unique_key")]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"


class Phase(models.Model):
    """A phased target: where the key result should be by a date (instead of linear pace)."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="phases")
    date = models.DateField()
    target = models.FloatField()
    history = History()

    class Meta:
        ordering = ["key_result", "date"]
        constraints = [models.UniqueConstraint(fields=["key_result", "date"],
                                               name="phase_unique_date")]


class CheckIn(models.Model):
    """A weekly reading of a key result. Append-only: a correction is a new check-in,
    so the table is its own history."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField()
    value = models.FloatField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    blockers = models.TextField(blank=True)
    steps_done = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["key_result", "date", "id"]
        indexes = [models.Index(fields=["key_result", "date"])]
        constraints = [models.CheckConstraint(
            condition=models.Q(confidence__isnull=True) | models.Q(confidence__lte=10),
            name="checkin_confidence_0_10")]

    def __str__(self) -> str:
        return f"{self.key_result.key} {self.date}: {self.value}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("check-ins are append-only: record a new check-in to correct one")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("check-ins are append-only and cannot be deleted")


class Initiative(PlanElement):
    """Work meant to move a key result (a project, an epic). An output, not an outcome."""

    KEY_PREFIX = "I"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        BLOCKED = "blocked", "Blocked"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    key_result = models.ForeignKey(KeyResult, on_delete=models.PROTECT, related_name="initiatives")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="initiatives")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    size = models.FloatField(null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["key_result", "id"]


class InitiativeLink(models.Model):
    """A link from an initiative to where the work is tracked (Jira, Asana, GitHub…)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=500)
    title = models.CharField(max_length=200, blank=True)
    history = History()

    class Meta:
        ordering = ["initiative", "id"]

    def __str__(self) -> str:
        return self.url


class Dependency(PlanElement):
    """A key result (or objective) relying on another unit's work (SPEC §5). It is not
    real until the providing unit accepts it; the analyzer reports it until then."""

    KEY_PREFIX = "D"

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    key_result = models.ForeignKey(KeyResult, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="dependencies")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="dependencies")
    providing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT,
                                       related_name="dependencies_provided")
    description = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    note = models.TextField(blank=True, help_text="The providing unit's answer.")
    # What the providing unit commits to when it accepts, and by when: an acceptance
    # without them is a nod, not a commitment.
    deliverable = models.TextField(blank=True)
    due = models.DateField(null=True, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    requested_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    history = History()

    def is_late(self, today) -> bool:
        """Accepted, past its due date and not delivered."""
        return (self.state == self.State.ACCEPTED and self.due is not None
                and self.delivered_on is None and self.due < today)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "dependencies"
        constraints = [models.CheckConstraint(
            condition=models.Q(key_result__isnull=False) | models.Q(objective__isnull=False),
            name="dependency_has_subject")]


class RollupMark(models.Model):
    """A cycle whose roll-up is stored (okrs/rollups.py), and the day it holds: a key
    result's status depends on the date (expected pace, silence), so the rows below are
    read only while `as_of` is the cycle's day today (`progress.as_of`)."""

    cycle = models.OneToOneField(Cycle, primary_key=True, on_delete=models.CASCADE,
                                 related_name="rollup_mark")
    as_of = models.DateField()
    built_at = models.DateTimeField(default=clock.now)


class RollupRow(models.Model):
    """Progress and status of one item of a cycle's alignment tree, as the roll-up
    computes it on the mark's day (derived data: no history; `hoshin rollup` rebuilds
    it). `parent_kind`/`parent_id` say where the item hangs (a key result under its
    objective, an objective under its place), so a change walks up its own chain."""

    class Kind(models.TextChoices):
        KEY_RESULT = "key_result"
        OBJECTIVE = "objective"
        PRIORITY = "priority"
        THEME = "theme"
        ANNUAL = "annual"
        BREAKTHROUGH = "breakthrough"
        VISION = "vision"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    item_id = models.BigIntegerField()  # 0 for the vision
    parent_kind = models.CharField(max_length=12, blank=True)
    parent_id = models.BigIntegerField(null=True)
    weight = models.FloatField(default=1.0)
    progress = models.FloatField(null=True)
    expected = models.FloatField(null=True)
    status = models.CharField(max_length=10)
    last_checkin = models.DateField(null=True)
    confidence = models.PositiveSmallIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "kind", "item_id"],
                                               name="rollup_row_unique_item")]
        indexes = [models.Index(fields=["cycle", "parent_kind", "parent_id"],
                                name="rollup_row_parent")]
