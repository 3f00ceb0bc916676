"""Charts of key results as server-side SVG: the burn-up on a key result's own page (and
under each row of its objective's page), the milestone timeline, and the sparklines of
small multiples (unit and objective pages, the TV).

Where things go is okrs/chart_layout.py; this module writes the SVG (every piece of text
XML-escaped) from check-ins the page has already read: nothing here queries, so a page
with twelve key results costs what a page with three does. No Django imports: the
views hand in model instances and read only their fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from hoshin.engine.numbers import number
from hoshin.okrs import chart_layout as layout
from hoshin.okrs.chart_layout import SIZES, STAY_KINDS, Burnup, Reading, Size, Spark

STATUS_COLOURS = {"on_track": "#1f8a4c", "at_risk": "#c98a00", "off_track": "#c23b30",
                  "no_data": "#7b8794"}


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _path(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


# Readings -----------------------------------------------------------------------------


def milestone_share(checkin, weights: dict[str, float]) -> float | None:
    """How much of a milestone a check-in reports done: its steps' weights, or done/not."""
    if weights:
        return sum(weights.get(k, 0.0) for k in (checkin.steps_done or []))
    return checkin.value


def readings(kr, checkins: Iterable, steps: Sequence = ()) -> list[Reading]:
    """The readings a chart plots: the latest check-in of each day that has a value (for
    a milestone, its share done), oldest first. `checkins` in any order."""
    weights = {s.key: s.weight for s in steps}
    per_day: dict[dt.date, Reading] = {}
    for c in sorted(checkins, key=lambda c: (c.date, c.pk or 0)):
        value = milestone_share(c, weights) if kr.kind == "milestone" else c.value
        if value is None:
            continue
        per_day[c.date] = Reading(c.date, float(value), c.confidence, c.note or "")
    return [per_day[d] for d in sorted(per_day)]


def steps_done_on(checkins: Iterable, steps: Sequence) -> list[tuple[dt.date, str]]:
    """Each milestone step with the date of the first check-in that reported it done;
    a milestone without steps is one step, "Done"."""
    first: dict[str, dt.date] = {}
    for c in sorted(checkins, key=lambda c: (c.date, c.pk or 0)):
        if steps:
            for key in c.steps_done or []:
                first.setdefault(key, c.date)
        elif c.value == 1:
            first.setdefault("", c.date)
    if not steps:
        return [(first[""], "Done")] if "" in first else []
    return [(first[s.key], s.title) for s in steps if s.key in first]


# The burn-up --------------------------------------------------------------------------


