"""The analytics' arithmetic, checked against worked examples and properties."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoshin.analytics import charts, figures
from hoshin.analytics.figures import Bin, KeyResultRecord


@pytest.mark.parametrize(("forecast", "outcome", "score"), [
    # The worked example of the Brier score's Wikipedia article (a forecast of rain and
    # whether it rained): 100% and rain 0, 70% and rain 0.09, 30% and rain 0.49, 50% 0.25.
    (1.0, 1, 0.0), (0.7, 1, 0.09), (0.3, 1, 0.49), (0.5, 1, 0.25), (0.5, 0, 0.25),
    (0.0, 1, 1.0)])
def test_the_brier_score_of_single_forecasts(forecast, outcome, score):
    assert figures.brier_score([(forecast, outcome)]) == pytest.approx(score)


bins = st.lists(st.tuples(st.integers(0, 10), st.integers(0, 40)).flatmap(
    lambda t: st.tuples(st.just(t[0]), st.just(t[1]), st.integers(0, t[1]))),
    max_size=11, unique_by=lambda t: t[0])


# On a machine shared with other sessions, drawing 40-element bins can be slow.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(bins)
def test_the_score_from_counts_equals_the_score_over_every_forecast(rows):
    cal = figures.calibration([Bin(c, n, hits) for c, n, hits in rows], key_results=1)
    pairs = [(c / 10, 1) for c, n, hits in rows for _ in range(hits)] + \
            [(c / 10, 0) for c, n, hits in rows for _ in range(n - hits)]
    if not pairs:
        assert cal.brier is None and cal.n == 0
        return
    assert cal.brier == pytest.approx(figures.brier_score(pairs))
    assert 0.0 <= cal.brier <= 1.0
    assert cal.n == len(pairs)
    assert 0.0 <= cal.reference <= 0.25


def test_a_calibrated_team_beats_the_base_rate_and_an_overconfident_one_does_not():
    calibrated = figures.calibration([Bin(2, 10, 2), Bin(8, 10, 8)], key_results=4)
    assert calibrated.brier == pytest.approx(0.16)
    assert calibrated.skill > 0
    overconfident = figures.calibration([Bin(10, 10, 5), Bin(9, 10, 5)], key_results=4)
    assert overconfident.skill < 0


@given(st.integers(0, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_wilson_interval_holds_the_observed_share(pair):
    hits, n = pair
    interval = figures.wilson(hits, n)
    if n == 0:
        assert interval is None
        return
    low, high = interval
    assert 0.0 <= low <= hits / n <= high <= 1.0


def test_key_results_are_banded_by_the_share_of_weeks_with_a_check_in():
    records = [KeyResultRecord(1, 13, 0.2, False), KeyResultRecord(6, 13, 0.5, False),
               KeyResultRecord(13, 13, 1.0, True), KeyResultRecord(10, 13, 0.8, False),
               KeyResultRecord(14, 13, 1.0, True)]
    bands = figures.regularity_bands(records)
    assert [b.n for b in bands] == [1, 1, 0, 3]
    assert bands[3].reached == 2 and bands[3].mean_grade == pytest.approx(0.9333, abs=1e-3)
    assert bands[2].mean_grade is None and bands[2].interval is None


def test_weeks_are_counted_as_the_database_truncates_them():
    assert figures.weeks_in(dt.date(2026, 10, 1), dt.date(2026, 12, 31)) == 14
    assert figures.weeks_in(dt.date(2026, 1, 5), dt.date(2026, 1, 11)) == 1
    assert figures.weeks_in(dt.date(2026, 1, 11), dt.date(2026, 1, 12)) == 2


def test_the_charts_draw_one_mark_per_bin_and_band():
    cal = figures.calibration([Bin(3, 4, 1), Bin(8, 10, 7)], key_results=3)
    svg = charts.reliability_svg(cal)
    assert svg.count("<circle") == 2 and "7 of 10" in svg
    bands = figures.regularity_bands([KeyResultRecord(13, 13, 1.0, True)])
    assert charts.bands_svg(bands).count("<rect") == 1
    line = charts.trend_svg(["Q1", "Q2"], [3, None], title="Trade-offs <written>")
    assert "&lt;written&gt;" in line and line.count("<circle") == 1
