"""What similar key results of closed quarters ended at: the history the grade forecast
(engine/grade_forecast.py) blends with a key result's own trend.

The history is counted and kept by analytics (SimilarOutcome), which sits above the apps
that need it (flags judges the forecast-miss flag with it). Analytics registers its
lookup here in its `AppConfig.ready()`, as gates and badges are registered, so flags asks
without importing analytics:

    outcomes.register(lookup)            # analytics/apps.py
    table = outcomes.table(kinds)        # flags: {(kind, week, progress): counts by grade}

Without a registered lookup (analytics not installed) the table is empty and the forecast
is the trend alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

Table = Mapping[tuple[str, int, int], Sequence[int]]
Lookup = Callable[[Iterable[str]], Table]

_lookup: Lookup | None = None


def register(lookup: Lookup) -> None:
    """Register (or replace) the provider of the outcome table."""
    global _lookup
    _lookup = lookup


def registered() -> bool:
    return _lookup is not None


def table(kinds: Iterable[str]) -> Table:
    """The closed quarters' outcomes of key results of these kinds, in one query."""
    return _lookup(kinds) if _lookup is not None else {}
