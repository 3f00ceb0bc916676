"""The daily countermeasure check, as a periodic job of the scheduler."""

from __future__ import annotations

import datetime as dt

from hoshin.notify.scheduler import daily_at, job

OPEN_AT = dt.time(6, 30)  # local time, after the flags are judged


@job("open-countermeasures", slots=daily_at(OPEN_AT), lease=dt.timedelta(minutes=30))
def open_daily(slot: str, now: dt.datetime) -> None:
    from hoshin.pdca.services import open_due_countermeasures

    open_due_countermeasures(None, today=dt.date.fromisoformat(slot))
