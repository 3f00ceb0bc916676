"""Bowling chart and line chart of a metric: month cells judged against plan, and an SVG.

Pure Python (no Django) so the colour rules and the chart geometry are tested on their own.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from hoshin.engine.numbers import number

# A month that misses plan by no more than this share of the plan value is amber, not red:
# close enough that it is a warning rather than a failure.
AMBER_TOLERANCE = 0.05

GREEN, AMBER, RED, BLANK, NO_PLAN = "green", "amber", "red", "blank", "no-plan"
STATE_LABELS = {GREEN: "meets plan", AMBER: "misses plan by 5 % or less",
                RED: "misses plan", BLANK: "no actual yet", NO_PLAN: "no plan to compare"}


def fiscal_months(year: int, start_month: int = 1) -> list[dt.date]:
    """The twelve months (first days) of fiscal year `year`, named by the calendar year it
    starts in."""
    months = []
    for i in range(12):
        index = start_month - 1 + i
        months.append(dt.date(year + index // 12, index % 12 + 1, 1))
    return months


def cell_state(plan: float | None, actual: float | None, direction: str = "increase") -> str:
    if actual is None:
        return BLANK
    if plan is None:
        return NO_PLAN
    lower_is_better = direction == "decrease"
    if (actual <= plan) if lower_is_better else (actual >= plan):
        return GREEN
    if abs(actual - plan) <= abs(plan) * AMBER_TOLERANCE + 1e-9:
        return AMBER
    return RED


@dataclass(frozen=True)
class Cell:
    month: dt.date
    plan: float | None
    actual: float | None
    state: str

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")

    @property
    def period(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def plan_text(self) -> str:
        return fmt(self.plan)

    @property
    def actual_text(self) -> str:
        return fmt(self.actual)


def bowling(values: dict[dt.date, tuple[float | None, float | None]], year: int,
            start_month: int = 1, direction: str = "increase") -> list[Cell]:
    """One cell per fiscal month from {month: (plan, actual)}; months without data are blank."""
    cells = []
    for month in fiscal_months(year, start_month):
        plan, actual = values.get(month, (None, None))
        cells.append(Cell(month, plan, actual, cell_state(plan, actual, direction)))
    return cells


def latest(cells: list[Cell]) -> Cell | None:
    """The last month with an actual: what "where are we now" means on the list page."""
    recorded = [c for c in cells if c.actual is not None]
    return recorded[-1] if recorded else None


def fmt(value: float | None) -> str:
    return number(value)


@dataclass(frozen=True)
class Point:
    period: str
    value: float
    x: float
    y: float
    state: str = ""


DOT_FILL = {GREEN: "#1e8a44", AMBER: "#d69e00", RED: "#c0392b"}
WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 20, 40


def nice_step(span: float, count: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `count` gridlines."""
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def _scale(values: list[float]) -> tuple[float, float, float]:
    """Axis bounds on round numbers that hold every value, and the gridline step."""
    lo, hi = min(values), max(values)
    if lo == hi:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def chart_points(cells: list[Cell], baseline: float | None = None,
                 target: float | None = None) -> tuple[list[Point], list[Point], callable]:
    """Plan and actual points in SVG coordinates, and the value → y function."""
    values = [v for c in cells for v in (c.plan, c.actual) if v is not None]
    values += [v for v in (baseline, target) if v is not None]
    lo, hi, tick = _scale(values or [0.0, 1.0])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(cells) - 1, 1)

    def x_of(i: int) -> float:
        return round(LEFT + i * step, 1)

    def y_of(v: float) -> float:
        return round(TOP + plot_h * (hi - v) / (hi - lo), 1)

    plan = [Point(c.period, c.plan, x_of(i), y_of(c.plan)) for i, c in enumerate(cells)
            if c.plan is not None]
    actual = [Point(c.period, c.actual, x_of(i), y_of(c.actual), c.state)
              for i, c in enumerate(cells) if c.actual is not None]
    y_of.lo, y_of.hi, y_of.tick = lo, hi, tick  # type: ignore[attr-defined]
    return plan, actual, y_of


