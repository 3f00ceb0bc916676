"""Scoring the readiness questionnaire and saying what to fix before OKRs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoshin.planning import readiness as r


def answers(default: int = 4, **overrides) -> dict[str, int]:
    """Agree (4) with every statement, which is *not* a perfect score: the reversed ones
    count against."""
    out = {q.key: default for q in r.QUESTIONS}
    out.update(overrides)
    return out


def best() -> dict[str, int]:
    return {q.key: 1 if q.reverse else 5 for q in r.QUESTIONS}


def test_questionnaire_shape():
    assert len(r.DIMENSIONS) == 4
    for d in r.DIMENSIONS:
        qs = [q for q in r.QUESTIONS if q.dimension == d.key]
        assert len(qs) == 4
    assert any(q.reverse for q in r.QUESTIONS if q.dimension == "overload")
    assert len({q.key for q in r.QUESTIONS}) == len(r.QUESTIONS)


def test_reverse_scored_statements_count_against_agreeing():
    scores = r.respondent_scores(answers(5))
    # clarity has one reversed statement: (5 + 5 + 1 + 5) / 4
    assert scores["clarity"] == 4.0
    # overload has two: (1 + 5 + 1 + 5) / 4
    assert scores["overload"] == 3.0
    assert r.respondent_scores(best()) == {key: 5.0 for key in r.DIMENSION_KEYS}


def test_results_spread_and_recommendations():
    ready = best()
    overloaded = best() | {"overload_1": 5, "overload_2": 1, "overload_3": 5, "overload_4": 1}
    result = r.results([ready, overloaded, best()])
    assert result.respondents == 3
    overload = next(d for d in result.dimensions if d.key == "overload")
    assert overload.lowest == 1.0 and overload.highest == 5.0
    assert overload.mean == pytest.approx(11 / 3)
    assert overload.stdev == pytest.approx(2.3094, abs=1e-4)
    assert overload.divided and overload.level == "watch"
    # Not weak on average, but leaders see it very differently: say so.
    assert [rec.dimension for rec in result.recommendations] == ["overload"]
    assert "unevenly" in result.recommendations[0].text
    assert result.overall_lowest == 4.0 and result.overall_highest == 5.0
    assert result.ready


def test_weak_dimensions_recommended_weakest_first():
    low_trust = best() | {"trust_1": 1, "trust_2": 5, "trust_3": 1, "trust_4": 5}
    low_clarity = {"clarity_1": 2, "clarity_2": 2, "clarity_3": 4, "clarity_4": 2}
    result = r.results([low_trust | low_clarity, low_trust | low_clarity])
    assert [rec.dimension for rec in result.recommendations] == ["trust", "clarity"]
    assert "bonus" in result.recommendations[0].text  # grades never feed ratings
    assert not result.ready
    assert {d.key: d.level for d in result.dimensions} == {
        "clarity": "weak", "alignment": "strong", "overload": "strong", "trust": "weak"}


def test_no_responses():
    result = r.results([])
    assert result.respondents == 0 and result.overall is None and not result.ready


def test_answer_errors_name_the_statement():
    errors = r.answer_errors({**answers(), "trust_2": 7, "clarity_1": None, "bogus": 3})
    assert errors == {"trust_2": "must be a whole number from 1 to 5",
                      "clarity_1": "please answer this statement", "bogus": "unknown question"}
    assert r.answer_errors(answers()) == {}
    assert r.answer_errors({**answers(), "trust_1": True})  # a bool is not an answer


@given(st.lists(st.fixed_dictionaries({q.key: st.integers(1, 5) for q in r.QUESTIONS}),
                min_size=1, max_size=8))
def test_scores_stay_on_the_scale(responses):
    result = r.results(responses)
    assert 1.0 <= result.overall <= 5.0
    for d in result.dimensions:
        assert 1.0 <= d.lowest <= d.mean <= d.highest <= 5.0
        assert (d.level == "weak") == (d.mean < r.WEAK)
