"""The fiscal year the plan is in: the year of the running quarter, else of today. Strategy
pages open on it when no year is asked for (registered in WebConfig.ready())."""

from __future__ import annotations

from hoshin.core import clock
from hoshin.okrs import rollups
from hoshin.okrs.models import Cycle
from hoshin.okrs.rules import fiscal_year_of
from hoshin.org.models import Organization
from hoshin.strategy.views import years


def active_quarter() -> Cycle | None:
    """The running quarter (the latest, should several run), with its stored roll-up's
    mark (okrs/rollups.py)."""
    return rollups.with_mark(Cycle.objects.filter(
        kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE,
        archived_at__isnull=True)).order_by("-start").first()


def current_year(org: Organization) -> int:
    active = active_quarter()
    day = active.start if active else clock.today()
    return fiscal_year_of(day, org.fiscal_year_start)


def register() -> None:
    years.register_current_year(current_year)
