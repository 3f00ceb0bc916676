"""The daily flag evaluation, as a periodic job of the scheduler."""

from __future__ import annotations

import datetime as dt

from hoshin.notify.scheduler import daily_at, job

EVALUATE_AT = dt.time(6, 0)  # local time: before the working day, after overnight check-ins


@job("evaluate-flags", slots=daily_at(EVALUATE_AT), lease=dt.timedelta(minutes=30))
def evaluate_daily(slot: str, now: dt.datetime) -> None:
    from hoshin.flags.services import evaluate_flags

    evaluate_flags(None, today=dt.date.fromisoformat(slot))
