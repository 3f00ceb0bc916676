"""An element's change history in words, with its links' changes (core/history_view.py)."""

from __future__ import annotations

from hoshin.core.history_view import HistoryRow, LinkWords, history_rows, link_rows
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
    MetricCorrelation,
    PriorityCorrelation,
    Resource,
)

# Plan elements whose history the detail pages show, and which of their links:
# (link model, the field naming this item, the field(s) naming the other end, value).
LINKS = {
    Breakthrough: [(BreakthroughCorrelation, "breakthrough", ("annual_objective",), "strength")],
    AnnualObjective: [(BreakthroughCorrelation, "annual_objective", ("breakthrough",), "strength"),
                      (PriorityCorrelation, "annual_objective", ("priority",), "strength")],
    ImprovementPriority: [(PriorityCorrelation, "priority", ("annual_objective",), "strength"),
                          (MetricCorrelation, "priority", ("metric",), "strength"),
                          (Resource, "priority", ("person", "unit"), "role")],
}
RESOURCE_WORDS = LinkWords(added="Added {other} as {value_lower} resource",
                           removed="Removed {other} from the resources",
                           changed="{other}: role {old} → {new}")


def item_history(item, limit: int = 50) -> list[HistoryRow]:
    """The item's changes and its links' changes, newest first, in words people read
    (core/history_view.py): field labels, old → new, who and when."""
    model = type(item)
    rows = history_rows(model.history.filter(id=item.pk), limit=limit)
    for link_model, own_field, ends, value in LINKS.get(model, []):
        rows += link_rows(link_model.history.filter(**{f"{own_field}_id": item.pk}),
                          ends=ends, value=value,
                          words=RESOURCE_WORDS if link_model is Resource else LinkWords())
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows[:limit]