def _poly(points: list[Point]) -> str:
    return " ".join(f"{p.x},{p.y}" for p in points)


def line_chart_svg(cells: list[Cell], *, baseline: float | None = None,
                   target: float | None = None, unit: str = "", title: str = "") -> str:
    """Plan (dashed) and actual (solid, dots coloured like the bowling cells), with the
    baseline and target as labelled horizontal lines."""
    plan, actual, y_of = chart_points(cells, baseline, target)
    plot_right = WIDTH - RIGHT
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" role="img" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'),
           f"<title>{escape(title or 'Plan and actual by month')}</title>",
           (f'<rect x="{LEFT}" y="{TOP}" width="{plot_right - LEFT}" '
            f'height="{HEIGHT - TOP - BOTTOM}" fill="#fff" stroke="#cbd2d9"/>')]
    # Gridlines on round values, labelled on the left axis.
    lo, hi, tick = y_of.lo, y_of.hi, y_of.tick
    for i in range(round((hi - lo) / tick) + 1):
        v = round(lo + i * tick, 10)
        y = y_of(v)
        out.append(f'<line x1="{LEFT}" x2="{plot_right}" y1="{y}" y2="{y}" stroke="#eef1f4"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" font-size="11" '
                   f'fill="#52606d">{escape(f"{v:g}")}</text>')
    step = (plot_right - LEFT) / max(len(cells) - 1, 1)
    for i, c in enumerate(cells):
        x = round(LEFT + i * step, 1)
        out.append(f'<text x="{x}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                   f'font-size="11" fill="#52606d">{escape(c.month.strftime("%b"))}</text>')
    for name, value, colour in (("baseline", baseline, "#7b8794"), ("target", target, "#0e5a2a")):
        if value is None:
            continue
        y = y_of(value)
        out.append(f'<line class="{name}" x1="{LEFT}" x2="{plot_right}" y1="{y}" y2="{y}" '
                   f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="2 3"/>')
        label = f"{name.title()} {fmt(value)} {unit}".strip()
        out.append(f'<text x="{plot_right - 4}" y="{y - 4}" text-anchor="end" font-size="11" '
                   f'fill="{colour}" stroke="#fff" stroke-width="3" paint-order="stroke">'
                   f'{escape(label)}</text>')
    if plan:
        out.append(f'<polyline class="plan" points="{_poly(plan)}" fill="none" '
                   f'stroke="#52606d" stroke-width="2" stroke-dasharray="6 4"/>')
    if actual:
        out.append(f'<polyline class="actual" points="{_poly(actual)}" fill="none" '
                   f'stroke="#1f5fbf" stroke-width="2.5"/>')
        for p in actual:
            tip = f"{p.period}: {fmt(p.value)} {unit} ({STATE_LABELS.get(p.state, '')})"
            out.append(f'<circle class="point {p.state}" cx="{p.x}" cy="{p.y}" r="5" '
                       f'fill="{DOT_FILL.get(p.state, "#1f5fbf")}" stroke="#fff" '
                       f'data-period={quoteattr(p.period)} data-value={quoteattr(fmt(p.value))}>'
                       f"<title>{escape(tip.strip())}</title></circle>")
    # Legend along the bottom.
    ly = HEIGHT - 8
    out.append(f'<line x1="{LEFT}" x2="{LEFT + 24}" y1="{ly - 4}" y2="{ly - 4}" stroke="#52606d" '
               f'stroke-width="2" stroke-dasharray="6 4"/>'
               f'<text x="{LEFT + 30}" y="{ly}" font-size="11" fill="#323f4b">Plan</text>'
               f'<line x1="{LEFT + 80}" x2="{LEFT + 104}" y1="{ly - 4}" y2="{ly - 4}" '
               f'stroke="#1f5fbf" stroke-width="2.5"/>'
               f'<text x="{LEFT + 110}" y="{ly}" font-size="11" fill="#323f4b">Actual</text>')
    out.append("</svg>")
    return "".join(out)
