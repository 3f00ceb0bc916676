from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.analyzer.collect import collect, cycles_to_check
from hoshin.okrs import services as okrs


def _queries(cycle) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        plan = collect([cycle])
    return len(ctx), plan


def test_reading_a_cycle_takes_the_same_queries_whatever_its_size(plan):
    before, small = _queries(plan.quarter)
    for i in range(5):
        okrs.save_objective(None, key=f"O{10 + i}", cycle=plan.quarter.key, unit="ops",
                            title=f"Goal {i}", parent="O1")
        okrs.save_key_result(None, key=f"KR{10 + i}", objective=f"O{10 + i}",
                             title=f"Measure {i}", owner=plan.member.email, kind="milestone",
                             steps=[{"key": "S1", "title": "a", "weight": 1}])
    okrs.request_dependency(None, key_result="KR10", providing_unit="sales", description="x")

    after, big = _queries(plan.quarter)

    assert after == before
    assert len(big.objectives) == len(small.objectives) + 5
    kr10 = next(k for o in big.objectives for k in o.key_results if k.id == "KR10")
    assert (kr10.steps, kr10.owner.id, kr10.kind) == (1, plan.member.email, "milestone")
    assert [(d.key_result, d.providing_unit, d.state) for d in big.dependencies] == [
        ("KR10", "sales", "requested")]


def test_what_a_cycle_reads(plan):
    _, data = _queries(plan.quarter)

    assert {o.id: o.parent for o in data.objectives} == {"O1": "P1", "O2": "T1"}
    assert [(t.id, t.annual_objectives) for t in data.themes] == [("T1", ["A1"])]
    assert [(p.id, p.annual_objectives) for p in data.priorities] == [("P1", ["A1"])]
    assert [(m.id, m.priorities) for m in data.metrics] == [("M1", ["P1"])]
    assert data.units["sales"].parent == "acme"
    assert data.cycles[0].fiscal_year == plan.quarter.start.year


def test_archived_items_are_left_out(plan):
    okrs.archive_key_result(None, plan.kr_milestone)
    okrs.archive_objective(None, plan.ops_objective)

    _, data = _queries(plan.quarter)

    assert [o.id for o in data.objectives] == ["O1"]
    assert [k.id for k in data.objectives[0].key_results] == ["KR1"]


def test_no_cycle_means_the_quarters_in_planning_or_active(plan):
    assert [c.key for c in cycles_to_check()] == [plan.quarter.key]
    okrs.transition_cycle(None, plan.quarter, "closed", override_reason="test")
    # None open: the latest quarter.
    assert [c.key for c in cycles_to_check()] == [plan.quarter.key]
