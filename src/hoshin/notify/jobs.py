"""Notify's periodic jobs: the reminders, nudges and digests (registered in reminders.py)
and outbox delivery. Other apps register theirs in their own jobs.py; the scheduler finds
them all (`scheduler.discover()`)."""

from __future__ import annotations

import datetime as dt

from hoshin.notify import outbox, reminders  # noqa: F401  (reminders registers its jobs)
from hoshin.notify.scheduler import daily_at, job, minute_slot


@job("deliver-outbox", slots=minute_slot, lease=dt.timedelta(minutes=2),
     atomic=False)
def deliver_outbox(slot: str, now: dt.datetime) -> None:
    # Messages are claimed one per transaction inside; this job only triggers it.
    outbox.deliver_pending(now)


@job("database-statistics", slots=daily_at(dt.time(3, 0)), lease=dt.timedelta(minutes=30),
     atomic=False)
def database_statistics(slot: str, now: dt.datetime) -> None:
    # The query planner's statistics, refreshed nightly (hoshin/core/dbstats.py); it
    # changes no data, so it needs no transaction of its own.
    from hoshin.core import dbstats

    dbstats.gather()
