"""Cycles and chains in the graph of units relying on each other (pure)."""

from hypothesis import given
from hypothesis import strategies as st

from hoshin.okrs.dependency_graph import Edge, cycles, graph_svg, longest_chains


def e(a, b, state="accepted", label="D"):
    return Edge(consumer=a, provider=b, state=state, label=label)


def test_units_waiting_on_each_other_are_found_directly_and_round_a_chain():
    assert cycles([e("sales", "ops"), e("ops", "sales")]) == [["ops", "sales"]]
    assert cycles([e("a", "b"), e("b", "c"), e("c", "a"), e("c", "d")]) == [["a", "b", "c"]]
    assert cycles([e("a", "b"), e("b", "c")]) == []


def test_declined_and_delivered_requests_wait_on_nothing():
    assert cycles([e("a", "b"), e("b", "a", state="declined")]) == []
    assert cycles([e("a", "b", state="delivered"), e("b", "a")]) == []
    assert cycles([e("a", "b", state="requested"), e("b", "a", state="late")]) == [["a", "b"]]


def test_long_chains_outside_cycles():
    chain = [e("a", "b"), e("b", "c"), e("c", "d"), e("x", "y")]
    assert longest_chains(chain) == [["a", "b", "c", "d"]]
    assert longest_chains([e("a", "b"), e("b", "a"), e("c", "d")]) == []


def _reach(edges, start):
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        for x in edges:
            if x.consumer == node and x.provider not in seen:
                seen.add(x.provider)
                stack.append(x.provider)
    return seen


@given(st.lists(st.tuples(st.sampled_from("abcdefg"), st.sampled_from("abcdefg"))
                .filter(lambda t: t[0] != t[1]), max_size=14))
def test_two_units_share_a_cycle_exactly_when_each_reaches_the_other(pairs):
    edges = [e(a, b) for a, b in pairs]
    groups = cycles(edges)
    group_of = {u: tuple(g) for g in groups for u in g}
    units = {u for pair in pairs for u in pair}
    for u in units:
        for v in units:
            if u != v:
                mutual = v in _reach(edges, u) and u in _reach(edges, v)
                assert mutual == (u in group_of and group_of.get(u) == group_of.get(v))


def test_the_svg_draws_one_arrow_per_request_and_escapes_names():
    svg = graph_svg([e("a", "b", label="D1"), e("b", "a", label="D2", state="requested")],
                    {"a": "R&D", "b": "Sales <EU>"})
    assert svg.count("marker-end=") == 2
    assert "R&amp;D" in svg and "Sales &lt;EU&gt;" in svg
    assert svg.count('fill="#c23b30"') >= 2  # both units drawn red: they wait on each other
