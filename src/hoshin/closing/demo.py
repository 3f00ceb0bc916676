"""The demo company's closed quarter, graded: a plan file carries no grades, and the
execution analytics (calibration, regularity) read them."""

import datetime as dt

from hoshin.okrs.models import Cycle


def load_demo(today: dt.date) -> None:
    from hoshin.closing.services import grade_earlier_quarter

    for cycle in Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.CLOSED):
        grade_earlier_quarter(None, cycle)
