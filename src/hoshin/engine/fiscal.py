"""Fiscal years: named by the calendar year in which they start (a year starting in
April 2026 is fiscal year 2026), for every layer that needs to say which year a day is in."""

from __future__ import annotations

import calendar
import datetime as dt


def fiscal_year_of(day: dt.date, fiscal_year_start: int) -> int:
    """The fiscal year `day` falls in, when fiscal years start in month `fiscal_year_start`."""
    return day.year if day.month >= fiscal_year_start else day.year - 1


def fiscal_year_bounds(year: int, fiscal_year_start: int) -> tuple[dt.date, dt.date]:
    """The first and last day of fiscal year `year`."""
    start = dt.date(year, fiscal_year_start, 1)
    end_year, end_month = ((year, 12) if fiscal_year_start == 1
                           else (year + 1, fiscal_year_start - 1))
    return start, dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
