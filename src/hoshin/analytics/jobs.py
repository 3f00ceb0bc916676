"""Execution analytics' nightly jobs: each quarter's trend figures (the analyzer over a
whole quarter is too slow for a page), then the history of similar key results and the
running key results' grade forecasts (no page reads every check-in)."""

from __future__ import annotations

import datetime as dt

from hoshin.notify.scheduler import daily_at, job

COUNT_AT = dt.time(2, 15)
FORECAST_AT = dt.time(2, 45)


@job("count-trends", slots=daily_at(COUNT_AT), lease=dt.timedelta(minutes=60))
def count_trends(slot: str, now: dt.datetime) -> None:
    from hoshin.analytics.services import refresh_trends

    refresh_trends(None)


@job("forecast-grades", slots=daily_at(FORECAST_AT), lease=dt.timedelta(minutes=60))
def forecast_grades(slot: str, now: dt.datetime) -> None:
    from hoshin.analytics.services import count_graded, count_outcomes, refresh_forecasts

    count_graded(None)
    count_outcomes(None)
    refresh_forecasts(None, today=now.date())
