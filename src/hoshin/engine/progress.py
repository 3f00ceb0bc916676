"""Progress, expected pace and status of one key result.

Everything here is a pure function of a `KRSnapshot` and a few dates, so services can
compute a whole cycle from one aggregate query and tests can build cases by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from .types import CheckInPoint, Kind, KRSnapshot, Phase, Status, StatusPolicy, Step

# Thresholds are compared with a small tolerance so that a gap of "exactly 0.10" is
# judged by the rule as written, not by the last bit of a float subtraction.
_TOLERANCE = 1e-9

STAY_KINDS = frozenset({Kind.STAY_ABOVE, Kind.STAY_BELOW})
TRAJECTORY_KINDS = frozenset({Kind.INCREASE, Kind.DECREASE})

# Best first. NO_DATA ranks last: an unknown state must never hide a known bad one, and
# must never pass for a good one ("silence is never green").
_STATUS_RANK = {
    Status.ON_TRACK: 0,
    Status.AT_RISK: 1,
    Status.OFF_TRACK: 2,
    Status.NO_DATA: 3,
}


def worse(a: Status, b: Status) -> Status:
    """The worse of two statuses; "at best AT_RISK" is `worse(status, AT_RISK)`."""
    return a if _STATUS_RANK[Status(a)] >= _STATUS_RANK[Status(b)] else b


def in_zone(kind: Kind, target: float, value: float) -> bool:
    """Whether a stay_* key result's value holds its threshold (the threshold itself counts)."""
    if kind == Kind.STAY_ABOVE:
        return value >= target
    if kind == Kind.STAY_BELOW:
        return value <= target
    raise ValueError(f"in_zone only applies to stay_above / stay_below, not {kind}")


def snapshot_from_checkins(
    kind: Kind,
    baseline: float | None,
    target: float | None,
    checkins: Sequence[CheckInPoint],
    *,
    weight: float = 1.0,
    steps: Sequence[Step] = (),
    phases: Sequence[Phase] = (),
) -> KRSnapshot:
    """Build the snapshot services would get from their aggregate query, from a plain list.

    Check-ins are append-only and a correction is simply a new check-in, so for equal dates
    the one given later is the latest (the sort is stable). Every check-in counts in
    `checkins`; one without a value, or of a stay_* KR without a target, cannot show the
    threshold held and so does not count as in zone.
    """
    ordered = sorted(checkins, key=lambda point: point.date)
    held = 0
    if kind in STAY_KINDS and target is not None:
        held = sum(
            1 for point in ordered if point.value is not None and in_zone(kind, target, point.value)
        )
    return KRSnapshot(
        kind=Kind(kind),
        baseline=baseline,
        target=target,
        weight=weight,
        steps=tuple(steps),
        phases=tuple(phases),
        last=ordered[-1] if ordered else None,
        checkins=len(ordered),
        in_zone=held,
    )


def _trajectory_progress(baseline: float | None, target: float | None, value: float | None):
    """Share of the baseline→target distance covered; None when that distance is undefined."""
    if baseline is None or target is None or value is None or target == baseline:
        return None
    return (value - baseline) / (target - baseline)


def _steps_progress(steps: Sequence[Step], done: frozenset[str]) -> float:
    """Done steps' share of the total step weight.

    Dividing by the total (rather than trusting weights to add up to 1) keeps weights
    entered as 30/70 or 1/1/2 meaningful; non-positive totals fall back to counting steps.
    """
    total = sum(step.weight for step in steps)
    if total > 0:
        return sum(step.weight for step in steps if step.key in done) / total
    return sum(1 for step in steps if step.key in done) / len(steps)


def kr_progress(kr: KRSnapshot) -> float | None:
    """Progress as shown to people: unclamped for increase/decrease, so overshooting the
    target (>1) or sliding back past the baseline (<0) stays visible. None means "unknown",
    which the status rules treat as no data."""
    last = kr.last
    if last is None:
        return None
    if kr.kind in TRAJECTORY_KINDS:
        return _trajectory_progress(kr.baseline, kr.target, last.value)
    if kr.kind in STAY_KINDS:
        if kr.checkins <= 0:
            return None
        return clamp(kr.in_zone / kr.checkins)
    if kr.kind == Kind.MILESTONE:
        if kr.steps:
            return _steps_progress(kr.steps, last.steps_done)
        if last.value is None:
            return None
        return 1.0 if last.value >= 1 else 0.0
    raise ValueError(f"unknown key result kind {kr.kind!r}")


def clamp(progress: float | None) -> float | None:
    """Progress limited to [0, 1], as used for roll-up and for comparing against pace."""
    if progress is None:
        return None
    return min(1.0, max(0.0, progress))


