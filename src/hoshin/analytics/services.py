"""The one writer of execution analytics: each quarter's trend figures, the closed
quarters' outcomes of similar key results and the running key results' grade forecasts
(the nightly job runs all three; a check-in refreshes its key result's forecast)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Max, Q

from hoshin.analytics import figures, outcomes, selectors
from hoshin.analytics.models import (CycleTrend, GradedConfidence, GradedRecord, OutcomeCount,
                                     SimilarOutcome, StoredForecast)
from hoshin.analyzer import report
from hoshin.core import clock, events
from hoshin.core.history import service
from hoshin.engine import grade_forecast
from hoshin.okrs.models import Cycle, KeyResult, Objective, TradeOff
from hoshin.okrs.progress import active_key_results
from hoshin.org import permissions
from hoshin.org.models import Person
from hoshin.reviews.models import Decision, Review

COUNTED_FINDINGS = ("orphan-objective", "output-kr")


def count_trend(cycle: Cycle) -> dict:
    objectives = Objective.objects.filter(cycle=cycle, archived_at__isnull=True)
    findings = Counter(f.code for f in report.check(cycle.key, codes=set(COUNTED_FINDINGS))
                       .findings)
    held = Review.objects.filter(cycle=cycle, state=Review.State.CLOSED)
    with_decisions = held.annotate(n=Count("items__decision")).filter(n__gt=0).count()
    return {
        "objectives": objectives.count(),
        "key_results": KeyResult.objects.filter(objective__cycle=cycle,
                                                archived_at__isnull=True).count(),
        "orphan_objectives": findings["orphan-objective"],
        "output_key_results": findings["output-kr"],
        "reviews_held": held.count(),
        "reviews_with_decisions": with_decisions,
        "decisions": Decision.objects.filter(item__review__cycle=cycle,
                                             item__review__state=Review.State.CLOSED).count(),
        "trade_offs": TradeOff.objects.filter(cycle=cycle).count(),
    }


@service
def refresh_trends(actor: Person | None, *, cycles=None) -> list[CycleTrend]:
    """Count the trend figures of every quarter (or of `cycles`) now."""
    query = Cycle.objects.filter(kind=Cycle.Kind.QUARTER).order_by("start")
    if cycles is not None:
        query = query.filter(Q(pk__in=[c.pk for c in cycles]))
    counted = []
    for cycle in query:
        trend, _ = CycleTrend.objects.update_or_create(
            cycle=cycle, defaults={**count_trend(cycle), "counted_at": clock.now()})
        counted.append(trend)
    return counted


# The history of similar key results ------------------------------------------------------


def _stale_quarters() -> list[Cycle]:
    """Closed quarters not counted yet, or with a grade given since they were counted."""
    closed = (Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.CLOSED)
              .annotate(last_graded=Max("objectives__key_results__grade__graded_at"))
              .select_related("outcome_count").order_by("start"))
    stale = []
    for cycle in closed:
        counted = getattr(cycle, "outcome_count", None)
        if counted is None or (cycle.last_graded and cycle.last_graded > counted.counted_at):
            stale.append(cycle)
    return stale


@service
def count_outcomes(actor: Person | None, *, cycles=None) -> int:
    """Count, for each closed quarter (or `cycles`) whose grades changed since last time,
    its graded key results' progress at the end of each week against the grade they ended
    with (SimilarOutcome). Returns the key results counted."""
    permissions.require(actor is None or permissions.can_edit_strategy(actor),
                        "count the history of similar key results")
    todo = _stale_quarters() if cycles is None else list(cycles)
    counted = 0
    for cycle in todo:
        krs = list(KeyResult.objects.filter(
            objective__cycle=cycle, archived_at__isnull=True, grade__isnull=False,
            objective__archived_at__isnull=True, kind__in=outcomes.FORECAST_KINDS)
            .values_list("pk", "kind", "baseline", "target", "grade__grade"))
        readings, steps = outcomes.readings_of([k[0] for k in krs], cycle.start, cycle.end)
        total: Counter = Counter()
        for pk, kind, baseline, target, grade in krs:
            total.update(outcomes.weekly_outcomes(kind, baseline, target, cycle.start,
                                                  cycle.end, grade, readings.get(pk, ()),
                                                  steps.get(pk, ())))
        SimilarOutcome.objects.filter(cycle=cycle).delete()
        SimilarOutcome.objects.bulk_create(
            [SimilarOutcome(cycle=cycle, kind=kind, week=week, progress=progress, grade=grade,
                            n=n) for (kind, week, progress, grade), n in total.items()],
            batch_size=2000)
        OutcomeCount.objects.update_or_create(
            cycle=cycle, defaults={"key_results": len(krs), "counted_at": clock.now()})
        counted += len(krs)
    return counted


# Forecasts of running key results ---------------------------------------------------------


def _stored(kr_id: int, f: grade_forecast.GradeForecast, today: dt.date) -> StoredForecast:
    return StoredForecast(
        key_result_id=kr_id, grade=f.grade, low=f.low, high=f.high,
        trend_grade=f.trend.grade if f.trend else None,
        trend_low=f.trend.low if f.trend else None,
        trend_high=f.trend.high if f.trend else None, checkins=f.checkins,
        similar=f.similar.n if f.similar else 0,
        similar_grade=f.similar.mean if f.similar else None,
        history_weight=f.history_weight, explanation=grade_forecast.describe(f), as_of=today)


@service
def refresh_forecasts(actor: Person | None, *, today: dt.date | None = None,
                      key_results=None) -> int:
    """Forecast the grade of every running key result (or of `key_results`) as of `today`
    and store it; forecasts of key results no longer running are removed. Returns how many
    forecasts are stored."""
    permissions.require(actor is None or permissions.can_edit_strategy(actor),
                        "refresh the grade forecasts")
    today = today or clock.today()
    query = active_key_results(today).filter(kind__in=outcomes.FORECAST_KINDS)
    if key_results is not None:
        query = query.filter(pk__in=[getattr(k, "pk", k) for k in key_results])
    krs = list(query.select_related("objective__cycle"))
    table = outcomes.table({kr.kind for kr in krs})
    rows = []
    for start in range(0, len(krs), outcomes.CHUNK):
        chunk = krs[start:start + outcomes.CHUNK]
        readings, steps = outcomes.readings_of([kr.pk for kr in chunk])
        for kr in chunk:
            f = outcomes.forecast_for(kr, today, readings.get(kr.pk, ()),
                                      steps.get(kr.pk, ()), table)
            if f is not None:
                rows.append(_stored(kr.pk, f, today))
    if key_results is None:
        StoredForecast.objects.all().delete()
    else:
        StoredForecast.objects.filter(key_result_id__in=[getattr(k, "pk", k)
                                                         for k in key_results]).delete()
    StoredForecast.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def refresh_after_checkin(event: events.CheckInRecorded) -> None:
    """A check-in moves its key result's forecast (subscribed after commit in apps.py: the
    check-in does not wait for it)."""
    refresh_forecasts(None, today=event.today, key_results=[event.key_result.pk])


# Graded key results' regularity and calibration figures ----------------------------------


@service
def count_graded(actor: Person | None) -> int:
    """Count the figures of every graded key result not counted since its grade was given
    (GradedRecord: weeks with a check-in, band, grade, reached; GradedConfidence: its
    check-ins by stated confidence). Returns how many were counted."""
    permissions.require(actor is None or permissions.can_edit_strategy(actor),
                        "count the graded key results")
    stale = list(selectors.not_counted(selectors.Scope()).values_list("pk", flat=True))
    for start in range(0, len(stale), outcomes.CHUNK):
        chunk = stale[start:start + outcomes.CHUNK]
        key_results = KeyResult.objects.filter(pk__in=chunk)
        records = selectors.regularity_records(key_results)
        GradedRecord.objects.filter(key_result_id__in=chunk).delete()
        made = GradedRecord.objects.bulk_create([
            GradedRecord(key_result_id=r.key_result_id, weeks_with_checkin=r.weeks_with_checkin,
                         weeks=r.weeks, band=figures.band_of(r.regularity), grade=r.grade,
                         reached=r.reached, graded_at=r.graded_at) for r in records],
            batch_size=2000)
        record_of = {r.key_result_id: r.pk for r in made}
        GradedConfidence.objects.bulk_create([
            GradedConfidence(record_id=record_of[row["key_result"]],
                             confidence=row["confidence"], n=row["n"])
            for row in selectors.confidence_counts(key_results).values("key_result",
                                                                       "confidence")
            .annotate(n=Count("id")).order_by()], batch_size=2000)
    return len(stale)


@service
def nightly(actor: Person | None) -> None:
    """What the pages read and nobody could afford per request: the trends, the graded
    key results' figures, the history of similar key results, then the forecasts."""
    refresh_trends(actor)
    count_graded(actor)
    count_outcomes(actor)
    refresh_forecasts(actor)
