"""Progress and status read from the database, and the alignment tree of a cycle."""

import datetime as dt

import pytest
from django.utils import timezone

from hoshin.engine.rollup import node_to_dict
from hoshin.okrs import services
from hoshin.okrs.models import KeyResult
from hoshin.okrs.progress import alignment_tree, key_result_states
from hoshin.org.models import Unit


def states(plan):
    return key_result_states(KeyResult.objects.filter(objective__cycle=plan.quarter))


def find(node, node_id, path=()):
    if node["id"] == node_id:
        return node, path
    for child in node["children"]:
        found = find(child, node_id, path + (node["id"],))
        if found:
            return found
    return None


def test_silence_is_never_green(plan):
    assert states(plan)[plan.kr_sales.pk].status == "no_data"
    today = timezone.localdate()
    expected = states(plan)[plan.kr_sales.pk].expected
    on_pace = 20 + expected * 15
    services.record_checkin(None, plan.kr_sales, value=on_pace, confidence=8, date=today)
    state = states(plan)[plan.kr_sales.pk]
    assert state.status == "on_track" and abs(state.progress - expected) < 1e-9


def test_two_silent_weeks_mean_no_data(plan):
    today = timezone.localdate()
    two_weeks_ago = today - dt.timedelta(days=14)
    if two_weeks_ago < plan.quarter.start:
        pytest.skip("the current quarter started less than two weeks ago")
    services.record_checkin(None, plan.kr_sales, value=34, confidence=9, date=two_weeks_ago)
    assert states(plan)[plan.kr_sales.pk].status == "no_data"
    services.record_checkin(None, plan.kr_sales, value=35, confidence=9, date=today)
    assert states(plan)[plan.kr_sales.pk].status == "on_track"


def test_low_confidence_and_blockers_pull_status_down(plan):
    expected = states(plan)[plan.kr_sales.pk].expected
    on_pace = 20 + expected * 15
    services.record_checkin(None, plan.kr_sales, value=on_pace, confidence=2)
    assert states(plan)[plan.kr_sales.pk].status == "off_track"
    services.record_checkin(None, plan.kr_sales, value=on_pace, confidence=8,
                            blockers="Waiting for the installer price list")
    assert states(plan)[plan.kr_sales.pk].status == "at_risk"


def test_milestone_progress_is_the_done_weight(plan):
    services.record_checkin(None, plan.kr_milestone, steps_done=["S1", "S3"], confidence=7)
    assert states(plan)[plan.kr_milestone.pk].progress == 0.75


def test_alignment_tree_follows_the_chain(plan):
    services.record_checkin(None, plan.kr_sales, value=35, confidence=9)
    services.record_checkin(None, plan.kr_milestone, steps_done=["S1", "S2", "S3"], confidence=9)
    tree = node_to_dict(alignment_tree(plan.quarter))
    assert tree["type"] == "vision"
    objective, path = find(tree, "O1")
    assert path == ("vision", "B1", "A1", "P1")
    assert objective["progress"] == 1.0 and objective["status"] == "on_track"
    assert {c["id"] for c in objective["children"]} == {"KR1", "KR2"}
    ops, ops_path = find(tree, "O2")
    assert ops_path == ("vision", "B1", "A1", "T1")
    assert ops["status"] == "no_data"
    a1, _ = find(tree, "A1")
    # Half the weight under A1 is silent (O2) and half is done: never "on track".
    assert a1["status"] != "on_track"


def test_tree_for_one_unit_keeps_only_its_branches(plan):
    tree = node_to_dict(alignment_tree(plan.quarter, unit=Unit.objects.get(key="ops")))
    assert find(tree, "O2") and not find(tree, "O1") and not find(tree, "P1")


def test_tree_queries_do_not_grow_with_the_plan(plan, django_assert_max_num_queries):
    for i in range(5):
        o = services.save_objective(None, cycle=plan.quarter.key, unit="sales", title=f"Obj {i}",
                                    parent="P1")
        for j in range(3):
            kr = services.save_key_result(None, objective=o.key, title=f"KR {i}.{j}",
                                          owner=plan.member.email, kind="stay_above", target=5)
            services.record_checkin(None, kr, value=6, confidence=7)
    with django_assert_max_num_queries(20):
        alignment_tree(plan.quarter)


def _branches(tree: dict):
    """(type, id, node) of every branch the map can open lazily, first place only."""
    from hoshin.okrs.progress import BRANCH_TYPES

    seen, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if node["type"] in BRANCH_TYPES and not node.get("ref") and node["children"]:
            if (node["type"], node["id"]) not in seen:
                seen.add((node["type"], node["id"]))
                yield node["type"], node["id"], node
        stack.extend(reversed(node["children"]))


def _same(expected: dict, got: dict) -> bool:
    """Equal figures everywhere; a place the whole tree lists as "shown above" may be
    opened in a branch shown on its own."""
    plain = {k: v for k, v in expected.items() if k not in ("children", "ref")}
    if plain != {k: v for k, v in got.items() if k not in ("children", "ref")}:
        return False
    if expected.get("ref"):
        return True
    return len(expected["children"]) == len(got["children"]) and all(
        _same(e, g) for e, g in zip(expected["children"], got["children"], strict=True))


@pytest.mark.django_db
@pytest.mark.parametrize("by_unit", [False, True])
def test_a_branch_alone_equals_the_same_branch_of_the_whole_tree(by_unit):
    from hoshin.demo.generate import demo_plan
    from hoshin.okrs.models import Cycle
    from hoshin.okrs.progress import alignment_branch
    from hoshin.planfile.importer import import_plan

    today = dt.date(2026, 5, 20)
    import_plan(demo_plan(today))
    cycle = Cycle.objects.get(kind="quarter", start__lte=today, end__gte=today)
    # A unit with sub-units: its map drops objectives whose parent lies outside it.
    unit = Unit.objects.filter(children__isnull=False, parent__isnull=False).first() \
        if by_unit else None
    tree = node_to_dict(alignment_tree(cycle, today, unit))
    checked = set()
    for node_type, key, expected in _branches(tree):
        branch = node_to_dict(alignment_branch(cycle, node_type, key, today, unit))
        assert _same(expected, branch), key
        checked.add(node_type)
    assert {"objective", "improvement_priority", "annual_objective"} <= checked
    assert alignment_branch(cycle, "objective", "no-such-key", today, unit) is None
