"""Flow metrics of initiatives (SPEC §5, issue #14 item 2), as plain computation: no Django,
no database. The selectors hand in each initiative's status history as dated changes.

Definitions, chosen so the figures add up:

* **Work in progress (WIP)** on a day: the initiatives whose status at the end of that day
  is in progress or blocked (started, not finished; blocked work still holds people).
* **Started**: the first day an initiative's status became in progress. **Finished**: the
  first day it became done after that. An initiative done without ever being in progress
  counts in the throughput but has no cycle time.
* **Cycle time**: days from started to finished (elapsed days: started and finished on the
  same day is 0).
* **Throughput**: initiatives finished within the window (per week: that count over the
  window's weeks).
* **Little's law**: over a window, average WIP = departures per day × average time in WIP.
  Work leaves WIP done or cancelled (or archived), so the law counts every departure of
  a started initiative and its days from start to departure; with nothing cancelled these
  are the throughput and the cycle time. With WIP counted at the end of each day, an
  initiative adds exactly its days in WIP to the sum of the daily WIP, so both sides are
  equal when every initiative in the window started and left inside it; work already
  running at the start or still running at the end makes them differ, and that difference
  is shown, not hidden.
* **Cumulative flow**: for each day, how many of the window's initiatives were done,
  cancelled, blocked, in progress and not started. The window's initiatives are those
  that existed by its end and were not already finished (done, cancelled or archived)
  before it began.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

NOT_STARTED, IN_PROGRESS, BLOCKED, DONE, CANCELLED = (
    "not_started", "in_progress", "blocked", "done", "cancelled")
# An archived or deleted initiative leaves the flow without being finished.
GONE = "gone"
WIP_STATUSES = frozenset({IN_PROGRESS, BLOCKED})
FINISHED = frozenset({DONE, CANCELLED, GONE})
# Bottom to top in the cumulative flow chart: what is finished lies at the bottom.
BANDS: tuple[str, ...] = (DONE, CANCELLED, BLOCKED, IN_PROGRESS, NOT_STARTED)
# Little's law's two sides are called consistent within this relative difference.
LITTLE_TOLERANCE = 0.2


@dataclass(frozen=True)
class Change:
    day: dt.date
    status: str  # the status from this day on (GONE once archived)


@dataclass
class Timeline:
    """An initiative's status changes; read its figures once the changes are all in."""

    key: str
    changes: list[Change]  # in the order they happened (several on a day: the last wins)

    def status_on(self, day: dt.date) -> str | None:
        """The status at the end of `day`; None before the initiative existed."""
        status = None
        for change in self.changes:
            if change.day > day:
                break
            status = change.status
        return status

    @cached_property
    def started(self) -> dt.date | None:
        return next((c.day for c in self.changes if c.status == IN_PROGRESS), None)

    @cached_property
    def finished(self) -> dt.date | None:
        """The first day done after it started (or done at all, when it never started)."""
        start = self.started
        return next((c.day for c in self.changes
                     if c.status == DONE and (start is None or c.day >= start)), None)

    @cached_property
    def left(self) -> dt.date | None:
        """The first day after it started that it was done, cancelled or archived."""
        start = self.started
        if start is None:
            return None
        seen_start = False
        for c in self.changes:
            if c.status == IN_PROGRESS:
                seen_start = True
            elif seen_start and c.status in FINISHED:
                return c.day
        return None

    @cached_property
    def time_in_wip(self) -> int | None:
        start, end = self.started, self.left
        return (end - start).days if start is not None and end is not None else None

    @cached_property
    def cycle_time(self) -> int | None:
        start, end = self.started, self.finished
        return (end - start).days if start is not None and end is not None else None


@dataclass(frozen=True)
class Figure:
    """A figure with the number of observations it rests on."""

    value: float | None
    n: int


@dataclass
class Little:
    average_wip: float
    departures_per_day: float     # started initiatives that left WIP in the window, a day
    average_time_in_wip: float | None
    departures: int
    wip_at_start: int
    wip_at_end: int

    @property
    def predicted_wip(self) -> float | None:
        if self.average_time_in_wip is None:
            return None
        return self.departures_per_day * self.average_time_in_wip

    @property
    def ratio(self) -> float | None:
        """average WIP / (throughput × cycle time): 1 when the two sides agree."""
        predicted = self.predicted_wip
        if not predicted:
            return None
        return self.average_wip / predicted

    @property
    def consistent(self) -> bool | None:
        ratio = self.ratio
        if ratio is None:
            return None
        return abs(ratio - 1) <= LITTLE_TOLERANCE

    def as_dict(self) -> dict:
        return {"average_wip": round(self.average_wip, 3),
                "departures": self.departures,
                "departures_per_day": round(self.departures_per_day, 4),
                "average_time_in_wip_days": (None if self.average_time_in_wip is None
                                             else round(self.average_time_in_wip, 3)),
                "departures_x_time_in_wip": (None if self.predicted_wip is None
                                             else round(self.predicted_wip, 3)),
                "ratio": None if self.ratio is None else round(self.ratio, 3),
                "consistent": self.consistent,
                "wip_at_start": self.wip_at_start, "wip_at_end": self.wip_at_end}


