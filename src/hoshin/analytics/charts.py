"""Execution analytics' charts as server-side SVG (pure: no Django, no database): the
reliability diagram of stated confidence, the share reached by check-in regularity, and a
quarter-by-quarter trend line."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from hoshin.analytics.figures import Band, Calibration


def _open(width: int, height: int, title: str, css: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'class="{css}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">',
            f"<title>{escape(title)}</title>"]


def reliability_svg(cal: Calibration, *, title: str = "Stated confidence against outcome") -> str:
    """x: stated confidence (0–10 as 0–100 %); y: share of those check-ins whose key
    result reached its target. Dots on the diagonal are calibrated; their area is the
    number of check-ins."""
    w, h, left, bottom, top, right = 420, 340, 48, 44, 14, 14
    side_x, side_y = w - left - right, h - top - bottom

    def x(p: float) -> float:
        return left + p * side_x

    def y(p: float) -> float:
        return top + (1 - p) * side_y

    parts = _open(w, h, title, "reliability")
    parts.append(f'<rect x="{left}" y="{top}" width="{side_x}" height="{side_y}" fill="none" '
                 f'stroke="#999"/>')
    parts.append(f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#aaa" '
                 f'stroke-dasharray="4 3"/>')
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<text x="{x(tick):.1f}" y="{h - bottom + 16}" font-size="11" '
                     f'text-anchor="middle">{round(tick * 10)}</text>'
                     f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{round(tick * 100)}%</text>')
    parts.append(f'<text x="{left + side_x / 2}" y="{h - 8}" font-size="12" '
                 f'text-anchor="middle">Stated confidence (0–10)</text>')
    biggest = max((b.n for b in cal.bins), default=1)
    for b in cal.bins:
        radius = 3 + 9 * (b.n / biggest) ** 0.5
        share = b.observed or 0.0
        parts.append(f'<circle cx="{x(b.probability):.1f}" cy="{y(share):.1f}" '
                     f'r="{radius:.1f}" fill="#2b6cb0" fill-opacity="0.7">'
                     f'<title>confidence {b.confidence}: {b.hits} of {b.n} check-ins on key '
                     f'results that reached their target ({share:.0%})</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def bands_svg(bands: Sequence[Band], *, title: str = "Share reached by check-in regularity") -> str:
    """One bar per regularity band: the share of key results that reached their target,
    its 90 % interval as a whisker, and the band's size under it."""
    w, h, left, bottom, top = 520, 260, 44, 54, 14
    slot = (w - left - 10) / max(1, len(bands))
    side = h - top - bottom
    parts = _open(w, h, title, "regularity")
    for tick in (0, 0.5, 1):
        ty = top + (1 - tick) * side
        parts.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{w - 10}" y2="{ty:.1f}" '
                     f'stroke="#ddd"/><text x="{left - 6}" y="{ty + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{round(tick * 100)}%</text>')
    for i, band in enumerate(bands):
        bx = left + i * slot + slot * 0.2
        bw = slot * 0.6
        label = f"{round(band.low * 100)}–{round(band.high * 100)}%"
        parts.append(f'<text x="{bx + bw / 2:.1f}" y="{h - bottom + 16}" font-size="11" '
                     f'text-anchor="middle">{label}</text>'
                     f'<text x="{bx + bw / 2:.1f}" y="{h - bottom + 30}" font-size="11" '
                     f'fill="#555" text-anchor="middle">n = {band.n}</text>')
        if not band.n:
            continue
        share = band.reached_share or 0.0
        top_y = top + (1 - share) * side
        parts.append(f'<rect x="{bx:.1f}" y="{top_y:.1f}" width="{bw:.1f}" '
                     f'height="{top + side - top_y:.1f}" fill="#2f855a" fill-opacity="0.8">'
                     f'<title>{escape(band.label)}: {band.reached} of {band.n} reached their '
                     f'target ({share:.0%})</title></rect>')
        if band.interval:
            lo, hi = band.interval
            cx = bx + bw / 2
            parts.append(f'<line x1="{cx:.1f}" y1="{top + (1 - hi) * side:.1f}" x2="{cx:.1f}" '
                         f'y2="{top + (1 - lo) * side:.1f}" stroke="#222"/>')
    parts.append(f'<text x="{left + (w - left) / 2:.1f}" y="{h - 6}" font-size="12" '
                 f'text-anchor="middle">Share of the quarter\u2019s weeks with a check-in</text>')
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(labels: Sequence[str], values: Sequence[float | None], *, title: str) -> str:
    """A small line of one figure across quarters, each point labelled with its value."""
    w, h, pad = 240, 110, 20
    known = [v for v in values if v is not None]
    high = max(known, default=1) or 1
    side = 30  # room for a quarter's name under the first and last points
    step = (w - 2 * side) / max(1, len(values) - 1)
    parts = _open(w, h, title, "trend")
    points = []
    for i, (label, value) in enumerate(zip(labels, values)):
        px = side + i * step
        parts.append(f'<text x="{px:.1f}" y="{h - 3}" font-size="11" text-anchor="middle">'
                     f'{escape(label)}</text>')
        if value is None:
            continue
        py = pad + (1 - value / high) * (h - 2 * pad - 8)
        points.append(f"{px:.1f},{py:.1f}")
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="#2b6cb0"/>'
                     f'<text x="{px:.1f}" y="{py - 6:.1f}" font-size="12" text-anchor="middle">'
                     f'{value:g}</text>')
    if len(points) > 1:
        parts.insert(2, f'<polyline points="{" ".join(points)}" fill="none" stroke="#2b6cb0"/>')
    parts.append("</svg>")
    return "".join(parts)


