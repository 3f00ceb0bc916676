"""Bowling-chart colours and line-chart geometry, from plain data (no database)."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from hoshin.strategy import bowling as bw

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("plan, actual, direction, state", [
    (100, 100, "increase", bw.GREEN),   # meeting plan exactly is green
    (100, 120, "increase", bw.GREEN),
    (100, 96, "increase", bw.AMBER),    # 4 % short: within the amber band
    (100, 95, "increase", bw.AMBER),    # the band's edge counts as amber
    (100, 94, "increase", bw.RED),
    (100, 80, "decrease", bw.GREEN),    # lower is better
    (100, 100, "decrease", bw.GREEN),
    (100, 104, "decrease", bw.AMBER),
    (100, 110, "decrease", bw.RED),
    (100, None, "increase", bw.BLANK),
    (None, 50, "increase", bw.NO_PLAN),
    (-10, -10.4, "increase", bw.AMBER),  # the band is a share of |plan|
])
def test_cell_state(plan, actual, direction, state):
    assert bw.cell_state(plan, actual, direction) == state


def test_amber_band_is_five_percent():
    assert bw.AMBER_TOLERANCE == 0.05


def test_fiscal_months_from_april():
    months = bw.fiscal_months(2026, 4)
    assert len(months) == 12
    assert months[0] == dt.date(2026, 4, 1)
    assert months[8] == dt.date(2026, 12, 1)
    assert months[9] == dt.date(2027, 1, 1)
    assert months[-1] == dt.date(2027, 3, 1)
    assert bw.fiscal_months(2026)[0] == dt.date(2026, 1, 1)
    assert bw.fiscal_months(2026)[-1] == dt.date(2026, 12, 1)


def test_bowling_cells_blank_months_and_other_fiscal_start():
    values = {dt.date(2026, 10, 1): (100, 110), dt.date(2027, 2, 1): (120, 90),
              dt.date(2027, 3, 1): (130, None),
              dt.date(2026, 3, 1): (1, 1)}  # before the fiscal year: ignored
    cells = bw.bowling(values, 2026, start_month=10)
    assert [c.period for c in cells][:4] == ["2026-10", "2026-11", "2026-12", "2027-01"]
    states = {c.period: c.state for c in cells}
    assert states["2026-10"] == bw.GREEN
    assert states["2027-02"] == bw.RED
    assert states["2027-03"] == bw.BLANK  # plan but no actual yet
    assert states["2026-11"] == bw.BLANK and cells[1].plan is None
    assert "2026-03" not in states
    assert bw.latest(cells).period == "2027-02"
    assert bw.latest(bw.bowling({}, 2026)) is None


def test_bowling_decrease_direction():
    values = {dt.date(2026, 1, 1): (30, 25), dt.date(2026, 2, 1): (28, 29),
              dt.date(2026, 3, 1): (26, 35)}
    states = [c.state for c in bw.bowling(values, 2026, 1, "decrease")[:4]]
    assert states == [bw.GREEN, bw.AMBER, bw.RED, bw.BLANK]


def test_line_chart_points_and_lines():
    values = {dt.date(2026, 1, 1): (100, 100), dt.date(2026, 2, 1): (110, 130),
              dt.date(2026, 3, 1): (120, None)}
    cells = bw.bowling(values, 2026)
    svg = bw.line_chart_svg(cells, baseline=100, target=200, unit="#", title="M1 <&>")
    root = ET.fromstring(svg)  # well-formed, the title escaped
    assert root.find(f"{SVG}title").text == "M1 <&>"
    plan, actual, y_of = bw.chart_points(cells, 100, 200)
    assert [p.period for p in plan] == ["2026-01", "2026-02", "2026-03"]
    assert [p.period for p in actual] == ["2026-01", "2026-02"]
    # A higher value is drawn higher (smaller y); months advance to the right.
    assert actual[1].y < actual[0].y and actual[1].x > actual[0].x
    assert y_of(200) < y_of(100)
    polylines = {p.get("class"): p.get("points") for p in root.iter(f"{SVG}polyline")}
    assert polylines["actual"] == " ".join(f"{p.x},{p.y}" for p in actual)
    assert len(polylines["plan"].split()) == 3
    lines = {ln.get("class"): ln for ln in root.iter(f"{SVG}line") if ln.get("class")}
    assert float(lines["target"].get("y1")) == y_of(200)
    assert float(lines["baseline"].get("y1")) == y_of(100)
    dots = [c for c in root.iter(f"{SVG}circle")]
    assert [d.get("data-period") for d in dots] == ["2026-01", "2026-02"]
    assert all("green" in d.get("class") for d in dots)


def test_line_chart_without_data_is_still_valid():
    svg = bw.line_chart_svg(bw.bowling({}, 2026))
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}polyline"))


@pytest.mark.parametrize("span, step", [(5.8, 2), (100, 25), (0.4, 0.1), (3000, 1000)])
def test_gridlines_fall_on_round_numbers(span, step):
    assert bw.nice_step(span) == pytest.approx(step)


def test_axis_holds_every_value():
    cells = bw.bowling({dt.date(2026, 1, 1): (10.6, 10.8), dt.date(2026, 2, 1): (6.8, 7.1)}, 2026)
    plan, actual, y_of = bw.chart_points(cells, baseline=11, target=6)
    assert y_of.lo <= 6 and y_of.hi >= 11
    assert all(20 <= p.y <= bw.HEIGHT - 40 for p in plan + actual)
    assert bw.Cell(dt.date(2026, 1, 1), 10.6, 7.0, bw.GREEN).actual_text == "7"