def burnup_svg(chart: Burnup, *, title: str, unit: str = "", kind: str = "increase") -> str:
    """One size of the burn-up as an SVG string. The points are focusable: hovering or
    focusing one shows its date, value, confidence and note (also its <title>)."""
    size = chart.size
    w, h, font = size.width, size.height, size.font
    small = round(font * 0.92, 1)
    raw = f"Burn-up of {title}" + (f" ({unit})" if unit else "")
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="burnup burnup-{size.name}" '
              f'viewBox="0 0 {w} {h}" width="100%" role="group" aria-label="{_attr(raw)}" '
              f'font-size="{font}">'),
             f"<title>{escape(raw)}</title>"]
    plot_w = round(chart.right - chart.left, 1)
    plot_h = round(chart.bottom - chart.top, 1)
    # The zone a stay_* result must hold, under everything else.
    if chart.band:
        top, bottom = chart.band
        zone = "At or above" if kind == "stay_above" else "At or below"
        parts.append(f'<rect class="zone" x="{chart.left}" y="{top}" width="{plot_w}" '
                     f'height="{round(bottom - top, 1)}" fill="#d1f2dc" fill-opacity=".55">'
                     f"<title>{zone} the threshold: where it should stay</title></rect>")
    # Grid and axes.
    parts.append('<g class="grid" stroke="#e4e7eb" stroke-width="1">')
    parts += [f'<line x1="{chart.left}" y1="{y}" x2="{chart.right}" y2="{y}" />'
              for y, _ in chart.y_ticks]
    parts += [f'<line x1="{x}" y1="{chart.top}" x2="{x}" y2="{chart.bottom}" '
              f'stroke-dasharray="2 4" />' for x in chart.grid_x]
    parts.append("</g>")
    parts.append(f'<line class="x-axis" x1="{chart.left}" y1="{chart.bottom}" x2="{chart.right}" '
                 f'y2="{chart.bottom}" stroke="#9aa5b1" />')
    parts.append('<g class="ticks y-tick" fill="#52606d" text-anchor="end">')
    parts += [f'<text x="{chart.left - 6}" y="{round(y + font * 0.35, 1)}">{escape(t)}</text>'
              for y, t in chart.y_ticks]
    parts.append("</g>")
    parts.append('<g class="ticks x-tick" fill="#52606d" text-anchor="middle">')
    parts += [f'<text x="{x}" y="{round(chart.bottom + font * 1.4, 1)}">{escape(t)}</text>'
              for x, t in chart.x_ticks]
    parts.append("</g>")
    # The unit reads across, above the values it names (a rotated "%" is hard to find).
    parts.append(f'<text class="axis-title y-title" x="0" '
                 f'y="{round(chart.top - font * 0.75, 1)}" text-anchor="start" fill="#3e4c59" '
                 f'font-weight="600">{escape(chart.y_title)}</text>')
    if chart.x_title:
        centre = round((chart.left + chart.right) / 2, 1)
        parts.append(f'<text class="axis-title x-title" x="{centre}" '
                     f'y="{h - round(font * 0.4, 1)}" text-anchor="middle" fill="#3e4c59" '
                     f'font-weight="600">{escape(chart.x_title)}</text>')
    if chart.today_x is not None:
        x = chart.today_x
        parts.append(f'<g class="today-mark"><line x1="{x}" y1="{chart.top - 4}" x2="{x}" '
                     f'y2="{chart.bottom}" stroke="#b4232c" stroke-width="1.5" '
                     f'stroke-dasharray="4 3" /><text x="{x}" y="{round(chart.top - 7, 1)}" '
                     f'text-anchor="middle" fill="#b4232c" font-size="{small}" '
                     f'font-weight="600">Today</text><title>Today</title></g>')
    if chart.target_y is not None:
        parts.append(f'<line class="target-line" x1="{chart.left}" y1="{chart.target_y}" '
                     f'x2="{chart.right}" y2="{chart.target_y}" stroke="#1f8a4c" '
                     f'stroke-width="1.5" stroke-dasharray="6 4">'
                     f"<title>{'Threshold' if kind in STAY_KINDS else 'Target'}</title></line>")
    if chart.pace:
        parts.append(f'<polyline class="pace-line" points="{_path(chart.pace)}" fill="none" '
                     f'stroke="#7b8794" stroke-width="2" stroke-dasharray="3 4">'
                     f"<title>Expected pace: from the baseline at the start to the target at "
                     f"the end</title></polyline>")
    if chart.forecast:
        f = chart.forecast
        rng = f"{number(f.low, significant=3)} to {number(f.high, significant=3)}"
        parts.append(f'<g class="forecast"><polygon class="forecast-band" '
                     f'points="{_path(f.band)}" fill="#0b5cad" fill-opacity=".12" />'
                     f'<polyline class="forecast-line" points="{_path(f.line)}" fill="none" '
                     f'stroke="#0b5cad" stroke-width="2" stroke-dasharray="6 4" />'
                     f"<title>Forecast at the end: {number(f.end_value, significant=3)} "
                     f"(likely {rng}), the trend of the check-ins</title></g>")
    if chart.points:
        actual = _path((p.x, p.y) for p in chart.points)
        parts.append(f'<polyline class="actual-line" points="{actual}" '
                     f'fill="none" stroke="#1f2933" stroke-width="2.5" stroke-linejoin="round" />')
    else:
        parts.append(f'<text class="empty" x="{round((chart.left + chart.right) / 2, 1)}" '
                     f'y="{round(chart.top + plot_h * 0.45, 1)}" text-anchor="middle" '
                     f'fill="#52606d">No check-ins yet</text>')
    for label in chart.labels:
        colour = "#1f8a4c" if label.css == "target-label" else "#0b5cad"
        parts.append(f'<text class="side-label {label.css}" x="{round(chart.right + 6, 1)}" '
                     f'y="{label.y}" fill="{colour}" font-size="{small}" '
                     f'font-weight="600">{escape(label.text)}</text>')
    # The dots first, then each point's focus ring and tip: a tip then lies above every
    # dot, whichever side of its point it opens to.
    parts.append('<g class="dots">')
    parts += [f'<circle class="dot" cx="{p.x}" cy="{p.y}" r="5" fill="#fff" '
              f'stroke="#1f2933" stroke-width="2.5" />' for p in chart.points]
    parts.append("</g>")
    for p in chart.points:
        full = _point_words(p.reading, unit)
        line_h = round(small * 1.3, 1)
        box_h = round(line_h * len(p.tip_lines) + small * 0.6, 1)
        tip = [f'<g class="tip" display="none"><rect x="{p.tip_x}" y="{p.tip_y}" '
               f'width="{p.tip_width}" height="{box_h}" '
               f'rx="4" fill="#1f2933" fill-opacity=".94" />']
        for n, line in enumerate(p.tip_lines):
            tip.append(f'<text x="{round(p.tip_x + small / 2, 1)}" '
                       f'y="{round(p.tip_y + small * 0.3 + line_h * (n + 1) - small * 0.25, 1)}" '
                       f'fill="#fff" font-size="{small}">{escape(line)}</text>')
        tip.append("</g>")
        parts.append(f'<g class="pt" tabindex="0" role="img" aria-label="{_attr(full)}">'
                     f"<title>{escape(full)}</title>"
                     f'<circle class="hit" cx="{p.x}" cy="{p.y}" r="12" fill="transparent" />'
                     f'<circle class="ring" cx="{p.x}" cy="{p.y}" r="7" fill="#fff" '
                     f'stroke="#0b5cad" stroke-width="4" display="none" />'
                     + "".join(tip) + "</g>")
    parts.append("</svg>")
    return "".join(parts)


