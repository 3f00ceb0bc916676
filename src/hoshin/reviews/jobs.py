"""The quarters' reviews are scheduled by the scheduler (and by an explicit action on the
reviews page), never by a page that reads them: a GET that wrote one row per review day
inserted 57,396 reviews for a quarter spanning centuries (issue #13)."""

from __future__ import annotations

import datetime as dt

from hoshin.notify.scheduler import daily_at, job

SCHEDULE_AT = dt.time(0, 15)  # before anyone reads the day's reviews


@job("schedule-reviews", slots=daily_at(SCHEDULE_AT), lease=dt.timedelta(minutes=30))
def schedule_quarters(slot: str, now: dt.datetime) -> None:
    """Schedule the reviews of every open quarter that has none yet (running or planned:
    a quarter's reviews exist before its first week, so its calendar shows them)."""
    from hoshin.okrs.models import Cycle
    from hoshin.reviews.services import schedule_reviews

    quarters = (Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True,
                                     reviews__isnull=True)
                .exclude(state=Cycle.State.CLOSED).distinct())
    for cycle in quarters:
        schedule_reviews(None, cycle)
