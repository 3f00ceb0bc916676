"""The X-matrix (SPEC §2.5): layout and SVG from plain data.

No Django here: views build an `XMatrixData` from the database, `layout()` turns it into
geometry (boxes, labels, marks, flags) that tests can check, and `render_svg()` turns the
geometry into one self-contained SVG string (fonts and colours inline so a downloaded file
looks the same as the page).

Geometry, read south → west → north → east → resources:

            NW grid        | north rows (priorities)     | NE grid        | resources
          (priority×annual)|                             |(priority×metric)| (priority×who)
          -----------------+-----------------------------+----------------+-----------
          west columns     |  central square, diagonals, | east columns   | resource
          (annual, −90°)   |  four quadrant triangles,   | (metrics, −90°)| names (−90°)
                           |  vision in the middle       |                |
          -----------------+-----------------------------+----------------+-----------
            SW grid        | south rows (breakthroughs)  |
          (breakthrough×annual)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

# A person on more than this many priorities, or primary on more than this many, is
# overloaded: focus beats spreading leaders thin (Hoshin's "few vital priorities").
OVERLOAD_TOTAL = 3
OVERLOAD_PRIMARY = 2

STRENGTHS = ("strong", "important", "weak")
STRENGTH_SYMBOL = {"strong": "●", "important": "○", "weak": "△"}
ROLES = ("primary", "secondary", "rotating")
ROLE_LETTER = {"primary": "P", "secondary": "S", "rotating": "R"}

QUADRANTS = {
    "south": "Breakthrough objectives",
    "west": "Annual objectives",
    "north": "Improvement priorities",
    "east": "Metrics / targets to improve",
}

# Sizes in SVG user units (px). A cell holds two lines of label text; the square's side is
# the length of every arm label, enough for ~60 characters a line.
CELL = 26
SIDE = 380
MARGIN = 16
TITLE_H = 34
LEGEND_H = 118
STATUS_LEGEND_H = 22
MIN_WIDTH = 980
FONT = 10
LINE_H = 11
PAD = 4
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"

FLAG_COLOUR = "#c81e1e"
# A status tints the whole label and marks its start with a solid badge carrying a shape,
# so off track reads as red from across a room and still reads without colour (the
# design tokens' status colours, tokens.css).
STATUS_FILL = {"on_track": "#dff4e8", "at_risk": "#ffedbf", "off_track": "#f8c4bd",
               "no_data": "#eceff3"}
STATUS_BADGE = {"on_track": ("#2f9e5b", "✓"), "at_risk": ("#d69e12", "!"),
                "off_track": ("#d1342b", "✕"), "no_data": ("#9aa5b1", "–")}
BADGE = 16


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    detail: str = ""        # e.g. a priority's unit, a metric's unit of measure
    status: str | None = None  # optional real status (SPEC §3.8) to tint the label
    href: str | None = None    # the item's own page, if it has one


@dataclass(frozen=True)
class Holder:
    """A resource column: a person (key = email) or a unit (key = unit key)."""

    key: str
    name: str
    kind: str = "person"
    href: str | None = None


@dataclass
class XMatrixData:
    year: int | None = None
    vision: str = ""
    breakthroughs: list[Item] = field(default_factory=list)
    annuals: list[Item] = field(default_factory=list)
    priorities: list[Item] = field(default_factory=list)
    metrics: list[Item] = field(default_factory=list)
    holders: list[Holder] = field(default_factory=list)
    # (breakthrough key, annual key) -> strength
    breakthrough_annual: dict[tuple[str, str], str] = field(default_factory=dict)
    # (annual key, priority key) -> strength
    annual_priority: dict[tuple[str, str], str] = field(default_factory=dict)
    # (priority key, metric key) -> strength
    priority_metric: dict[tuple[str, str], str] = field(default_factory=dict)
    # (priority key, holder key) -> role
    roles: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Flag:
    kind: str       # orphan | no_primary | overloaded
    arm: str        # west | north | east | resources
    key: str
    message: str


@dataclass
class Label:
    """A text box. Rotated labels are drawn at (x, y + length) turned −90°, so in their own
    frame every label is `length` long and `thickness` thick."""

    arm: str
    key: str
    x: float
    y: float
    length: float
    thickness: float
    rotated: bool
    lines: list[str]
    full: str
    status: str | None = None
    flags: list[Flag] = field(default_factory=list)
    href: str | None = None

    @property
    def width(self) -> float:
        return self.thickness if self.rotated else self.length

    @property
    def height(self) -> float:
        return self.length if self.rotated else self.thickness


@dataclass(frozen=True)
class Mark:
    corner: str     # nw | sw | ne | resources
    row: str
    col: str
    value: str      # a strength or a role
    x: float        # cell's top-left
    y: float


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass
class Layout:
    width: float
    height: float
    square: Box
    arms: dict[str, Box]        # west, east, north, south, resources (label areas)
    corners: dict[str, Box]     # nw, sw, ne, resources (grids)
    labels: list[Label]
    marks: list[Mark]
    flags: list[Flag]
    data: XMatrixData
    vision_lines: list[str]
    legend_h: float = LEGEND_H
    has_status: bool = False

    def label(self, arm: str, key: str) -> Label:
        return next(lb for lb in self.labels if lb.arm == arm and lb.key == key)


# --- text measuring ---------------------------------------------------------------------

_NARROW = set("iIjl.,;:'|!()[]")
_MEDIUM = set("ftr -/")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float = FONT) -> float:
    """A conservative width estimate for DejaVu Sans (the widest usual sans-serif), so that
    text judged to fit also fits in narrower fonts."""
    total = 0.0
    for ch in text:
        if ch in _NARROW:
            total += 0.32
        elif ch in _MEDIUM:
            total += 0.44
        elif ch in _WIDE:
            total += 1.0
        elif ch.isupper() or ch.isdigit():
            total += 0.74
        else:
            total += 0.64
    return total * size


def wrap(text: str, width: float, max_lines: int, size: float = FONT) -> list[str]:
    """Greedy word wrap into at most `max_lines` lines no wider than `width`; what does not
    fit is cut with an ellipsis (the full text goes into the SVG <title> tooltip)."""
    words = re.sub(r"[ \t\r\n]+", " ", text).strip().split(" ") if text.strip() else []
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):  # noqa: B007 (i tells where the cut is, after the loop)
        candidate = f"{current} {word}".strip()
        if text_width(candidate, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = word
        else:
            current = word
        if len(lines) == max_lines:
            break
        if text_width(current, size) > width:
            current = _cut(current, width, size)
    else:
        if current:
            lines.append(current)
        return lines
    # Ran out of lines: the last kept line gets an ellipsis.
    lines = lines[:max_lines]
    lines[-1] = _cut(lines[-1] + " " + " ".join(words[i:]), width, size, force=True)
    return lines


def _cut(text: str, width: float, size: float, force: bool = False) -> str:
    if not force and text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def natural_key(key: str) -> list:
    """P2 before P10."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", key)]


