"""Suggested grades and how a grade reads for committed and aspirational objectives."""

import pytest
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


@pytest.mark.django_db
def test_a_quarter_closed_before_it_was_graded_gets_its_suggested_grades_once(plan):
    from hoshin.closing import services as closing
    from hoshin.closing.models import Grade
    from hoshin.core.errors import DomainError, PermissionDenied
    from hoshin.okrs.models import Cycle, KeyResult

    with pytest.raises(DomainError):  # still running: graded as it closes
        closing.grade_earlier_quarter(None, plan.quarter)
    closing.grade_key_result(None, KeyResult.objects.get(key="KR2"), grade=0.5,
                             reason="half the programme")
    Cycle.objects.filter(pk=plan.quarter.pk).update(state="closed")
    with pytest.raises(PermissionDenied):
        closing.grade_earlier_quarter(plan.lead, plan.quarter)
    made = closing.grade_earlier_quarter(plan.office, plan.quarter)
    assert sorted(g.key_result.key for g in made) == ["KR1", "KR3"]
    assert all(g.grade == g.suggested and g.graded_by == plan.office for g in made)
    # The grade someone gave stays; a second run finds nothing left to grade.
    assert Grade.objects.get(key_result__key="KR2").grade == 0.5
    assert closing.grade_earlier_quarter(plan.office, plan.quarter) == []
