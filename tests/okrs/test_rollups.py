"""The stored roll-up (okrs/rollups.py): kept equal to a full recomputation through
check-ins, plan changes and the passing days, and read by the whole-quarter pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoshin.core import clock
from hoshin.core.errors import DomainError
from hoshin.okrs import rollups
from hoshin.okrs import services as okrs
from hoshin.okrs.models import KeyResult, Objective, RollupMark, RollupRow
from hoshin.okrs.progress import alignment_tree, key_result_states
from hoshin.org import services as org
from hoshin.org.models import Organization
from hoshin.strategy import services as strategy
from hoshin.strategy.models import ImprovementPriority

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plan_committed(plan):
    """The plan fixture's changes wait for a commit the test never makes: as if they had
    been committed, changes made from here on are collected afresh."""
    connection._hoshin_rollup = None


def day_in(plan, days: int = 40) -> dt.date:
    return plan.quarter.start + dt.timedelta(days=days)


def stored(cycle) -> dict:
    return {(r.kind, r.item_id): (r.progress, r.status, r.parent_kind, r.parent_id)
            for r in RollupRow.objects.filter(cycle=cycle)}


def test_a_rebuild_holds_what_the_alignment_tree_shows(plan):
    with clock.at(day_in(plan)):
        okrs.record_checkin(None, plan.kr_sales, value=26, confidence=7)
        okrs.record_checkin(None, plan.kr_milestone, steps_done=["S1"], confidence=9)
        assert rollups.rebuild(plan.quarter) > 0
        assert rollups.differences(plan.quarter) == []
        tree = alignment_tree(plan.quarter)
        p1 = tree.children[0].children[0].children[0]  # B1 → A1 → P1
        assert p1.id == "P1"
        row = RollupRow.objects.get(cycle=plan.quarter, kind="priority",
                                    item_id=ImprovementPriority.objects.get(key="P1").pk)
        assert (row.progress, row.status) == (p1.progress, str(p1.status))
        assert row.status == "on_track"
        vision = RollupRow.objects.get(cycle=plan.quarter, kind="vision")
        assert (vision.progress, vision.status) == (tree.progress, str(tree.status))
        states = key_result_states(KeyResult.objects.filter(objective__cycle=plan.quarter))
        assert rollups.key_result_states(plan.quarter) == states


def test_a_store_of_another_day_is_not_read(plan):
    with clock.at(day_in(plan)):
        rollups.rebuild(plan.quarter)
        assert rollups.strategy_figures(plan.quarter) is not None
    with clock.at(day_in(plan, 41)):
        assert rollups.strategy_figures(plan.quarter) is None
        assert rollups.key_result_states(plan.quarter) is None
        # The daily refresh rebuilds it for the new day, and only when the day moved.
        assert rollups.refresh() == [plan.quarter.key]
        assert rollups.refresh() == []
        assert rollups.strategy_figures(plan.quarter) is not None
        assert RollupMark.objects.get().as_of == day_in(plan, 41)


def test_a_check_in_updates_the_store_once_committed_and_only_its_chain(
        plan, django_capture_on_commit_callbacks):
    with clock.at(day_in(plan)):
        rollups.rebuild(plan.quarter)
        before = stored(plan.quarter)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            okrs.record_checkin(None, plan.kr_sales, value=27, confidence=8)
        assert stored(plan.quarter) == before  # nothing before the commit
        with CaptureQueriesContext(connection) as small:
            for callback in callbacks:
                callback()
        after = stored(plan.quarter)
        assert rollups.differences(plan.quarter) == []
        changed = {key for key in after if after[key] != before[key]}
        kr, o1 = ("key_result", plan.kr_sales.pk), ("objective", plan.objective.pk)
        assert {kr, o1} <= changed
        # The other objective's chain is untouched.
        assert ("objective", plan.ops_objective.pk) not in changed

        # The update costs the same whatever else the quarter holds.
        with django_capture_on_commit_callbacks(execute=True):
            org.create_unit(None, key="far", name="Far away", parent="acme")
            for i in range(6):
                okrs.save_objective(None, key=f"OF{i}", cycle=plan.quarter.key, unit="far",
                                    title=f"Far {i}", parent="T1")
                okrs.save_key_result(None, key=f"KF{i}", objective=f"OF{i}",
                                     title=f"Far KR {i}", owner=plan.member.email,
                                     kind="increase", baseline=0, target=10)
        assert rollups.differences(plan.quarter) == []
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            okrs.record_checkin(None, plan.kr_sales, value=28, confidence=8)
        with CaptureQueriesContext(connection) as large:
            for callback in callbacks:
                callback()
        assert rollups.differences(plan.quarter) == []
        assert len(large) == len(small)


def test_nothing_is_stored_for_a_cycle_not_built(plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        okrs.record_checkin(None, plan.kr_sales, value=27, confidence=8)
    assert not RollupRow.objects.exists()
    assert rollups.strategy_figures(plan.quarter) is None


def test_the_nightly_check_finds_repairs_and_logs_a_difference(plan, caplog):
    with clock.at(day_in(plan)):
        okrs.record_checkin(None, plan.kr_sales, value=30, confidence=8)
        rollups.rebuild(plan.quarter)
        assert rollups.check() == []
        # A row gone wrong (a bug, a hand edit, an update lost to a crash).
        RollupRow.objects.filter(cycle=plan.quarter, kind="objective",
                                 item_id=plan.objective.pk).update(status="off_track")
        RollupRow.objects.filter(cycle=plan.quarter, kind="key_result",
                                 item_id=plan.kr_milestone.pk).delete()
        problems = rollups.check()
        assert any("objective" in p and "status" in p for p in problems)
        assert any("missing" in p for p in problems)
        assert "stored roll-up differs" in caplog.text
        assert rollups.differences(plan.quarter) == []  # repaired


def test_the_jobs_are_registered():
    from hoshin.notify import scheduler

    assert {"refresh-rollup", "check-rollup"} <= set(scheduler.discover())


# Random plans and sequences of changes ----------------------------------------------------

KINDS = {
    "increase": {"baseline": 0, "target": 40},
    "decrease": {"baseline": 40, "target": 10},
    "stay_above": {"target": 20},
    "stay_below": {"target": 30},
    "milestone": {"steps": [{"key": "S1", "title": "One", "weight": 1},
                            {"key": "S2", "title": "Two", "weight": 2}]},
}
STRENGTHS = ["strong", "important", "weak"]

operation = st.one_of(
    st.tuples(st.just("checkin"), st.integers(0, 30), st.floats(-10, 60),
              st.one_of(st.none(), st.integers(0, 10)), st.booleans(), st.integers(0, 20)),
    st.tuples(st.just("new_kr"), st.integers(0, 30), st.sampled_from(sorted(KINDS)),
              st.sampled_from([0.0, 0.5, 1.0, 2.0])),
    st.tuples(st.just("weight"), st.integers(0, 30), st.sampled_from([0.0, 1.0, 3.0])),
    st.tuples(st.just("target"), st.integers(0, 30), st.integers(15, 60)),
    st.tuples(st.just("move_kr"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("archive_kr"), st.integers(0, 30)),
    st.tuples(st.just("new_objective"), st.integers(0, 30)),
    st.tuples(st.just("reparent"), st.integers(0, 30), st.integers(0, 30)),
    st.tuples(st.just("archive_objective"), st.integers(0, 30)),
    st.tuples(st.just("strength"), st.sampled_from(STRENGTHS + [None])),
    st.tuples(st.just("new_priority"), st.sampled_from(STRENGTHS + [None])),
    st.tuples(st.just("tick"), st.integers(1, 20)),
)


class _Undo(Exception):
    pass


def _pick(items, n):
    return items[n % len(items)] if items else None


def _apply(plan, op, n, day):
    kind = op[0]
    krs = list(KeyResult.objects.filter(objective__cycle=plan.quarter, archived_at__isnull=True)
               .select_related("objective").order_by("id"))
    objectives = list(Objective.objects.filter(cycle=plan.quarter, archived_at__isnull=True)
                      .order_by("id"))
    parents = ["P1", "A1", "T1", None] + [o.key for o in objectives] + \
        list(ImprovementPriority.objects.exclude(key="P1").values_list("key", flat=True))
    if kind == "checkin":
        kr = _pick(krs, op[1])
        if kr is None:
            return
        if kr.kind == "milestone":
            reading = {"steps_done": [s.key for s in kr.steps.all()][:op[1] % 3]}
        else:
            reading = {"value": op[2]}
        okrs.record_checkin(None, kr, confidence=op[3], blockers="waiting" if op[4] else "",
                            date=max(plan.quarter.start, day - dt.timedelta(days=op[5])),
                            **reading)
    elif kind == "new_kr":
        objective = _pick(objectives, op[1])
        if objective is not None:
            okrs.save_key_result(None, key=f"KX{n}", objective=objective.key, title=f"KR {n}",
                                 owner=plan.member.email, kind=op[2], weight=op[3],
                                 **KINDS[op[2]])
    elif kind == "weight" and krs:
        okrs.save_key_result(None, _pick(krs, op[1]), weight=op[2])
    elif kind == "target" and krs:
        okrs.save_key_result(None, _pick(krs, op[1]), target=op[2], reason="replanned")
    elif kind == "move_kr" and krs:
        okrs.save_key_result(None, _pick(krs, op[1]), objective=_pick(objectives, op[2]).key)
    elif kind == "archive_kr" and krs:
        okrs.archive_key_result(None, _pick(krs, op[1]))
    elif kind == "new_objective":
        okrs.save_objective(None, key=f"OX{n}", cycle=plan.quarter.key, unit="sales",
                            title=f"Objective {n}", parent=_pick(parents, op[1]))
    elif kind == "reparent" and objectives:
        okrs.save_objective(None, _pick(objectives, op[1]), parent=_pick(parents, op[2]))
    elif kind == "archive_objective" and objectives:
        okrs.archive_objective(None, _pick(objectives, op[1]))
    elif kind == "strength":
        links = {"A1": op[1]} if op[1] else {}
        strategy.save_improvement_priority(None, ImprovementPriority.objects.get(key="P1"),
                                           annual_objectives=links)
    elif kind == "new_priority":
        strategy.save_improvement_priority(
            None, key=f"PX{n}", year=plan.quarter.start.year, unit="sales",
            title=f"Priority {n}", annual_objectives={"A1": op[1]} if op[1] else {})


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(operation, min_size=1, max_size=14), child_weight=st.booleans())
def test_the_store_equals_a_full_recomputation_after_any_changes(
        plan, django_capture_on_commit_callbacks, ops, child_weight):
    day = day_in(plan, 30)
    try:
        with transaction.atomic():
            with clock.at(day), django_capture_on_commit_callbacks(execute=True):
                Organization.objects.filter(pk=1).update(include_child_objectives=child_weight)
                rollups.rebuild(plan.quarter)
            for n, op in enumerate(ops):
                if op[0] == "tick":
                    day = min(plan.quarter.end, day + dt.timedelta(days=op[1]))
                    with clock.at(day):
                        rollups.refresh()  # the daily job
                    continue
                with clock.at(day), django_capture_on_commit_callbacks(execute=True):
                    try:
                        _apply(plan, op, n, day)
                    except DomainError:
                        pass  # refused by the services (a loop, a wrong kind): nothing changed
                with clock.at(day):
                    assert rollups.differences(plan.quarter) == [], (n, op)
            raise _Undo
    except _Undo:
        pass
