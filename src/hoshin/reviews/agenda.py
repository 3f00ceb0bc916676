"""The review page's agenda, read for the people deciding: each item with the facts a
decision needs (baseline, target, value now, the quarter's trend, confidence, status and
why it is on the agenda) and, where the reader may decide, a compact decision form.

Read-only, in a fixed number of queries whatever the length of the agenda."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils.safestring import SafeString, mark_safe

from hoshin.engine.numbers import number
from hoshin.okrs.models import CheckIn, KeyResult, MilestoneStep
from hoshin.okrs.progress import KRState, key_result_states
from hoshin.okrs.rows import percent, status_label
from hoshin.org import permissions
from hoshin.reviews import services
from hoshin.reviews.forms import DecisionForm
from hoshin.reviews.models import AgendaItem, Decision, Review
from hoshin.reviews.sparkline import sparkline
from hoshin.reviews.standing import Standing, standing

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


def _trend(cycle, checkins: list[CheckIn], weights: dict[str, float]) -> list[tuple[float, float]]:
    """One point per check-in day (a correction replaces that day's reading), as the
    share of the quarter gone and the value (a milestone: the share of steps done)."""
    days = max(1, (cycle.end - cycle.start).days)
    by_day: dict[dt.date, float] = {}
    for c in checkins:
        value = c.value
        if weights:
            value = sum(weights.get(key, 0) for key in (c.steps_done or []))
        if value is not None:
            by_day[c.date] = value
    return [((day - cycle.start).days / days, value) for day, value in sorted(by_day.items())]


def agenda_rows(review: Review, user, *, today: dt.date,
                forms: dict[int, DecisionForm] | None = None) -> list[AgendaRow]:
    forms = forms or {}
    cycle = review.cycle
    items = list(review.items.select_related(
        "key_result__owner", "key_result__objective__unit", "key_result__last_checkin",
        "decision__decided_by", "dependency__providing_unit", "dependency__objective__unit"))
    kr_ids = {i.key_result_id for i in items if i.key_result_id}
    states = key_result_states(KeyResult.objects.filter(id__in=kr_ids), today) if kr_ids else {}
    checkins: dict[int, list[CheckIn]] = {}
    for c in (CheckIn.objects.filter(key_result_id__in=kr_ids, date__gte=cycle.start,
                                     date__lte=cycle.end)
              .only("key_result_id", "date", "value", "steps_done").order_by("date", "id")):
        checkins.setdefault(c.key_result_id, []).append(c)
    weights: dict[int, dict[str, float]] = {}
    for kr_id, key, weight in MilestoneStep.objects.filter(key_result_id__in=kr_ids) \
            .values_list("key_result_id", "key", "weight"):
        weights.setdefault(kr_id, {})[key] = weight
    open_codes = _open_flag_codes(kr_ids)
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
            row.state = states.get(kr.pk)
            kr_weights = weights.get(kr.pk, {})
            points = _trend(cycle, checkins.get(kr.pk, []), kr_weights)
            milestone = kr.kind == KeyResult.Kind.MILESTONE
            last = kr.last_checkin
            if milestone:
                done = len(set(last.steps_done or []) & set(kr_weights)) if last else 0
                row.steps = (done, len(kr_weights))
            row.facts = {
                "baseline": "—" if milestone else _with_unit(kr.baseline, kr.unit),
                "target": "every step" if milestone else _with_unit(kr.target, kr.unit),
                "now": (f"{row.steps[0]} of {row.steps[1]} steps" if milestone
                        else _with_unit(last.value if last else None, kr.unit)),
                "confidence": None if last is None else last.confidence,
                "checked_on": None if last is None else last.date,
            }
            label = (f"{kr.key}: {len(points)} check-in{'s' if len(points) != 1 else ''} "
                     f"this quarter" + (f", target {row.facts['target']}"
                                        if not milestone else ""))
            row.spark = mark_safe(sparkline(  # noqa: S308 - built from numbers, label escaped
                points, target=1.0 if milestone else kr.target,
                baseline=0.0 if milestone else kr.baseline, status=row.status, label=label))
        row.can_decide = can_run and is_open and services.can_decide(
            user, item, led_units=led, runs_reviews=can_run)
        if row.can_decide:
            row.form = forms.get(item.pk) or DecisionForm(item_id=item.pk,
                                                          initial=_initial(item))
        rows.append(row)
    return rows


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


def _open_flag_codes(kr_ids) -> dict[int, list[str]]:
    """Why an item built before reasons were kept is on the agenda: its open flags."""
    if not kr_ids:
        return {}
    from hoshin.flags.models import Flag

    codes: dict[int, list[str]] = {}
    for kr_id, code in Flag.objects.filter(key_result_id__in=kr_ids, cleared_on__isnull=True) \
            .order_by("code").values_list("key_result_id", "code"):
        codes.setdefault(kr_id, []).append(code)
    return codes


def standings(reviews: list[Review], today: dt.date) -> dict[int, Standing]:
    """Held, missed, today or planned for each review, in two queries."""
    ids = [r.pk for r in reviews]
    counts = {row["item__review_id"]: row for row in
              Decision.objects.filter(item__review_id__in=ids).order_by()
              .values("item__review_id").annotate(n=Count("id"), last=Max("decided_at"))}
    deciders: dict[int, list[str]] = {}
    for review_id, name in (Decision.objects.filter(item__review_id__in=ids,
                                                    decided_by__isnull=False)
                            .order_by("decided_by__name").values_list("item__review_id",
                                                                      "decided_by__name")
                            .distinct()):
        deciders.setdefault(review_id, []).append(name)
    result = {}
    for r in reviews:
        count = counts.get(r.pk, {})
        last = count.get("last")
        result[r.pk] = standing(
            date=r.date, today=today, closed=r.state == Review.State.CLOSED,
            decisions=count.get("n", 0), last_decided_on=_local_date(last),
            deciders=tuple(deciders.get(r.pk, ())), closed_on=_local_date(r.closed_at),
            closed_by=r.closed_by.name if r.closed_by_id else None)
    return result


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    from django.utils import timezone

    return timezone.localtime(moment).date()