def forecast_svg(f, *, on_track: float = 0.7,
                 title: str = "Forecast grade with its 80 % interval") -> str:
    """A grade axis 0.0–1.0: the forecast's interval as a bar, its point as a dot, the
    trend's and the similar key results' estimates as ticks above and below, and the
    on-track line dashed. `f` is an engine.grade_forecast.GradeForecast."""
    w, h, left, right = 420, 90, 16, 16
    side = w - left - right

    def x(g: float) -> float:
        return left + g * side

    parts = _open(w, h, title, "grade-forecast")
    # Drawn at its own size: the key result's page has no analytics stylesheet.
    parts[0] = parts[0].replace("<svg ", f'<svg width="{w}" height="{h}" ', 1)
    parts.append(f'<line x1="{x(0)}" y1="40" x2="{x(1)}" y2="40" stroke="#999"/>')
    for g in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<text x="{x(g):.1f}" y="86" font-size="11" text-anchor="middle">'
                     f'{g:.1f}</text>')
    parts.append(f'<line x1="{x(on_track):.1f}" y1="12" x2="{x(on_track):.1f}" y2="56" '
                 f'stroke="#c05621" stroke-dasharray="4 3"><title>on track: '
                 f'{on_track:.1f}</title></line>')
    parts.append(f'<rect x="{x(f.low):.1f}" y="33" width="{max(2.0, x(f.high) - x(f.low)):.1f}" '
                 f'height="14" fill="#2b6cb0" fill-opacity="0.3"><title>80 % interval '
                 f'{f.low:.1f}–{f.high:.1f}</title></rect>')
    if f.trend is not None:
        parts.append(f'<line x1="{x(f.trend.grade):.1f}" y1="22" x2="{x(f.trend.grade):.1f}" '
                     f'y2="33" stroke="#2f855a" stroke-width="2"><title>own trend '
                     f'{f.trend.grade:.1f}</title></line><text x="{x(f.trend.grade):.1f}" '
                     f'y="18" font-size="10" text-anchor="middle">trend</text>')
    if f.similar is not None:
        parts.append(f'<line x1="{x(f.similar.mean):.1f}" y1="47" x2="{x(f.similar.mean):.1f}" '
                     f'y2="58" stroke="#6b46c1" stroke-width="2"><title>similar key results '
                     f'(n = {f.similar.n}) {f.similar.mean:.1f}</title></line>'
                     f'<text x="{x(f.similar.mean):.1f}" y="70" font-size="10" '
                     f'text-anchor="middle" fill="#6b46c1">similar, n = {f.similar.n}</text>')
    parts.append(f'<circle cx="{x(f.grade):.1f}" cy="40" r="5" fill="#2b6cb0"><title>forecast '
                 f'{f.grade:.1f}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)
