"""The planning calendar: by when units answer and both sides agree, per cycle; and the
answer-by date a new proposal gets from it."""

from __future__ import annotations

import datetime as dt

from hoshin.catchball.models import PlanningDeadline
from hoshin.catchball.services.elements import element_cycle
from hoshin.core.errors import ErrorCollector
from hoshin.core.history import service
from hoshin.okrs import services as okrs_services
from hoshin.okrs.models import Cycle
from hoshin.org import permissions
from hoshin.org.models import Person

# Days to answer when the planning calendar names no date.
DEFAULT_RESPONSE_DAYS = 14


def deadline(cycle: Cycle | None, what: str) -> dt.date | None:
    if cycle is None:
        return None
    return (PlanningDeadline.objects.filter(cycle=cycle, what=what)
            .values_list("due", flat=True).first())


def default_respond_by(element, today: dt.date) -> dt.date:
    due = deadline(element_cycle(element), PlanningDeadline.What.RESPONSE)
    return due or today + dt.timedelta(days=DEFAULT_RESPONSE_DAYS)


@service
def set_deadline(actor: Person | None, *, cycle: str, what: str, due: dt.date | str,
                 note: str = "") -> PlanningDeadline:
    """Set (or move) a date of a cycle's planning calendar."""
    permissions.require(permissions.can_edit_strategy(actor), "edit the planning calendar")
    errors = ErrorCollector()
    cycle_obj = okrs_services.get(Cycle, cycle, "cycle")
    if what not in PlanningDeadline.What.values:
        errors.add("what", f'unknown deadline "{what}" (expected one of '
                           f'{", ".join(PlanningDeadline.What.values)})')
    if isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due)
        except ValueError:
            errors.add("due", f'"{due}" is not a date (expected YYYY-MM-DD)')
    errors.raise_if_any()
    row, _ = PlanningDeadline.objects.update_or_create(cycle=cycle_obj, what=what,
                                                       defaults={"due": due, "note": note or ""})
    return row


@service
def remove_deadline(actor: Person | None, deadline_row: PlanningDeadline) -> None:
    permissions.require(permissions.can_edit_strategy(actor), "edit the planning calendar")
    deadline_row.delete()
