"""The demo company's review schedule: the quarter's past reviews held (their agendas
decided by the strategy office, one left missed, as happens), and the agenda of the
next review built and waiting for its decisions."""

import datetime as dt

from hoshin.core import clock
from hoshin.okrs.models import Cycle
from hoshin.org.models import Person


def load_demo(today: dt.date) -> None:
    from hoshin.reviews.services import build_agenda, close_review, continue_the_rest, reviews_of

    office = (Person.objects.filter(role="strategy_office", is_active=True).order_by("id")
              .first())
    for cycle in Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE):
        reviews = reviews_of(cycle)
        past = [r for r in reviews if r.date < today]
        # The one two weeks ago did not happen: the list shows what a missed review is.
        missed = past[-2] if len(past) >= 2 else None
        for review in past:
            if review is missed or office is None:
                continue
            with clock.at(dt.datetime.combine(review.date, dt.time(10, 0))):
                build_agenda(office, review, review.date)
                continue_the_rest(office, review,
                                  rationale="Reviewed in the meeting: continue as planned")
            with clock.at(dt.datetime.combine(review.date, dt.time(11, 0))):
                close_review(office, review)
        upcoming = next((r for r in reviews if r.date >= today), None)
        if upcoming is not None:
            build_agenda(None, upcoming, today)
