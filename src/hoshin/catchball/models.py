"""Catchball: a plan element proposed to a unit, answered and revised in rounds until both
sides agree (SPEC §2.4), and the planning calendar that says by when."""

from __future__ import annotations

from django.db import models

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.okrs.models import Cycle, KeyResult, Objective
from hoshin.org.models import Person, Unit
from hoshin.strategy.models import AnnualObjective, ImprovementPriority


class PlanningDeadline(models.Model):
    """One date of a cycle's planning calendar."""

    class What(models.TextChoices):
        RESPONSE = "catchball_response", "Catchball responses due"
        AGREEMENT = "catchball_agreement", "Catchball agreement due"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="planning_deadlines")
    what = models.CharField(max_length=30, choices=What.choices)
    due = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    history = History()

    class Meta:
        ordering = ["cycle__start", "due", "what"]
        constraints = [models.UniqueConstraint(fields=["cycle", "what"],
                                               name="planning_deadline_unique_what")]

    def __str__(self) -> str:
        return f"{self.cycle.key} {self.what} {self.due}"


class Side(models.TextChoices):
    PROPOSER = "proposer", "Proposer"
    UNIT = "unit", "Receiving unit"


# The element a thread is about: exactly one of these foreign keys is set.
ELEMENT_FIELDS = ("annual", "priority", "objective", "key_result")


def _exactly_one(fields: tuple[str, ...]) -> models.Q:
    condition = models.Q()
    for chosen in fields:
        condition |= models.Q(**{f"{name}__isnull": name != chosen for name in fields})
    return condition


class Catchball(models.Model):
    """A thread about one plan element between a proposer and a receiving unit."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        AGREED = "agreed", "Agreed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    annual = models.ForeignKey(AnnualObjective, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="catchballs")
    priority = models.ForeignKey(ImprovementPriority, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="catchballs")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="catchballs")
    key_result = models.ForeignKey(KeyResult, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="catchballs")
    proposer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # The unit the proposer speaks for; empty when they speak for the strategy office.
    proposer_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="catchballs")
    # Someone the unit's lead asked to answer in their place.
    delegate = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    waiting_on = models.CharField(max_length=10, choices=Side.choices, default=Side.UNIT)
    # Which side wrote the version on the table; only the other side can accept it.
    version_by = models.CharField(max_length=10, choices=Side.choices, default=Side.PROPOSER)
    respond_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "respond_by"])]
        constraints = [
            models.CheckConstraint(condition=_exactly_one(ELEMENT_FIELDS),
                                   name="catchball_one_element"),
            *(models.UniqueConstraint(
                fields=[name, "unit"],
                condition=models.Q(state="open", **{f"{name}__isnull": False}),
                name=f"catchball_one_open_{name}_per_unit") for name in ELEMENT_FIELDS),
        ]

    def __str__(self) -> str:
        return f"catchball #{self.pk} {self.element_key} → {self.unit.key}"

    @property
    def element(self):
        for name in ELEMENT_FIELDS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None

    @property
    def element_kind(self) -> str:
        for name in ELEMENT_FIELDS:
            if getattr(self, f"{name}_id"):
                return name
        return ""

    @property
    def element_key(self) -> str:
        element = self.element
        return element.key if element is not None else ""

    def is_overdue(self, today) -> bool:
        return (self.state == self.State.OPEN and self.respond_by is not None
                and today > self.respond_by)


class Round(models.Model):
    """One turn of a thread, with the version of the element on the table after it.
    Rounds are never changed: the thread is the record of who said what."""

    class Kind(models.TextChoices):
        PROPOSE = "propose", "Proposed"
        RESPOND = "respond", "Responded"
        REVISE = "revise", "Revised"
        ACCEPT = "accept", "Accepted"
        WITHDRAW = "withdraw", "Withdrew"

    catchball = models.ForeignKey(Catchball, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=clock.now)
    # The version of the element after this round (a full snapshot, not a diff).
    title = models.CharField(max_length=300)
    target = models.FloatField(null=True, blank=True)
    description = models.TextField(blank=True)
    # The receiving unit's answer.
    contribution = models.TextField(blank=True)
    needs_people = models.CharField(max_length=300, blank=True)
    needs_budget = models.CharField(max_length=300, blank=True)
    needs_time = models.CharField(max_length=300, blank=True)
    help_from = models.ManyToManyField(Unit, blank=True, related_name="+")
    conflicts = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    history = History()

    class Meta:
        ordering = ["catchball", "number"]
        constraints = [models.UniqueConstraint(fields=["catchball", "number"],
                                               name="catchball_round_unique_number")]

    def __str__(self) -> str:
        return f"#{self.catchball_id}.{self.number} {self.kind}"

    @property
    def has_needs(self) -> bool:
        return bool(self.needs_people or self.needs_budget or self.needs_time)
