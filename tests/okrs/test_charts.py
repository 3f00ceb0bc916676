"""Burn-up chart geometry and SVG, without a database."""

import datetime as dt

from hoshin.okrs import charts

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def make(**kw):
    args = {"start": START, "end": END, "kind": "increase", "baseline": 20.0, "target": 35.0,
            "points": []}
    args.update(kw)
    return charts.geometry(**args)


def test_points_are_placed_by_date_and_value():
    chart = make(points=[(START, 20.0), (END, 35.0), (dt.date(2026, 2, 14), 27.5)])
    xs = [x for x, _ in chart.points]
    assert xs == sorted(xs)  # sorted by date
    assert chart.points[0][0] == chart.left
    assert chart.points[-1][0] == chart.width - chart.right
    # Higher values are higher up (smaller y), and the middle value sits in between.
    assert chart.points[0][1] > chart.points[1][1] > chart.points[2][1]
    assert chart.points[1][1] == chart.y(27.5)


def test_expected_pace_runs_from_baseline_at_start_to_target_at_end():
    chart = make()
    assert chart.pace == [(chart.x(START), chart.y(20.0)), (chart.x(END), chart.y(35.0))]
    assert chart.target_y == chart.y(35.0)


def test_phased_targets_bend_the_pace_line():
    chart = make(phases=[(dt.date(2026, 2, 1), 30.0)])
    assert chart.pace[1] == (chart.x(dt.date(2026, 2, 1)), chart.y(30.0))


def test_stay_kinds_show_a_band_instead_of_a_pace():
    chart = make(kind="stay_above", baseline=None, target=90.0, points=[(START, 95.0)])
    assert chart.pace == [] and chart.band == (chart.top, chart.y(90.0))
    below = make(kind="stay_below", baseline=None, target=5.0)
    assert below.band == (below.y(5.0), below.height - below.bottom)


def test_milestones_scale_from_nothing_to_all_steps_done():
    chart = make(kind="milestone", baseline=None, target=None, points=[(START, 0.25)])
    assert (chart.y_min, chart.y_max) == (0.0, 1.0)
    svg = charts.burnup_svg(chart, title="Launch", kind="milestone")
    assert "100 %" in svg


def test_svg_has_points_and_escapes_text():
    chart = make(points=[(START, 21.0), (dt.date(2026, 2, 1), 25.0)])
    svg = charts.burnup_svg(chart, title='<b>"Sales" & co</b>', unit="<%>")
    assert svg.startswith("<svg") and svg.count('class="point"') == 2
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&amp; co" in svg
    assert 'aria-label="Burn-up of &lt;b&gt;&quot;Sales&quot;' in svg
    assert "(&lt;%&gt;)" in svg


def test_no_readings_says_so():
    assert "No check-ins yet" in charts.burnup_svg(make(), title="x")
