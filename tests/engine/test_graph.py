"""find_cycle: the loop check of the unit tree (org) and of objectives (okrs, plan file)."""

from hoshin.engine.graph import find_cycle


def test_a_chain_up_to_a_root_has_no_loop():
    assert find_cycle({"team": "dept", "dept": "company", "company": None}, "team") is None
    assert find_cycle({}, "alone") is None


def test_a_loop_is_given_from_where_it_closes():
    edges = {"team": "dept", "dept": "division", "division": "dept"}
    assert find_cycle(edges, "team") == ["dept", "division", "dept"]
    assert find_cycle({"a": "a"}, "a") == ["a", "a"]
