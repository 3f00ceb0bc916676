"""The periodic reading of sources that are due (each source has its own interval)."""

from __future__ import annotations

import datetime as dt

from hoshin.notify.scheduler import job, minute_slot


# Every minute the due sources are read. Not atomic: each source waits on another system
# and commits its own result, so one slow source holds no transaction for the others.
@job("sync-sources", slots=minute_slot, lease=dt.timedelta(minutes=15), atomic=False)
def sync_sources(slot: str, now: dt.datetime) -> None:
    from hoshin.sources import services

    services.sync_due(now)
