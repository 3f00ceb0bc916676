"""Which fiscal year a strategy page shows: `?year=`, or the year the plan is in.

The year the plan is in is the fiscal year of the running quarter, which okrs knows and
strategy (below okrs) does not read: the layer that composes both registers it with
`register_current_year` (web does, in `WebConfig.ready()`). Without one, the pages open on
the fiscal year of today.
"""

from __future__ import annotations

from collections.abc import Callable

from hoshin.core import clock
from hoshin.engine.fiscal import fiscal_year_of
from hoshin.org.models import Organization
from hoshin.strategy.models import AnnualObjective, ImprovementPriority

# (organization) -> the fiscal year the plan is in, or None for "the fiscal year of today"
_current_year: Callable[[Organization], int | None] | None = None


def register_current_year(provider: Callable[[Organization], int | None]) -> None:
    """Say which fiscal year the strategy pages open on when no year is asked for."""
    global _current_year
    _current_year = provider


def current_year(org: Organization) -> int:
    year = _current_year(org) if _current_year is not None else None
    if year is None:
        year = fiscal_year_of(clock.today(), org.fiscal_year_start)
    return year


def selected_year(request, org: Organization) -> int:
    """The year asked for with `?year=`, when it is one; else the current year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return current_year(org)
    return year if 1900 <= year <= 9999 else current_year(org)


def plan_years(current: int) -> list[int]:
    """The years that have annual objectives or priorities, and `current`, newest first."""
    years = set(AnnualObjective.objects.filter(archived_at__isnull=True)
                .values_list("year", flat=True).distinct())
    years |= set(ImprovementPriority.objects.filter(archived_at__isnull=True)
                 .values_list("year", flat=True).distinct())
    years.add(current)
    return sorted(years, reverse=True)
