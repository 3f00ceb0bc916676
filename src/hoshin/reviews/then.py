"""The figures a past review saw: each agenda item's key result as the plan stood when the
review was held (just before its first decision) or, for a missed review, at the end of
its day. Today's and later reviews show live figures (`moment_of` gives None).

The plan at that moment is planfile.as_of's (`PlanAt`): the key result's baseline, target
and steps from the history, the check-ins recorded by then and dated up to that day, and
progress, pace and status judged on that day with the same engine as today's figures.

A plan whose recorded history starts after the review (a plan imported after it)
cannot say what its targets were then: the targets are today's, the check-ins those dated
up to the review's day, and `Figures.targets_since` says from when the history runs, so
the page can say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone

from hoshin.planfile.as_of import AsOf, AsOfError, PlanAt, first_change
from hoshin.reviews.models import Decision, Review
from hoshin.reviews.standing import HELD, MISSED, Standing


@dataclass(frozen=True)
class Moment:
    """When a past review's figures are read, and why that moment."""

    at: dt.datetime  # aware; what was recorded up to and including it counts
    day: dt.date  # check-ins dated up to it count; status is judged on it
    why: str  # HELD: just before its first decision; MISSED: the end of its day
    decided_at: dt.datetime | None = None  # HELD: the minute of its first decision


def moment_of(review: Review, standing: Standing, today: dt.date) -> Moment | None:
    """The moment a review's figures stand at, or None for live figures: a review of today
    or later (its meeting may still be going on), or one neither held nor missed."""
    if review.date >= today or standing.code not in (HELD, MISSED):
        return None
    if standing.code == MISSED:
        end = timezone.make_aware(dt.datetime.combine(review.date + dt.timedelta(days=1),
                                                      dt.time.min))
        at = end - dt.timedelta(microseconds=1)
        return Moment(at, review.date, MISSED)
    # The first decision as first recorded (a decision changed later keeps its history).
    first = (Decision.history.filter(item__review_id=review.pk).order_by()
             .aggregate(first=Min("history_date"))["first"]
             or Decision.objects.filter(item__review_id=review.pk).order_by()
             .aggregate(first=Min("decided_at"))["first"])
    if first is None:
        return None
    # What the meeting saw before deciding: up to the minute the first decision was taken
    # (a target the review changed is written a moment before its decision is).
    start = timezone.localtime(first).replace(second=0, microsecond=0)
    at = start - dt.timedelta(microseconds=1)
    return Moment(at, timezone.localtime(at).date(), HELD, start)


# A moment after anything recorded: the plan as it stands now, whatever the clock says.
LAST_RECORDED = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


class _DatedBy(PlanAt):
    """Today's plan with only the check-ins dated up to `day`, judged on that day: for a
    moment before the plan's recorded history begins."""

    def __init__(self, now: AsOf, day: AsOf, key_results: set[int]):
        super().__init__(now, key_results)
        self.when = day  # status and pace are judged on the review's day

    def checkins_of(self, kr_id: int) -> list[dict]:
        return [c for c in super().checkins_of(kr_id) if c["date"] <= self.when.day]


@dataclass
class KRFigures:
    """One key result's figures at the moment: its row of the plan then, its state
    (okrs.progress.KRState) and its check-ins up to then, oldest first."""

    row: dict
    state: object
    checkins: list[dict]
    step_weights: dict[str, float]

    @property
    def last(self) -> dict | None:
        return self.checkins[-1] if self.checkins else None


class Figures:
    """The key results of an agenda (`key_results`, their ids) as they stood at a moment."""

    def __init__(self, moment: Moment, key_results: set[int]):
        self.moment = moment
        when = AsOf(moment.at, moment.day.isoformat())
        # Set when the plan's history starts after the moment: targets are today's.
        self.targets_since: dt.datetime | None = None
        try:
            self.plan: PlanAt = PlanAt(when, key_results)
        except AsOfError:
            self.targets_since = first_change()
            self.plan = _DatedBy(AsOf(LAST_RECORDED, "today"), when, key_results)
        tables = self.plan.builder.tables
        self._rows = {r["id"]: r for r in tables["okrs.KeyResult"]}
        self._steps: dict[int, dict[str, float]] = {}
        for s in tables["okrs.MilestoneStep"]:
            self._steps.setdefault(s["key_result_id"], {})[s["key"]] = s["weight"]

    def of(self, kr_id: int) -> KRFigures | None:
        """None when the key result was not in the plan at that moment."""
        row = self._rows.get(kr_id)
        if row is None:
            return None
        state, _value = self.plan.state(row)
        checkins = sorted(self.plan.checkins_of(kr_id), key=lambda c: (c["date"], c["id"]))
        return KRFigures(row=row, state=state, checkins=checkins,
                         step_weights=self._steps.get(kr_id, {}))
