"""Form fields bounded by the one set of limits (core/limits.py) the API, the CLI and the
plan file use, so the web takes no value the API refuses (and the reverse)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from hoshin.core import limits


class MeasureField(forms.FloatField):
    """A baseline, target, reading or size: a finite number within ±limits.MEASURE_LIMIT."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -limits.MEASURE_LIMIT)
        kwargs.setdefault("max_value", limits.MEASURE_LIMIT)
        super().__init__(**kwargs)


def _in_window(day) -> None:
    try:
        limits.check_day(day)
    except ValueError as exc:
        raise ValidationError(f"The date {exc}.", code="date_window") from None


class DayField(forms.DateField):
    """A date within limits.DATE_MIN … DATE_MAX."""

    default_validators = [_in_window]


class YearField(forms.IntegerField):
    """A year within the date window (a vision's horizon, a fiscal year)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", limits.YEAR_MIN)
        kwargs.setdefault("max_value", limits.YEAR_MAX)
        super().__init__(**kwargs)


def text_field(name: str, **kwargs) -> forms.CharField:
    """A text field holding as many characters as the API's field of the same name."""
    kwargs.setdefault("max_length", limits.length_of(name))
    return forms.CharField(**kwargs)
