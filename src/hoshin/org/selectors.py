"""Read queries of the organisation tree shared by every app."""

from __future__ import annotations

from collections import defaultdict

from hoshin.org.models import Unit


def subtree_ids(*roots: Unit | int) -> set[int]:
    """Ids of `roots` and of every unit below them: one query, whatever the depth."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, parent_id in Unit.objects.values_list("id", "parent_id"):
        children[parent_id].append(unit_id)
    reach: set[int] = set()
    pending = [root if isinstance(root, int) else root.pk for root in roots]
    while pending:
        unit_id = pending.pop()
        if unit_id not in reach:
            reach.add(unit_id)
            pending.extend(children.get(unit_id, ()))
    return reach
