"""The demo company gets catchball threads in every state, once."""

import datetime as dt

import pytest

from hoshin.catchball import demo
from hoshin.catchball.models import Catchball, PlanningDeadline
from hoshin.demo.generate import demo_plan
from hoshin.planfile.importer import import_plan

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 12)


def test_demo_threads_in_every_state():
    import_plan(demo_plan(TODAY))
    demo.load_demo(TODAY)
    states = sorted(Catchball.objects.values_list("state", flat=True))
    assert states.count("agreed") == 1 and states.count("withdrawn") == 1
    assert states.count("open") == 3
    assert PlanningDeadline.objects.count() == 2
    overdue = [t for t in Catchball.objects.filter(state="open") if t.is_overdue(TODAY)]
    assert [t.unit.key for t in overdue] == ["installation"]
    demo.load_demo(TODAY)  # a second call adds nothing
    assert Catchball.objects.count() == 5
