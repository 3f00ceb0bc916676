"""The dependency graph of a cycle (SPEC §5), as plain computation: which units rely on
which, the chains that cross several units, and the cycles (A waits on B waits on A) that
no plan can schedule. Layout and SVG here too; no Django, no database."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

STATE_COLOURS = {"requested": "#c98a00", "accepted": "#1f8a4c", "declined": "#c23b30",
                 "late": "#7a1f9a", "delivered": "#7b8794"}


@dataclass(frozen=True)
class Edge:
    consumer: str  # the unit that relies on the work (its key)
    provider: str  # the unit asked for it
    state: str     # requested, accepted, declined, late or delivered
    label: str     # the dependency's key


def cycles(edges: Iterable[Edge]) -> list[list[str]]:
    """Groups of units that wait on each other, directly or round a chain (the strongly
    connected components of more than one unit; Tarjan's algorithm), each sorted. Declined
    and delivered requests wait on nothing and are left out."""
    graph: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        if e.state not in ("declined", "delivered"):
            graph[e.consumer].add(e.provider)
            graph.setdefault(e.provider, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        # Iterative depth-first search: a long chain must not hit the recursion limit.
        work = [(node, iter(sorted(graph[node])))]
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        while work:
            current, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[current] = min(low[current], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[current])
            if low[current] == index[current]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == current:
                        break
                if len(group) > 1:
                    found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def longest_chains(edges: Iterable[Edge], minimum: int = 3) -> list[list[str]]:
    """Chains of units waiting on one another (A relies on B, which relies on C…) of at
    least `minimum` units, longest first, outside the cycles. A chain is as slow as its
    slowest link: each unit added is one more hand-off that can slip."""
    live = [e for e in edges if e.state not in ("declined", "delivered")]
    in_cycle = {u for group in cycles(live) for u in group}
    graph: dict[str, set[str]] = defaultdict(set)
    for e in live:
        if e.consumer not in in_cycle and e.provider not in in_cycle:
            graph[e.consumer].add(e.provider)
    memo: dict[str, list[str]] = {}

    def longest_from(node: str) -> list[str]:
        if node not in memo:
            best: list[str] = []
            for nxt in sorted(graph.get(node, ())):
                path = longest_from(nxt)
                if len(path) > len(best):
                    best = path
            memo[node] = [node, *best]
        return memo[node]

    starts = set(graph) - {p for ps in graph.values() for p in ps}
    chains = [longest_from(s) for s in sorted(starts)]
    return sorted((c for c in chains if len(c) >= minimum), key=lambda c: (-len(c), c))


def graph_svg(edges: Sequence[Edge], names: dict[str, str], *,
              title: str = "Dependencies between units") -> str:
    """Units on a circle, one arrow per request from the unit that relies on the work to
    the unit asked for it, coloured by state; units in a cycle drawn red."""
    units = sorted({e.consumer for e in edges} | {e.provider for e in edges},
                   key=lambda u: names.get(u, u).lower())
    # Wide enough for a long unit name beside a node on the left or right of the circle.
    width, height = 760, 560
    centre, middle, radius = width / 2, height / 2, height / 2 - 70
    looped = {u for group in cycles(edges) for u in group}
    spot = {}
    for i, unit in enumerate(units):
        angle = 2 * math.pi * i / max(1, len(units)) - math.pi / 2
        spot[unit] = (centre + radius * math.cos(angle), middle + radius * math.sin(angle))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'class="dependency-graph" role="img" aria-labelledby="dg-title">',
             f'<title id="dg-title">{escape(title)}</title><defs>']
    for state, colour in STATE_COLOURS.items():
        parts.append(f'<marker id="dg-{state}" viewBox="0 0 10 10" refX="10" refY="5" '
                     f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                     f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    parts.append("</defs>")
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for e in edges:
        (x1, y1), (x2, y2) = spot[e.consumer], spot[e.provider]
        n = pairs[(e.consumer, e.provider)]
        pairs[(e.consumer, e.provider)] += 1
        # Stop short of the node, and bend parallel and opposite arrows apart.
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        sx, sy = x1 + ux * 14, y1 + uy * 14
        ex, ey = x2 - ux * 16, y2 - uy * 16
        bend = 18 + 14 * n
        mx, my = (sx + ex) / 2 - uy * bend, (sy + ey) / 2 + ux * bend
        colour = STATE_COLOURS.get(e.state, "#555")
        dash = ' stroke-dasharray="5 4"' if e.state in ("requested", "declined") else ""
        parts.append(f'<path d="M{sx:.1f},{sy:.1f} Q{mx:.1f},{my:.1f} {ex:.1f},{ey:.1f}" '
                     f'fill="none" stroke="{colour}" stroke-width="2"{dash} '
                     f'marker-end="url(#dg-{e.state})"><title>{escape(e.label)}: '
                     f'{escape(names.get(e.consumer, e.consumer))} relies on '
                     f'{escape(names.get(e.provider, e.provider))} ({e.state})</title></path>')
    for unit in units:
        x, y = spot[unit]
        fill = "#c23b30" if unit in looped else "#2b6cb0"
        anchor = "start" if x >= centre + 1 else ("end" if x <= centre - 1 else "middle")
        tx = x + (14 if anchor == "start" else -14 if anchor == "end" else 0)
        ty = y + (4 if anchor != "middle" else (-16 if y < middle else 24))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="{fill}"/>'
                     f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="12" text-anchor="{anchor}">'
                     f'{escape(names.get(unit, unit))}</text>')
    parts.append("</svg>")
    return "".join(parts)
