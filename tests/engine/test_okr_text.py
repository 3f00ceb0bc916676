"""The measurement a key result's words state (hoshin.engine.okr_text): the readings added
for the held-out pages (tests/planfile/fixtures/heldout)."""

from __future__ import annotations

import pytest

from hoshin.engine.okr_text import measure, show


@pytest.mark.parametrize("text, expected", [
    # A range in brackets states the start and the target; the change before it does not.
    ("10% increase in positive ratings of customer service (70% to 80%)",
     ("increase", 70, 80, "%")),
    ("23% increase in positive ratings (47% to 70%)", ("increase", 47, 70, "%")),
    ("Cut waiting times (40 to 25 days)", ("decrease", 40, 25, "days")),
    # Numbers after "#" are references.
    ("Points # 1,2 & 3 are discussed and approved", ("milestone", None, None, "")),
    ("Solidify its lead as the #1 index manager", ("milestone", None, None, "")),
    ("Close issue #42 and 5 deals", ("increase", 0, 5, "")),
    # "fall" the season is a date, not a fall.
    ("Increase new graduate students by 200 (as of fall 2019)", ("increase", 0, 200, "")),
    ("Churn should fall to 3%", ("stay_below", None, 3, "%")),
])
def test_measure(text, expected):
    m = measure(text)
    assert (m["kind"], m["baseline"], m["target"], m["unit"]) == expected


@pytest.mark.parametrize("value, unit, shown", [
    (4_000_000, "$", "$4,000,000"), (-50, "%", "-50%"), (7, "days", "7 days"),
    (10_000, "CHF", "10,000 CHF"), (1.5, "", "1.5"), (1200, "", "1,200"),
])
def test_numbers_are_shown_as_people_write_them(value, unit, shown):
    assert show(value, unit) == shown


@pytest.mark.parametrize("value", [2.675, 0.125, 1_234_567.891, -0.005, 12.5, 1e16])
def test_shown_numbers_come_from_the_one_number_formatter(value):
    # The Markdown import report writes a number as every page does (engine.numbers):
    # halves round up as written (2.675 is 2.68, where float formatting says 2.67).
    from hoshin.engine.numbers import number

    assert show(value) == number(value, grouped=True)
    assert show(value, "$") == ("-$" if value < 0 else "$") + number(abs(value), grouped=True)
