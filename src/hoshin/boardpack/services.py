"""Making a board pack for someone: who may, and the audit entry that says the plan left the
system as a PDF. Rendering reads only; it runs outside any transaction (on SQLite a write
transaction held for seconds would make every check-in wait)."""

from __future__ import annotations

import datetime as dt

from hoshin.boardpack.render import Rendered, render
from hoshin.core import events
from hoshin.org.models import Person, Role
from hoshin.org.permissions import require

# SPEC §10: the strategy office prepares the board; admins and unit leads may make the pack
# for their own board or leadership meeting. Members and viewers read the same figures on
# the strategy, company and review pages, but a PDF of the whole plan is made by the people
# who answer for it (and rendering one costs the server seconds).
MAKERS = {Role.ADMIN, Role.STRATEGY_OFFICE, Role.UNIT_LEAD}


def can_make_board_pack(actor: Person | None) -> bool:
    return actor is None or (actor.is_authenticated and actor.is_active
                             and actor.role in MAKERS)


def make_board_pack(actor: Person | None, cycle_key: str | None = None,
                    today: dt.date | None = None, *, where: str = "") -> Rendered:
    """The PDF of the quarter `cycle_key` (the running one by default), made as `actor`
    (None: the operator, from the CLI). Raises PermissionDenied, or NotFound (field
    "cycle") when there is no such quarter."""
    require(can_make_board_pack(actor), "make the board pack")
    rendered = render(cycle_key, today)
    events.publish(events.DataExported(
        actor=actor, kind="export",
        what=f"The board pack of {rendered.cycle} ({rendered.pages} pages, PDF){where}"))
    return rendered