# --- flags ------------------------------------------------------------------------------

def find_flags(data: XMatrixData) -> list[Flag]:
    flags: list[Flag] = []
    served = {a for (_, a) in data.breakthrough_annual}
    for item in data.annuals:
        if item.key not in served:
            flags.append(Flag("orphan", "west", item.key,
                              f"{item.key}: no breakthrough objective needs this annual objective"))
    serving = {p for (_, p) in data.annual_priority}
    primaries = {p for (p, _), role in data.roles.items() if role == "primary"}
    for item in data.priorities:
        if item.key not in serving:
            flags.append(Flag("orphan", "north", item.key,
                              f"{item.key}: this improvement priority serves no annual objective"))
        if item.key not in primaries:
            flags.append(Flag("no_primary", "north", item.key,
                              f"{item.key}: this improvement priority has no primary owner"))
    moved = {m for (_, m) in data.priority_metric}
    for item in data.metrics:
        if item.key not in moved:
            flags.append(Flag("orphan", "east", item.key,
                              f"{item.key}: no improvement priority moves this metric"))
    for holder in data.holders:
        if holder.kind != "person":
            continue
        roles = [role for (_, h), role in data.roles.items() if h == holder.key]
        primary = roles.count("primary")
        if len(roles) > OVERLOAD_TOTAL or primary > OVERLOAD_PRIMARY:
            flags.append(Flag("overloaded", "resources", holder.key,
                              f"{holder.name}: overloaded — on {len(roles)} priorities, "
                              f"primary on {primary} (limits: {OVERLOAD_TOTAL} and "
                              f"{OVERLOAD_PRIMARY})"))
    return flags


