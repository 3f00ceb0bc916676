"""The at-risk flag rules and the forecast, on plain data."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from hoshin.engine.flags import FlagPolicy, Reading, flag_reasons, snapshot_for
from hoshin.engine.forecast import fit, project
from hoshin.engine.types import Step

START, END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)


def codes(kind="increase", baseline=20, target=35, readings=(), today=dt.date(2026, 8, 12),
          policy=FlagPolicy(), **kw):
    readings = list(readings)
    kr = snapshot_for(kind, baseline, target, readings, **kw)
    return {f.code: f.message
            for f in flag_reasons(kr, readings, START, END, today, unit="%", policy=policy)}


def weekly(values, confidences=None, first=dt.date(2026, 7, 3)):
    confidences = confidences or [7] * len(values)
    return [Reading(first + dt.timedelta(weeks=i), v, c)
            for i, (v, c) in enumerate(zip(values, confidences, strict=True))]


def test_a_line_through_points_is_found_and_projected():
    days = [dt.date(2026, 7, 1) + dt.timedelta(days=7 * i) for i in range(4)]
    trend = fit([(d, 10 + 2 * i) for i, d in enumerate(days)])
    assert abs(trend.slope_per_day - 2 / 7) < 1e-12
    assert abs(project([(d, 10 + 2 * i) for i, d in enumerate(days)], dt.date(2026, 7, 29))
               - 18) < 1e-9
    assert fit([(days[0], 1.0), (days[0], 3.0)]) is None


@given(st.lists(st.tuples(st.integers(0, 90), st.floats(-1e6, 1e6)), min_size=2, max_size=30))
def test_the_least_squares_line_goes_through_the_mean_point(raw):
    points = [(START + dt.timedelta(days=d), v) for d, v in raw]
    trend = fit(points)
    if trend is None:
        assert len({d for d, _ in raw}) < 2
        return
    mean_day = sum(d for d, _ in raw) / len(raw) - min(d for d, _ in raw)
    mean_value = sum(v for _, v in raw) / len(raw)
    fitted = trend.intercept + trend.slope_per_day * mean_day
    assert abs(fitted - mean_value) <= 1e-6 * max(1.0, abs(mean_value))


def test_a_steady_climb_that_falls_short_of_the_target_is_flagged_with_its_forecast():
    # 20 → 35 % over the quarter, but rising half a point a week.
    flags = codes(readings=weekly([20, 20.5, 21, 21.5, 22, 22.5]))
    assert "forecast-miss" in flags
    assert "a week" in flags["forecast-miss"] and "missing the 35%" in flags["forecast-miss"]


def test_on_pace_key_results_carry_no_flag():
    # Expected: 15 points over 91 days; six readings on the line.
    values = [20 + 15 * (2 + 7 * i) / 91 for i in range(6)]
    assert codes(readings=weekly(values)) == {}


def test_fewer_than_three_readings_give_no_forecast():
    assert "forecast-miss" not in codes(readings=weekly([20, 20.1]),
                                        today=dt.date(2026, 7, 12))


def test_a_decrease_key_result_forecasts_downwards():
    # 30 → 14 days, falling one day a week: about 17 by the end.
    flags = codes(kind="decrease", baseline=30, target=14, readings=weekly([30, 29, 28, 27]),
                  today=dt.date(2026, 7, 26))
    assert "forecast-miss" in flags
    on_course = weekly([30, 28.5, 27, 25.5, 24, 22.5, 21, 19.5])
    assert "forecast-miss" not in codes(kind="decrease", baseline=30, target=14,
                                        readings=on_course, today=dt.date(2026, 8, 21))


def test_behind_pace_by_more_than_the_margin():
    # Mid-August ~46 % expected; at 30 % of the way.
    flags = codes(readings=weekly([20, 21, 22, 23, 24, 24.5]))
    assert "behind-pace" in flags and "46 % was expected" in flags["behind-pace"]
    assert "behind-pace" not in codes(readings=weekly([20, 21, 22, 23, 24, 24.5]),
                                      policy=FlagPolicy(behind_pace=0.2))


def test_confidence_dropping_by_three_or_falling_below_five():
    flags = codes(readings=weekly([20, 22, 24], [8, 8, 5]), today=dt.date(2026, 7, 18))
    assert "confidence-drop" in flags and "from 8 to 5" in flags["confidence-drop"]
    assert "low-confidence" not in flags
    flags = codes(readings=weekly([20, 22, 24], [5, 5, 4]), today=dt.date(2026, 7, 18))
    assert "confidence-drop" not in flags and "low-confidence" in flags


def test_open_blockers_flag_until_a_check_in_without_them():
    blocked = [*weekly([20, 22]), Reading(dt.date(2026, 7, 17), 24, 7, "Waiting for IT")]
    assert "Waiting for IT" in codes(readings=blocked, today=dt.date(2026, 7, 18))["blockers"]
    cleared = [*blocked, Reading(dt.date(2026, 7, 24), 26, 7, "")]
    assert "blockers" not in codes(readings=cleared, today=dt.date(2026, 7, 25))


def test_two_weeks_without_a_check_in_is_silence():
    readings = weekly([20, 22])  # last on 10 July
    assert "silent" not in codes(readings=readings, today=dt.date(2026, 7, 23))
    assert "14 days" in codes(readings=readings, today=dt.date(2026, 7, 24))["silent"]
    assert "since the cycle began" in codes(readings=[], today=dt.date(2026, 7, 15))["silent"]
    assert codes(readings=[], today=dt.date(2026, 7, 14)) == {}


def test_milestones_and_stay_key_results_are_judged_without_a_forecast():
    steps = (Step("S1", 0.5), Step("S2", 0.5))
    late = [Reading(dt.date(2026, 8, 7), None, 7, steps_done=frozenset())]
    flags = codes(kind="milestone", baseline=None, target=None, readings=late, steps=steps)
    assert set(flags) == {"behind-pace"}
    held = weekly([99, 98, 97, 96])
    assert codes(kind="stay_above", baseline=None, target=95, readings=held,
                 today=dt.date(2026, 7, 26)) == {}
