"""Execution analytics read from the database: every figure is an aggregate the database
counts (per key result or per confidence value), never a walk over check-in rows in
Python, so a page costs the same at 150 people as at 20,000."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncWeek

from hoshin.analytics import figures
from hoshin.analytics.models import (CycleTrend, GradedConfidence, GradedRecord,
                                     ScopeFigures, StoredForecast)
from hoshin.closing.grading import ASPIRATIONAL, COMMITTED
from hoshin.okrs.models import CheckIn, Cycle, KeyResult, Objective
from hoshin.org.models import Person, Unit
from hoshin.org.selectors import subtree_ids

# Grades are tenths; a little below the line, so a stored 0.7 is never read as 0.6999….
_EPSILON = 5e-5
REACHED_AT = {COMMITTED: 1.0, ASPIRATIONAL: 0.7}


@dataclass(frozen=True)
class Scope:
    """Whose key results a figure covers: a unit's subtree, one quarter, one owner."""

    unit: Unit | None = None
    cycle: Cycle | None = None
    person: Person | None = None

    def applied(self, key_results: QuerySet) -> QuerySet:
        """`key_results` narrowed to the scope."""
        if self.unit is not None:
            key_results = key_results.filter(objective__unit_id__in=subtree_ids(self.unit))
        if self.cycle is not None:
            key_results = key_results.filter(objective__cycle=self.cycle)
        if self.person is not None:
            key_results = key_results.filter(owner=self.person)
        return key_results

    def words(self) -> str:
        parts = [self.unit.name if self.unit else "the whole organisation"]
        if self.cycle:
            parts.append(self.cycle.key)
        if self.person:
            parts.append(f"key results owned by {self.person.name or 'this person'}")
        return ", ".join(parts)


def reached(prefix: str = "") -> Q:
    """A graded key result reached its target: a committed one graded 1.0, an aspirational
    one 0.7 (the grade an aspirational objective is written to expect)."""
    return (Q(**{f"{prefix}objective__kind": COMMITTED,
                 f"{prefix}grade__grade__gte": REACHED_AT[COMMITTED] - _EPSILON})
            | Q(**{f"{prefix}objective__kind": ASPIRATIONAL,
                   f"{prefix}grade__grade__gte": REACHED_AT[ASPIRATIONAL] - _EPSILON}))


def graded_key_results(scope: Scope) -> QuerySet:
    query = KeyResult.objects.filter(grade__isnull=False, archived_at__isnull=True)
    query = scope.applied(query)
    return query


def counted(scope: Scope) -> QuerySet:
    """The graded key results in scope whose figures are counted (GradedRecord, nightly)
    and still hold: counted with the grade they have now."""
    return GradedRecord.objects.filter(
        key_result__in=graded_key_results(scope).values("pk"),
        graded_at=F("key_result__grade__graded_at"))


def not_counted(scope: Scope) -> QuerySet:
    """The graded key results in scope that the pages count live: graded since the last
    nightly count (usually none)."""
    return graded_key_results(scope).exclude(
        pk__in=counted(scope).values("key_result_id"))


def regularity_records(key_results: QuerySet) -> list[figures.KeyResultRecord]:
    """Each key result's weeks with a check-in within its quarter, counted by the
    database (one row per key result)."""
    in_cycle = Q(checkins__date__gte=F("objective__cycle__start"),
                 checkins__date__lte=F("objective__cycle__end"))
    rows = (key_results
            .annotate(weeks_with=Count(TruncWeek("checkins__date"), distinct=True,
                                       filter=in_cycle),
                      hit=Case(When(reached(), then=Value(True)), default=Value(False),
                               output_field=BooleanField()))
            .values_list("pk", "weeks_with", "objective__cycle__start", "objective__cycle__end",
                         "grade__grade", "hit", "grade__graded_at"))
    return [figures.KeyResultRecord(weeks_with_checkin=weeks,
                                    weeks=figures.weeks_in(start, end), grade=grade,
                                    reached=bool(hit), key_result_id=pk, graded_at=graded_at)
            for pk, weeks, start, end, grade, hit, graded_at in rows]


