"""When the weekly drumbeat falls due, in the organisation's time zone (pure).

Slots are ISO weeks ("2026-W48"): a weekly job is due once its moment of the week has
passed, and the slot makes it run once per week however often the scheduler ticks.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_slot(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def moment(monday: dt.date, weekday: int, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The aware instant of `weekday` `at` o'clock local time in the week of `monday`."""
    local = dt.datetime.combine(monday + dt.timedelta(days=weekday), at, tzinfo=zone)
    # Round-trip through UTC so a wall time in a DST gap resolves to a real instant.
    return local.astimezone(dt.UTC)


def weekly_slots(now: dt.datetime, weekday: int, at: dt.time, zone: ZoneInfo) -> list[str]:
    """This week's slot once its moment has passed (local time), else nothing."""
    today = now.astimezone(zone).date()
    monday = week_monday(today)
    return [week_slot(monday)] if now >= moment(monday, weekday, at, zone) else []


def nudge_slots(now: dt.datetime, weekday: int, at: dt.time, zone: ZoneInfo,
                hours_before: int) -> list[str]:
    """The week of a review whose nudge moment has passed and which has not begun yet."""
    today = now.astimezone(zone).date()
    slots = []
    for monday in (week_monday(today), week_monday(today) + dt.timedelta(days=7)):
        review = moment(monday, weekday, at, zone)
        if review - dt.timedelta(hours=hours_before) <= now < review:
            slots.append(week_slot(monday))
    return slots


def monday_of_slot(slot: str) -> dt.date:
    year, week = slot.split("-W")
    return dt.date.fromisocalendar(int(year), int(week), 1)
