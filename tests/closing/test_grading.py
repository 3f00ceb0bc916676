"""Suggested grades and how a grade reads for committed and aspirational objectives."""

from hypothesis import given
from hypothesis import strategies as st

from hoshin.closing import grading


def test_suggestions_round_progress_to_a_tenth_and_clamp():
    assert grading.suggest(0.64) == 0.6 and grading.suggest(0.65) in (0.6, 0.7)
    assert grading.suggest(1.4) == 1.0 and grading.suggest(-0.2) == 0.0
    assert grading.suggest(None) == 0.0  # silence is not success


@given(st.one_of(st.none(), st.floats(-5, 5, allow_nan=False)))
def test_a_suggestion_is_always_a_valid_grade(progress):
    assert grading.valid(grading.suggest(progress))


def test_committed_and_aspirational_grades_read_differently():
    assert grading.reading(0.7, "aspirational")[1] == "good"
    assert grading.reading(0.7, "committed")[1] == "fair"
    assert grading.reading(1.0, "committed") == ("delivered as committed", "good")
    assert grading.reading(0.3, "committed")[1] == "poor"
    assert grading.status(0.7, "aspirational") == "on_track"
    assert grading.status(None) == "no_data"


def test_only_tenths_from_zero_to_one_are_grades():
    assert grading.valid(0.3) and grading.valid(1.0) and grading.valid(0.0)
    assert not grading.valid(0.35) and not grading.valid(1.1) and not grading.valid(-0.1)
