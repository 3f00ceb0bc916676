"""The alignment map as HTML: filtering and rendering a nested tree of plain dicts
(the shape of okrs.progress.alignment_tree_data). No Django imports.

Rendered with string building rather than a recursive template: a whole cycle of a large
organisation has tens of thousands of nodes, and a template include per node is far too
slow for that.

Each item is a card (kind, title linking to its page, owner or unit, progress bar and
status) in a list drawn as a tree by alignment.css. The card sits beside its branch's
<details>, never inside the <summary>: a summary is itself a control, and links inside it
would be controls inside a control (axe's "nested-interactive"), which screen readers and
keyboards handle badly.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from urllib.parse import quote

TYPE_LABELS = {
    "vision": "Vision", "breakthrough": "Breakthrough", "annual_objective": "Annual objective",
    "improvement_priority": "Improvement priority", "theme": "Theme", "objective": "Objective",
    "key_result": "Key result",
}
# The kind as a card names it: objectives always belong to a unit.
CARD_KINDS = {**TYPE_LABELS, "improvement_priority": "Priority", "objective": "Unit objective"}
STATUS_WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track",
                "no_data": "no data"}
# What a card shows: the roll-up's four statuses, "no data" told apart into an item that
# never reported (not started) and one that went quiet (silent). Each has a word and a
# shape besides its colour, so the map reads the same to someone who cannot tell red from
# green, and in black and white on a wall.
SHOWN_STATUS = {"on_track": ("on track", "✓"), "at_risk": ("at risk", "!"),
                "off_track": ("off track", "✕"), "not_started": ("not started", "○"),
                "silent": ("silent", "…")}


def filter_tree(node: dict, keep: Callable[[dict], bool]) -> dict | None:
    """The tree with only the nodes `keep` accepts and the chain above each of them.

    A kept node keeps its whole subtree, so choosing an objective still shows its key
    results. None when nothing matches.
    """
    if keep(node):
        return node
    children = [c for c in (filter_tree(child, keep) for child in node["children"]) if c]
    if not children:
        return None
    return {**node, "children": children}


def count(node: dict) -> int:
    return 1 + sum(count(child) for child in node["children"])


def _percent(progress: float | None) -> str:
    return "–" if progress is None else f"{round(progress * 100)}%"


def levels_within(node: dict, budget: int) -> int | None:
    """The deepest level such that the tree down to it has at most `budget` nodes (the
    root's children always show), or None when the whole tree fits."""
    level, shown, depth = [node], 0, 0
    while level:
        shown += len(level)
        if shown > budget:
            return max(1, depth - 1)
        level = [child for n in level for child in n["children"]]
        depth += 1
    return None


def shown_down_to(node: dict, lazy_depth: int | None) -> list[dict]:
    """The nodes rendered when branches below `lazy_depth` are sent closed (all of them
    when None): what a page needs to look up, e.g. the owners' names."""
    found, stack = [], [(node, 0)]
    while stack:
        current, depth = stack.pop()
        found.append(current)
        if lazy_depth is None or depth < lazy_depth:
            stack.extend((child, depth + 1) for child in current["children"])
    return found


def census(node: dict) -> tuple[int, dict[str, int]]:
    """The number of nodes of the tree and how many key results show each status
    (SHOWN_STATUS's keys), a key result listed in two places counted once. One walk: at
    20,000 people the tree has tens of thousands of nodes."""
    nodes, counts, seen, stack = 0, dict.fromkeys(SHOWN_STATUS, 0), set(), [node]
    while stack:
        current = stack.pop()
        nodes += 1
        if current["type"] == "key_result" and current["id"] not in seen:
            seen.add(current["id"])
            status = shown_status(current)
            counts[status] = counts.get(status, 0) + 1
        stack.extend(current["children"])
    return nodes, counts


def key_result_counts(node: dict) -> dict[str, int]:
    return census(node)[1]


def shown_status(node: dict) -> str:
    status = node["status"]
    if status != "no_data":
        return status
    if node["type"] == "key_result":
        return "silent" if node.get("last_checkin") else "not_started"
    return "not_started" if node["progress"] is None else "silent"


def _owner_name(email: str, people: dict[str, str] | None) -> str:
    # A person is shown by name; an owner the page could not name shows the part of the
    # address before the @ rather than the whole address.
    name = people.get(email) if people else None
    return name or email.partition("@")[0]


def _card(node: dict, link, units, people) -> str:
    status = shown_status(node)
    word, icon = SHOWN_STATUS.get(status, (escape(status), "?"))
    progress = node["progress"]
    # Drawn as the class w-{bar} of web/bars.css: the Content Security Policy refuses style=.
    bar = 0 if progress is None else max(0, min(100, round(progress * 100)))
    href = link(node)
    title = escape(node["title"])
    title_html = f'<a href="{escape(href)}">{title}</a>' if href else title
    details = []
    unit = node.get("unit")
    if unit:
        name = units.get(unit) if units else None
        details.append(f'<a href="/units/{quote(unit)}/">{escape(name)}</a>' if name
                       else escape(unit))
    if node.get("owner"):
        details.append(f'<span class="owner">{escape(_owner_name(node["owner"], people))}'
                       '</span>')
    if node.get("ref"):
        details.append("shown in full above")
    # Ids are secondary: a key result's long key is left to its page.
    node_id = ("" if node["type"] in ("vision", "key_result")
               else f' <span class="node-id">{escape(node["id"])}</span>')
    pace = ""
    if node.get("expected") is not None:
        expected = max(0, min(100, round(node["expected"] * 100)))
        pace = (f'<span class="pace at-{expected}" '
                f'title="Expected by now: {expected}%"></span>')
    return (
        '<div class="map-card">'
        f'<p class="map-kind"><span class="node-type">'
        f'{CARD_KINDS.get(node["type"], escape(node["type"]))}</span>{node_id}</p>'
        f'<p class="map-title">{title_html}</p>'
        + (f'<p class="node-meta">{" · ".join(details)}</p>' if details else "")
        + '<p class="map-progress">'
        f'<span class="bar" aria-hidden="true"><span class="w-{bar}"></span>{pace}</span> '
        f'<span class="pct">{_percent(progress)}</span> '
        f'<span class="status status-{escape(node["status"])}">'
        f'<span class="icon" aria-hidden="true">{icon}</span> {word}</span></p>'
        '</div>'
    )


def _toggle(node: dict) -> str:
    """The branch's summary: how many items hang below, and under what (for a screen
    reader, which hears the summary without the card above it)."""
    below = len(node["children"])
    noun = "item" if below == 1 else "items"
    return (f'<summary><span class="n">{below} {noun}</span>'
            f'<span class="visually-hidden"> under {escape(node["title"])}</span></summary>')


def render(node: dict, *, link: Callable[[dict], str | None], open_depth: int = 99,
           depth: int = 0, units: dict[str, str] | None = None,
           lazy: Callable[[dict], str | None] | None = None,
           lazy_depth: int | None = None, people: dict[str, str] | None = None) -> str:
    """Nested <ul>/<details>: every branch collapses and expands without JavaScript.

    From `lazy_depth` down, a branch for which `lazy(node)` gives a URL is sent without
    its children: opening it fetches them from that URL with HTMX, and without JavaScript
    the link inside it opens the branch as a page of its own. `units` maps unit keys to
    names, shown as links to the unit pages; `people` maps owners' emails to names."""
    status = shown_status(node)
    classes = f'node kind-{escape(node["type"])} st-{escape(status)}'
    card = _card(node, link, units, people)
    if not node["children"]:
        return f'<li class="{classes} leaf">{card}</li>'
    url = lazy(node) if lazy and lazy_depth is not None and depth >= lazy_depth else None
    if url:
        below = count(node) - 1
        url = escape(url)
        return (f'<li class="{classes}">{card}<details hx-get="{url}" '
                f'hx-trigger="toggle once" hx-target="find ul" hx-swap="innerHTML">'
                f'{_toggle(node)}<ul>'
                f'<li class="lazy"><a href="{url}">Open this branch ({below} '
                f'{"item" if below == 1 else "items"})</a></li>'
                f'</ul></details></li>')
    inner = "".join(render(child, link=link, open_depth=open_depth, depth=depth + 1,
                           units=units, lazy=lazy, lazy_depth=lazy_depth, people=people)
                    for child in node["children"])
    opened = " open" if depth < open_depth else ""
    return (f'<li class="{classes}">{card}<details{opened}>{_toggle(node)}'
            f'<ul>{inner}</ul></details></li>')
