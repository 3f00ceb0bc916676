"""Where everything on a key result's chart goes: scales, ticks, the paths of the pace,
the readings and the forecast, and where labels fit without overlapping.

Plain Python (no Django) so the geometry is tested on its own; okrs/charts.py turns a
layout into SVG. Coordinates are in the SVG's user units (its viewBox): the page scales
the drawing to the width it has, so a layout is made for each width class people see
(a wide screen, a tablet, a phone) with type sized for that class.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from hoshin.engine.forecast import fit
from hoshin.engine.numbers import number

STAY_KINDS = ("stay_above", "stay_below")
# Roughly how wide a character of the sans-serif UI font is, per unit of font size: enough
# to keep labels apart (digits and lower-case letters are narrower than this).
CHAR_WIDTH = 0.6
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
# Student's t for an 80 % two-sided prediction interval, by degrees of freedom.
_T80 = {1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397,
        9: 1.383, 10: 1.372, 15: 1.341, 20: 1.325, 30: 1.310}
# With too few readings to know their scatter, the trend is taken as uncertain by this
# share of the change it predicts (and never less than this share of the axis).
TREND_DOUBT = 0.25
AXIS_DOUBT = 0.03


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


# Scales and ticks ---------------------------------------------------------------------


def nice_step(span: float, max_ticks: int) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that cuts `span` into at most
    `max_ticks` intervals."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(max_ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for step in NICE_STEPS:
        if step * power >= raw * (1 - 1e-9):
            return step * power
    return 10 * power  # pragma: no cover - NICE_STEPS ends with 10


def nice_range(values: Sequence[float], max_ticks: int) -> tuple[float, float, float]:
    """(low, high, step): a range on tick multiples that holds every value, with zero
    included when the values are all positive and the smallest is within a third of the
    largest (a burn-up read from nothing), and some room above and below otherwise."""
    values = [v for v in values if v is not None and math.isfinite(v)]
    if not values:
        return 0.0, 1.0, 0.25
    lo, hi = min(values), max(values)
    if lo >= 0 and lo <= hi / 3:  # (20 to 35 reads better without the empty band)
        lo = 0.0
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = (lo - pad if lo != 0 else 0.0), hi + pad
    else:  # a line on the frame's edge reads as part of the frame: leave a little room
        pad = (hi - lo) * 0.04
        lo, hi = (lo if lo == 0 else lo - pad), hi + pad
    for _ in range(3):  # widening the range can change the step; settle it
        step = nice_step(hi - lo, max_ticks)
        low = math.floor(lo / step + 1e-9) * step
        high = math.ceil(hi / step - 1e-9) * step
        if high - low <= step * max_ticks + 1e-9:
            break
        lo, hi = low, high
    if high == low:
        high = low + step
    return low, high, step


def ticks(low: float, high: float, step: float) -> list[float]:
    count = int(round((high - low) / step))
    return [round(low + i * step, 10) for i in range(count + 1)]


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month from `start` to `end` (start itself when it is one)."""
    day = start.replace(day=1)
    if day < start:
        day = (day + dt.timedelta(days=32)).replace(day=1)
    out = []
    while day <= end:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def keep_apart(items: list[tuple[float, str]], size: float, gap: float,
               anchor_last: bool = True) -> list[tuple[float, str]]:
    """Centre-anchored labels (x, text) thinned so that none overlaps the next; the last
    (the quarter's end) is kept in preference to the one before it."""
    kept: list[tuple[float, str]] = []
    for x, text in items:
        half = text_width(text, size) / 2
        if kept:
            px, ptext = kept[-1]
            if x - half < px + text_width(ptext, size) / 2 + gap:
                if anchor_last and (x, text) == items[-1] and len(kept) > 1:
                    kept[-1] = (x, text)
                continue
        kept.append((x, text))
    return kept


