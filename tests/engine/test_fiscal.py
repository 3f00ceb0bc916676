import datetime as dt

import pytest

from hoshin.engine.fiscal import fiscal_year_bounds, fiscal_year_of


@pytest.mark.parametrize("day, start, year", [
    (dt.date(2026, 3, 31), 4, 2025), (dt.date(2026, 4, 1), 4, 2026),
    (dt.date(2026, 1, 1), 1, 2026), (dt.date(2026, 12, 31), 1, 2026),
])
def test_a_fiscal_year_is_named_by_the_calendar_year_it_starts_in(day, start, year):
    assert fiscal_year_of(day, start) == year


def test_a_fiscal_year_ends_the_day_before_the_next_one_starts():
    assert fiscal_year_bounds(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert fiscal_year_bounds(2026, 4) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert fiscal_year_bounds(2023, 3) == (dt.date(2023, 3, 1), dt.date(2024, 2, 29))
