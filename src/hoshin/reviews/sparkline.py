"""A key result's check-ins of the quarter as a word-sized line (pure, server-side SVG).

The x axis is the quarter, start to end, so a line that stops early shows the silence;
the dashed line is the target and the thin one the baseline, so the gap the review is
about is visible without reading numbers.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD = 120, 28, 3
# Drawn with presentation attributes, so the line reads the same in any page or e-mail.
STATUS_COLOURS = {"on_track": "#15803d", "at_risk": "#b45309", "off_track": "#b91c1c",
                  "no_data": "#6b7280"}


def _scale(value: float, low: float, high: float) -> float:
    if high == low:
        return HEIGHT / 2
    return HEIGHT - PAD - (value - low) / (high - low) * (HEIGHT - 2 * PAD)


def sparkline(points: list[tuple[float, float]], *, target: float | None = None,
              baseline: float | None = None, status: str = "no_data",
              label: str = "") -> str:
    """`points` are (share of the quarter gone 0..1, value), in date order. The last
    point is drawn as a dot coloured by `status`. Returns the SVG markup."""
    values = [v for _, v in points]
    guides = [g for g in (target, baseline) if g is not None]
    title = f"<title>{escape(label)}</title>" if label else ""
    head = (f'<svg class="spark" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}" role="img" aria-label="{escape(label)}">{title}')
    if not values:
        return (head + f'<line class="spark-none" x1="0" x2="{WIDTH}" y1="{HEIGHT / 2}" '
                f'y2="{HEIGHT / 2}" stroke="#d1d5db" stroke-dasharray="2 3"/></svg>')
    low, high = min(values + guides), max(values + guides)
    parts = [head]
    if target is not None:
        y = _scale(target, low, high)
        parts.append(f'<line class="spark-target" x1="0" x2="{WIDTH}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#6b7280" stroke-dasharray="3 2"/>')
    if baseline is not None:
        y = _scale(baseline, low, high)
        parts.append(f'<line class="spark-baseline" x1="0" x2="{WIDTH}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#d1d5db"/>')
    xy = [(PAD + max(0.0, min(1.0, x)) * (WIDTH - 2 * PAD), _scale(v, low, high))
          for x, v in points]
    if len(xy) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(f'<polyline class="spark-line" points="{path}" fill="none" stroke="#1f4e8c" '
                     'stroke-width="1.5" stroke-linejoin="round"/>')
    x, y = xy[-1]
    parts.append(f'<circle class="spark-now spark-{escape(status)}" cx="{x:.1f}" '
                 f'cy="{y:.1f}" r="2.5" fill="{STATUS_COLOURS.get(status, "#6b7280")}"/>')
    parts.append("</svg>")
    return "".join(parts)
