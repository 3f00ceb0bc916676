"""Where a key result's chart puts things (okrs/chart_layout.py), without a database."""

import datetime as dt
import math

import pytest

from hoshin.okrs import chart_layout as layout
from hoshin.okrs.chart_layout import COMPACT, SIZES, WIDE, Reading

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def make(size=WIDE, **kw):
    args = {"start": START, "end": END, "kind": "increase", "baseline": 20.0, "target": 35.0,
            "readings": [], "unit": "%", "period": "Q1 2026", "size": size}
    args.update(kw)
    return layout.burnup(**args)


def readings(*pairs):
    return [Reading(START + dt.timedelta(days=d), v, 7, f"note {d}") for d, v in pairs]


@pytest.mark.parametrize("lo, hi, max_ticks", [
    (20, 35, 6), (0, 1, 4), (2600, 2950, 6), (4.9, 6.4, 4), (0.001, 0.004, 5),
    (-12, 30, 6), (98.5, 99.9, 5), (0, 1_250_000, 6), (7, 7, 5)])
def test_nice_ticks_hold_every_value_on_round_steps(lo, hi, max_ticks):
    low, high, step = layout.nice_range([lo, hi], max_ticks)
    assert low <= lo and high >= hi
    values = layout.ticks(low, high, step)
    assert len(values) - 1 <= max_ticks + 1
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1.0, 2.0, 2.5, 5.0)
    assert all(b > a for a, b in zip(values, values[1:], strict=False))


def test_y_range_includes_baseline_target_and_every_reading():
    for kind, baseline, target, values in (("increase", 20, 35, (18, 41)),
                                           ("decrease", 2950, 2600, (2980, 2550)),
                                           ("stay_below", None, 6, (4.9, 6.4)),
                                           ("stay_above", None, 98.5, (97.0, 99.9))):
        chart = make(kind=kind, baseline=baseline, target=target,
                     readings=readings((5, values[0]), (40, values[1])))
        wanted = [v for v in (baseline, target, *values) if v is not None]
        assert chart.y_low <= min(wanted) and chart.y_high >= max(wanted), kind
        for p in chart.points:
            assert chart.top <= p.y <= chart.bottom


def test_one_set_of_y_labels_evenly_spaced_and_not_overlapping():
    for size in SIZES:
        chart = make(size=size, readings=readings((5, 21), (30, 26)))
        ys = [y for y, _ in chart.y_ticks]
        assert ys == sorted(ys, reverse=True)  # bottom to top as values grow
        gaps = {round(a - b, 1) for a, b in zip(ys, ys[1:], strict=False)}
        assert max(gaps) - min(gaps) <= 0.2  # even steps
        assert min(gaps) >= size.font * 1.2  # a line of type apart
        assert len({t for _, t in chart.y_ticks}) == len(chart.y_ticks)
        assert chart.y_title == "%"


def test_month_ticks_are_in_date_order_and_apart():
    for size in SIZES:
        chart = make(size=size)
        xs = [x for x, _ in chart.x_ticks]
        assert xs == sorted(xs) and xs[0] == chart.left
        for (x1, t1), (x2, t2) in zip(chart.x_ticks, chart.x_ticks[1:], strict=False):
            room = (layout.text_width(t1, size.font) + layout.text_width(t2, size.font)) / 2
            assert x2 - x1 >= room, (size.name, t1, t2)
    wide = [t for _, t in make().x_ticks]
    assert wide[:3] == ["1 Jan", "1 Feb", "1 Mar"] and wide[-1] == "31 Mar"
    assert [t for _, t in make(size=COMPACT).x_ticks][:3] == ["Jan", "Feb", "Mar"]


def test_points_by_date_and_value_with_monotone_x():
    chart = make(readings=readings((60, 30), (0, 20), (30, 25)))
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and xs[0] == chart.left
    assert [p.reading.value for p in chart.points] == [20, 25, 30]
    assert chart.points[0].y > chart.points[1].y > chart.points[2].y  # higher is up


