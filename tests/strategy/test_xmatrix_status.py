"""The X-matrix tints come from a lean roll-up; they must equal the full alignment tree's."""

import datetime as dt

import pytest

from hoshin.demo.generate import demo_plan
from hoshin.okrs.models import Cycle
from hoshin.okrs.progress import alignment_tree, strategy_statuses
from hoshin.org.models import Organization
from hoshin.planfile.importer import import_plan

pytestmark = pytest.mark.django_db


def tree_statuses(cycle, today) -> dict[str, str]:
    """Annual objectives and priorities as the alignment tree rolls them up."""
    found: dict[str, str] = {}
    stack = [alignment_tree(cycle, today)]
    while stack:
        node = stack.pop()
        if node.type in ("annual_objective", "improvement_priority"):
            found.setdefault(node.id, str(node.status))
        if node.type in ("vision", "breakthrough", "annual_objective"):
            stack.extend(node.children)
    return found


@pytest.mark.parametrize("include_children", [True, False])
def test_demo_plan_tints_equal_the_full_roll_up(include_children):
    today = dt.date(2026, 5, 20)
    import_plan(demo_plan(today))
    Organization.objects.update(include_child_objectives=include_children)
    compared = 0
    for cycle in Cycle.objects.filter(kind=Cycle.Kind.QUARTER):
        for day in (cycle.start + dt.timedelta(days=20), today, cycle.end):
            lean = {key: str(status) for key, status in strategy_statuses(cycle, day).items()}
            full = tree_statuses(cycle, day)
            assert lean == full, (cycle.key, day)
            compared += len(full)
    # The demo has annual objectives and priorities in every year it spans, with a mix of
    # statuses: the comparison is not between empty or uniform results.
    assert compared > 20


def test_plan_fixture_tints_equal_the_full_roll_up(plan):
    cycle = plan.quarter
    statuses = strategy_statuses(cycle, cycle.end)
    assert statuses == {k: v for k, v in tree_statuses(cycle, cycle.end).items()}
    assert statuses
