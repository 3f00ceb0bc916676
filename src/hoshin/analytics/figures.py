"""Execution analytics as plain computation (SPEC §6): no Django, no database. The
selectors hand in aggregates counted by the database; nothing here needs a check-in row.

Confidence calibration. A check-in's confidence (0–10) is read as the probability, 0.0 to
1.0, that the key result reaches its target. Each graded key result either reached it or
not, so every check-in of it is one forecast with a known outcome. Over n forecasts p_i
with outcomes o_i ∈ {0, 1}:

    Brier score = (1/n) Σ (p_i − o_i)²        0 is perfect, 0.25 is always saying 50 %,
                                               1 is always certain and always wrong

Because confidence takes only eleven values, the score is exact from the count of
forecasts and of hits at each value: a bin (p, n, hits) adds hits·(p − 1)² + (n − hits)·p².
The reliability diagram plots, per value, the share that reached the target against p;
a calibrated team's dots lie on the diagonal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bin:
    confidence: int  # 0..10 as stated
    n: int           # forecasts (check-ins) at this confidence
    hits: int        # of them, on key results that reached their target

    @property
    def probability(self) -> float:
        return self.confidence / 10

    @property
    def observed(self) -> float | None:
        return self.hits / self.n if self.n else None


@dataclass(frozen=True)
class Calibration:
    bins: tuple[Bin, ...]
    n: int
    key_results: int
    brier: float | None
    # The Brier score of always forecasting the observed base rate: the bar to beat.
    reference: float | None
    base_rate: float | None

    @property
    def skill(self) -> float | None:
        """Brier skill score against the base rate: above 0 beats always saying it."""
        if self.brier is None or not self.reference:
            return None
        return 1 - self.brier / self.reference


def brier_score(forecasts: Iterable[tuple[float, int]]) -> float | None:
    """Mean squared difference between probabilities and outcomes (0 or 1)."""
    pairs = list(forecasts)
    if not pairs:
        return None
    return sum((p - o) ** 2 for p, o in pairs) / len(pairs)


def calibration(bins: Iterable[Bin], key_results: int) -> Calibration:
    kept = tuple(sorted((b for b in bins if b.n), key=lambda b: b.confidence))
    n = sum(b.n for b in kept)
    if not n:
        return Calibration(bins=(), n=0, key_results=key_results, brier=None, reference=None,
                           base_rate=None)
    squared = sum(b.hits * (b.probability - 1) ** 2 + (b.n - b.hits) * b.probability ** 2
                  for b in kept)
    hits = sum(b.hits for b in kept)
    base = hits / n
    return Calibration(bins=kept, n=n, key_results=key_results, brier=squared / n,
                       reference=base * (1 - base), base_rate=base)


# Check-in regularity -------------------------------------------------------------------

BANDS: tuple[tuple[float, float, str], ...] = (
    (0.0, 0.25, "under a quarter of the weeks"),
    (0.25, 0.5, "a quarter to half of the weeks"),
    (0.5, 0.75, "half to three quarters of the weeks"),
    (0.75, 1.0001, "three quarters of the weeks or more"),
)


@dataclass(frozen=True)
class KeyResultRecord:
    weeks_with_checkin: int
    weeks: int
    grade: float
    reached: bool
    key_result_id: int | None = None
    graded_at: object = None  # when the grade was given (a datetime), for the count

    @property
    def regularity(self) -> float:
        return min(1.0, self.weeks_with_checkin / self.weeks) if self.weeks else 0.0


@dataclass(frozen=True)
class Band:
    label: str
    low: float
    high: float
    n: int
    reached: int
    mean_grade: float | None
    # A 90 % Wilson interval on the share reached: small bands say little.
    interval: tuple[float, float] | None

    @property
    def reached_share(self) -> float | None:
        return self.reached / self.n if self.n else None


def wilson(successes: int, n: int, z: float = 1.645) -> tuple[float, float] | None:
    if not n:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # Rounding must not put the observed share outside its own interval.
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def band_of(regularity: float) -> int:
    """The index in BANDS of a share of weeks with a check-in."""
    for i, (low, high, _label) in enumerate(BANDS):
        if low <= regularity < high:
            return i
    return len(BANDS) - 1


@dataclass(frozen=True)
class BandTotal:
    """A band's key results added up: how many, how many reached, the sum of grades."""

    n: int = 0
    reached: int = 0
    grade_sum: float = 0.0

    def __add__(self, other: BandTotal) -> BandTotal:
        return BandTotal(self.n + other.n, self.reached + other.reached,
                         self.grade_sum + other.grade_sum)


def totals_of(records: Sequence[KeyResultRecord]) -> dict[int, BandTotal]:
    totals: dict[int, BandTotal] = {}
    for r in records:
        i = band_of(r.regularity)
        totals[i] = totals.get(i, BandTotal()) + BandTotal(1, int(r.reached), r.grade)
    return totals


def bands_from_totals(totals: dict[int, BandTotal]) -> list[Band]:
    bands = []
    for i, (low, high, label) in enumerate(BANDS):
        t = totals.get(i, BandTotal())
        bands.append(Band(label=label, low=low, high=min(high, 1.0), n=t.n, reached=t.reached,
                          mean_grade=t.grade_sum / t.n if t.n else None,
                          interval=wilson(t.reached, t.n)))
    return bands


def regularity_bands(records: Sequence[KeyResultRecord]) -> list[Band]:
    return bands_from_totals(totals_of(records))


def weeks_in(start, end) -> int:
    """The weeks (Monday to Sunday, as the database's week truncation counts them) that a
    cycle's days fall in."""
    monday = start.toordinal() - (start.isoweekday() - 1)
    return max(1, (end.toordinal() - monday) // 7 + 1)