def test_pace_runs_from_baseline_at_start_to_target_at_end_through_phases():
    chart = make(phases=[(dt.date(2026, 2, 1), 30.0)])
    assert chart.pace == [(chart.x(START), chart.y(20.0)),
                          (chart.x(dt.date(2026, 2, 1)), chart.y(30.0)),
                          (chart.x(END), chart.y(35.0))]
    assert chart.target_y == chart.y(35.0) and chart.band is None


def test_stay_kinds_have_a_zone_instead_of_a_pace():
    above = make(kind="stay_above", baseline=None, target=90.0, readings=readings((3, 95)))
    assert above.pace == [] and above.band == (above.top, above.y(90.0))
    below = make(kind="stay_below", baseline=None, target=5.0)
    assert below.band == (below.y(5.0), below.bottom)


def test_forecast_needs_two_readings_and_stays_inside_the_plot():
    assert make(readings=readings((5, 21))).forecast is None
    for pairs in (((5, 21), (20, 23)),  # two readings: a band all the same
                  ((5, 21), (20, 23), (30, 22), (45, 29)),
                  ((5, 21), (10, 34), (15, 12), (20, 40))):  # wild: the band is clipped
        chart = make(readings=readings(*pairs))
        f = chart.forecast
        assert f is not None and f.low < f.end_value < f.high
        for x, y in f.band + f.line:
            assert chart.left <= x <= chart.right and chart.top <= y <= chart.bottom
        assert f.line[0] == (chart.points[-1].x, chart.points[-1].y)  # from the last reading
    # Its end is where the least-squares trend reaches at the quarter's end (the value the
    # forecast-miss flag reads): 1 a day from 21 on day 5 is 105 on day 89.
    steady = make(readings=readings((5, 21), (15, 31), (25, 41)), target=200.0)
    assert steady.forecast.end_value == pytest.approx(21 + (END - START).days - 5)


def test_side_labels_do_not_overlap():
    # Target 35 and a forecast of about 35.4: the labels are pushed a line apart.
    chart = make(readings=readings((0, 20), (45, 27.6)), size=WIDE)
    target, forecast = chart.labels
    assert target.text == "Target 35" and forecast.text.startswith("Forecast")
    assert abs(target.y - forecast.y) >= WIDE.font * 0.92 * 1.3 - 0.1


def test_tips_stay_inside_the_drawing_and_wrap_long_notes():
    note = "word " * 60
    chart = make(readings=[Reading(START, 20, 8, note), Reading(END, 35, None, "")])
    first, last = chart.points
    assert len(first.tip_lines) == 4 and first.tip_lines[-1].endswith("…")
    assert last.tip_lines == ["31 Mar 2026 · 35 %"]
    for p in chart.points:
        assert 0 <= p.tip_x and p.tip_x + p.tip_width <= WIDE.width and p.tip_y >= 0


def test_spark_scales_to_its_box():
    s = layout.spark(start=START, end=END, kind="increase", baseline=20, target=35,
                     readings=[(START, 20.0), (dt.date(2026, 2, 1), 30.0)],
                     today=dt.date(2026, 2, 10))
    assert s.pace[0] == (4, 60) and s.pace[-1][0] == 236
    assert all(0 <= y <= s.height for _, y in s.actual) and s.last == s.actual[-1]
    assert 4 < s.today_x < 236


def test_timeline_lanes_keep_labels_apart():
    done = [(dt.date(2026, 1, 10), "Curriculum written"), (dt.date(2026, 1, 12), "Pilot run"),
            (dt.date(2026, 3, 1), "Launch")]
    tl = layout.timeline(start=START, end=END, done=done, today=dt.date(2026, 2, 1))
    assert [m.lane for m in tl.marks] == [0, 1, 0]  # the second would overlap the first
    assert tl.height > tl.axis_y

