"""The stored roll-up's periodic jobs (okrs/rollups.py). okrs sits below the scheduler
(notify), so the jobs that keep okrs's roll-up are registered here, by the pages that
read it."""

from __future__ import annotations

import datetime as dt

from hoshin.notify.scheduler import daily_at, job

# Just after midnight: expected pace and silence move with the date, and until the
# refresh has run the pages compute the day's figures live.
REFRESH_AT = dt.time(0, 5)
# Before the working day and after the refresh: compare with a full recomputation.
CHECK_AT = dt.time(3, 30)


@job("refresh-rollup", slots=daily_at(REFRESH_AT), lease=dt.timedelta(minutes=30))
def refresh_rollup(slot: str, now: dt.datetime) -> None:
    from hoshin.okrs import rollups

    rollups.refresh(today=dt.date.fromisoformat(slot))


@job("check-rollup", slots=daily_at(CHECK_AT), lease=dt.timedelta(minutes=60))
def check_rollup(slot: str, now: dt.datetime) -> None:
    from hoshin.okrs import rollups

    rollups.check(today=dt.date.fromisoformat(slot))