# --- layout -----------------------------------------------------------------------------

def _sorted(items):
    return sorted(items, key=lambda item: natural_key(item.key))


def _label_text(item: Item) -> str:
    text = f"{item.key} {item.title}"
    # A no-break space keeps the separator at the end of a line, never starting one.
    return f"{text}\u00a0· {item.detail}" if item.detail else text


def layout(data: XMatrixData) -> Layout:
    data.breakthroughs = _sorted(data.breakthroughs)
    data.annuals = _sorted(data.annuals)
    data.priorities = _sorted(data.priorities)
    data.metrics = _sorted(data.metrics)
    south, west, north, east = data.breakthroughs, data.annuals, data.priorities, data.metrics
    holders = data.holders
    n_w, n_e, n_n, n_s, n_r = len(west), len(east), len(north), len(south), len(holders)

    content_w = (n_w + n_e + n_r) * CELL + SIDE
    width = max(MIN_WIDTH, content_w + 2 * MARGIN)
    ox = (width - content_w) / 2
    oy = MARGIN + TITLE_H
    sq = Box(ox + n_w * CELL, oy + n_n * CELL, SIDE, SIDE)
    x_east = sq.x + SIDE
    x_res = x_east + n_e * CELL
    y_south = sq.y + SIDE
    has_status = any(i.status for i in (*west, *north))
    legend_h = LEGEND_H + (STATUS_LEGEND_H if has_status else 0)
    height = y_south + n_s * CELL + legend_h + MARGIN

    arms = {
        "west": Box(ox, sq.y, n_w * CELL, SIDE),
        "east": Box(x_east, sq.y, n_e * CELL, SIDE),
        "resources": Box(x_res, sq.y, n_r * CELL, SIDE),
        "north": Box(sq.x, oy, SIDE, n_n * CELL),
        "south": Box(sq.x, y_south, SIDE, n_s * CELL),
    }
    corners = {
        "nw": Box(ox, oy, n_w * CELL, n_n * CELL),
        "sw": Box(ox, y_south, n_w * CELL, n_s * CELL),
        "ne": Box(x_east, oy, n_e * CELL, n_n * CELL),
        "resources": Box(x_res, oy, n_r * CELL, n_n * CELL),
    }

    flags = find_flags(data)
    by_target: dict[tuple[str, str], list[Flag]] = {}
    for flag in flags:
        by_target.setdefault((flag.arm, flag.key), []).append(flag)

    text_len = SIDE - 2 * PAD
    labels: list[Label] = []

    def add(arm, key, x, y, rotated, full, status=None, href=None):
        lines = wrap(full, text_len - (BADGE if status in STATUS_BADGE else 0), 2)
        labels.append(Label(arm, key, x, y, SIDE, CELL, rotated, lines, full, status,
                            by_target.get((arm, key), []), href))

    for i, item in enumerate(west):
        add("west", item.key, ox + i * CELL, sq.y, True, _label_text(item), item.status,
            item.href)
    for i, item in enumerate(east):
        add("east", item.key, x_east + i * CELL, sq.y, True, _label_text(item), item.status,
            item.href)
    for i, holder in enumerate(holders):
        name = holder.name if holder.kind == "person" else f"{holder.name} (unit)"
        add("resources", holder.key, x_res + i * CELL, sq.y, True, name, href=holder.href)
    for j, item in enumerate(north):
        add("north", item.key, sq.x, oy + j * CELL, False, _label_text(item), item.status,
            item.href)
    for k, item in enumerate(south):
        add("south", item.key, sq.x, y_south + k * CELL, False, _label_text(item), item.status,
            item.href)

    col_w = {item.key: ox + i * CELL for i, item in enumerate(west)}
    col_e = {item.key: x_east + i * CELL for i, item in enumerate(east)}
    col_r = {h.key: x_res + i * CELL for i, h in enumerate(holders)}
    row_n = {item.key: oy + j * CELL for j, item in enumerate(north)}
    row_s = {item.key: y_south + k * CELL for k, item in enumerate(south)}

    marks: list[Mark] = []
    for (b, a), strength in data.breakthrough_annual.items():
        if b in row_s and a in col_w and strength in STRENGTHS:
            marks.append(Mark("sw", b, a, strength, col_w[a], row_s[b]))
    for (a, p), strength in data.annual_priority.items():
        if p in row_n and a in col_w and strength in STRENGTHS:
            marks.append(Mark("nw", p, a, strength, col_w[a], row_n[p]))
    for (p, m), strength in data.priority_metric.items():
        if p in row_n and m in col_e and strength in STRENGTHS:
            marks.append(Mark("ne", p, m, strength, col_e[m], row_n[p]))
    for (p, h), role in data.roles.items():
        if p in row_n and h in col_r and role in ROLES:
            marks.append(Mark("resources", p, h, role, col_r[h], row_n[p]))
    marks.sort(key=lambda mk: (mk.corner, mk.y, mk.x))

    vision_lines = wrap(data.vision, SIDE * 0.5 - 2 * PAD, 4, 11) if data.vision else []
    return Layout(width, height, sq, arms, corners, labels, marks, flags, data, vision_lines,
                  legend_h, has_status)


