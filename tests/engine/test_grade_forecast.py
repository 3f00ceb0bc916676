"""The grade forecast (engine/grade_forecast.py): a key result's own trend blended with
what similar key results of closed quarters ended at."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoshin.engine import grade_forecast as gf
from hoshin.okrs.chart_layout import forecast_values

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
grades = st.floats(0, 1, allow_nan=False)


def _table(counts):
    return {("increase", 5, 4): counts}


def test_a_worked_example():
    # Ten increase key results were 40 % of the way in week 6 of a closed quarter: three
    # ended at 0.2, four at 0.4, two at 0.6 and one at 1.0.
    counts = [0, 0, 3, 0, 4, 0, 2, 0, 0, 0, 1]
    similar = gf.similar_outcomes(_table(counts), "increase", 5, 4)
    assert similar.n == 10 and similar.widened == ""
    assert similar.mean == pytest.approx(0.44)
    assert (similar.quantile(0.1), similar.quantile(0.9)) == (0.2, 0.6)
    # The key result's own trend (4 check-ins) reaches 0.9, between 0.7 and 1.0.
    f = gf.blend(gf.Estimate(0.9, 0.7, 1.0), similar, checkins=4)
    # The history weighs (10/20) / (10/20 + 4/7) = 7/15.
    assert f.history_weight == pytest.approx(7 / 15)
    assert f.grade == pytest.approx(7 / 15 * 0.44 + 8 / 15 * 0.9)  # 0.685
    assert (f.low, f.high) == (pytest.approx(7 / 15 * 0.2 + 8 / 15 * 0.7),
                               pytest.approx(7 / 15 * 0.6 + 8 / 15 * 1.0))
    assert not f.below_on_track  # 0.81 at best: it can still make 0.7
    assert "n = 10" in gf.describe(f)


def test_few_similar_key_results_widen_then_leave_the_trend_alone():
    table = {("increase", 5, 4): [0, 0, 2] + [0] * 8, ("increase", 5, 5): [0, 0, 0, 2] + [0] * 7,
             ("increase", 6, 4): [0, 1] + [0] * 9}
    similar = gf.similar_outcomes(table, "increase", 5, 4)
    assert similar.n == 5 and similar.widened == "week ±1, progress ±0.1"
    assert gf.similar_outcomes(table, "milestone", 5, 4) is None
    f = gf.blend(gf.Estimate(0.5, 0.3, 0.7), None, checkins=3)
    assert (f.grade, f.low, f.high, f.history_weight) == (0.5, 0.3, 0.7, 0.0)
    assert gf.blend(None, None, 0) is None


@st.composite
def estimates(draw):
    a, b, c = sorted(draw(st.lists(grades, min_size=3, max_size=3)))
    return gf.Estimate(b, a, c)


@settings(max_examples=300, deadline=None)
@given(trend=st.none() | estimates(),
       counts=st.lists(st.integers(0, 30), min_size=gf.GRADES, max_size=gf.GRADES),
       checkins=st.integers(0, 40))
def test_the_interval_holds_the_point_and_stays_a_grade(trend, counts, checkins):
    similar = gf.similar_outcomes(_table(counts), "increase", 5, 4)
    f = gf.blend(trend, similar, checkins)
    if trend is None and similar is None:
        assert f is None
        return
    assert 0.0 <= f.low <= f.grade <= f.high <= 1.0
    assert 0.0 <= f.history_weight <= 1.0


days = st.integers(0, 80)


@settings(max_examples=200, deadline=None)
@given(readings=st.lists(st.tuples(days, st.floats(-50, 150, allow_nan=False)),
                         min_size=1, max_size=15),
       today=st.integers(0, 89),
       counts=st.lists(st.integers(0, 5), min_size=gf.GRADES, max_size=gf.GRADES))
def test_a_whole_forecast_is_a_grade_with_its_interval(readings, today, counts):
    points = sorted((START + dt.timedelta(days=d), v) for d, v in readings)
    last = points[-1][1]
    table = {("increase", w, p): counts for w in range(gf.WEEKS) for p in range(11)}
    f = gf.forecast(kind="increase", start=START, end=END,
                    today=START + dt.timedelta(days=today), progress=last / 100,
                    points=points, baseline=0.0, target=100.0, table=table)
    if f is not None:
        assert 0.0 <= f.low <= f.grade <= f.high <= 1.0


@settings(max_examples=100, deadline=None)
@given(readings=st.lists(st.tuples(days, st.floats(0, 100, allow_nan=False)),
                         min_size=2, max_size=12))
def test_the_trend_is_the_one_the_key_result_chart_draws(readings):
    points = sorted({START + dt.timedelta(days=d): v for d, v in readings}.items())
    drawn = forecast_values(points, END, 80.0)
    mine = gf.trend_estimate(points, END, 20.0, 100.0)
    if drawn is None:
        assert mine is None
        return
    end_value, rows = drawn

    def share(v):
        return min(1.0, max(0.0, (v - 20.0) / 80.0))

    assert mine.grade == pytest.approx(share(end_value))
    assert (mine.low, mine.high) == (pytest.approx(share(rows[-1][1]), abs=1e-9),
                                     pytest.approx(share(rows[-1][2]), abs=1e-9))


def test_weeks_of_the_quarter():
    assert gf.week_of(START, START) == 0
    assert gf.week_of(START, START + dt.timedelta(days=7)) == 1
    assert gf.week_of(START, END) == gf.WEEKS - 1
