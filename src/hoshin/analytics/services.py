"""The one writer of execution analytics: each quarter's trend figures, the closed
quarters' outcomes of similar key results and the running key results' grade forecasts
(the nightly job runs all three; a check-in refreshes its key result's forecast)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Max, Q, Sum

from hoshin.analytics import figures, outcomes, selectors
from hoshin.analytics.models import (CycleTrend, GradedConfidence, GradedRecord, OutcomeCount,
                                     ScopeFigures, SimilarOutcome, StoredForecast)
from hoshin.analyzer import report
from hoshin.core import clock, events
from hoshin.core.history import service
from hoshin.engine import grade_forecast
from hoshin.okrs.models import Cycle, KeyResult, Objective, TradeOff
from hoshin.okrs.progress import active_key_results
from hoshin.org import permissions
from hoshin.org.models import Person, Unit
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
    # Grades given from a little before this count on are added live by the pages (a
    # grade committed while the count runs is then never missed); adding up one too many
    # live costs nothing but a query.
    as_of = clock.now() - SUMS_MARGIN
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
    add_up_scopes(as_of)
    return len(stale)


SUMS_MARGIN = dt.timedelta(minutes=5)


def add_up_scopes(as_of: dt.datetime) -> int:
    """ScopeFigures: the counted records added up per unit and quarter by the database,
    then carried up the unit tree in Python (a unit's row holds its whole subtree; the row
    with no unit the whole organisation, the row with no quarter every quarter). Every
    record of a graded, unarchived key result is in the sums, current or not: the pages
    take out the earlier record of whatever was graded again after `as_of`. Returns the
    rows written."""
    records = GradedRecord.objects.filter(
        key_result__in=selectors.graded_key_results(selectors.Scope()).values("pk"))
    unit, cycle = "key_result__objective__unit_id", "key_result__objective__cycle_id"
    own: dict[tuple[int, int], selectors.Totals] = {}

    def at(key: tuple[int, int]) -> selectors.Totals:
        return own.setdefault(key, selectors.Totals())

    for row in (records.values(unit, cycle, "band")
                .annotate(n=Count("pk"), hits=Count("pk", filter=Q(reached=True)),
                          grades=Sum("grade")).order_by()):
        at((row[unit], row[cycle])).add_band(
            row["band"], figures.BandTotal(row["n"], row["hits"], row["grades"] or 0.0))
    confidences = GradedConfidence.objects.filter(record__in=records)
    u, c = "record__" + unit, "record__" + cycle
    for row in (confidences.values(u, c, "confidence")
                .annotate(total=Sum("n"), hits=Sum("n", filter=Q(record__reached=True)))
                .order_by()):
        at((row[u], row[c])).add_bin(row["confidence"], row["total"], row["hits"] or 0)
    for row in (confidences.values(u, c).annotate(k=Count("record", distinct=True))
                .order_by()):
        at((row[u], row[c])).key_results += row["k"]
    parent = dict(Unit.objects.values_list("id", "parent_id"))
    scopes: dict[tuple[int | None, int | None], selectors.Totals] = {(None, None):
                                                                     selectors.Totals()}
    for (unit_id, cycle_id), figures_of in own.items():
        chain, seen = [], set()
        step = unit_id
        while step is not None and step not in seen:
            seen.add(step)
            chain.append(step)
            step = parent.get(step)
        for held_by in (*chain, None):
            for quarter in (cycle_id, None):
                target = scopes.setdefault((held_by, quarter), selectors.Totals())
                for band, total in figures_of.bands.items():
                    target.add_band(band, total)
                for confidence, (n, hits) in figures_of.bins.items():
                    target.add_bin(confidence, n, hits)
                target.key_results += figures_of.key_results
    ScopeFigures.objects.all().delete()
    count = GradedRecord.objects.count()
    ScopeFigures.objects.bulk_create([
        ScopeFigures(unit_id=unit_id, cycle_id=cycle_id,
                     bands={str(b): [t.n, t.reached, t.grade_sum] for b, t in totals.bands.items()},
                     bins={str(k): pair for k, pair in totals.bins.items()},
                     key_results=totals.key_results, as_of=as_of, records=count)
        for (unit_id, cycle_id), totals in scopes.items()], batch_size=2000)
    return len(scopes)


@service
def nightly(actor: Person | None) -> None:
    """What the pages read and nobody could afford per request: the trends, the graded
    key results' figures, the history of similar key results, then the forecasts."""
    refresh_trends(actor)
    count_graded(actor)
    count_outcomes(actor)
    refresh_forecasts(actor)