def confidence_counts(key_results: QuerySet) -> QuerySet:
    """(key result, confidence, n, hit) of the check-ins within their quarter that stated a
    confidence, counted by the database."""
    return (CheckIn.objects.filter(
        key_result__in=key_results, confidence__isnull=False,
        date__gte=F("key_result__objective__cycle__start"),
        date__lte=F("key_result__objective__cycle__end"))
        .values("confidence"))


@dataclass
class Totals:
    """Regularity and calibration of a scope added up: per band (key results, reached, sum
    of grades), per stated confidence (check-ins, hits), and the key results with a
    stated confidence."""

    bands: dict[int, figures.BandTotal] = field(default_factory=dict)
    bins: dict[int, list[int]] = field(default_factory=dict)
    key_results: int = 0

    def add_band(self, band: int, total: figures.BandTotal) -> None:
        self.bands[band] = self.bands.get(band, figures.BandTotal()) + total

    def add_bin(self, confidence: int, n: int, hits: int) -> None:
        pair = self.bins.setdefault(confidence, [0, 0])
        pair[0] += n
        pair[1] += hits


def _add_live(totals: Totals, live: QuerySet) -> None:
    """The key results of `live` counted from their check-ins (few: graded since the count)."""
    for band, total in figures.totals_of(regularity_records(live)).items():
        totals.add_band(band, total)
    for r in (confidence_counts(live)
              .annotate(n=Count("id"), hits=Count("id", filter=reached("key_result__")))
              .order_by()):
        totals.add_bin(r["confidence"], r["n"], r["hits"])
    totals.key_results += confidence_counts(live).values("key_result").distinct().count()


def _add_records(totals: Totals, records: QuerySet, sign: int = 1) -> None:
    """The counted records' figures added up by the database (subtracted with sign -1)."""
    for row in (records.values("band")
                .annotate(n=Count("pk"), hits=Count("pk", filter=Q(reached=True)),
                          grades=Sum("grade")).order_by()):
        totals.add_band(row["band"], figures.BandTotal(sign * row["n"], sign * row["hits"],
                                                       sign * (row["grades"] or 0.0)))
    confidences = GradedConfidence.objects.filter(record__in=records)
    for r in (confidences.values("confidence")
              .annotate(total=Sum("n"), hits=Sum("n", filter=Q(record__reached=True)))
              .order_by()):
        totals.add_bin(r["confidence"], sign * r["total"], sign * (r["hits"] or 0))
    totals.key_results += sign * confidences.values("record").distinct().count()


def totals_per_record(scope: Scope) -> Totals:
    """The scope's figures from a row per graded key result: the counted records added
    up by the database, the key results graded since counted live. Grows with the
    organisation; the pages read `stored_totals` and come here only when those cannot be
    trusted (and for one person's figures, which are few)."""
    totals = Totals()
    _add_live(totals, not_counted(scope))
    _add_records(totals, counted(scope))
    return totals


