"""Review dates computed per quarter: weekly, the month's first, week 6, quarter end."""

import datetime as dt

from hoshin.reviews.schedule import schedule

MONDAY = 0


def kinds(start, end):
    return {s.date: s.kind for s in schedule(start, end, MONDAY)}


def test_a_calendar_quarter():
    slots = kinds(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert len(slots) == 13
    assert [d for d, k in slots.items() if k == "monthly"] == [
        dt.date(2026, 1, 5), dt.date(2026, 2, 2), dt.date(2026, 3, 2)]
    # Week 6 runs from 5 to 11 February: its Monday is the mid-cycle review.
    assert [d for d, k in slots.items() if k == "mid_cycle"] == [dt.date(2026, 2, 9)]
    assert [d for d, k in slots.items() if k == "quarter_end"] == [dt.date(2026, 3, 30)]


def test_the_week_six_review_moves_with_each_quarter_not_with_a_repeating_rule():
    mids = []
    for start, end in [(dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
                       (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
                       (dt.date(2026, 10, 1), dt.date(2026, 12, 31))]:
        [mid] = [s for s in schedule(start, end, MONDAY) if s.kind == "mid_cycle"]
        assert mid.week == 6 and 35 <= (mid.date - start).days < 42
        mids.append(mid.date)
    assert mids == [dt.date(2026, 5, 11), dt.date(2026, 8, 10), dt.date(2026, 11, 9)]


def test_a_fiscal_quarter_starting_mid_week_in_february():
    slots = schedule(dt.date(2026, 2, 1), dt.date(2026, 4, 30), 3)  # Thursdays
    [mid] = [s for s in slots if s.kind == "mid_cycle"]
    assert mid.date == dt.date(2026, 3, 12) and mid.date.weekday() == 3
    assert slots[-1].kind == "quarter_end" and slots[-1].date == dt.date(2026, 4, 30)
    assert all(s.date.weekday() == 3 for s in slots)
