"""The demo company's countermeasures and a few learnings."""

import datetime as dt

from hoshin.org.models import Unit
from hoshin.pdca.models import Learning


def load_demo(today: dt.date) -> None:
    from hoshin.pdca.services import create_learning, open_due_countermeasures

    open_due_countermeasures(None, today=today)
    units = list(Unit.objects.filter(parent__isnull=False).order_by("key")[:2])
    if len(units) < 2:
        return
    # Learnings hang on no plan record, so a replaced demo keeps them: add them once.
    if Learning.objects.filter(title="Book surveys before the sale closes").exists():
        return
    create_learning(
        None, title="Book surveys before the sale closes",
        worked="Booking the home survey while the customer was still on the phone cut the "
               "time from order to install by four days.",
        did_not_work="Sending a booking link by email afterwards: half were never used.",
        tags=["installation", "lead-time"], unit=units[0].key)
    create_learning(
        None, title="One weekly call with installer partners",
        worked="A 20-minute call every Monday surfaced stock and scheduling problems early.",
        did_not_work="A shared spreadsheet nobody updated.",
        tags=["installers", "partners"], unit=units[1].key)