# --- SVG --------------------------------------------------------------------------------

def _a(value) -> str:
    """An attribute value, escaped (quotes included)."""
    return escape(str(value), {'"': "&quot;"})


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _grid(box: Box, step: float) -> list[str]:
    if box.w <= 0 or box.h <= 0:
        return []
    out = [(f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}" '
            'fill="#fff" stroke="#9aa5b1"/>')]
    x = box.x + step
    while x < box.x + box.w - 0.5:
        out.append(f'<line x1="{_n(x)}" y1="{_n(box.y)}" x2="{_n(x)}" y2="{_n(box.y + box.h)}" '
                   'stroke="#d3d9e0"/>')
        x += step
    y = box.y + step
    while y < box.y + box.h - 0.5:
        out.append(f'<line x1="{_n(box.x)}" y1="{_n(y)}" x2="{_n(box.x + box.w)}" y2="{_n(y)}" '
                   'stroke="#d3d9e0"/>')
        y += step
    return out


def _mark_shape(value: str, cx: float, cy: float) -> str:
    r = CELL * 0.27
    if value == "strong":
        return f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="#1f2933"/>'
    if value == "important":
        return (f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="none" '
                'stroke="#1f2933" stroke-width="2"/>')
    if value == "weak":
        h = r * 1.9
        pts = [(cx, cy - h * 0.6), (cx + h * 0.55, cy + h * 0.4), (cx - h * 0.55, cy + h * 0.4)]
        return ('<polygon points="' + " ".join(f"{_n(px)},{_n(py)}" for px, py in pts)
                + '" fill="none" stroke="#1f2933" stroke-width="1.6"/>')
    # Resource roles: a letter in a badge, so they never read as correlation marks.
    r = CELL * 0.34
    fill, ink, dash = {"primary": ("#1f2933", "#fff", ""),
                       "secondary": ("#fff", "#1f2933", ""),
                       "rotating": ("#fff", "#1f2933", ' stroke-dasharray="3 2"')}[value]
    return (f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{fill}" stroke="#1f2933" '
            f'stroke-width="1.4"{dash}/>'
            f'<text x="{_n(cx)}" y="{_n(cy + 3.6)}" text-anchor="middle" font-size="10" '
            f'font-weight="bold" fill="{ink}">{ROLE_LETTER[value]}</text>')


