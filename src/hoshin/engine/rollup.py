"""Roll-up of progress and status from key results up through the alignment tree."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .progress import clamp
from .types import Node, Status, StatusPolicy

# Compared with a small tolerance so that a score of exactly 0.75 is on track however the
# weights happened to round.
_TOLERANCE = 1e-9

ON_TRACK_SCORE = 0.75
AT_RISK_SCORE = 0.4

# Silence scores like off track: a parent whose children stopped reporting is pulled down,
# never propped up.
_STATUS_SCORE = {
    Status.ON_TRACK: 1.0,
    Status.AT_RISK: 0.5,
    Status.OFF_TRACK: 0.0,
    Status.NO_DATA: 0.0,
}


def _effective_weights(children: Sequence[tuple[float, float | None, Status]]) -> list[float]:
    """Negative weights count as zero; if nothing is left, every child counts equally, so a
    parent whose weights were never filled in still gets a meaningful roll-up."""
    weights = [weight if weight > 0 else 0.0 for weight, _, _ in children]  # NaN → 0.0
    if math.fsum(weights) > 0:
        return weights
    return [1.0] * len(weights)


def rollup(
    children: Sequence[tuple[float, float | None, Status]],
    policy: StatusPolicy = StatusPolicy(),
) -> tuple[float | None, Status]:
    """Progress and status of a parent from its children's (weight, progress, status).

    Progress is the weighted mean of clamped child progress over the children that have
    one, so overshooting one key result cannot hide another that is behind. Sums use
    `math.fsum` so the result does not depend on the order of the children.
    """
    if not children:
        return None, Status.NO_DATA

    weights = _effective_weights(children)
    progress_weights: list[float] = []
    progress_terms: list[float] = []
    silent_weights: list[float] = []
    score_terms: list[float] = []
    for weight, (_, progress, status) in zip(weights, children, strict=True):
        if progress is not None:
            progress_weights.append(weight)
            clamped = 0.0 if progress < 0 else 1.0 if progress > 1 else progress
            progress_terms.append(weight * clamped)
        if status == Status.NO_DATA:
            silent_weights.append(weight)
        else:
            score_terms.append(weight * _STATUS_SCORE[status])

    progress_weight = math.fsum(progress_weights)
    if progress_weight > 0:
        # clamped again: the division may round a hair past 1
        progress = clamp(math.fsum(progress_terms) / progress_weight)
    else:
        progress = None

    total = math.fsum(weights)
    if math.fsum(silent_weights) / total > policy.no_data_share + _TOLERANCE:
        return progress, Status.NO_DATA

    score = math.fsum(score_terms) / total
    if score >= ON_TRACK_SCORE - _TOLERANCE:
        return progress, Status.ON_TRACK
    if score >= AT_RISK_SCORE - _TOLERANCE:
        return progress, Status.AT_RISK
    return progress, Status.OFF_TRACK


def compute_tree(node: Node, policy: StatusPolicy = StatusPolicy()) -> Node:
    """Fill every inner node's progress and status from its children, in place.

    Iterative post-order (no recursion limit, no copies) so a whole cycle of tens of
    thousands of nodes computes in a few tens of milliseconds. Leaves keep the values the
    services computed for them; childless leaves, most of any tree, are never pushed.

    A node is computed when it is met the second time: then all of its children are
    done. A node shared by two parents is met again later and simply recomputed from the
    same, finished children (same result); a cycle from bad data ends instead of hanging.
    """
    expanded: set[int] = set()
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if id(current) in expanded:
            if not current.leaf:
                current.progress, current.status = rollup(
                    [(child.weight, child.progress, child.status) for child in current.children],
                    policy,
                )
            continue
        expanded.add(id(current))
        stack.append(current)
        stack.extend([child for child in current.children if child.children or not child.leaf])
    return node


_NAMED_KEYS = ("id", "type", "title", "progress", "status", "children")


def node_to_dict(node: Node) -> dict:
    """JSON-ready nested dict of a (computed) tree.

    The alignment tree is really a graph: an improvement priority can serve two annual
    objectives, an annual objective two breakthroughs. Each item is expanded once, at its
    first place in reading order; later places list it with its progress and status,
    `"ref": true` and no children, so the output stays as large as the plan (and a loop
    in bad data cannot make it endless). Items are told apart by (type, id).

    Built iteratively so deep trees cannot hit the recursion limit. `extra` keys follow the
    named keys and never overwrite them, so the shape clients rely on stays fixed.
    """

    def shell(n: Node) -> dict:
        data = {
            "id": n.id,
            "type": n.type,
            "title": n.title,
            "progress": None if n.progress is None else round(n.progress, 4),
            "status": Status(n.status).value,
            "children": [],
        }
        for key, value in n.extra.items():
            if key not in _NAMED_KEYS:
                data[key] = value
        return data

    root = shell(node)
    expanded: set[tuple[str, str]] = set()
    stack: list[tuple[Node, dict]] = [(node, root)]
    while stack:
        current, data = stack.pop()
        identity = (current.type, current.id)
        if identity in expanded:
            data["ref"] = True
            continue
        expanded.add(identity)
        pending = []
        for child in current.children:
            child_data = shell(child)
            data["children"].append(child_data)
            pending.append((child, child_data))
        # Reversed, so the stack pops children in reading order (first place wins).
        stack.extend(reversed(pending))
    return root
