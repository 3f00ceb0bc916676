"""The alignment map as HTML: filtering and rendering a nested tree of plain dicts
(the shape of okrs.progress.alignment_tree_data). No Django imports.

Rendered with string building rather than a recursive template: a whole cycle of a large
organisation has tens of thousands of nodes, and a template include per node is far too
slow for that.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

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


def render(node: dict, *, link: Callable[[dict], str | None], open_depth: int = 99,
           depth: int = 0) -> str:
    """Nested <ul>/<details>: every branch collapses and expands without JavaScript."""
    status = node["status"]
    progress = node["progress"]
    bar = 0 if progress is None else max(0, min(100, round(progress * 100)))
    href = link(node)
    title = escape(node["title"])
    title_html = f'<a href="{escape(href)}">{title}</a>' if href else title
    details = []
    if node.get("unit"):
        details.append(escape(node["unit"]))
    if node.get("owner"):
        details.append(escape(node["owner"]))
    summary = (
        f'<span class="node-type">{TYPE_LABELS.get(node["type"], escape(node["type"]))}</span> '
        + ("" if node["type"] == "vision" else f'<span class="node-id">{escape(node["id"])}</span> ')
        + f'{title_html} '
        f'<span class="bar" aria-hidden="true"><span style="width:{bar}%"></span></span> '
        f'<span class="pct">{_percent(progress)}</span> '
        f'<span class="status status-{escape(status)}">{STATUS_WORDS.get(status, escape(status))}</span>'
        + (f' <span class="node-meta">{" · ".join(details)}</span>' if details else "")
        + (' <span class="node-meta">(shown above)</span>' if node.get("ref") else "")
    )
    if not node["children"]:
        return f'<li class="leaf">{summary}</li>'
    inner = "".join(render(child, link=link, open_depth=open_depth, depth=depth + 1)
                    for child in node["children"])
    opened = " open" if depth < open_depth else ""
    return (f'<li><details{opened}><summary>{summary}</summary>'
            f'<ul>{inner}</ul></details></li>')
