"""Execution analytics read from the database: every figure is an aggregate the database
counts (per key result or per confidence value), never a walk over check-in rows in
Python, so a page costs the same at 150 people as at 20,000."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncWeek

from hoshin.analytics import figures
from hoshin.analytics.models import (CycleTrend, GradedConfidence, GradedRecord,
                                     StoredForecast)
from hoshin.closing.grading import ASPIRATIONAL, COMMITTED
from hoshin.okrs.models import CheckIn, Cycle, KeyResult
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


def regularity(scope: Scope) -> tuple[list[figures.Band], int]:
    """Graded key results banded by the share of their quarter's weeks with a check-in,
    with the share that reached the target and the mean grade per band: the counted ones
    added up by the database, the rest counted live."""
    totals = figures.totals_of(regularity_records(not_counted(scope)))
    for row in (counted(scope).values("band")
                .annotate(n=Count("pk"), hits=Count("pk", filter=Q(reached=True)),
                          grades=Sum("grade")).order_by()):
        totals[row["band"]] = (totals.get(row["band"], figures.BandTotal())
                               + figures.BandTotal(row["n"], row["hits"], row["grades"]))
    return figures.bands_from_totals(totals), sum(t.n for t in totals.values())


def calibration(scope: Scope) -> figures.Calibration:
    """Stated confidence against outcome over every check-in of a graded key result made
    within its quarter: the counted key results' counts added up, the rest counted live."""
    bins: dict[int, list[int]] = {}
    live = not_counted(scope)
    for r in (confidence_counts(live)
              .annotate(n=Count("id"), hits=Count("id", filter=reached("key_result__")))
              .order_by()):
        bins.setdefault(r["confidence"], [0, 0])
        bins[r["confidence"]][0] += r["n"]
        bins[r["confidence"]][1] += r["hits"]
    stored = counted(scope)
    for r in (GradedConfidence.objects.filter(record__in=stored).values("confidence")
              .annotate(total=Sum("n"), hits=Sum("n", filter=Q(record__reached=True)))
              .order_by()):
        bins.setdefault(r["confidence"], [0, 0])
        bins[r["confidence"]][0] += r["total"]
        bins[r["confidence"]][1] += r["hits"] or 0
    key_results = (confidence_counts(live).values("key_result").distinct().count()
                   + GradedConfidence.objects.filter(record__in=stored)
                   .values("record").distinct().count())
    return figures.calibration([figures.Bin(confidence=c, n=n, hits=h)
                                for c, (n, h) in bins.items()], key_results)


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


def forecasts(scope: Scope, limit: int | None = None) -> tuple[list[StoredForecast], int]:
    """The running key results' stored grade forecasts in scope (refreshed after each
    check-in and nightly: services.refresh_forecasts), lowest first, at most `limit`, and
    how many there are."""
    key_results = scope.applied(KeyResult.objects.filter(archived_at__isnull=True))
    query = (StoredForecast.objects.filter(key_result__in=key_results.values("pk"))
             .select_related("key_result__objective__unit", "key_result__objective__cycle")
             .order_by("grade", "key_result__key"))
    total = query.count()
    rows = list(query[:limit] if limit is not None else query)
    return rows, total