def _point_words(reading: Reading, unit: str) -> str:
    words = f"{reading.date:%-d %b %Y}: {number(reading.value)}{f' {unit}' if unit else ''}"
    if reading.confidence is not None:
        words += f", confidence {reading.confidence}/10"
    if reading.note:
        words += f". Note: {reading.note}"
    return words


# The milestone timeline ---------------------------------------------------------------


def timeline_svg(tl: layout.Timeline, *, title: str) -> str:
    size = tl.size
    font = size.font
    h = tl.height
    raw = f"Milestone timeline of {title}"
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline timeline-{size.name}" '
              f'viewBox="0 0 {size.width} {h}" width="100%" role="group" '
              f'aria-label="{_attr(raw)}" font-size="{font}">'), f"<title>{escape(raw)}</title>",
             f'<line class="x-axis" x1="{tl.left}" y1="{tl.axis_y}" x2="{tl.right}" '
             f'y2="{tl.axis_y}" stroke="#9aa5b1" stroke-width="2" />']
    for x, text in tl.x_ticks:
        parts.append(f'<line x1="{x}" y1="{tl.axis_y - 4}" x2="{x}" y2="{tl.axis_y + 4}" '
                     f'stroke="#9aa5b1" /><text class="ticks" x="{x}" '
                     f'y="{round(tl.axis_y - 8, 1)}" text-anchor="middle" '
                     f'fill="#52606d">{escape(text)}</text>')
    if tl.today_x is not None:
        parts.append(f'<g class="today-mark"><line x1="{tl.today_x}" y1="{tl.axis_y - 6}" '
                     f'x2="{tl.today_x}" y2="{h}" stroke="#b4232c" stroke-width="1.5" '
                     f'stroke-dasharray="4 3" /><title>Today</title></g>')
    for m in tl.marks:
        y = round(tl.axis_y + font * 2 + m.lane * tl.lane_height, 1)
        words = f"{m.title}: done {m.day:%-d %b %Y}"
        right_side = m.x + layout.text_width(m.title, font) + 18 <= tl.right
        tx = round(m.x + 10, 1) if right_side else round(m.x - 10, 1)
        parts.append(f'<g class="pt" tabindex="0" role="img" aria-label="{_attr(words)}">'
                     f"<title>{escape(words)}</title>"
                     f'<line x1="{m.x}" y1="{tl.axis_y}" x2="{m.x}" y2="{y}" stroke="#cbd2d9" />'
                     f'<path class="dot" d="M{m.x} {y - 6} l6 6 l-6 6 l-6 -6 z" '
                     f'fill="#1f8a4c" transform="translate(0 -6)" />'
                     f'<text x="{tx}" y="{round(y + font * 0.35 - 6, 1)}" '
                     f'text-anchor="{"start" if right_side else "end"}" '
                     f'fill="#1f2933">{escape(m.title)}</text></g>')
    if not tl.marks:
        parts.append(f'<text class="empty" x="{round((tl.left + tl.right) / 2, 1)}" '
                     f'y="{round(tl.axis_y + font * 2.2, 1)}" text-anchor="middle" '
                     f'fill="#52606d">No step done yet</text>')
    parts.append("</svg>")
    return "".join(parts)


