"""The demo company's review schedule, with the agenda of the next review built."""

import datetime as dt

from hoshin.okrs.models import Cycle


def load_demo(today: dt.date) -> None:
    from hoshin.reviews.services import build_agenda, reviews_of

    for cycle in Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE):
        upcoming = next((r for r in reviews_of(cycle) if r.date >= today), None)
        if upcoming is not None:
            build_agenda(None, upcoming, today)