@dataclass
class Flow:
    start: dt.date
    end: dt.date  # the last day measured (the window's end, or today while it runs)
    days: list[dt.date]
    wip: list[int]                     # WIP at the end of each day
    cumulative: dict[str, list[int]]   # band → count per day
    throughput: Figure                 # initiatives finished in the window
    throughput_per_week: Figure
    cycle_time_mean: Figure
    cycle_time_median: Figure
    cycle_time_p85: Figure
    average_wip: Figure
    little: Little
    finished: list[tuple[str, int | None]] = field(default_factory=list)  # key, cycle time
    items: int = 0  # initiatives in the window

    def as_dict(self) -> dict:
        def fig(f: Figure, digits: int = 2) -> dict:
            return {"value": None if f.value is None else round(f.value, digits), "n": f.n}

        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(),
            "days": len(self.days), "initiatives": self.items,
            "throughput": fig(self.throughput, 0),
            "throughput_per_week": fig(self.throughput_per_week),
            "cycle_time_days": {"mean": fig(self.cycle_time_mean),
                                "median": fig(self.cycle_time_median),
                                "p85": fig(self.cycle_time_p85)},
            "average_wip": fig(self.average_wip),
            "littles_law": self.little.as_dict(),
            "finished": [{"id": key, "cycle_time_days": ct} for key, ct in self.finished],
            "wip": [{"date": d.isoformat(), "wip": n} for d, n in zip(self.days, self.wip)],
            "cumulative_flow": [{"date": d.isoformat(),
                                 **{band: self.cumulative[band][i] for band in BANDS}}
                                for i, d in enumerate(self.days)],
        }


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) by the nearest-rank method: a value that occurred."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def measure(timelines: Iterable[Timeline], start: dt.date, end: dt.date) -> Flow:
    """The flow of these initiatives over the days start..end (both included)."""
    if end < start:
        raise ValueError("the window ends before it starts")
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    before = start - dt.timedelta(days=1)
    in_window = []
    for t in timelines:
        if not t.changes or t.changes[0].day > end:
            continue  # created after the window
        if t.status_on(before) in FINISHED:
            continue  # finished before the window began
        in_window.append(t)
    # Each initiative's statuses as runs of days, added up with difference arrays: the
    # work grows with the number of changes, not initiatives × days.
    n_days = len(days)
    diffs = {band: [0] * (n_days + 1) for band in (*BANDS, "wip")}
    for t in in_window:
        for first, stop, status in _runs(t, start, end, n_days):
            if status in WIP_STATUSES:
                diffs["wip"][first] += 1
                diffs["wip"][stop] -= 1
            if status in diffs:
                diffs[status][first] += 1
                diffs[status][stop] -= 1
    cumulative = {band: _running_sum(diffs[band], n_days) for band in BANDS}
    wip = _running_sum(diffs["wip"], n_days)
    finished = []
    for t in in_window:
        done = t.finished
        if done is not None and start <= done <= end:
            finished.append((t.key, t.cycle_time))
    finished.sort(key=lambda row: row[0])
    cycle_times = [ct for _, ct in finished if ct is not None]
    throughput = len(finished)
    mean_ct = sum(cycle_times) / len(cycle_times) if cycle_times else None
    average_wip = sum(wip) / n_days
    stays = [t.time_in_wip for t in in_window
             if t.left is not None and start <= t.left <= end]
    little = Little(average_wip=average_wip, departures_per_day=len(stays) / n_days,
                    average_time_in_wip=sum(stays) / len(stays) if stays else None,
                    departures=len(stays),
                    wip_at_start=_wip_on(in_window, before), wip_at_end=wip[-1])
    return Flow(
        start=start, end=end, days=days, wip=wip, cumulative=cumulative,
        throughput=Figure(throughput, throughput),
        throughput_per_week=Figure(throughput / (n_days / 7), throughput),
        cycle_time_mean=Figure(mean_ct, len(cycle_times)),
        cycle_time_median=Figure(median(cycle_times), len(cycle_times)),
        cycle_time_p85=Figure(percentile(cycle_times, 85), len(cycle_times)),
        average_wip=Figure(average_wip, n_days),
        little=little, finished=finished, items=len(in_window))


def _wip_on(timelines: Iterable[Timeline], day: dt.date) -> int:
    return sum(1 for t in timelines if t.status_on(day) in WIP_STATUSES)


def _runs(t: Timeline, start: dt.date, end: dt.date, n_days: int):
    """(first day index, index after the last, status) for each run of days with the same
    status at the end of the day; the status is None before the initiative existed."""
    status = None
    first = 0
    for change in t.changes:
        if change.day < start:
            status = change.status
            continue
        if change.day > end:
            break
        i = (change.day - start).days
        if i > first:
            yield first, i, status
            first = i
        status = change.status  # several changes on a day: the last one holds
    yield first, n_days, status


def _running_sum(diff: list[int], n: int) -> list[int]:
    out, total = [], 0
    for i in range(n):
        total += diff[i]
        out.append(total)
    return out


def over_limit(in_progress: int, limit: int | None) -> bool:
    return limit is not None and in_progress > limit
