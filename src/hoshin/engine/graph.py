"""Graphs given as plain mappings. No Django imports here."""

from __future__ import annotations

from collections.abc import Hashable, Mapping


def find_cycle(edges: Mapping, start: Hashable) -> list | None:
    """The first loop found following `edges` (child → parent) from `start`, or None.
    The loop is given from its first node back to it: [a, b, a]."""
    path: list = []
    seen: set = set()
    node = start
    while node is not None:
        if node in seen:
            return path[path.index(node):] + [node]
        seen.add(node)
        path.append(node)
        node = edges.get(node)
    return None