# What a page shows --------------------------------------------------------------------


@dataclass
class KRChart:
    """A key result's chart in every width class, with the words that go with it."""

    kind: str
    svgs: list[tuple[str, str]] = field(default_factory=list)  # (size name, svg)
    summary: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # milestone steps not done yet
    forecast: bool = False

    @property
    def milestone(self) -> bool:
        return self.kind == "milestone"

    @property
    def stay(self) -> bool:
        return self.kind in STAY_KINDS


def period_words(cycle) -> str:
    name = getattr(cycle, "name", "") or cycle.key
    return f"{name}: {cycle.start:%-d %b} – {cycle.end:%-d %b %Y}"


def kr_chart(kr, cycle, checkins: Sequence, *, phases: Sequence[tuple[dt.date, float]] = (),
             steps: Sequence = (), today: dt.date | None = None,
             sizes: Sequence[Size] = SIZES) -> KRChart:
    """The burn-up (or, for a milestone, the timeline) of `kr` from check-ins already read."""
    chart = KRChart(kind=kr.kind)
    if kr.kind == "milestone":
        done = steps_done_on(checkins, steps)
        for size in sizes:
            tl = layout.timeline(start=cycle.start, end=cycle.end, done=done, today=today,
                                 size=size)
            chart.svgs.append((size.name, timeline_svg(tl, title=kr.title)))
        finished = {t for _, t in done}
        chart.pending = [s.title for s in steps if s.title not in finished] if steps else (
            [] if done else ["Done"])
        return chart
    points = readings(kr, checkins)
    period = period_words(cycle)
    wide = None
    for size in sizes:
        b = layout.burnup(start=cycle.start, end=cycle.end, kind=kr.kind,
                          baseline=kr.baseline, target=kr.target, readings=points,
                          phases=phases, unit=kr.unit, period=period, today=today, size=size)
        wide = wide or b
        chart.svgs.append((size.name, burnup_svg(b, title=kr.title, unit=kr.unit,
                                                 kind=kr.kind)))
    chart.forecast = bool(wide and wide.forecast)
    unit = f" {kr.unit}" if kr.unit else ""
    if points:
        last = points[-1]
        chart.summary.append(f"Now {number(last.value)}{unit} ({last.date:%-d %b})")
    if wide and wide.forecast:
        f = wide.forecast
        chart.summary.append(
            f"forecast {number(f.end_value, significant=3)}{unit} by {cycle.end:%-d %b} "
            f"(likely {number(f.low, significant=3)}–{number(f.high, significant=3)})")
    if kr.target is not None:
        goal = {"stay_above": "stay at or above", "stay_below": "stay at or below"}.get(
            kr.kind, "target")
        chart.summary.append(f"{goal} {number(kr.target)}{unit}")
    return chart


