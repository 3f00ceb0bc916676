"""At-risk flags: the early warnings on a key result, each with the reason in words (pure).

Status (engine.progress) answers "where is it now?"; flags answer "what should someone
look at before it becomes a miss?". A key result may carry several flags at once; each
has a stable code so a flag is raised once and cleared when its cause is gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hoshin.engine import grade_forecast
from hoshin.engine.forecast import fit
from hoshin.engine.numbers import number
from hoshin.engine.progress import STAY_KINDS, clamp, expected_progress, kr_progress
from hoshin.engine.types import CheckInPoint, Kind, KRSnapshot

CODES = ("forecast-miss", "behind-pace", "confidence-drop", "low-confidence", "blockers",
         "silent")


@dataclass(frozen=True)
class FlagPolicy:
    """Margins an organisation may tune."""

    behind_pace: float = 0.10  # progress this far (share of the way) behind expected pace
    confidence_drop: int = 3  # confidence fell by this much since the previous check-in
    low_confidence: int = 5  # latest confidence below this
    silent_days: int = 14  # no check-in for this long
    forecast_shortfall: float = 0.10  # the trend reaches less than (1 - this) of the way
    forecast_min_checkins: int = 3  # fewer readings give no trend worth trusting


@dataclass(frozen=True)
class FlagReason:
    code: str
    message: str


@dataclass(frozen=True)
class Reading:
    """One check-in as the flag rules need it."""

    date: dt.date
    value: float | None = None
    confidence: int | None = None
    blockers: str = ""
    steps_done: frozenset[str] = frozenset()


def _num(value: float) -> str:
    """An estimate: three significant digits, whole numbers from 100 up."""
    return number(value, significant=3, grouped=True)


def _forecast(kr: KRSnapshot, readings: Sequence[Reading], end: dt.date, unit: str,
              policy: FlagPolicy) -> FlagReason | None:
    if kr.kind not in (Kind.INCREASE, Kind.DECREASE) or kr.target is None \
            or kr.baseline is None or kr.baseline == kr.target:
        return None
    points = [(r.date, r.value) for r in readings if r.value is not None]
    if len(points) < policy.forecast_min_checkins:
        return None
    trend = fit(points)
    if trend is None:
        return None
    projected = trend.value_on(end)
    share = (projected - kr.baseline) / (kr.target - kr.baseline)
    if share >= 1 - policy.forecast_shortfall:
        return None
    per_week = trend.slope_per_day * 7
    direction = "+" if per_week >= 0 else "−"
    return FlagReason("forecast-miss", (
        f"At the trend of its last {len(points)} check-ins ({direction}{_num(abs(per_week))}"
        f"{unit} a week) it reaches about {_num(projected)}{unit} by {end:%-d %b}, missing "
        f"the {_num(kr.target)}{unit} target. Decide now: more effort, a different approach, "
        f"or a changed target with a reason."))


def _forecast_grade(kr: KRSnapshot, readings: Sequence[Reading], start: dt.date,
                    end: dt.date, today: dt.date,
                    outcomes: grade_forecast.OutcomeTable) -> FlagReason | None:
    """The grade forecast (engine/grade_forecast.py: the key result's own trend blended
    with what similar key results of closed quarters ended at) cannot reach the on-track
    line even at the top of its 80 % interval. Only with a history of similar key results:
    the trend alone is judged by _forecast."""
    if kr.kind in STAY_KINDS:
        return None  # their progress is a share of check-ins in the zone, not a trajectory
    forecast = grade_forecast.forecast(
        kind=str(kr.kind), start=start, end=end, today=today, progress=kr_progress(kr),
        points=[(r.date, r.value) for r in readings if r.value is not None],
        baseline=kr.baseline, target=kr.target, table=outcomes)
    if forecast is None or forecast.similar is None or not forecast.below_on_track:
        return None
    return FlagReason("forecast-miss", (
        f"{grade_forecast.describe(forecast)} Even the top of that interval is under "
        f"{grade_forecast.ON_TRACK_GRADE:.1f}: decide now whether more effort, a different "
        f"approach or a changed target is needed."))


def flag_reasons(kr: KRSnapshot, readings: Sequence[Reading], start: dt.date, end: dt.date,
                 today: dt.date, *, unit: str = "",
                 policy: FlagPolicy = FlagPolicy(),
                 outcomes: grade_forecast.OutcomeTable | None = None) -> list[FlagReason]:
    """Every flag that holds for a key result on `today`. `readings` are its check-ins up
    to `today` in date order; `kr` is its snapshot (last = the latest reading); `outcomes`
    what similar key results of closed quarters ended at (the grade forecast's history;
    none: the trend alone)."""
    readings = [r for r in readings if r.date <= today]
    flags: list[FlagReason] = []
    last = readings[-1] if readings else None
    since = last.date if last else start
    silent_for = (today - since).days
    if silent_for >= policy.silent_days and today > start:
        when = f"since {last.date:%-d %b}" if last else "since the cycle began"
        flags.append(FlagReason("silent", (
            f"No check-in for {silent_for} days ({when}). Silence hides problems: the "
            f"owner should check in, even to say nothing moved.")))
    if last is None:
        return flags

    if kr.kind not in STAY_KINDS:
        progress = kr_progress(kr)
        expected = expected_progress(kr, start, end, today)
        if progress is not None and expected - clamp(progress) > policy.behind_pace + 1e-9:
            flags.append(FlagReason("behind-pace", (
                f"{round(clamp(progress) * 100)} % of the way where {round(expected * 100)} % "
                f"was expected by now. Ask what would close the gap, or what blocks it.")))

    reason = _forecast(kr, readings, end, unit, policy)
    if reason is None and outcomes:
        reason = _forecast_grade(kr, readings, start, end, today, outcomes)
    if reason:
        flags.append(reason)

    confidences = [r.confidence for r in readings if r.confidence is not None]
    if len(confidences) >= 2 and confidences[-2] - confidences[-1] >= policy.confidence_drop:
        flags.append(FlagReason("confidence-drop", (
            f"Confidence fell from {confidences[-2]} to {confidences[-1]} at the last "
            f"check-in. Ask the owner what changed.")))
    if last.confidence is not None and last.confidence < policy.low_confidence:
        flags.append(FlagReason("low-confidence", (
            f"The owner's confidence is {last.confidence}/10 (below "
            f"{policy.low_confidence}). Talk about what would raise it.")))
    if last.blockers.strip():
        flags.append(FlagReason("blockers", (
            f"The last check-in names a blocker: {last.blockers.strip()[:300].rstrip('.!')}. "
            f"Unblock it or escalate at the next review.")))
    return flags


def snapshot_for(kind: str, baseline: float | None, target: float | None,
                 readings: Sequence[Reading], steps=(), phases=()) -> KRSnapshot:
    """A snapshot whose latest reading is the last of `readings` (no zone counts: flags
    never look at stay_* shares)."""
    last = readings[-1] if readings else None
    point = None if last is None else CheckInPoint(
        date=last.date, value=last.value, confidence=last.confidence,
        steps_done=last.steps_done, has_blockers=bool(last.blockers.strip()))
    return KRSnapshot(kind=Kind(kind), baseline=baseline, target=target, steps=tuple(steps),
                      phases=tuple(phases), last=point, checkins=len(readings))
