"""Domain rules as plain functions over plain values.

The services and the plan-file importer both call these, so the web, the API, the
CLI and an import reject exactly the same things with the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from hoshin.core.errors import FieldError
from hoshin.engine.fiscal import fiscal_year_bounds, fiscal_year_of  # noqa: F401
from hoshin.engine.graph import find_cycle  # noqa: F401  (a rule of trees: no loops)

KR_KINDS = ("increase", "decrease", "stay_above", "stay_below", "milestone")
CYCLE_STATES = ("draft", "planning", "active", "closed")
WEIGHT_TOLERANCE = 1e-6
# A check-in may describe the last week of a cycle a few days after it ends.
CHECKIN_GRACE_DAYS = 14


def cycle_transition_error(current: str, new: str) -> str | None:
    """Cycles only move forward: draft → planning → active → closed (steps may be skipped)."""
    if new not in CYCLE_STATES:
        return f'unknown state "{new}" (expected one of {", ".join(CYCLE_STATES)})'
    if current == "closed" and new != "closed":
        return "a closed cycle is read-only and cannot be reopened"
    if CYCLE_STATES.index(new) < CYCLE_STATES.index(current):
        return f"a cycle cannot move back from {current} to {new}"
    return None


def key_result_errors(kind: str, baseline: float | None, target: float | None,
                      steps: Sequence[tuple[str, float]] = (), weight: float = 1.0,
                      prefix: str = "") -> list[FieldError]:
    """What is wrong with a key result's measurement definition."""
    p = f"{prefix}." if prefix else ""
    errors: list[FieldError] = []
    if kind not in KR_KINDS:
        expected = ", ".join(KR_KINDS)
        return [FieldError(f"{p}kind", f'unknown kind "{kind}" (expected one of {expected})')]
    if weight is None or weight <= 0:
        errors.append(FieldError(f"{p}weight", "must be greater than 0"))
    if kind in ("increase", "decrease"):
        if baseline is None:
            errors.append(FieldError(f"{p}baseline", f"an {kind} key result needs a baseline"))
        if target is None:
            errors.append(FieldError(f"{p}target", f"an {kind} key result needs a target"))
        if baseline is not None and target is not None:
            if kind == "increase" and not target > baseline:
                errors.append(FieldError(f"{p}target",
                                         f"must be above the baseline ({baseline:g}) "
                                         "for an increase"))
            if kind == "decrease" and not target < baseline:
                errors.append(FieldError(f"{p}target",
                                         f"must be below the baseline ({baseline:g}) "
                                         "for a decrease"))
    elif kind in ("stay_above", "stay_below"):
        if target is None:
            errors.append(FieldError(f"{p}target",
                                     f"a {kind} key result needs its threshold as target"))
    if kind == "milestone":
        if target is not None:
            errors.append(FieldError(f"{p}target", "a milestone key result has no numeric "
                                                   "target; change its steps instead"))
        if steps:
            keys = [k for k, _ in steps]
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                errors.append(FieldError(f"{p}steps", f"duplicate step ids: {', '.join(dupes)}"))
            for i, (_, w) in enumerate(steps):
                if w is None or w < 0:
                    errors.append(FieldError(f"{p}steps[{i}].weight", "must be 0 or more"))
            total = sum(w or 0 for _, w in steps)
            if abs(total - 1.0) > WEIGHT_TOLERANCE:
                errors.append(FieldError(f"{p}steps",
                                         f"step weights must sum to 1 (they sum to {total:g})"))
    elif steps:
        errors.append(FieldError(f"{p}steps", "only milestone key results have steps"))
    return errors


def checkin_errors(kind: str, value: float | None, confidence: int | None,
                   steps_done: Iterable[str], step_keys: Iterable[str],
                   prefix: str = "") -> list[FieldError]:
    """What is wrong with a check-in's reading for a key result of this kind."""
    p = f"{prefix}." if prefix else ""
    errors: list[FieldError] = []
    steps_done = list(steps_done or [])
    step_keys = set(step_keys or [])
    if confidence is not None and not (0 <= confidence <= 10):
        errors.append(FieldError(f"{p}confidence", "must be between 0 and 10"))
    if kind == "milestone":
        if step_keys:
            unknown = [s for s in steps_done if s not in step_keys]
            if unknown:
                errors.append(FieldError(f"{p}steps_done",
                                         f"unknown step {', '.join(map(str, unknown))} "
                                         f"(steps are {', '.join(sorted(step_keys))})"))
            if value is not None:
                errors.append(FieldError(f"{p}value", "a milestone with steps is checked in "
                                                      "with steps_done, not a value"))
        else:
            if steps_done:
                errors.append(FieldError(f"{p}steps_done", "this milestone has no steps"))
            if value is None or value not in (0, 1):
                errors.append(FieldError(f"{p}value", "a milestone without steps takes 1 (done) "
                                                      "or 0 (not done)"))
    else:
        if value is None:
            errors.append(FieldError(f"{p}value", "a number is required"))
        if steps_done:
            errors.append(FieldError(f"{p}steps_done", "only milestone key results have steps"))
    return errors


def checkin_date_error(day: dt.date, start: dt.date, end: dt.date) -> str | None:
    if day < start:
        return f"{day.isoformat()} is before the cycle starts ({start.isoformat()})"
    if day > end + dt.timedelta(days=CHECKIN_GRACE_DAYS):
        return f"{day.isoformat()} is after the cycle ended ({end.isoformat()})"
    return None
