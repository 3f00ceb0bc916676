"""The portfolio's value/size chart as server-side SVG: cost of delay up, job size across,
one dot per initiative (items with the same scores share a dot that names them all), and
dashed lines of equal WSJF, so "up and to the left" reads as "do first".

Plain computation: no Django, no database; the view hands in ranked scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from hoshin.portfolio.wsjf import SCALE, Ranked

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 20, 48
WSJF_LINES = (1, 2, 5, 10)
MAX_SIZE = SCALE[-1]
MAX_COST = 3 * SCALE[-1]


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def scatter_svg(ranked: Sequence[Ranked], *, title: str = "Cost of delay against job size") -> str:
    groups: dict[tuple[int, int], list[Ranked]] = {}
    for r in ranked:
        groups.setdefault((r.score.job_size, r.score.cost_of_delay), []).append(r)
    # The axes reach just past the data, so the dots spread over the chart instead of
    # crowding its bottom-left corner.
    max_size = next((v for v in SCALE if v >= max((r.score.job_size for r in ranked), default=1)
                     and v >= 5), MAX_SIZE)
    top_cost = max((r.score.cost_of_delay for r in ranked), default=1)
    max_cost = min(MAX_COST, max(10, -(-top_cost // 10) * 10))

    def _x(size: float) -> float:
        return LEFT + (size / max_size) * (WIDTH - LEFT - RIGHT)

    def _y(cost: float) -> float:
        return HEIGHT - BOTTOM - (cost / max_cost) * (HEIGHT - TOP - BOTTOM)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'class="portfolio-scatter" role="img" aria-labelledby="pf-title">',
             f'<title id="pf-title">{escape(title)}</title>']
    # Axes, with the scale's steps as ticks.
    x0, y0 = _x(0), _y(0)
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{_x(max_size)}" y2="{y0}" stroke="#555"/>')
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{_y(max_cost)}" stroke="#555"/>')
    for size in (v for v in SCALE if v <= max_size):
        x = _x(size)
        parts.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + 4}" stroke="#555"/>'
                     f'<text x="{x:.1f}" y="{y0 + 16}" font-size="11" text-anchor="middle">'
                     f'{size}</text>')
    for cost in range(0, max_cost + 1, 5 if max_cost <= 30 else 10):
        y = _y(cost)
        parts.append(f'<line x1="{x0 - 4}" y1="{y:.1f}" x2="{x0}" y2="{y:.1f}" stroke="#555"/>'
                     f'<text x="{x0 - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
                     f'{cost}</text>')
    parts.append(f'<text x="{(x0 + _x(max_size)) / 2:.1f}" y="{HEIGHT - 10}" font-size="12" '
                 f'text-anchor="middle">Job size</text>')
    parts.append(f'<text x="14" y="{(y0 + _y(max_cost)) / 2:.1f}" font-size="12" '
                 f'text-anchor="middle" transform="rotate(-90 14 {(y0 + _y(max_cost)) / 2:.1f})">'
                 f'Cost of delay</text>')
    # Lines of equal WSJF: cost = wsjf × size, cut at the edge of the chart.
    for wsjf in WSJF_LINES:
        end_size = min(max_size, max_cost / wsjf)
        x2, y2 = _x(end_size), _y(wsjf * end_size)
        parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#bbb" '
                     f'stroke-dasharray="4 3"/>'
                     f'<text x="{x2 - 4:.1f}" y="{y2 + 12:.1f}" font-size="10" fill="#777" '
                     f'text-anchor="end">WSJF {wsjf}</text>')
    for (size, cost), members in sorted(groups.items()):
        x, y = _x(size), _y(cost)
        keys = ", ".join(m.score.key for m in members)
        names = "; ".join(f"#{m.rank} {m.score.key}: WSJF {m.score.wsjf:.2f}" for m in members)
        radius = 5 + min(len(members) - 1, 5)
        # Ranks, not keys, beside the dots: keys are long and the table below names them.
        label = f"#{members[0].rank}" + (f" +{len(members) - 1}" if len(members) > 1 else "")
        parts.append(f'<g class="pf-point" data-keys="{_attr(keys)}">'
                     f'<title>{escape(names)} (cost of delay {cost}, size {size})</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="#2b6cb0" '
                     f'fill-opacity="0.75"/>'
                     + (f'<text x="{x + radius + 3:.1f}" y="{y + 4:.1f}" font-size="11">'
                        if x + radius + 8 * len(label) < WIDTH else  # at the right edge: left
                        f'<text x="{x - radius - 3:.1f}" y="{y + 4:.1f}" font-size="11" '
                        f'text-anchor="end">')
                     + f'{escape(label)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
