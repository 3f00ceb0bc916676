"""Reading what the grade forecast needs from the database (engine/grade_forecast.py does
the arithmetic): the closed quarters' outcomes of similar key results, each key result's
progress week by week, and the forecasts of running key results.

Every read here is one query per chunk of key results, never one per key result; the
walk over check-ins happens only in the nightly count (a closed quarter once, then again
only when one of its grades changes) and for the key results whose forecast is asked
for."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Sum

from hoshin.analytics.models import SimilarOutcome
from hoshin.engine import grade_forecast
from hoshin.engine.flags import Reading, snapshot_for
from hoshin.engine.progress import STAY_KINDS, kr_progress
from hoshin.engine.types import Step
from hoshin.okrs.models import CheckIn, KeyResult, MilestoneStep

# Their progress is the share of check-ins inside a zone, not a way travelled: no trend and
# no "as far along as" to compare.
FORECAST_KINDS = tuple(k.value for k in KeyResult.Kind if k.value not in STAY_KINDS)
CHUNK = 2000


def table(kinds: Iterable[str]) -> grade_forecast.OutcomeTable:
    """{(kind, week, progress tenths): counts by grade tenths} over every counted quarter,
    for these kinds: one aggregate query (registered with core.outcomes for flags)."""
    out: dict[tuple[str, int, int], list[int]] = {}
    rows = (SimilarOutcome.objects.filter(kind__in=list(set(kinds)))
            .values("kind", "week", "progress", "grade").annotate(total=Sum("n"))
            .order_by())
    for r in rows:
        counts = out.setdefault((r["kind"], r["week"], r["progress"]), [0] * grade_forecast.GRADES)
        counts[r["grade"]] += r["total"]
    return out


def _chunks(ids: Sequence[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def readings_of(kr_ids: Sequence[int], start: dt.date | None = None,
                end: dt.date | None = None) -> tuple[dict[int, list[Reading]], dict[int, list[Step]]]:
    """Each key result's check-ins (in date order) and milestone steps, chunked."""
    readings: dict[int, list[Reading]] = defaultdict(list)
    steps: dict[int, list[Step]] = defaultdict(list)
    for chunk in _chunks(list(kr_ids)):
        query = CheckIn.objects.filter(key_result_id__in=chunk)
        if start is not None:
            query = query.filter(date__gte=start, date__lte=end)
        for kr_id, day, value, confidence, steps_done in (
                query.order_by("key_result_id", "date", "id")
                .values_list("key_result_id", "date", "value", "confidence", "steps_done")
                .iterator(chunk_size=5000)):
            readings[kr_id].append(Reading(day, value, confidence, "",
                                           frozenset(steps_done or ())))
        for kr_id, key, weight in MilestoneStep.objects.filter(
                key_result_id__in=chunk).values_list("key_result_id", "key", "weight"):
            steps[kr_id].append(Step(key, weight))
    return readings, steps


def progress_now(kind: str, baseline, target, readings: Sequence[Reading],
                 steps: Sequence[Step]) -> float | None:
    if not readings or kind in STAY_KINDS:
        return None
    return kr_progress(snapshot_for(kind, baseline, target, readings, steps))


def weekly_outcomes(kind: str, baseline, target, start: dt.date, end: dt.date, grade: float,
                    readings: Sequence[Reading], steps: Sequence[Step]) -> Counter:
    """(kind, week, progress tenths, grade tenths) for each week of the quarter by whose
    end the key result had a check-in: its progress then, and the grade it ended with."""
    counts: Counter = Counter()
    inside = [r for r in readings if start <= r.date <= end]
    i = 0
    for week in range(grade_forecast.WEEKS):
        week_end = min(end, start + dt.timedelta(days=7 * week + 6))
        while i < len(inside) and inside[i].date <= week_end:
            i += 1
        progress = progress_now(kind, baseline, target, inside[:i], steps)
        if progress is not None:
            counts[(kind, week, grade_forecast.tenth(progress),
                    grade_forecast.tenth(grade))] += 1
        if week_end >= end:
            break
    return counts


def forecast_for(kr: KeyResult, today: dt.date, readings: Sequence[Reading],
                 steps: Sequence[Step],
                 outcomes: grade_forecast.OutcomeTable) -> grade_forecast.GradeForecast | None:
    """One running key result's forecast (its objective's cycle selected)."""
    if kr.kind not in FORECAST_KINDS:
        return None
    cycle = kr.objective.cycle
    inside = [r for r in readings if cycle.start <= r.date <= min(today, cycle.end)]
    return grade_forecast.forecast(
        kind=kr.kind, start=cycle.start, end=cycle.end, today=today,
        progress=progress_now(kr.kind, kr.baseline, kr.target, inside, steps),
        points=[(r.date, r.value) for r in inside if r.value is not None],
        baseline=kr.baseline, target=kr.target, table=outcomes)
