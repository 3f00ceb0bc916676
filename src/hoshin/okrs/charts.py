"""Burn-up charts of key results as server-side SVG. Pure Python: the view hands in dates
and numbers, so the geometry can be tested without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from hoshin.engine.numbers import number

STAY_KINDS = ("stay_above", "stay_below")


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    y_min: float
    y_max: float
    start: dt.date
    end: dt.date
    points: list[tuple[float, float]] = field(default_factory=list)
    pace: list[tuple[float, float]] = field(default_factory=list)
    target_y: float | None = None
    band: tuple[float, float] | None = None  # y of the band's top and bottom edge
    baseline: float | None = None

    def x(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        days = min(max((day - self.start).days, 0), span)
        return round(self.left + (self.width - self.left - self.right) * days / span, 1)

    def y(self, value: float) -> float:
        span = (self.y_max - self.y_min) or 1.0
        frac = (value - self.y_min) / span
        return round(self.height - self.bottom - (self.height - self.top - self.bottom) * frac, 1)


def geometry(*, start: dt.date, end: dt.date, kind: str, baseline: float | None,
             target: float | None, points: list[tuple[dt.date, float]],
             phases: list[tuple[dt.date, float]] = (), width: int = 560,
             height: int = 200) -> Chart:
    """Place check-in readings by date and value, with the pace expected from the
    baseline at the cycle's start to the target at its end (through phased targets)."""
    if kind == "milestone":
        baseline, target = 0.0, 1.0
    values = [v for _, v in points if v is not None]
    values += [v for v in (baseline, target) if v is not None]
    values += [t for _, t in phases]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (hi - lo) * 0.1 or max(abs(hi) * 0.1, 1.0)
    if kind == "milestone":
        lo, hi, pad = 0.0, 1.0, 0.0
    y_min = lo - pad if lo < 0 or lo - pad >= 0 else 0.0
    chart = Chart(width=width, height=height, left=48, right=16, top=12, bottom=28,
                  y_min=y_min, y_max=hi + pad, start=start, end=end)
    chart.baseline = baseline if kind not in STAY_KINDS else None
    chart.points = [(chart.x(d), chart.y(v)) for d, v in sorted(points) if v is not None]
    if target is not None:
        chart.target_y = chart.y(target)
    if kind in STAY_KINDS and target is not None:
        edge = chart.y(target)
        chart.band = ((chart.top, edge) if kind == "stay_above"
                      else (edge, chart.height - chart.bottom))
    elif baseline is not None and target is not None:
        stops = [(start, baseline)] + sorted((d, t) for d, t in phases if start < d < end)
        chart.pace = [(chart.x(d), chart.y(v)) for d, v in stops + [(end, target)]]
    return chart


def _path(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def burnup_svg(chart: Chart, *, title: str, unit: str = "", kind: str = "increase",
               target: float | None = None, today: dt.date | None = None) -> str:
    """The chart as an accessible SVG string; every piece of text is XML-escaped."""
    w, h = chart.width, chart.height
    base_y = h - chart.bottom
    raw = f"Burn-up of {title}" + (f" ({unit})" if unit else "")
    label, attr = escape(raw), escape(raw, {'"': "&quot;"})
    # Numbers only on the axis: the unit would not fit the margin; the caption names it.
    fmt = (lambda v: f"{round(v * 100)} %") if kind == "milestone" else number
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="burnup" viewBox="0 0 {w} {h}" '
              f'role="img" aria-label="{attr}">'),
             f"<title>{label}</title>",
             (f'<line class="axis" x1="{chart.left}" y1="{base_y}" x2="{w - chart.right}" '
              f'y2="{base_y}" />'),
             (f'<line class="axis" x1="{chart.left}" y1="{chart.top}" x2="{chart.left}" '
              f'y2="{base_y}" />')]
    # Label the values people planned with (baseline, target), not the padded axis ends.
    ticks = [v for v in (chart.baseline, target) if v is not None and kind != "milestone"]
    for value in ticks or (chart.y_min, chart.y_max):
        y = chart.y(value)
        parts.append(f'<text class="tick" x="{chart.left - 6}" y="{y + 4}" '
                     f'text-anchor="end">{escape(fmt(value))}</text>')
    for day, anchor in ((chart.start, "start"), (chart.end, "end")):
        parts.append(f'<text class="tick" x="{chart.x(day)}" y="{h - 8}" '
                     f'text-anchor="{anchor}">{day:%-d %b}</text>')
    if chart.band:
        top, bottom = chart.band
        parts.append(f'<rect class="band" x="{chart.left}" y="{top}" '
                     f'width="{w - chart.left - chart.right}" height="{round(bottom - top, 1)}">'
                     f"<title>{'At or above' if kind == 'stay_above' else 'At or below'} "
                     f"the threshold</title></rect>")
    if chart.target_y is not None:
        parts.append(f'<line class="target" x1="{chart.left}" y1="{chart.target_y}" '
                     f'x2="{w - chart.right}" y2="{chart.target_y}"><title>Target</title></line>')
    if chart.pace:
        parts.append(f'<polyline class="pace" points="{_path(chart.pace)}">'
                     f"<title>Expected pace</title></polyline>")
    if today and chart.start <= today <= chart.end:
        x = chart.x(today)
        parts.append(f'<line class="today" x1="{x}" y1="{chart.top}" x2="{x}" y2="{base_y}">'
                     f"<title>Today</title></line>")
    if chart.points:
        parts.append(f'<polyline class="actual" points="{_path(chart.points)}" />')
        parts += [f'<circle class="point" cx="{x}" cy="{y}" r="3.5" />' for x, y in chart.points]
    else:
        parts.append(f'<text class="tick" x="{(chart.left + w - chart.right) / 2}" '
                     f'y="{chart.top + 14}" text-anchor="middle">No check-ins yet</text>')
    parts.append("</svg>")
    return "".join(parts)