def spread_labels(wanted: list[float], height: float, lo: float, hi: float) -> list[float]:
    """Vertical positions as close as possible to `wanted` with at least `height` between
    neighbours and all within [lo, hi] (right-hand labels: target, forecast)."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [min(max(wanted[i], lo), hi) for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + height)
    overflow = placed[-1] - hi if placed else 0
    if overflow > 0:
        placed[-1] -= overflow
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - height)
    out = [0.0] * len(wanted)
    for rank, i in enumerate(order):
        out[i] = round(placed[rank], 1)
    return out


# Sizes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """One width class of the chart: its viewBox and the type that reads well at the
    width it is shown at."""

    name: str
    width: int
    height: int
    font: float
    max_y_ticks: int
    month_format: str  # strftime of month ticks


WIDE = Size("wide", 960, 340, 13, 6, "%-d %b")
MEDIUM = Size("medium", 640, 300, 12, 5, "%-d %b")
COMPACT = Size("compact", 360, 260, 12, 4, "%b")
SIZES = (WIDE, MEDIUM, COMPACT)


# The burn-up --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One check-in as the chart shows it (the latest of a day)."""

    date: dt.date
    value: float
    confidence: int | None = None
    note: str = ""
    author: str = ""


@dataclass
class Point:
    x: float
    y: float
    reading: Reading
    tip_x: float = 0.0  # the box shown on hover or focus: its top-left corner
    tip_y: float = 0.0
    tip_lines: list[str] = field(default_factory=list)
    tip_width: float = 0.0


@dataclass
class Forecast:
    end_value: float
    low: float
    high: float
    line: list[tuple[float, float]]
    band: list[tuple[float, float]]  # a closed polygon: upper edge out, lower edge back


@dataclass
class SideLabel:
    text: str
    y: float  # where the label's baseline sits
    line_y: float  # the line it names
    css: str


