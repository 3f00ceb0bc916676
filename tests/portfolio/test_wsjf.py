"""WSJF ranking and the relative-scoring rules, as plain computation."""

from hypothesis import given
from hypothesis import strategies as st

from hoshin.portfolio import chart, wsjf
from hoshin.portfolio.wsjf import Score


def s(key, bv, tc, rr, size):
    return Score(key=key, business_value=bv, time_criticality=tc, risk_reduction=rr,
                 job_size=size)


def test_cost_of_delay_and_wsjf():
    score = s("I1", 8, 5, 3, 2)
    assert score.cost_of_delay == 16
    assert score.wsjf == 8


def test_the_highest_wsjf_ranks_first_and_ties_are_broken_in_the_documented_order():
    ranked = wsjf.rank([
        s("I-big", 8, 8, 8, 6),         # WSJF 4, size 6
        s("I-small", 1, 1, 2, 1),       # WSJF 4, size 1: same WSJF, smaller job
        s("I-top", 13, 5, 2, 1),        # WSJF 20
        s("I-b", 2, 1, 1, 1),           # WSJF 4, size 1: ties I-small, first by key
        s("I-low", 1, 1, 1, 20),        # WSJF 0.15
    ])
    assert [r.score.key for r in ranked] == ["I-top", "I-b", "I-small", "I-big", "I-low"]
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5]
    assert ranked[0].tie_break == ""
    assert ranked[1].tie_break == "same WSJF and size as I-small; by key"
    assert ranked[2].tie_break == "same WSJF as I-big; smaller job"
    assert ranked[3].tie_break == ""


def test_equal_wsjf_is_compared_exactly_not_as_floats():
    # 3/1 and 39/13 are both exactly 3; a float comparison must not split them.
    ranked = wsjf.rank([s("B", 13, 13, 13, 13), s("A", 1, 1, 1, 1)])
    assert [r.score.key for r in ranked] == ["A", "B"]
    assert ranked[0].tie_break == "same WSJF as B; smaller job"


@given(st.lists(st.tuples(st.sampled_from(wsjf.SCALE), st.sampled_from(wsjf.SCALE),
                          st.sampled_from(wsjf.SCALE), st.sampled_from(wsjf.SCALE)),
                min_size=1, max_size=30), st.randoms())
def test_the_ranking_does_not_depend_on_the_order_rows_come_in(rows, rnd):
    scores = [s(f"I{n:02d}", *row) for n, row in enumerate(rows)]
    shuffled = list(scores)
    rnd.shuffle(shuffled)
    first = [r.score.key for r in wsjf.rank(scores)]
    assert first == [r.score.key for r in wsjf.rank(shuffled)]
    ranked = wsjf.rank(scores)
    assert all(a.score.wsjf >= b.score.wsjf for a, b in zip(ranked, ranked[1:]))


def test_values_off_the_scale_are_named_by_column():
    errors = dict(wsjf.scale_errors({"business_value": 4, "time_criticality": True,
                                     "risk_reduction": "8", "job_size": 20}))
    assert set(errors) == {"business_value", "time_criticality", "risk_reduction"}
    assert "1, 2, 3, 5, 8, 13, 20" in errors["business_value"]


def test_each_column_must_be_anchored_on_one():
    rows = [{"business_value": 2, "time_criticality": 1, "risk_reduction": 1, "job_size": 3},
            {"business_value": 5, "time_criticality": 3, "risk_reduction": 1, "job_size": 1}]
    errors = dict(wsjf.relative_errors(rows))
    assert list(errors) == ["business_value"]
    assert "here it is 2" in errors["business_value"]


def test_the_chart_shares_a_dot_between_items_with_the_same_scores_and_escapes_titles():
    ranked = wsjf.rank([s("I<1>", 1, 1, 1, 1), s("I2", 1, 1, 1, 1), s("I3", 20, 20, 20, 20)])
    svg = chart.scatter_svg(ranked)
    assert svg.count("<circle") == 2
    assert "I&lt;1&gt;" in svg and "I<1>" not in svg
    assert "+1" in svg  # the shared dot says it holds one more
    assert svg.count("WSJF 1<") + svg.count("WSJF 2<") >= 2  # reference lines are labelled