@dataclass
class SmallMultiple:
    """One key result's card in a grid: its sparkline and the words beside it."""

    row: object  # okrs.rows.KRRow
    svg: str
    value: str
    goal: str


def spark_svg(s: Spark, *, status: str = "no_data", label: str = "") -> str:
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["no_data"])
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" viewBox="0 0 {s.width} '
              f'{s.height}" width="100%" preserveAspectRatio="none" role="img" '
              f'aria-label="{_attr(label)}">')]
    if s.band:
        top, bottom = s.band
        parts.append(f'<rect class="zone" x="0" y="{top}" width="{s.width}" '
                     f'height="{round(bottom - top, 1)}" '
                     f'fill="#d1f2dc" fill-opacity=".6" />')
    if s.target_y is not None:
        parts.append(f'<line x1="0" y1="{s.target_y}" x2="{s.width}" y2="{s.target_y}" '
                     f'stroke="#1f8a4c" stroke-width="1" stroke-dasharray="4 3" '
                     f'vector-effect="non-scaling-stroke" />')
    if s.pace:
        parts.append(f'<polyline class="pace" points="{_path(s.pace)}" fill="none" '
                     f'stroke="#9aa5b1" stroke-width="1.5" stroke-dasharray="3 3" '
                     f'vector-effect="non-scaling-stroke" />')
    if s.today_x is not None:
        parts.append(f'<line class="today" x1="{s.today_x}" y1="0" x2="{s.today_x}" '
                     f'y2="{s.height}" stroke="#cbd2d9" stroke-width="1" '
                     f'vector-effect="non-scaling-stroke" />')
    if s.area:
        parts.append(f'<polygon points="{_path(s.area)}" fill="{colour}" fill-opacity=".14" />')
        parts.append(f'<polyline class="actual" points="{_path(s.actual)}" fill="none" '
                     f'stroke="{colour}" stroke-width="2.5" stroke-linejoin="round" '
                     f'vector-effect="non-scaling-stroke" />')
    if s.last:  # the latest reading as a dot (a line of no length, round-capped: it
        # stays round however the sparkline is stretched)
        x, y = s.last
        parts.append(f'<line class="last" x1="{x}" y1="{y}" x2="{x}" y2="{y}" '
                     f'stroke="{colour}" stroke-width="7" stroke-linecap="round" '
                     f'vector-effect="non-scaling-stroke" />')
    parts.append("</svg>")
    return "".join(parts)


def small_multiples(rows: Sequence, cycle_of, checkins_of, *, steps_of=lambda kr: (),
                    today: dt.date | None = None) -> list[SmallMultiple]:
    """A card per key-result row: `cycle_of(kr)` is its quarter, `checkins_of(kr)` its
    check-ins (read for the whole page at once), `steps_of(kr)` its milestone steps."""
    cards = []
    for row in rows:
        kr = row.kr
        cycle = cycle_of(kr)
        points = [(r.date, r.value) for r in readings(kr, checkins_of(kr), steps_of(kr))]
        s = layout.spark(start=cycle.start, end=cycle.end, kind=kr.kind, baseline=kr.baseline,
                         target=kr.target, readings=points, today=today)
        unit = f" {kr.unit}" if kr.unit else ""
        if kr.kind == "milestone":
            value = f"{round(points[-1][1] * 100)} % done" if points else "not started"
            goal = "milestone"
        else:
            value = f"{number(points[-1][1])}{unit}" if points else "no check-in"
            stay = {"stay_above": "stay ≥ ", "stay_below": "stay ≤ "}.get(kr.kind, "target ")
            goal = "" if kr.target is None else f"{stay}{number(kr.target)}{unit}"
        words = f"{kr.key} {kr.title}: {value}" + (f", {goal}" if goal else "")
        cards.append(SmallMultiple(row, spark_svg(s, status=row.status, label=words),
                                   value, goal))
    return cards