@dataclass
class Burnup:
    size: Size
    left: float
    right: float  # x of the plot's right edge
    top: float
    bottom: float  # y of the plot's bottom edge
    y_low: float
    y_high: float
    start: dt.date
    end: dt.date
    y_ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)  # (x, label)
    grid_x: list[float] = field(default_factory=list)
    y_title: str = ""
    x_title: str = ""
    pace: list[tuple[float, float]] = field(default_factory=list)
    band: tuple[float, float] | None = None  # stay_*: the y of the good zone's edges
    target_y: float | None = None
    points: list[Point] = field(default_factory=list)
    forecast: Forecast | None = None
    today_x: float | None = None
    labels: list[SideLabel] = field(default_factory=list)

    def x(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        days = min(max((day - self.start).days, 0), span)
        return round(self.left + (self.right - self.left) * days / span, 1)

    def y(self, value: float) -> float:
        span = (self.y_high - self.y_low) or 1.0
        return round(self.bottom - (self.bottom - self.top) * (value - self.y_low) / span, 1)


def _t80(df: int) -> float:
    keys = sorted(_T80)
    for k in keys:
        if df <= k:
            return _T80[k]
    return 1.282


def forecast_values(readings: Sequence[tuple[dt.date, float]], end: dt.date,
                    axis_span: float) -> tuple[float, list[tuple[dt.date, float, float]]] | None:
    """The trend's value at `end` (engine/forecast.fit, as the forecast-miss flag reads
    it) and the likely range from the last reading to `end`: (date, low, high) rows.

    The range is an 80 % prediction interval of the least-squares line; with readings
    that fit too well to know their scatter (two readings always do), it is at least
    TREND_DOUBT of the change the trend predicts from the last reading."""
    trend = fit(readings)
    if trend is None:
        return None
    last_day, last_value = max(readings, key=lambda r: r[0])
    if last_day >= end:
        return None
    n = len(readings)
    xs = [(d - trend.origin).days for d, _ in readings]
    mean_x = sum(xs) / n
    sxx = sum((x - mean_x) ** 2 for x in xs) or 1.0
    sse = sum((v - trend.value_on(d)) ** 2 for d, v in readings)
    scatter = math.sqrt(sse / (n - 2)) if n > 2 else 0.0
    end_value = trend.value_on(end)
    rows = []
    total = (end - last_day).days
    for i in range(9):
        day = last_day + dt.timedelta(days=round(total * i / 8))
        share = (day - last_day).days / total
        centre = last_value + (end_value - last_value) * share
        x = (day - trend.origin).days
        stat = _t80(max(n - 2, 1)) * scatter * math.sqrt(1 + 1 / n + (x - mean_x) ** 2 / sxx)
        floor = (TREND_DOUBT * abs(end_value - last_value) + AXIS_DOUBT * axis_span) * share
        half = max(stat * share, floor)  # no spread at the reading itself: it happened
        rows.append((day, centre - half, centre + half))
    return end_value, rows


def _clip_line(chart: Burnup, a: tuple[float, float], b: tuple[float, float]):
    """Segment a->b cut where it leaves the plot vertically (a is inside)."""
    (x1, y1), (x2, y2) = a, b
    for edge in (chart.top, chart.bottom):
        if (y2 < edge < y1) or (y1 < edge < y2):
            t = (edge - y1) / (y2 - y1)
            return [a, (round(x1 + (x2 - x1) * t, 1), edge)]
    return [a, b]


def burnup(*, start: dt.date, end: dt.date, kind: str, baseline: float | None,
           target: float | None, readings: Sequence[Reading],
           phases: Sequence[tuple[dt.date, float]] = (), unit: str = "",
           period: str = "", today: dt.date | None = None, size: Size = WIDE) -> Burnup:
    """The burn-up of a numeric key result over its quarter: readings by date, the pace
    from the baseline at the start to the target at the end (through phased targets), or
    the zone a stay_* result must hold, and the forecast to the end with its range."""
    font = size.font
    readings = sorted(readings, key=lambda r: r.date)
    values = [r.value for r in readings]
    values += [v for v in (baseline, target) if v is not None]
    values += [t for _, t in phases]
    lo0, hi0 = (min(values), max(values)) if values else (0.0, 1.0)
    outlook = forecast_values([(r.date, r.value) for r in readings], end,
                              (hi0 - lo0) or abs(hi0) or 1.0) if len(readings) >= 2 else None
    if outlook:  # room for where the trend ends, not for a wild range around it
        reach = max(hi0 - lo0, abs(hi0) * 0.2, 1.0) * 0.5
        values.append(min(max(outlook[0], lo0 - reach), hi0 + reach))
    y_low, y_high, step = nice_range(values, size.max_y_ticks)
    y_labels = [(v, number(v)) for v in ticks(y_low, y_high, step)]
    label_w = max(text_width(t, font) for _, t in y_labels)
    # Left: the axis title (rotated), the tick labels. Right: target and forecast labels.
    side = [t for t in (_target_text(kind, target), _forecast_text(outlook)) if t]
    right_w = max([text_width(t, font * 0.92) for t in side] + [font * 2]) + 10
    y_title = unit or "Value"
    chart = Burnup(size=size, left=round(label_w + font + 6), right=size.width - right_w,
                   top=round(font * 1.8), bottom=size.height - round(font * 3.4),
                   y_low=y_low, y_high=y_high, start=start, end=end)
    chart.y_title = y_title
    chart.x_title = period
    chart.y_ticks = [(chart.y(v), text) for v, text in y_labels]
    months = month_starts(start, end)
    chart.grid_x = [chart.x(d) for d in months if d != start]
    days = sorted({start, *months})
    x_items = [(chart.x(d), f"{d:{size.month_format}}") for d in days]
    if (end - days[-1]).days > 10:
        x_items.append((chart.x(end), f"{end:%-d %b}"))
    chart.x_ticks = keep_apart(x_items, font, font * 0.8)
    if kind in STAY_KINDS and target is not None:
        edge = chart.y(target)
        chart.band = (chart.top, edge) if kind == "stay_above" else (edge, chart.bottom)
        chart.target_y = edge
    elif baseline is not None and target is not None:
        stops = [(start, baseline)] + sorted((d, t) for d, t in phases if start < d < end)
        chart.pace = [(chart.x(d), chart.y(v)) for d, v in stops + [(end, target)]]
        chart.target_y = chart.y(target)
    elif target is not None:
        chart.target_y = chart.y(target)
    chart.points = [Point(chart.x(r.date), chart.y(r.value), r) for r in readings]
    if outlook:
        chart.forecast = _forecast(chart, readings[-1], outlook)
    if today and start <= today <= end:
        chart.today_x = chart.x(today)
    _place_side_labels(chart, kind, target)
    for point in chart.points:
        _place_tip(chart, point, unit)
    return chart


def _target_text(kind: str, target: float | None) -> str:
    if target is None:
        return ""
    return ("Threshold " if kind in STAY_KINDS else "Target ") + number(target)


def _forecast_text(outlook) -> str:
    return "" if outlook is None else f"Forecast {number(outlook[0], significant=3)}"


def _forecast(chart: Burnup, last: Reading, outlook) -> Forecast:
    end_value, rows = outlook
    start = (chart.x(last.date), chart.y(last.value))
    line = _clip_line(chart, start, (chart.x(chart.end), chart.y(end_value)))

    def inside(y: float) -> float:
        return min(max(y, chart.top), chart.bottom)

    upper = [(chart.x(d), inside(chart.y(high))) for d, _, high in rows]
    lower = [(chart.x(d), inside(chart.y(low))) for d, low, _ in reversed(rows)]
    _, low, high = rows[-1]
    return Forecast(end_value, low, high, line, upper + lower)


def _place_side_labels(chart: Burnup, kind: str, target: float | None) -> None:
    font = chart.size.font * 0.92
    wanted = []
    if chart.target_y is not None:
        wanted.append(SideLabel(_target_text(kind, target), 0, chart.target_y, "target-label"))
    if chart.forecast is not None:
        end_y = min(max(chart.y(chart.forecast.end_value), chart.top), chart.bottom)
        wanted.append(SideLabel(_forecast_text((chart.forecast.end_value,)), 0, end_y,
                                "forecast-label"))
    ys = spread_labels([w.line_y + font * 0.35 for w in wanted], font * 1.3,
                       chart.top + font * 0.35, chart.bottom + font * 0.35)
    for label, y in zip(wanted, ys, strict=True):
        label.y = y
    chart.labels = wanted


def tip_lines(reading: Reading, unit: str, limit: int = 48) -> list[str]:
    """What a point says on hover or focus, each line short enough for the box."""
    value = number(reading.value) + (f" {unit}" if unit else "")
    first = f"{reading.date:%-d %b %Y} · {value}"
    if reading.confidence is not None:
        first += f" · confidence {reading.confidence}/10"
    lines = [first]
    note = " ".join(reading.note.split())
    while note and len(lines) < 4:
        if len(note) <= limit:
            lines.append(note)
            break
        cut = note.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        if len(lines) == 3:
            lines.append(note[:limit - 1].rstrip() + "…")
            break
        lines.append(note[:cut])
        note = note[cut:].strip()
    return lines


def _place_tip(chart: Burnup, point: Point, unit: str) -> None:
    """A box beside the point, inside the plot: right of it unless that runs past the
    plot's right edge, above it unless that runs past the top."""
    font = chart.size.font * 0.92
    limit = max(18, int((chart.right - chart.left) * 0.55 / (font * CHAR_WIDTH)))
    point.tip_lines = tip_lines(point.reading, unit, limit)
    width = max(text_width(t, font) for t in point.tip_lines) + font
    height = font * 1.3 * len(point.tip_lines) + font * 0.6
    width = min(width, chart.size.width - 4)
    x = point.x + 8
    if x + width > chart.size.width - 2:
        x = point.x - 8 - width
    x = max(2.0, x)
    y = point.y - 8 - height
    if y < 2:
        y = point.y + 8
    point.tip_x, point.tip_y, point.tip_width = round(x, 1), round(y, 1), round(width, 1)


# Small multiples ----------------------------------------------------------------------


@dataclass
class Spark:
    width: int
    height: int
    actual: list[tuple[float, float]]
    pace: list[tuple[float, float]]
    area: list[tuple[float, float]]  # under the actual line, down to the axis
    band: tuple[float, float] | None
    target_y: float | None
    today_x: float | None
    last: tuple[float, float] | None


def spark(*, start: dt.date, end: dt.date, kind: str, baseline: float | None,
          target: float | None, readings: Sequence[tuple[dt.date, float]],
          today: dt.date | None = None, width: int = 240, height: int = 64) -> Spark:
    """A sparkline of one key result over its quarter: no text (the card around it says
    the value and the target), the same scales as the burn-up."""
    pad = 4
    readings = sorted(readings)
    values = [v for _, v in readings] + [v for v in (baseline, target) if v is not None]
    if kind == "milestone":
        values += [0.0, 1.0]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if lo >= 0 and lo <= hi * 0.5:
        lo = 0.0
    if hi == lo:
        hi = lo + (abs(lo) * 0.1 or 1.0)
    span_days = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        days = min(max((day - start).days, 0), span_days)
        return round(pad + (width - 2 * pad) * days / span_days, 1)

    def y(value: float) -> float:
        return round(height - pad - (height - 2 * pad) * (value - lo) / (hi - lo), 1)

    actual = [(x(d), y(v)) for d, v in readings]
    pace: list[tuple[float, float]] = []
    band = None
    if kind in STAY_KINDS and target is not None:
        band = (pad, y(target)) if kind == "stay_above" else (y(target), height - pad)
    elif kind == "milestone":
        pace = [(x(start), y(0.0)), (x(end), y(1.0))]
    elif baseline is not None and target is not None:
        pace = [(x(start), y(baseline)), (x(end), y(target))]
    area = []
    if actual:
        floor = height - pad
        area = [(actual[0][0], floor)] + actual + [(actual[-1][0], floor)]
    return Spark(width=width, height=height, actual=actual, pace=pace, area=area, band=band,
                 target_y=None if target is None or kind == "milestone" else y(target),
                 today_x=x(today) if today and start <= today <= end else None,
                 last=actual[-1] if actual else None)


# Milestone timeline -------------------------------------------------------------------


@dataclass
class Mark:
    x: float
    lane: int
    title: str
    day: dt.date


@dataclass
class Timeline:
    size: Size
    left: float
    right: float
    axis_y: float
    start: dt.date
    end: dt.date
    x_ticks: list[tuple[float, str]]
    marks: list[Mark]
    today_x: float | None
    lane_height: float

    @property
    def height(self) -> int:
        lanes = max((m.lane for m in self.marks), default=-1) + 1
        return round(self.axis_y + self.size.font * 2.6 + lanes * self.lane_height)


def timeline(*, start: dt.date, end: dt.date, done: Sequence[tuple[dt.date, str]],
             today: dt.date | None = None, size: Size = WIDE) -> Timeline:
    """Steps done, at the date of the check-in that first reported them, on the
    quarter's line; labels that would overlap go to the next lane down."""
    font = size.font
    left, right = font, size.width - font
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        days = min(max((day - start).days, 0), span)
        return round(left + (right - left) * days / span, 1)

    months = month_starts(start, end)
    items = sorted({(x(d), f"{d:{size.month_format}}") for d in [start] + months})
    items.append((x(end), f"{end:%-d %b}"))
    axis_y = font * 1.6
    lanes_end: list[float] = []
    marks = []
    limit = int((right - left) * 0.45 / (font * CHAR_WIDTH))
    for day, title in sorted(done):
        short = title if len(title) <= limit else title[:limit - 1].rstrip() + "…"
        mx = x(day)
        label_left = mx - 6
        width = text_width(short, font) + 18
        if mx + width > right:  # label to the left of its mark near the end
            label_left = mx - width + 6
        lane = next((i for i, e in enumerate(lanes_end) if e + font < label_left), None)
        if lane is None:
            lanes_end.append(0.0)
            lane = len(lanes_end) - 1
        lanes_end[lane] = label_left + width
        marks.append(Mark(mx, lane, short, day))
    return Timeline(size=size, left=left, right=right, axis_y=axis_y, start=start, end=end,
                    x_ticks=keep_apart(items, font, font * 0.8), marks=marks,
                    today_x=x(today) if today and start <= today <= end else None,
                    lane_height=font * 2.2)