def _label_svg(lb: Label) -> str:
    if lb.rotated:
        transform = f"translate({_n(lb.x)},{_n(lb.y + lb.length)}) rotate(-90)"
    else:
        transform = f"translate({_n(lb.x)},{_n(lb.y)})"
    fill = STATUS_FILL.get(lb.status or "", "#fff")
    flagged = bool(lb.flags)
    tip = lb.full + "".join(f"\n⚠ {f.message}" for f in lb.flags)
    if lb.status:
        tip += f"\nStatus: {lb.status.replace('_', ' ')}"
    kinds = " ".join(sorted({f.kind for f in lb.flags}))
    out = [f'<g class="label {lb.arm}{" flagged" if flagged else ""}" data-key="{_a(lb.key)}"'
           + (f' data-flags="{_a(kinds)}"' if kinds else "")
           + f' transform="{transform}"><title>{escape(tip)}</title>']
    out.append(f'<rect x="0" y="0" width="{_n(lb.length)}" height="{_n(lb.thickness)}" '
               f'fill="{fill}" stroke="#c4ccd5"/>')
    if flagged:
        dash = ' stroke-dasharray="5 3"' if all(f.kind == "orphan" for f in lb.flags) else ""
        out.append(f'<rect x="1.5" y="1.5" width="{_n(lb.length - 3)}" '
                   f'height="{_n(lb.thickness - 3)}" fill="none" stroke="{FLAG_COLOUR}" '
                   f'stroke-width="2.2"{dash}/>')
    x_text = PAD
    if lb.status in STATUS_BADGE:
        colour, shape = STATUS_BADGE[lb.status]
        out.append(f'<rect class="status-badge" data-status="{_a(lb.status)}" x="0.5" y="0.5" '
                   f'width="{BADGE}" height="{_n(lb.thickness - 1)}" fill="{colour}"/>')
        cx, cy = BADGE / 2 + 0.5, lb.thickness / 2
        # On a rotated label the shape is turned back upright: "!" must not read as "…".
        upright = f' transform="rotate(90 {_n(cx)} {_n(cy)})"' if lb.rotated else ""
        out.append(f'<text x="{_n(cx)}" y="{_n(cy + 4)}" text-anchor="middle" font-size="11" '
                   f'font-weight="bold" fill="#fff"{upright}>{shape}</text>')
        x_text += BADGE
    n = len(lb.lines)
    first = (lb.thickness - n * LINE_H) / 2 + LINE_H * 0.8
    for i, line in enumerate(lb.lines):
        y = first + i * LINE_H
        body = escape(line)
        if i == 0 and line.startswith(lb.key) and lb.arm != "resources":
            body = (f'<tspan font-weight="bold">{escape(lb.key)}</tspan>'
                    f'{escape(line[len(lb.key):])}')
        out.append(f'<text x="{_n(x_text)}" y="{_n(y)}" font-size="{FONT}">{body}</text>')
    out.append("</g>")
    if lb.href:
        # A plain SVG 2 link: it works inline in the page and in the downloaded file.
        return f'<a href="{_a(lb.href)}" class="label-link">{"".join(out)}</a>'
    return "".join(out)


