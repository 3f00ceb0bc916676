"""Execution analytics' nightly job: count each quarter's trend figures (selectors read
them; the analyzer over a whole quarter is too slow for a page)."""

from __future__ import annotations

import datetime as dt

from hoshin.notify.scheduler import daily_at, job

COUNT_AT = dt.time(2, 15)


@job("count-trends", slots=daily_at(COUNT_AT), lease=dt.timedelta(minutes=60))
def count_trends(slot: str, now: dt.datetime) -> None:
    from hoshin.analytics.services import refresh_trends

    refresh_trends(None)