def _elapsed_share(start: dt.date, end: dt.date, on: dt.date) -> float:
    if on <= start:
        return 0.0
    if on >= end:
        return 1.0
    return (on - start).days / (end - start).days


def _phase_progress(kr: KRSnapshot, phase: Phase) -> float | None:
    """A phase's target as progress: a value for increase/decrease, a fraction for milestones."""
    if kr.kind == Kind.MILESTONE:
        return clamp(phase.target)
    return clamp(_trajectory_progress(kr.baseline, kr.target, phase.target))


def expected_progress(kr: KRSnapshot, start: dt.date, end: dt.date, on: dt.date) -> float:
    """Where the key result should be on `on`, in [0, 1].

    Without phases the pace is linear over the cycle. Phased targets bend that line: the
    expected progress runs piecewise-linearly from (start, 0) through every phase to
    (end, 1). Phases on or outside the cycle's bounds are ignored (the bounds are fixed
    points), as are phases that cannot be turned into progress (baseline == target); for
    equal dates the phase given later wins, like a correction.

    stay_above / stay_below have no pace: the level must be held all the time, so the
    expectation is always 1.0 (their status rules use the share in zone instead).
    """
    if kr.kind in STAY_KINDS:
        return 1.0
    if on <= start:
        return 0.0
    if on >= end:
        return 1.0
    if not kr.phases:  # the usual case, and one key result in a whole cycle's thousands
        return _elapsed_share(start, end, on)

    by_date: dict[dt.date, float] = {}
    for phase in sorted(kr.phases, key=lambda p: p.date):
        if start < phase.date < end:
            expected = _phase_progress(kr, phase)
            if expected is not None:
                by_date[phase.date] = expected
    if not by_date:
        return _elapsed_share(start, end, on)

    points = [(start, 0.0), *sorted(by_date.items()), (end, 1.0)]
    for (left_date, left_value), (right_date, right_value) in pairwise(points):
        if on <= right_date:
            share = (on - left_date).days / (right_date - left_date).days
            return left_value + (right_value - left_value) * share
    return 1.0  # unreachable: `on < end` and the last point is `end`


def _pace_status(gap: float, policy: StatusPolicy) -> Status:
    if gap <= policy.at_risk_gap + _TOLERANCE:
        return Status.ON_TRACK
    if gap <= policy.off_track_gap + _TOLERANCE:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _stay_status(kr: KRSnapshot, share: float, policy: StatusPolicy) -> Status:
    """The latest reading decides whether the threshold is broken now; the share says how
    reliably it has been held."""
    last = kr.last
    if last is not None and last.value is not None and kr.target is not None:
        if not in_zone(kr.kind, kr.target, last.value):
            return Status.OFF_TRACK
    if share < policy.stay_share_on_track - _TOLERANCE:
        return Status.AT_RISK
    return Status.ON_TRACK


@dataclass(frozen=True)
class Assessment:
    """Everything said about one key result on one day, each part computed once."""

    progress: float | None  # unclamped
    expected: float
    status: Status


def assess(
    kr: KRSnapshot,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    policy: StatusPolicy = StatusPolicy(),
) -> Assessment:
    """Progress, expected progress and status of one key result on `today`."""
    progress = kr_progress(kr)
    expected = expected_progress(kr, start, end, today)
    return Assessment(progress, expected, _status(kr, progress, expected, today, policy))


def kr_status(
    kr: KRSnapshot,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    policy: StatusPolicy = StatusPolicy(),
) -> Status:
    """Status of one key result on `today`."""
    return assess(kr, start, end, today, policy).status


def _status(kr: KRSnapshot, progress: float | None, expected: float, today: dt.date,
            policy: StatusPolicy) -> Status:
    """Silence is never green: no check-in, a latest check-in `silence_days` old or older, or
    an unknown progress all give NO_DATA before any number is looked at. The owner's own
    signal (low confidence, blockers) can only make a status worse, never better.
    """
    last = kr.last
    if last is None or (today - last.date).days >= policy.silence_days:
        return Status.NO_DATA
    if progress is None:
        return Status.NO_DATA

    if kr.kind in STAY_KINDS:
        status = _stay_status(kr, progress, policy)
    else:
        status = _pace_status(expected - clamp(progress), policy)

    if last.confidence is not None:
        if last.confidence < policy.very_low_confidence:
            status = worse(status, Status.OFF_TRACK)
        elif last.confidence < policy.low_confidence:
            status = worse(status, Status.AT_RISK)
    if last.has_blockers:
        status = worse(status, Status.AT_RISK)
    return status