def _legend(lay: Layout) -> list[str]:
    y0 = lay.height - MARGIN - lay.legend_h + 14
    x0 = MARGIN + 4
    col = (lay.width - 2 * MARGIN) / 3
    out = [(f'<g class="legend" font-size="10.5"><line x1="{MARGIN}" y1="{_n(y0 - 8)}" '
            f'x2="{_n(lay.width - MARGIN)}" y2="{_n(y0 - 8)}" stroke="#c4ccd5"/>')]

    def text(x, y, s, bold=False):
        weight = ' font-weight="bold"' if bold else ""
        out.append(f'<text x="{_n(x)}" y="{_n(y)}"{weight}>{escape(s)}</text>')

    text(x0, y0 + 8, "Correlations", True)
    for i, (value, name) in enumerate([("strong", "strong"), ("important", "important"),
                                       ("weak", "weak")]):
        y = y0 + 22 + i * 22
        out.append(_mark_shape(value, x0 + 10, y))
        text(x0 + 26, y + 4, f"{STRENGTH_SYMBOL[value]} {name}")
    text(x0 + 120, y0 + 8, "Resources (who works on a priority)", True)
    for i, role in enumerate(ROLES):
        y = y0 + 22 + i * 22
        out.append(_mark_shape(role, x0 + 130, y))
        text(x0 + 146, y + 4, f"{ROLE_LETTER[role]} = {role}"
             + (" owner (one per priority)" if role == "primary" else ""))

    x1 = x0 + col * 1.15
    text(x1, y0 + 8, "Gaps in the plan (red outline)", True)
    out.append(f'<rect x="{_n(x1)}" y="{_n(y0 + 15)}" width="30" height="14" fill="#fff" '
               f'stroke="{FLAG_COLOUR}" stroke-width="2.2" stroke-dasharray="5 3"/>')
    text(x1 + 38, y0 + 26, "Orphan: an annual objective no breakthrough needs,")
    text(x1 + 38, y0 + 39, "a priority serving no annual objective, a metric no priority moves")
    out.append(f'<rect x="{_n(x1)}" y="{_n(y0 + 48)}" width="30" height="14" fill="#fff" '
               f'stroke="{FLAG_COLOUR}" stroke-width="2.2"/>')
    text(x1 + 38, y0 + 59, "A priority with no primary owner, or an overloaded person")
    text(x1 + 38, y0 + 72, f"(on more than {OVERLOAD_TOTAL} priorities or primary on more "
         f"than {OVERLOAD_PRIMARY})")
    text(x0, y0 + 94, "Read it south → west → north → east → resources: what we must achieve, "
         "this year's part of it, how, how much, who.")
    if lay.has_status:
        y = y0 + 114
        text(x0, y, "Status this quarter (annual objectives, priorities):", True)
        x = x0 + 330
        for status, fill in STATUS_FILL.items():
            colour, shape = STATUS_BADGE[status]
            out.append(f'<rect x="{_n(x)}" y="{_n(y - 11)}" width="34" height="15" fill="{fill}" '
                       f'stroke="#c4ccd5"/><rect x="{_n(x)}" y="{_n(y - 11)}" width="12" '
                       f'height="15" fill="{colour}"/><text x="{_n(x + 6)}" y="{_n(y)}" '
                       f'text-anchor="middle" font-weight="bold" fill="#fff">{shape}</text>')
            name = status.replace("_", " ")
            text(x + 40, y, name)
            x += 52 + text_width(name, 10.5)
    out.append("</g>")
    return out


