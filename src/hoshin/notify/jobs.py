"""The periodic jobs. Each registers itself with the scheduler."""

from __future__ import annotations

import datetime as dt

from hoshin.flags import jobs as flag_jobs  # noqa: F401  (registers the daily evaluation)
from hoshin.notify import outbox, reminders  # noqa: F401  (reminders registers its jobs)
from hoshin.notify.scheduler import job, minute_slot
from hoshin.pdca import jobs as pdca_jobs  # noqa: F401  (registers the daily check)


@job("deliver-outbox", slots=minute_slot, lease=dt.timedelta(minutes=2),
     atomic=False)
def deliver_outbox(slot: str, now: dt.datetime) -> None:
    # Messages are claimed one per transaction inside; this job only triggers it.
    outbox.deliver_pending(now)
