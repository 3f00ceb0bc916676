"""When the weekly drumbeat falls due, across time zones and daylight-saving changes."""

import datetime as dt
from zoneinfo import ZoneInfo

from hoshin.notify import rhythm

LONDON = ZoneInfo("Europe/London")
THURSDAY, MONDAY = 3, 0


def at(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_a_weekly_slot_is_due_from_its_local_moment_until_the_week_ends():
    nine = dt.time(9, 0)
    # Winter: 09:00 London is 09:00 UTC.
    assert rhythm.weekly_slots(at(2026, 12, 3, 8, 59), THURSDAY, nine, LONDON) == []
    assert rhythm.weekly_slots(at(2026, 12, 3, 9, 0), THURSDAY, nine, LONDON) == ["2026-W49"]
    assert rhythm.weekly_slots(at(2026, 12, 6, 23, 0), THURSDAY, nine, LONDON) == ["2026-W49"]
    # Summer: 09:00 London is 08:00 UTC.
    assert rhythm.weekly_slots(at(2026, 7, 2, 8, 0), THURSDAY, nine, LONDON) == ["2026-W27"]
    assert rhythm.weekly_slots(at(2026, 7, 2, 7, 59), THURSDAY, nine, LONDON) == []


def test_the_week_is_the_local_week_not_the_utc_week():
    tokyo = ZoneInfo("Asia/Tokyo")
    # Sunday 20:00 UTC is already Monday 05:00 in Tokyo: a new week there.
    assert rhythm.weekly_slots(at(2026, 11, 29, 20, 0), MONDAY, dt.time(5, 0), tokyo) == [
        "2026-W49"]


def test_the_nudge_runs_before_the_review_across_a_daylight_saving_change():
    ten = dt.time(10, 0)
    # Clocks go forward in London on Sunday 29 March 2026. The Monday 30 March review is at
    # 09:00 UTC; 20 hours before is Sunday 13:00 UTC.
    assert rhythm.nudge_slots(at(2026, 3, 29, 12, 59), MONDAY, ten, LONDON, 20) == []
    assert rhythm.nudge_slots(at(2026, 3, 29, 13, 0), MONDAY, ten, LONDON, 20) == ["2026-W14"]
    assert rhythm.nudge_slots(at(2026, 3, 30, 8, 59), MONDAY, ten, LONDON, 20) == ["2026-W14"]
    assert rhythm.nudge_slots(at(2026, 3, 30, 9, 0), MONDAY, ten, LONDON, 20) == []


def test_slots_name_their_iso_week():
    assert rhythm.week_slot(dt.date(2027, 1, 1)) == "2026-W53"
    assert rhythm.monday_of_slot("2026-W53") == dt.date(2026, 12, 28)
