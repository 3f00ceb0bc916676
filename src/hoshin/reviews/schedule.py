"""The governance reviews of a quarter, computed from its dates (pure).

Every week has a leadership review on the organisation's review day. The first one of a
calendar month is the monthly business review; the one in the cycle's sixth week is the
mid-cycle review; the last one on or before the cycle's end is the quarter-end review.
Each date is computed per quarter, never from a repeating rule that would drift.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEEKLY, MONTHLY, MID_CYCLE, QUARTER_END = "weekly", "monthly", "mid_cycle", "quarter_end"
# When two kinds fall on one day, the one that decides more wins the slot.
RANK = {QUARTER_END: 3, MID_CYCLE: 2, MONTHLY: 1, WEEKLY: 0}
LABELS = {WEEKLY: "Weekly leadership review", MONTHLY: "Monthly business review",
          MID_CYCLE: "Week-6 mid-cycle review", QUARTER_END: "Quarter-end review"}


@dataclass(frozen=True)
class Slot:
    date: dt.date
    kind: str
    week: int  # week of the cycle, 1-based

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def review_days(start: dt.date, end: dt.date, weekday: int) -> list[dt.date]:
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    days = []
    day = first
    while day <= end:
        days.append(day)
        day += dt.timedelta(days=7)
    return days


def week_of(start: dt.date, day: dt.date) -> int:
    return (day - start).days // 7 + 1


def schedule(start: dt.date, end: dt.date, weekday: int) -> list[Slot]:
    days = review_days(start, end, weekday)
    if not days:
        return []
    kinds = {day: WEEKLY for day in days}
    seen_months = set()
    for day in days:
        if (day.year, day.month) not in seen_months:
            seen_months.add((day.year, day.month))
            if day != days[0] or day.day <= 7:
                kinds[day] = MONTHLY
    mid = [d for d in days if week_of(start, d) == 6]
    if mid:
        kinds[mid[0]] = MID_CYCLE
    kinds[days[-1]] = QUARTER_END
    return [Slot(day, kinds[day], week_of(start, day)) for day in days]
