"""Kendall's W and the disagreement it hides, against a published example and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoshin.planning.concordance import (
    DEFAULT_THRESHOLD, concordance, kendall_w, midranks, strength, tie_term,
)

# Worked example I of "Kendall's coefficient of concordance", InfluentialPoints
# (https://influentialpoints.com/Training/coefficient_of_concordance.htm): four raters rank
# strawberries from eight farms, best = 1. Rank sums 31 12 12 15 22 5 22 25, S = 500,
# W = 500 / (504·16/12) = 0.744, k(N−1)W = 20.83.
FARMS = [1, 2, 3, 4, 5, 6, 7, 8]
STRAWBERRIES = {
    "A": [8, 4, 2, 3, 5, 1, 6, 7],
    "B": [7, 3, 1, 4, 5, 2, 6, 8],
    "C": [8, 2, 5, 6, 7, 1, 4, 3],
    "D": [8, 3, 4, 2, 5, 1, 6, 7],
}


def as_rankings(rows: dict[str, list[float]], items) -> dict[str, dict]:
    return {rater: dict(zip(items, ranks, strict=True)) for rater, ranks in rows.items()}


def test_published_example_strawberries():
    result = concordance(as_rankings(STRAWBERRIES, FARMS), FARMS)
    assert [result.rank_sums[f] for f in FARMS] == [31, 12, 12, 15, 22, 5, 22, 25]
    assert result.w == pytest.approx(500 / 672)
    assert round(result.w, 3) == 0.744
    assert result.chi_square == pytest.approx(20.83, abs=0.01)
    assert result.consensus[0] == 6  # farm 6 has the best mean rank, 1.25
    assert result.mean_ranks[6] == 1.25
    # Kendall's identity without ties: mean pairwise Spearman = (mW − 1)/(m − 1).
    assert result.mean_rho == pytest.approx((4 * result.w - 1) / 3)


def test_tie_correction_by_hand():
    # Three raters, four items; rater y ties b and c at position 2 (midrank 2.5 each).
    items = ["a", "b", "c", "d"]
    rankings = {"x": {"a": 1, "b": 2, "c": 3, "d": 4},
                "y": {"a": 1, "b": 2, "c": 2, "d": 4},
                "z": {"a": 2, "b": 1, "c": 3, "d": 4}}
    result = concordance(rankings, items)
    assert result.ranks["y"] == {"a": 1, "b": 2.5, "c": 2.5, "d": 4}
    # Rank sums 4, 5.5, 8.5, 12 around a mean of 7.5: S = 12.25 + 4 + 1 + 20.25 = 37.5.
    # ΣT = 2³ − 2 = 6, so W = 12·37.5 / (9·60 − 3·6) = 450 / 522.
    assert [result.rank_sums[i] for i in items] == [4, 5.5, 8.5, 12]
    assert result.w == pytest.approx(450 / 522)
    # Without the correction W would be 450/540: ties must raise W, never lower it.
    assert result.w > 450 / 540


def test_left_out_items_tie_last():
    ranks = midranks({"a": 1, "b": 2}, ["a", "b", "c", "d", "e"])
    assert ranks == {"a": 1, "b": 2, "c": 4, "d": 4, "e": 4}
    assert tie_term(ranks) == 24


def test_disagreeing_pairs_and_widest_items():
    items = ["growth", "cost", "quality"]
    rankings = {"ceo": {"growth": 1, "cost": 2, "quality": 3},
                "cfo": {"growth": 3, "cost": 1, "quality": 2},
                "coo": {"growth": 1, "cost": 2, "quality": 3}}
    result = concordance(rankings, items)
    worst = result.pairs[0]
    assert {worst.a, worst.b} in ({"ceo", "cfo"}, {"cfo", "coo"})
    assert worst.rho == pytest.approx(-0.5)
    assert result.pairs[-1].rho == pytest.approx(1.0)  # ceo and coo agree fully
    assert result.spreads[0].item == "growth"
    assert result.spreads[0].spread == 2


def test_undefined_cases():
    assert kendall_w({}, ["a", "b"]) is None
    one = concordance({"x": {"a": 1, "b": 2}}, ["a", "b"])
    assert one.w is None and one.pairs == []
    # Everyone ties everything: nothing to agree on.
    tied = concordance({"x": {}, "y": {}}, ["a", "b", "c"])
    assert tied.w is None and tied.pairs[0].rho is None
    assert strength(None) == "not computable"


def test_strength_words_and_threshold():
    assert strength(0.95) == "unusually strong"
    assert strength(0.5) == "moderate"
    assert strength(0.49) == "weak"
    assert strength(0.0) == "very weak"
    assert DEFAULT_THRESHOLD == 0.5


@st.composite
def ranking_tables(draw, ties=True):
    n = draw(st.integers(2, 7))
    m = draw(st.integers(2, 6))
    items = list(range(n))
    if ties:
        position = st.one_of(st.none(), st.integers(1, n))
        rows = [draw(st.lists(position, min_size=n, max_size=n)) for _ in range(m)]
    else:
        rows = [draw(st.permutations(list(range(1, n + 1)))) for _ in range(m)]
    return items, {f"r{j}": dict(zip(items, row, strict=True)) for j, row in enumerate(rows)}


@given(ranking_tables())
def test_w_between_zero_and_one(data):
    items, rankings = data
    w = concordance(rankings, items).w
    assert w is None or 0.0 <= w <= 1.0


@given(ranking_tables(), st.randoms())
def test_permuting_raters_or_items_keeps_w(data, rnd):
    items, rankings = data
    w = concordance(rankings, items).w
    raters = list(rankings)
    rnd.shuffle(raters)
    shuffled_items = list(items)
    rnd.shuffle(shuffled_items)
    w2 = concordance({r: rankings[r] for r in raters}, shuffled_items).w
    assert (w is None and w2 is None) or w == pytest.approx(w2)


@given(st.integers(2, 8), st.integers(2, 6), st.randoms())
def test_identical_rankings_give_one(n, m, rnd):
    order = list(range(1, n + 1))
    rnd.shuffle(order)
    rankings = {f"r{j}": dict(enumerate(order)) for j in range(m)}
    assert concordance(rankings, list(range(n))).w == pytest.approx(1.0)


@given(ranking_tables(ties=False))
def test_mean_spearman_identity_without_ties(data):
    items, rankings = data
    result = concordance(rankings, items)
    m = len(rankings)
    assert result.mean_rho == pytest.approx((m * result.w - 1) / (m - 1), abs=1e-9)


@given(st.integers(2, 8), st.randoms())
def test_two_opposite_raters_give_zero(n, rnd):
    order = list(range(1, n + 1))
    rnd.shuffle(order)
    reverse = [n + 1 - p for p in order]
    rankings = {"a": dict(enumerate(order)), "b": dict(enumerate(reverse))}
    result = concordance(rankings, list(range(n)))
    assert result.w == pytest.approx(0.0, abs=1e-12)
    assert result.pairs[0].rho == pytest.approx(-1.0)


@given(ranking_tables())
def test_positions_scale_free(data):
    # Only the order of a rater's positions matters, not the numbers used.
    items, rankings = data
    scaled = {r: {i: (None if p is None else 10 * p + 3) for i, p in row.items()}
              for r, row in rankings.items()}
    a, b = concordance(rankings, items).w, concordance(scaled, items).w
    assert (a is None and b is None) or a == pytest.approx(b)