def render_svg(lay: Layout, title: str = "X-matrix") -> str:
    sq = lay.square
    cx, cy = sq.x + sq.w / 2, sq.y + sq.h / 2
    # A group, not an image: its labels are links, and an image's parts cannot be.
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="xmatrix" role="group" '
            f'aria-label="{escape(title)}" viewBox="0 0 {_n(lay.width)} {_n(lay.height)}" '
            f'width="{_n(lay.width)}" height="{_n(lay.height)}" '
            f'font-family="{_a(FONT_FAMILY)}" fill="#1f2933">'),
           f"<title>{escape(title)}</title>",
           # Linked labels show where the pointer or the keyboard focus is.
           ("<style>a.label-link:hover text{text-decoration:underline}"
            "a.label-link:focus-visible{outline:none}"
            "a.label-link:focus-visible rect:first-of-type{stroke:#1d4ed8;stroke-width:3}"
            "</style>"),
           f'<rect x="0" y="0" width="{_n(lay.width)}" height="{_n(lay.height)}" fill="#fff"/>',
           (f'<text x="{MARGIN}" y="{MARGIN + 16}" font-size="16" font-weight="bold">'
            f"{escape(title)}</text>")]

    # The central square: four triangles, the quadrant names, the vision.
    corners = {"north": [(sq.x, sq.y), (sq.x + sq.w, sq.y)],
               "east": [(sq.x + sq.w, sq.y), (sq.x + sq.w, sq.y + sq.h)],
               "south": [(sq.x + sq.w, sq.y + sq.h), (sq.x, sq.y + sq.h)],
               "west": [(sq.x, sq.y + sq.h), (sq.x, sq.y)]}
    tints = {"north": "#f3f6fa", "south": "#f3f6fa", "east": "#fafbfc", "west": "#fafbfc"}
    for name, pts in corners.items():
        poly = " ".join(f"{_n(px)},{_n(py)}" for px, py in [*pts, (cx, cy)])
        out.append(f'<polygon class="quadrant {name}" points="{poly}" fill="{tints[name]}" '
                   'stroke="#52606d" stroke-width="1.2"/>')
    inset = SIDE * 0.13
    qfont = 13
    quad_pos = {"north": (cx, sq.y + inset, 0), "south": (cx, sq.y + sq.h - inset + 5, 0),
                "west": (sq.x + inset, cy, -90), "east": (sq.x + sq.w - inset + 5, cy, -90)}
    for name, (x, y, angle) in quad_pos.items():
        rot = f' transform="rotate({angle} {_n(x)} {_n(y)})"' if angle else ""
        out.append(f'<text class="quadrant-label {name}" x="{_n(x)}" y="{_n(y)}" '
                   f'text-anchor="middle" font-size="{qfont}" font-weight="bold" fill="#3e4c59"'
                   f"{rot}>{escape(QUADRANTS[name])}</text>")
    if lay.vision_lines:
        bw, bh = SIDE * 0.5, 22 + 14 * len(lay.vision_lines)
        out.append(f'<g class="vision"><title>{escape(lay.data.vision)}</title>'
                   f'<rect x="{_n(cx - bw / 2)}" y="{_n(cy - bh / 2)}" width="{_n(bw)}" '
                   f'height="{_n(bh)}" rx="6" fill="#fff" stroke="#52606d"/>'
                   f'<text x="{_n(cx)}" y="{_n(cy - bh / 2 + 15)}" text-anchor="middle" '
                   'font-size="10" font-weight="bold" fill="#52606d">VISION</text>')
        for i, line in enumerate(lay.vision_lines):
            out.append(f'<text x="{_n(cx)}" y="{_n(cy - bh / 2 + 31 + 14 * i)}" '
                       f'text-anchor="middle" font-size="11">{escape(line)}</text>')
        out.append("</g>")

    for name, box in lay.corners.items():
        out.append(f'<g class="grid {name}">')
        out.extend(_grid(box, CELL))
        out.append("</g>")
    for lb in lay.labels:
        out.append(_label_svg(lb))

    names = {i.key: i.title for i in (*lay.data.breakthroughs, *lay.data.annuals,
                                       *lay.data.priorities, *lay.data.metrics)}
    names.update({h.key: h.name for h in lay.data.holders})
    for mk in lay.marks:
        symbol = STRENGTH_SYMBOL.get(mk.value) or ROLE_LETTER[mk.value]
        tip = (f"{mk.row} ↔ {mk.col}: {mk.value} {symbol}" if mk.corner != "resources"
               else f"{names.get(mk.col, mk.col)}: {mk.value} on {mk.row}")
        out.append(f'<g class="mark {mk.corner}" data-row="{_a(mk.row)}" data-col="{_a(mk.col)}" '
                   f'data-mark="{_a(mk.value)}"><title>{escape(tip)}</title>'
                   + _mark_shape(mk.value, mk.x + CELL / 2, mk.y + CELL / 2) + "</g>")

    res = lay.arms["resources"]
    if res.w and lay.arms["south"].h:
        out.append(f'<text x="{_n(res.x + 4)}" y="{_n(res.y + res.h + 16)}" font-size="11" '
                   f'font-weight="bold" fill="#3e4c59">Resources</text>')
    out.extend(_legend(lay))
    out.append("</svg>")
    return "\n".join(out)


def build_svg(data: XMatrixData, title: str | None = None) -> tuple[str, Layout]:
    lay = layout(data)
    if title is None:
        title = f"X-matrix {data.year}" if data.year else "X-matrix"
    return render_svg(lay, title), lay
