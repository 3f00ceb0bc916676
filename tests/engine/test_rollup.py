"""Roll-up through the alignment tree. Pure engine: no Django, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoshin.engine.rollup import compute_tree, node_to_dict, rollup
from hoshin.engine.types import Node, Status, StatusPolicy

ON, RISK, OFF, NONE = Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA


# --- rollup: progress ---------------------------------------------------------------


def test_no_children_is_no_data():
    assert rollup([]) == (None, NONE)


def test_progress_is_weighted_mean():
    progress, _ = rollup([(1, 0.2, ON), (3, 0.6, ON)])
    assert progress == pytest.approx(0.5)


def test_progress_clamps_children():
    """One key result at 300% must not hide another that has not started."""
    progress, _ = rollup([(1, 3.0, ON), (1, 0.0, ON)])
    assert progress == pytest.approx(0.5)
    progress, _ = rollup([(1, -1.0, OFF), (1, 1.0, ON)])
    assert progress == pytest.approx(0.5)


def test_progress_skips_children_without_progress():
    progress, _ = rollup([(1, 0.4, ON), (5, None, NONE)])
    assert progress == pytest.approx(0.4)
    progress, _ = rollup([(1, None, NONE), (1, None, NONE)])
    assert progress is None


def test_zero_total_weight_counts_children_equally():
    assert rollup([(0, 0.2, ON), (0, 0.6, OFF)]) == rollup([(1, 0.2, ON), (1, 0.6, OFF)])
    assert rollup([(-1, 0.2, ON), (-2, 0.6, OFF)]) == rollup([(1, 0.2, ON), (1, 0.6, OFF)])


def test_negative_weight_counts_as_zero():
    progress, status = rollup([(-5, 0.0, OFF), (1, 0.8, ON)])
    assert progress == pytest.approx(0.8)
    assert status == ON


# --- rollup: status -----------------------------------------------------------------


@pytest.mark.parametrize(
    "statuses, expected",
    [
        ([ON, ON, ON, ON], ON),
        ([ON, ON, ON, RISK], ON),  # score 0.875
        ([ON, ON, RISK, RISK], ON),  # 0.75 exactly
        ([ON, ON, ON, OFF], ON),  # 0.75 exactly
        ([ON, RISK, RISK, RISK], RISK),  # 0.625
        ([ON, RISK, RISK, OFF], RISK),  # 0.5
        ([ON, RISK, OFF, OFF], OFF),  # 0.375
        ([OFF, OFF, OFF, OFF], OFF),
    ],
)
def test_status_score_thresholds(statuses, expected):
    assert rollup([(1, 0.5, s) for s in statuses])[1] == expected


def test_status_score_of_exactly_at_risk_threshold():
    assert rollup([(2, 0.5, ON), (3, 0.5, OFF)])[1] == RISK  # 0.4 exactly


def test_weights_drive_status():
    assert rollup([(9, 0.5, ON), (1, 0.5, OFF)])[1] == ON
    assert rollup([(1, 0.5, ON), (9, 0.5, OFF)])[1] == OFF


def test_mostly_silent_children_make_the_parent_silent():
    assert rollup([(1, 0.9, ON), (2, None, NONE)])[1] == NONE


def test_half_silent_is_not_yet_no_data_but_pulls_down():
    """Silence scores like off track: it can only pull a parent down."""
    assert rollup([(1, 0.9, ON), (1, None, NONE)])[1] == RISK  # share 0.5, score 0.5
    assert rollup([(3, 0.9, ON), (1, None, NONE)])[1] == ON  # score 0.75


def test_no_data_share_follows_policy():
    policy = StatusPolicy(no_data_share=0.2)
    assert rollup([(3, 0.9, ON), (1, None, NONE)], policy)[1] == NONE


# --- rollup: properties -------------------------------------------------------------

weights = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=100))
progresses = st.one_of(st.none(), st.floats(min_value=-2, max_value=3))
statuses = st.sampled_from(list(Status))
child = st.tuples(weights, progresses, statuses)
children_lists = st.lists(child, min_size=1, max_size=20)


@given(children=children_lists)
def test_rollup_progress_is_a_fraction(children):
    progress, status = rollup(children)
    assert progress is None or 0.0 <= progress <= 1.0
    assert status in set(Status)


@given(
    value=st.floats(min_value=0, max_value=1),
    children=st.lists(st.tuples(weights, statuses), min_size=1, max_size=20),
)
def test_equal_progress_children_roll_up_to_that_progress(value, children):
    progress, _ = rollup([(w, value, s) for w, s in children])
    if progress is not None:  # None only when every child with progress weighs zero
        assert progress == pytest.approx(value, abs=1e-12)


@given(children=children_lists, factor=st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_weights_does_not_change_rollup(children, factor):
    progress, status = rollup(children)
    scaled_progress, scaled_status = rollup([(w * factor, p, s) for w, p, s in children])
    assert scaled_status == status
    if progress is None:
        assert scaled_progress is None
    else:
        assert scaled_progress == pytest.approx(progress, abs=1e-9)


@given(data=st.data(), children=children_lists)
def test_order_of_children_does_not_matter(data, children):
    shuffled = data.draw(st.permutations(children))
    assert rollup(shuffled) == rollup(children)


# --- compute_tree -------------------------------------------------------------------


def leaf(id_, progress, status, weight=1.0):
    return Node(id=id_, type="key_result", title=id_, weight=weight, progress=progress,
                status=status, leaf=True)


def test_compute_tree_rolls_up_level_by_level():
    o1 = Node("o1", "objective", "Grow", children=[leaf("k1", 1.0, ON), leaf("k2", 0.5, ON)])
    o2 = Node("o2", "objective", "Shrink", weight=3, children=[leaf("k3", 0.1, OFF)])
    root = Node("a1", "annual_objective", "Win", children=[o1, o2])

    assert compute_tree(root) is root
    assert o1.progress == pytest.approx(0.75)
    assert o1.status == ON
    assert o2.progress == pytest.approx(0.1)
    assert o2.status == OFF
    assert root.progress == pytest.approx((0.75 + 3 * 0.1) / 4)
    assert root.status == OFF  # score 0.25


def test_compute_tree_leaves_keep_their_values():
    kr = leaf("k", 1.7, RISK)
    kr.children = [leaf("i", 0.0, OFF)]  # e.g. an initiative shown under its key result
    root = Node("o", "objective", "O", children=[kr])
    compute_tree(root)
    assert (kr.progress, kr.status) == (1.7, RISK)
    assert root.progress == pytest.approx(1.0)


def test_compute_tree_inner_node_without_children_is_no_data():
    empty = Node("o", "objective", "Nothing yet", progress=0.9, status=ON)
    compute_tree(empty)
    assert (empty.progress, empty.status) == (None, NONE)


def test_compute_tree_handles_deep_chains():
    bottom = leaf("k", 0.4, RISK)
    node = bottom
    for depth in range(5000):  # far beyond any recursion limit
        node = Node(f"n{depth}", "objective", "", children=[node])
    compute_tree(node)
    assert node.progress == pytest.approx(0.4)
    assert node.status == RISK
    assert node_to_dict(node)["progress"] == 0.4


def test_compute_tree_shared_child_is_computed_before_both_parents():
    shared = Node("s", "objective", "", children=[leaf("k", 0.6, ON)])
    a = Node("a", "objective", "", children=[shared])
    b = Node("b", "objective", "", children=[shared])
    root = Node("r", "vision", "", children=[a, b])
    compute_tree(root)
    assert a.progress == b.progress == root.progress == pytest.approx(0.6)


def test_compute_tree_survives_a_cycle():
    a = Node("a", "objective", "")
    b = Node("b", "objective", "", children=[a, leaf("k", 0.5, ON)])
    a.children = [b]
    compute_tree(a)  # must terminate
    node_to_dict(a)  # must terminate too


def build_big_tree(levels=(5, 6, 10, 10, 10)) -> tuple[Node, list[Node]]:
    """A balanced tree: 5 breakthroughs → 30 annual → 300 priorities → 3,000 objectives →
    30,000 key results (33,336 nodes). Key result i has progress (i % 5) / 4 and a status
    that cycles through all four."""
    root = Node("vision", "vision", "True North")
    frontier = [root]
    cycle = [ON, RISK, OFF, NONE]
    keys: list[Node] = []
    for depth, fanout in enumerate(levels):
        is_leaf = depth == len(levels) - 1
        next_frontier = []
        for parent in frontier:
            for _ in range(fanout):
                if is_leaf:
                    i = len(keys)
                    child = leaf(f"kr{i}", (i % 5) / 4, cycle[i % 4])
                    keys.append(child)
                else:
                    child = Node(f"d{depth}-{len(next_frontier)}", f"level{depth}", "")
                parent.children.append(child)
                next_frontier.append(child)
        frontier = next_frontier
    return root, keys


def test_compute_tree_on_thirty_thousand_key_results():
    root, keys = build_big_tree()
    assert len(keys) == 30_000
    compute_tree(root)

    # Objective k holds key results 10k..10k+9: progress 0, .25, .5, .75, 1 twice (mean
    # 0.5). Statuses start at ON for even k (score 0.45 → at risk, 2 of 10 silent) and at
    # OFF for odd k (score 0.3 → off track, 3 of 10 silent).
    objectives = [o for b in root.children for a in b.children for p in a.children
                  for o in p.children]
    assert len(objectives) == 3_000
    for k, objective in enumerate(objectives):
        assert objective.progress == pytest.approx(0.5)
        assert objective.status == (RISK if k % 2 == 0 else OFF)
    # Each priority holds five of each (score 0.25), and so on upwards.
    assert root.progress == pytest.approx(0.5)
    assert root.status == OFF
    # leaves untouched
    assert keys[7].progress == pytest.approx(0.5)
    assert keys[7].status == NONE


def test_compute_tree_on_thirty_thousand_matches_direct_rollup():
    root, _ = build_big_tree()
    compute_tree(root)
    stack = [root]
    while stack:
        node = stack.pop()
        if node.leaf:
            continue
        expected = rollup([(c.weight, c.progress, c.status) for c in node.children])
        assert (node.progress, node.status) == expected
        stack.extend(node.children)


# --- node_to_dict -------------------------------------------------------------------


def test_node_to_dict_shape():
    kr = leaf("k1", 0.123456, ON)
    kr.extra = {"owner": "raj@acme.test", "id": "must not overwrite"}
    root = Node("o1", "objective", "Grow", children=[kr, leaf("k2", None, NONE)])
    compute_tree(root)
    data = node_to_dict(root)

    assert list(data) == ["id", "type", "title", "progress", "status", "children"]
    assert data["status"] == "at_risk"  # one of two children silent
    assert data["progress"] == round(root.progress, 4)
    first, second = data["children"]
    assert list(first) == ["id", "type", "title", "progress", "status", "children", "owner"]
    assert first == {
        "id": "k1",
        "type": "key_result",
        "title": "k1",
        "progress": 0.1235,
        "status": "on_track",
        "children": [],
        "owner": "raj@acme.test",
    }
    assert second["progress"] is None
    assert second["status"] == "no_data"


def test_node_to_dict_keeps_child_order():
    root = Node("r", "vision", "", children=[leaf(f"k{i}", 0.1, ON) for i in range(5)])
    assert [c["id"] for c in node_to_dict(root)["children"]] == [f"k{i}" for i in range(5)]


def test_node_to_dict_expands_a_shared_item_once_in_reading_order():
    kr = Node(id="KR1", type="key_result", title="kr", leaf=True, progress=0.5,
              status=Status.ON_TRACK)
    objective = Node(id="O1", type="objective", title="o", children=[kr])
    # The same priority seen under two annual objectives (two views, shared children).
    p_under_a1 = Node(id="P1", type="improvement_priority", title="p", children=[objective])
    p_under_a2 = Node(id="P1", type="improvement_priority", title="p", weight=0.3,
                      children=p_under_a1.children)
    root = Node(id="vision", type="vision", title="v", children=[
        Node(id="A1", type="annual_objective", title="a1", children=[p_under_a1]),
        Node(id="A2", type="annual_objective", title="a2", children=[p_under_a2]),
    ])
    compute_tree(root)
    data = node_to_dict(root)
    first, second = (a["children"][0] for a in data["children"])
    assert first["children"][0]["children"][0]["id"] == "KR1" and "ref" not in first
    assert second["ref"] is True and second["children"] == []
    assert second["progress"] == first["progress"] == 0.5
