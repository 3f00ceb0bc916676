"""The review page's agenda, read for the people deciding: each item with the facts a
decision needs (baseline, target, value now, the quarter's trend, confidence, status and
why it is on the agenda) and, where the reader may decide, a compact decision form.

Read-only, in a fixed number of queries whatever the length of the agenda."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils.safestring import SafeString, mark_safe

from hoshin.engine.numbers import number
from hoshin.okrs.models import CheckIn, KeyResult, MilestoneStep
from hoshin.okrs.progress import KRState, key_result_states
from hoshin.okrs.rows import percent, status_label
from hoshin.org import permissions
from hoshin.org.models import Person
from hoshin.reviews import services
from hoshin.reviews.forms import DecisionForm
from hoshin.reviews.models import AgendaItem, Decision, Review
from hoshin.reviews.sparkline import sparkline
from hoshin.reviews.standing import Standing, Who, standing
from hoshin.reviews.then import Figures, KRFigures

SOURCE_REASONS = {AgendaItem.Source.DEPENDENCY: "dependency",
                  AgendaItem.Source.ACTION: "overdue-action",
                  AgendaItem.Source.COUNTERMEASURE: "overdue-countermeasure"}


@dataclass
class AgendaRow:
    item: AgendaItem
    reasons: list[str]
    can_decide: bool = False
    form: DecisionForm | None = None
    kr: KeyResult | None = None
    state: KRState | None = None
    spark: SafeString | None = None
    steps: tuple[int, int] | None = None  # milestone: steps done, steps in all
    facts: dict = field(default_factory=dict)

    @property
    def decision(self) -> Decision | None:
        return getattr(self.item, "decision", None)

    @property
    def status(self) -> str:
        return str(self.state.status) if self.state else ""

    @property
    def status_label(self) -> str:
        return status_label(self.status) if self.state else ""

    @property
    def progress_pct(self) -> int | None:
        return percent(self.state.progress) if self.state else None


def _with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{number(value)} {unit}".strip()


def _trend(cycle, checkins, weights: dict[str, float]) -> list[tuple[float, float]]:
    """One point per check-in day (a correction replaces that day's reading), as the
    share of the quarter gone and the value (a milestone: the share of steps done).
    `checkins` are (date, value, steps_done) in the order they were recorded."""
    days = max(1, (cycle.end - cycle.start).days)
    by_day: dict[dt.date, float] = {}
    for day, value, steps_done in checkins:
        if weights:
            value = sum(weights.get(key, 0) for key in (steps_done or []))
        if value is not None and cycle.start <= day <= cycle.end:
            by_day[day] = value
    return [((day - cycle.start).days / days, value) for day, value in sorted(by_day.items())]


def agenda_rows(review: Review, user, *, today: dt.date,
                forms: dict[int, DecisionForm] | None = None,
                figures: Figures | None = None) -> list[AgendaRow]:
    """The agenda's rows with today's figures, or with `figures` (then.Figures) those of
    the moment a past review was held."""
    forms = forms or {}
    cycle = review.cycle
    items = list(review.items.select_related(
        "key_result__owner", "key_result__objective__unit", "key_result__last_checkin",
        "decision__decided_by", "dependency__providing_unit", "dependency__objective__unit"))
    kr_ids = {i.key_result_id for i in items if i.key_result_id}
    if figures is None:
        readings = _live_readings({i.key_result_id: i.key_result for i in items
                                   if i.key_result_id}, cycle, today)
    else:
        readings = {kr_id: _past_reading(figures.of(kr_id)) for kr_id in kr_ids}
    open_codes = _open_flag_codes(kr_ids, figures.moment.day if figures else None)
    can_run = services.can_run_reviews(user)
    led = permissions.led_unit_ids(user)
    is_open = review.state != Review.State.CLOSED
    rows = []
    for item in items:
        codes = list(item.reasons or []) or open_codes.get(item.key_result_id, [])
        if not codes and item.source in SOURCE_REASONS:
            codes = [SOURCE_REASONS[item.source]]
        row = AgendaRow(item=item, reasons=[services.REASON_LABELS.get(c, c) for c in codes])
        kr = item.key_result
        if kr is not None:
            row.kr = kr
            reading = readings.get(kr.pk)
            if reading is None:
                row.facts = {"absent": True}
            else:
                _fill(row, cycle, reading)
        row.can_decide = can_run and is_open and services.can_decide(
            user, item, led_units=led, runs_reviews=can_run)
        if row.can_decide:
            row.form = forms.get(item.pk) or DecisionForm(item_id=item.pk,
                                                          initial=_initial(item))
        rows.append(row)
    return rows


@dataclass
class _Reading:
    """What the agenda shows of a key result, today's or at a past moment."""

    key: str
    kind: str
    baseline: float | None
    target: float | None
    unit: str
    state: KRState | None
    last: tuple | None  # (date, value, confidence, steps_done) of the latest check-in
    checkins: list[tuple]  # (date, value, steps_done), in the order recorded
    weights: dict[str, float]


def _live_readings(krs: dict[int, KeyResult], cycle, today: dt.date) -> dict[int, _Reading]:
    if not krs:
        return {}
    kr_ids = set(krs)
    states = key_result_states(KeyResult.objects.filter(id__in=kr_ids), today)
    checkins: dict[int, list[tuple]] = {}
    for kr_id, day, value, steps_done in (
            CheckIn.objects.filter(key_result_id__in=kr_ids, date__gte=cycle.start,
                                   date__lte=cycle.end).order_by("date", "id")
            .values_list("key_result_id", "date", "value", "steps_done")):
        checkins.setdefault(kr_id, []).append((day, value, steps_done))
    weights: dict[int, dict[str, float]] = {}
    for kr_id, key, weight in MilestoneStep.objects.filter(key_result_id__in=kr_ids) \
            .values_list("key_result_id", "key", "weight"):
        weights.setdefault(kr_id, {})[key] = weight
    readings = {}
    for kr in krs.values():
        last = kr.last_checkin
        readings[kr.pk] = _Reading(
            key=kr.key, kind=kr.kind, baseline=kr.baseline, target=kr.target, unit=kr.unit,
            state=states.get(kr.pk),
            last=None if last is None else (last.date, last.value, last.confidence,
                                            last.steps_done),
            checkins=checkins.get(kr.pk, []), weights=weights.get(kr.pk, {}))
    return readings


def _past_reading(fig: KRFigures | None) -> _Reading | None:
    if fig is None:
        return None
    r = fig.row
    last = fig.last
    return _Reading(
        key=r["key"], kind=r["kind"], baseline=r["baseline"], target=r["target"],
        unit=r["unit"], state=fig.state,
        last=None if last is None else (last["date"], last["value"], last["confidence"],
                                        last["steps_done"]),
        checkins=[(c["date"], c["value"], c["steps_done"]) for c in fig.checkins],
        weights=fig.step_weights)


def _fill(row: AgendaRow, cycle, reading: _Reading) -> None:
    """The row's facts, status and sparkline from a reading."""
    row.state = reading.state
    points = _trend(cycle, reading.checkins, reading.weights)
    milestone = reading.kind == KeyResult.Kind.MILESTONE
    last = reading.last
    if milestone:
        done = len(set(last[3] or []) & set(reading.weights)) if last else 0
        row.steps = (done, len(reading.weights))
    row.facts = {
        "baseline": "—" if milestone else _with_unit(reading.baseline, reading.unit),
        "target": "every step" if milestone else _with_unit(reading.target, reading.unit),
        "now": (f"{row.steps[0]} of {row.steps[1]} steps" if milestone
                else _with_unit(last[1] if last else None, reading.unit)),
        "confidence": None if last is None else last[2],
        "checked_on": None if last is None else last[0],
    }
    label = (f"{reading.key}: {len(points)} check-in{'s' if len(points) != 1 else ''} "
             f"this quarter" + (f", target {row.facts['target']}" if not milestone else ""))
    row.spark = mark_safe(sparkline(  # noqa: S308 - built from numbers, label escaped
        points, target=1.0 if milestone else reading.target,
        baseline=0.0 if milestone else reading.baseline, status=row.status, label=label))


def _initial(item: AgendaItem) -> dict:
    """A new decision starts at "continue"; a changed one from what was decided. The new
    target starts at today's target, so changing it means editing a number in place."""
    decision = getattr(item, "decision", None)
    kr = item.key_result
    target = kr.target if kr is not None and kr.kind != KeyResult.Kind.MILESTONE else None
    if decision is not None and decision.new_target is not None:
        target = decision.new_target
    # Written as people read it ("35", not "35.0").
    target = number(target) if target is not None else None
    if decision is None:
        return {"kind": Decision.Kind.CONTINUE, "new_target": target}
    return {"kind": decision.kind, "rationale": decision.rationale, "new_target": target,
            "escalated_to": decision.escalated_to}


def _open_flag_codes(kr_ids, day: dt.date | None = None) -> dict[int, list[str]]:
    """Why an item built before reasons were kept is on the agenda: its open flags (on
    `day`, for a past review)."""
    if not kr_ids:
        return {}
    from hoshin.flags.models import Flag

    flags = Flag.objects.filter(key_result_id__in=kr_ids)
    if day is None:
        flags = flags.filter(cleared_on__isnull=True)
    else:
        flags = flags.filter(Q(cleared_on__isnull=True) | Q(cleared_on__gt=day),
                             raised_on__lte=day)
    codes: dict[int, list[str]] = {}
    for kr_id, code in flags.order_by("code").values_list("key_result_id", "code").distinct():
        codes.setdefault(kr_id, []).append(code)
    return codes


def standings(reviews: list[Review], today: dt.date) -> dict[int, Standing]:
    """Held, missed, today or planned for each review, with when and by whom it was held:
    the one reading of it for the pages, the API, the calendar and the CLI. Three queries
    at most, whatever the number of reviews."""
    ids = [r.pk for r in reviews]
    counts = {row["item__review_id"]: row for row in
              Decision.objects.filter(item__review_id__in=ids).order_by()
              .values("item__review_id").annotate(n=Count("id"), last=Max("decided_at"))}
    deciders: dict[int, list[Who]] = {}
    for review_id, name, email in (
            Decision.objects.filter(item__review_id__in=ids, decided_by__isnull=False)
            .order_by("decided_by__name", "decided_by__email")
            .values_list("item__review_id", "decided_by__name", "decided_by__email")
            .distinct()):
        deciders.setdefault(review_id, []).append(Who(name, email))
    closer_ids = {r.closed_by_id for r in reviews if r.closed_by_id}
    closers = {pk: Who(name, email) for pk, name, email in
               Person.objects.filter(pk__in=closer_ids).values_list("pk", "name", "email")
               } if closer_ids else {}
    result = {}
    for r in reviews:
        count = counts.get(r.pk, {})
        last = count.get("last")
        result[r.pk] = standing(
            date=r.date, today=today, closed=r.state == Review.State.CLOSED,
            decisions=count.get("n", 0), last_decided_on=_local_date(last),
            deciders=tuple(deciders.get(r.pk, ())), closed_on=_local_date(r.closed_at),
            closed_by=closers.get(r.closed_by_id))
    return result


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    from django.utils import timezone

    return timezone.localtime(moment).date()
