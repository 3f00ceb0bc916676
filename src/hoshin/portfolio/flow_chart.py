"""The flow page's charts as server-side SVG: the cumulative flow diagram (stacked bands of
done, cancelled, blocked, in progress and not started, day by day) and work in progress
over time against the unit's WIP limit.

Plain computation: no Django, no database; the view hands in a `flow.Flow`.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from hoshin.portfolio.flow import BANDS, Flow

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 40
BAND_NAMES = {"done": "Done", "cancelled": "Cancelled", "blocked": "Blocked",
              "in_progress": "In progress", "not_started": "Not started"}
# Colour-blind-safe hues (Okabe–Ito), finished work in the calm ones.
BAND_COLOURS = {"done": "#009e73", "cancelled": "#999999", "blocked": "#d55e00",
                "in_progress": "#0072b2", "not_started": "#e6e6e6"}


def _nice_top(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if value <= step * 5:
            return max(step, -(-value // step) * step)
    return value


def _scales(flow: Flow, top: int):
    n = max(1, len(flow.days) - 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(i: float) -> float:
        return LEFT + i / n * plot_w

    def y(v: float) -> float:
        return HEIGHT - BOTTOM - v / top * plot_h

    return x, y


def _axes(flow: Flow, top: int, x, y, label: str) -> list[str]:
    parts = [f'<line x1="{LEFT}" y1="{y(0):.1f}" x2="{x(len(flow.days) - 1):.1f}" '
             f'y2="{y(0):.1f}" stroke="#555"/>',
             f'<line x1="{LEFT}" y1="{y(0):.1f}" x2="{LEFT}" y2="{y(top):.1f}" stroke="#555"/>']
    step = max(1, top // 5)
    for v in range(0, top + 1, step):
        parts.append(f'<line x1="{LEFT - 4}" y1="{y(v):.1f}" x2="{LEFT}" y2="{y(v):.1f}" '
                     f'stroke="#555"/><text x="{LEFT - 7}" y="{y(v) + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{v}</text>')
    # A tick on the first day of each month, labelled with the month.
    for i, day in enumerate(flow.days):
        if day.day == 1 or i == 0:
            parts.append(f'<line x1="{x(i):.1f}" y1="{y(0):.1f}" x2="{x(i):.1f}" '
                         f'y2="{y(0) + 4:.1f}" stroke="#555"/><text x="{x(i):.1f}" '
                         f'y="{y(0) + 17:.1f}" font-size="11" text-anchor="start">'
                         f'{_label(day)}</text>')
    parts.append(f'<text x="14" y="{(y(0) + y(top)) / 2:.1f}" font-size="12" '
                 f'text-anchor="middle" transform="rotate(-90 14 {(y(0) + y(top)) / 2:.1f})">'
                 f'{escape(label)}</text>')
    return parts


def _label(day: dt.date) -> str:
    return day.strftime("%-d %b")


def cumulative_flow_svg(flow: Flow, *, title: str = "Cumulative flow") -> str:
    n_days = len(flow.days)
    totals = [sum(flow.cumulative[b][i] for b in BANDS) for i in range(n_days)]
    top = _nice_top(max(totals + [1]))
    x, y = _scales(flow, top)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'class="flow-chart cfd" role="img" aria-labelledby="cfd-title">',
             f'<title id="cfd-title">{escape(title)}</title>']
    below = [0] * n_days
    for band in BANDS:
        counts = flow.cumulative[band]
        above = [below[i] + counts[i] for i in range(n_days)]
        if any(counts):
            upper = " ".join(f"{x(i):.1f},{y(above[i]):.1f}" for i in range(n_days))
            lower = " ".join(f"{x(i):.1f},{y(below[i]):.1f}" for i in reversed(range(n_days)))
            if n_days == 1:  # a single day: a bar one pixel wide rather than nothing
                upper += f" {x(0) + 1:.1f},{y(above[0]):.1f}"
                lower = f"{x(0) + 1:.1f},{y(below[0]):.1f} " + lower
            parts.append(f'<polygon class="band band-{band}" data-band="{band}" '
                         f'points="{upper} {lower}" fill="{BAND_COLOURS[band]}" '
                         f'stroke="#fff" stroke-width="0.5"><title>{BAND_NAMES[band]}: '
                         f'{counts[-1]} on {_label(flow.days[-1])}</title></polygon>')
        below = above
    parts.extend(_axes(flow, top, x, y, "Initiatives"))
    # The legend, top band first (it reads in the order the bands are stacked).
    for n, band in enumerate(reversed(BANDS)):
        ly = TOP + 8 + n * 20
        lx = WIDTH - RIGHT + 16
        parts.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="12" '
                     f'fill="{BAND_COLOURS[band]}" stroke="#777" stroke-width="0.5"/>'
                     f'<text x="{lx + 18}" y="{ly + 1}" font-size="12">{BAND_NAMES[band]} '
                     f'({flow.cumulative[band][-1]})</text>')
    parts.append("</svg>")
    return "".join(parts)


def wip_svg(flow: Flow, limit: int | None = None, *, title: str = "Work in progress") -> str:
    n_days = len(flow.days)
    top = _nice_top(max(flow.wip + [limit or 0, 1]))
    x, y = _scales(flow, top)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'class="flow-chart wip" role="img" aria-labelledby="wip-title">',
             f'<title id="wip-title">{escape(title)}</title>']
    parts.extend(_axes(flow, top, x, y, "In progress or blocked"))
    # A step line: WIP holds its value through each day.
    points = []
    for i, v in enumerate(flow.wip):
        points.append(f"{x(i):.1f},{y(v):.1f}")
        if i + 1 < n_days:
            points.append(f"{x(i + 1):.1f},{y(v):.1f}")
    parts.append(f'<polyline class="wip-line" points="{" ".join(points)}" fill="none" '
                 f'stroke="#0072b2" stroke-width="2"/>')
    parts.append(f'<line x1="{LEFT}" y1="{y(flow.average_wip.value or 0):.1f}" '
                 f'x2="{x(n_days - 1):.1f}" y2="{y(flow.average_wip.value or 0):.1f}" '
                 f'stroke="#0072b2" stroke-dasharray="2 3"/>')
    lx = WIDTH - RIGHT + 16
    parts.append(f'<text x="{lx}" y="{y(flow.average_wip.value or 0) + 4:.1f}" font-size="12" '
                 f'fill="#0072b2">average {flow.average_wip.value or 0:.1f}</text>')
    if limit is not None:
        parts.append(f'<line class="wip-limit" x1="{LEFT}" y1="{y(limit):.1f}" '
                     f'x2="{x(n_days - 1):.1f}" y2="{y(limit):.1f}" stroke="#d55e00" '
                     f'stroke-width="1.5" stroke-dasharray="6 4"/>'
                     f'<text x="{lx}" y="{y(limit) - 4:.1f}" font-size="12" fill="#a33c00">'
                     f'WIP limit {limit}</text>')
    parts.append("</svg>")
    return "".join(parts)
