"""The alignment map as HTML: filtering and rendering a nested tree of plain dicts
(the shape of okrs.progress.alignment_tree_data). No Django imports.

Rendered with string building rather than a recursive template: a whole cycle of a large
organisation has tens of thousands of nodes, and a template include per node is far too
slow for that.
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
STATUS_WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track",
                "no_data": "no data"}


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


def _summary(node: dict, link, units) -> str:
    status = node["status"]
    progress = node["progress"]
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
        details.append(escape(node["owner"]))
    node_id = ("" if node["type"] == "vision"
               else f'<span class="node-id">{escape(node["id"])}</span> ')
    word = STATUS_WORDS.get(status, escape(status))
    return (
        f'<span class="node-type">{TYPE_LABELS.get(node["type"], escape(node["type"]))}</span> '
        + node_id
        + f'{title_html} '
        f'<span class="bar" aria-hidden="true"><span style="width:{bar}%"></span></span> '
        f'<span class="pct">{_percent(progress)}</span> '
        f'<span class="status status-{escape(status)}">{word}</span>'
        + (f' <span class="node-meta">{" · ".join(details)}</span>' if details else "")
        + (' <span class="node-meta">(shown above)</span>' if node.get("ref") else "")
    )


def render(node: dict, *, link: Callable[[dict], str | None], open_depth: int = 99,
           depth: int = 0, units: dict[str, str] | None = None,
           lazy: Callable[[dict], str | None] | None = None,
           lazy_depth: int | None = None) -> str:
    """Nested <ul>/<details>: every branch collapses and expands without JavaScript.

    From `lazy_depth` down, a branch for which `lazy(node)` gives a URL is sent without
    its children: opening it fetches them from that URL with HTMX, and without JavaScript
    the link inside it opens the branch as a page of its own. `units` maps unit keys to
    names, shown as links to the unit pages."""
    summary = _summary(node, link, units)
    if not node["children"]:
        return f'<li class="leaf">{summary}</li>'
    url = lazy(node) if lazy and lazy_depth is not None and depth >= lazy_depth else None
    if url:
        below = count(node) - 1
        url = escape(url)
        return (f'<li><details hx-get="{url}" hx-trigger="toggle once" hx-target="find ul" '
                f'hx-swap="innerHTML"><summary>{summary}</summary><ul>'
                f'<li class="lazy"><a href="{url}">Open this branch ({below} items)</a></li>'
                f'</ul></details></li>')
    inner = "".join(render(child, link=link, open_depth=open_depth, depth=depth + 1,
                           units=units, lazy=lazy, lazy_depth=lazy_depth)
                    for child in node["children"])
    opened = " open" if depth < open_depth else ""
    return (f'<li><details{opened}><summary>{summary}</summary>'
            f'<ul>{inner}</ul></details></li>')