def stored_totals(scope: Scope) -> Totals | None:
    """The scope's figures from its one ScopeFigures row (added up by count_graded), with
    the key results graded or graded again since added live and their earlier records
    taken out; None when the row cannot be trusted: never added up, key results deleted,
    or a graded key result, its objective or any unit changed since (moved, archived,
    re-parented), which the sums by unit and quarter cannot follow."""
    if scope.person is not None:
        return None
    marker = ScopeFigures.objects.filter(unit__isnull=True, cycle__isnull=True).first()
    if marker is None:
        return None
    since = marker.as_of
    # Each test reads one table for its rows changed since (no join over every key result).
    if (GradedRecord.objects.count() != marker.records
            or Unit.objects.filter(updated_at__gt=since).exists()
            or KeyResult.objects.filter(updated_at__gt=since, grade__isnull=False).exists()
            or Objective.objects.filter(updated_at__gt=since,
                                        key_results__grade__isnull=False).exists()):
        return None
    row = marker
    if scope.unit is not None or scope.cycle is not None:
        row = ScopeFigures.objects.filter(
            **({"unit": scope.unit} if scope.unit else {"unit__isnull": True}),
            **({"cycle": scope.cycle} if scope.cycle else {"cycle__isnull": True})).first()
    totals = Totals()
    if row is not None:
        for band, (n, hits, grades) in row.bands.items():
            totals.add_band(int(band), figures.BandTotal(n, hits, grades))
        for confidence, (n, hits) in row.bins.items():
            totals.add_bin(int(confidence), n, hits)
        totals.key_results = row.key_results
    # Graded since the sums were made: its earlier record (a grade given again) comes out,
    # and unless its record is current it is counted live.
    recent = scope.applied(KeyResult.objects.filter(
        grade__graded_at__gt=since, archived_at__isnull=True))
    if recent.exists():
        records = GradedRecord.objects.filter(key_result__in=recent.values("pk"))
        _add_records(totals, records.exclude(graded_at=F("key_result__grade__graded_at")), -1)
        _add_live(totals, recent.exclude(pk__in=records.filter(
            graded_at=F("key_result__grade__graded_at")).values("key_result_id")))
    return totals


def totals(scope: Scope) -> Totals:
    stored = stored_totals(scope)
    return stored if stored is not None else totals_per_record(scope)


def regularity(scope: Scope, added: Totals | None = None) -> tuple[list[figures.Band], int]:
    """Graded key results banded by the share of their quarter's weeks with a check-in,
    with the share that reached the target and the mean grade per band."""
    added = added or totals(scope)
    bands = {band: t for band, t in added.bands.items() if t.n}
    return figures.bands_from_totals(bands), sum(t.n for t in bands.values())


def calibration(scope: Scope, added: Totals | None = None) -> figures.Calibration:
    """Stated confidence against outcome over every check-in of a graded key result made
    within its quarter."""
    added = added or totals(scope)
    return figures.calibration([figures.Bin(confidence=c, n=n, hits=h)
                                for c, (n, h) in added.bins.items()], added.key_results)


def trends() -> tuple[list[CycleTrend], list[Cycle]]:
    """The counted quarters in order, and the quarters not counted yet (organisation-wide:
    the analyzer's findings and the reviews are the organisation's)."""
    # A quarter still in draft has no plan to speak of yet: its zeros are not a trend.
    counted = list(CycleTrend.objects.select_related("cycle")
                   .filter(cycle__kind=Cycle.Kind.QUARTER)
                   .exclude(cycle__state=Cycle.State.DRAFT).order_by("cycle__start"))
    done = {t.cycle_id for t in counted}
    missing = list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER)
                   .exclude(state=Cycle.State.DRAFT).exclude(pk__in=done).order_by("start"))
    return counted, missing


def forecast_query(scope: Scope):
    """The running key results' stored grade forecasts in scope (refreshed after each
    check-in and nightly: services.refresh_forecasts), lowest first."""
    # Joined rather than "key result in (subquery)": the database walks the forecasts in
    # grade order and stops at a page's end instead of matching every key result first.
    query = StoredForecast.objects.filter(key_result__archived_at__isnull=True)
    if scope.unit is not None:
        query = query.filter(key_result__objective__unit_id__in=subtree_ids(scope.unit))
    if scope.cycle is not None:
        query = query.filter(key_result__objective__cycle=scope.cycle)
    if scope.person is not None:
        query = query.filter(key_result__owner=scope.person)
    return (query.select_related("key_result__objective__unit", "key_result__objective__cycle")
            .order_by("grade", "key_result__key"))


def forecasts(scope: Scope, limit: int | None = None) -> tuple[list[StoredForecast], int]:
    """The forecasts of `forecast_query`, at most `limit`, and how many there are."""
    query = forecast_query(scope)
    total = query.count()
    rows = list(query[:limit] if limit is not None else query)
    return rows, total
