"""The daily flag evaluation, as a periodic job of the scheduler."""

from __future__ import annotations

import datetime as dt

from hoshin.notify.models import Rhythm
from hoshin.notify.scheduler import job

EVALUATE_AT = dt.time(6, 0)  # local time: before the working day, after overnight check-ins


def daily_slots(now: dt.datetime) -> list[str]:
    local = now.astimezone(Rhythm.current().zone)
    return [local.date().isoformat()] if local.time() >= EVALUATE_AT else []


@job("evaluate-flags", slots=daily_slots, lease=dt.timedelta(minutes=30))
def evaluate_daily(slot: str, now: dt.datetime) -> None:
    from hoshin.flags.services import evaluate_flags

    evaluate_flags(None, today=dt.date.fromisoformat(slot))
