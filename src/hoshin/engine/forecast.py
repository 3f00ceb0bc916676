"""Where a key result is heading: a least-squares line through its check-ins, projected
to the end of the cycle (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Trend:
    slope_per_day: float
    intercept: float  # the fitted value on `origin`
    origin: dt.date
    points: int

    def value_on(self, day: dt.date) -> float:
        return self.intercept + self.slope_per_day * (day - self.origin).days


def fit(points: Sequence[tuple[dt.date, float]]) -> Trend | None:
    """Ordinary least squares of value over days. None with fewer than two distinct days
    (a line through one day says nothing about the direction)."""
    if len({d for d, _ in points}) < 2:
        return None
    origin = min(d for d, _ in points)
    xs = [(d - origin).days for d, _ in points]
    ys = [v for _, v in points]
    n = len(points)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return Trend(slope, mean_y - slope * mean_x, origin, n)


def project(points: Sequence[tuple[dt.date, float]], end: dt.date) -> float | None:
    trend = fit(points)
    return None if trend is None else trend.value_on(end)
