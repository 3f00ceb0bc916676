"""A key result's end-of-quarter grade, forecast from two things (pure: no Django).

1. **Its own trend**: the least-squares line through its check-ins (engine/forecast.fit),
   read at the quarter's last day as a share of the way from baseline to target, with the
   80 % prediction interval the key result's chart draws (okrs.chart_layout.forecast_values:
   the same formula, checked equal by a test).
2. **What similar key results ended at**: of the closed quarters' graded key results of the
   same kind that were about as far along (progress rounded to a tenth) at the same week
   of their quarter, the final grades (an empirical distribution with its size n). Their
   mean is the estimate; the 10th and 90th percentiles are the 80 % interval.

The forecast blends both, each weighted by how much it knows: the history by n / (n + 10)
(ten similar key results weigh as much as half of the total), the trend by k / (k + 3) for
k check-ins. Point and interval bounds are the same weighted means, so the interval always
holds the point. With fewer than MIN_SIMILAR similar key results the history is not used;
with no trend (fewer than two readings on different days, or a kind without a baseline and
target) the history alone forecasts.

Similar key results are found by widening step by step until there are MIN_SIMILAR:
the exact week and tenth, then the tenths either side, then the weeks either side.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hoshin.engine.forecast import fit

GRADES = 11  # 0.0, 0.1, ... 1.0
WEEKS = 13  # a quarter's weeks, counted from its first day: 0..12 (later days count as 12)
MIN_SIMILAR = 5
HISTORY_PRIOR = 10  # similar key results that weigh as much as the rest together
TREND_PRIOR = 3  # check-ins that weigh as much as the rest together
ON_TRACK_GRADE = 0.7  # the "on track" line: an aspirational key result's expected grade

# The key result chart's 80 % prediction interval (okrs/chart_layout.py): Student's t at
# 80 % two-sided by degrees of freedom, and the least doubt a trend is given.
_T80 = {1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397,
        9: 1.383, 10: 1.372, 15: 1.341, 20: 1.325, 30: 1.310}
TREND_DOUBT = 0.25
AXIS_DOUBT = 0.03

# (key result kind, week of the quarter, progress in tenths) -> final grades counted, by
# grade in tenths (a tuple of GRADES counts).
OutcomeTable = Mapping[tuple[str, int, int], Sequence[int]]


def week_of(start: dt.date, day: dt.date) -> int:
    """The week of the quarter `day` falls in, 0 for its first seven days."""
    return min(WEEKS - 1, max(0, (day - start).days // 7))


def tenth(share: float) -> int:
    """A progress or grade as whole tenths, 0..10 (clamped)."""
    return int(round(min(1.0, max(0.0, share)) * 10))


@dataclass(frozen=True)
class Estimate:
    grade: float
    low: float
    high: float


@dataclass(frozen=True)
class Similar:
    """What the similar key results ended at."""

    n: int
    counts: tuple[int, ...]  # by grade in tenths
    week: int
    progress: int  # tenths
    widened: str  # "" for an exact match; else what was widened ("progress ±0.1", ...)

    @property
    def mean(self) -> float:
        return sum(i * c for i, c in enumerate(self.counts)) / (10 * self.n)

    def quantile(self, q: float) -> float:
        """The grade below which a share q of them ended (lower empirical quantile)."""
        rank = max(1, math.ceil(q * self.n))
        seen = 0
        for i, c in enumerate(self.counts):
            seen += c
            if seen >= rank:
                return i / 10
        return 1.0

    def estimate(self) -> Estimate:
        mean = self.mean
        return Estimate(mean, min(mean, self.quantile(0.1)), max(mean, self.quantile(0.9)))


@dataclass(frozen=True)
class GradeForecast:
    grade: float  # 0.0-1.0, not rounded: a forecast, not a grade
    low: float  # 80 % interval
    high: float
    trend: Estimate | None
    similar: Similar | None
    history_weight: float  # the history's share of the blend, 0 without history
    checkins: int

    @property
    def below_on_track(self) -> bool:
        return self.high < ON_TRACK_GRADE - 1e-9


def similar_outcomes(table: OutcomeTable, kind: str, week: int, progress: int,
                     minimum: int = MIN_SIMILAR) -> Similar | None:
    """The final grades of key results like this one: same kind, same week, same tenth of
    progress; widened to the neighbouring tenths, then weeks, while fewer than `minimum`."""
    steps = (((0,), (0,), ""), ((0,), (-1, 0, 1), "progress ±0.1"),
             ((-1, 0, 1), (-1, 0, 1), "week ±1, progress ±0.1"))
    for weeks, tenths, widened in steps:
        counts = [0] * GRADES
        for dw in weeks:
            for dp in tenths:
                for i, c in enumerate(table.get((kind, week + dw, progress + dp), ())):
                    counts[i] += c
        n = sum(counts)
        if n >= minimum:
            return Similar(n, tuple(counts), week, progress, widened)
    return None


def _t80(df: int) -> float:
    for k in sorted(_T80):
        if df <= k:
            return _T80[k]
    return 1.282


def trend_estimate(points: Sequence[tuple[dt.date, float]], end: dt.date, baseline: float,
                   target: float) -> Estimate | None:
    """The trend's share of the way at `end` with its 80 % prediction interval, each
    clamped to 0-1 (a grade). None without a trend or once the last reading is at `end`."""
    if target == baseline:
        return None
    trend = fit(points)
    if trend is None:
        return None
    last_day, last_value = max(points, key=lambda r: r[0])
    if last_day >= end:
        return None
    n = len(points)
    xs = [(d - trend.origin).days for d, _ in points]
    mean_x = sum(xs) / n
    sxx = sum((x - mean_x) ** 2 for x in xs) or 1.0
    sse = sum((v - trend.value_on(d)) ** 2 for d, v in points)
    scatter = math.sqrt(sse / (n - 2)) if n > 2 else 0.0
    end_value = trend.value_on(end)
    x = (end - trend.origin).days
    stat = _t80(max(n - 2, 1)) * scatter * math.sqrt(1 + 1 / n + (x - mean_x) ** 2 / sxx)
    floor = TREND_DOUBT * abs(end_value - last_value) + AXIS_DOUBT * abs(target - baseline)
    half = max(stat, floor)

    def share(value: float) -> float:
        return min(1.0, max(0.0, (value - baseline) / (target - baseline)))

    low, high = sorted((share(end_value - half), share(end_value + half)))
    return Estimate(share(end_value), low, high)


def blend(trend: Estimate | None, similar: Similar | None, checkins: int) -> GradeForecast | None:
    """The forecast from the trend and the history (either may be missing)."""
    if similar is not None and similar.n < MIN_SIMILAR:
        similar = None
    if trend is None and similar is None:
        return None
    if similar is None:
        weight = 0.0
    elif trend is None:
        weight = 1.0
    else:
        h = similar.n / (similar.n + HISTORY_PRIOR)
        t = checkins / (checkins + TREND_PRIOR)
        weight = h / (h + t)
    parts = [(e, w) for e, w in ((similar.estimate() if similar else None, weight),
                                 (trend, 1 - weight)) if e is not None and w > 0]

    def mix(field: str) -> float:
        value = sum(getattr(e, field) * w for e, w in parts) / sum(w for _, w in parts)
        return min(1.0, max(0.0, value))

    grade = mix("grade")
    return GradeForecast(grade=grade, low=min(grade, mix("low")), high=max(grade, mix("high")),
                         trend=trend, similar=similar, history_weight=weight,
                         checkins=checkins)


def forecast(*, kind: str, start: dt.date, end: dt.date, today: dt.date,
             progress: float | None, points: Sequence[tuple[dt.date, float]],
             baseline: float | None, target: float | None,
             table: OutcomeTable) -> GradeForecast | None:
    """A key result's forecast as of `today`: `progress` is its progress now (by its latest
    check-in, engine.progress.kr_progress), `points` its check-ins' (date, value) within
    the quarter, `table` the closed quarters' outcomes (at least the rows of its kind)."""
    points = [(d, v) for d, v in points if start <= d <= min(today, end)]
    trend = None
    if kind in ("increase", "decrease") and baseline is not None and target is not None:
        trend = trend_estimate(points, end, baseline, target)
    similar = None
    if progress is not None:
        similar = similar_outcomes(table, kind, week_of(start, today), tenth(progress))
    return blend(trend, similar, len(points))


def describe(f: GradeForecast) -> str:
    """The forecast in a sentence, with its sample sizes."""
    parts = [f"Forecast grade {f.grade:.1f} (80 % interval {f.low:.1f}–{f.high:.1f})."]
    if f.trend is not None:
        parts.append(f"Its own trend over {f.checkins} check-in{'s' if f.checkins != 1 else ''}"
                     f" reaches {f.trend.grade:.1f} ({f.trend.low:.1f}–{f.trend.high:.1f}).")
    if f.similar is not None:
        s = f.similar
        parts.append(
            f"Of n = {s.n} key results of the same kind in closed quarters that were "
            f"{s.progress / 10:.0%} of the way in week {s.week + 1}"
            f"{f' ({s.widened})' if s.widened else ''}, the mean final grade was "
            f"{s.mean:.1f} (80 % between {s.quantile(0.1):.1f} and {s.quantile(0.9):.1f}); "
            f"the history weighs {f.history_weight:.0%} of the forecast.")
    else:
        parts.append(f"Fewer than {MIN_SIMILAR} similar key results in closed quarters: the "
                     f"trend alone.")
    return " ".join(parts)
