"""The periodic sync of initiatives' links to work trackers (each tracker has its own
interval; a failing link its retry's backoff)."""

from __future__ import annotations

import datetime as dt

from hoshin.notify.scheduler import job, minute_slot


# Not atomic: each link waits on a tracker and commits its own result, so one slow
# tracker holds no transaction for the others.
@job("sync-trackers", slots=minute_slot, lease=dt.timedelta(minutes=15), atomic=False)
def sync_trackers(slot: str, now: dt.datetime) -> None:
    from hoshin.trackers import services

    services.sync_due(now)
