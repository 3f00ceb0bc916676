"""One way to write a number for people, wherever it is shown."""

import pytest

from hoshin.engine.numbers import number


@pytest.mark.parametrize(("value", "text"), [
    (35.0, "35"), (35, "35"), (12.5, "12.5"), (0.333333, "0.33"), (0.125, "0.13"),
    (-4.0, "-4"), (-0.001, "0"), (1_234_567.0, "1234567"), (1e12, "1000000000000"),
    (None, ""),
])
def test_values_have_no_trailing_zeros_and_no_exponent(value, text):
    assert number(value) == text


def test_options_for_empty_places_and_grouping():
    assert number(None, empty="–") == "–"
    assert number(2.71828, places=3) == "2.718"
    assert number(1_234_567.5, grouped=True) == "1,234,567.5"


@pytest.mark.parametrize(("value", "text"), [
    (31.24, "31.2"), (0.012345, "0.0123"), (99.96, "100"), (123.4, "123"),
    (12_345.6, "12,346"), (0, "0"),
])
def test_estimates_keep_three_significant_digits(value, text):
    assert number(value, significant=3, grouped=True) == text
