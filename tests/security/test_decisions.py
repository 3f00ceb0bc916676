"""Decisions only by those who may take them, and the writes they cause checked as the
person deciding, never as the system (issue #13, item 3): the holes the permission matrix
(test_api_matrix.py) found, each shown with its objects."""

from __future__ import annotations

import pytest

from hoshin.closing import services as closing
from hoshin.closing.models import Grade
from hoshin.core import clock
from hoshin.core.errors import PermissionDenied
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult, TradeOff
from hoshin.planning import session_services as sessions
from hoshin.planning.models import SessionDecision
from hoshin.reviews import services as reviews
from hoshin.reviews.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(plan):
    """An alignment session with an orphan objective of Operations to decide on."""
    Cycle.objects.filter(pk=plan.quarter.pk).update(state="planning")
    okrs.save_objective(None, key="O7", cycle=plan.quarter.key, unit="ops",
                        title="Maintain weekly reporting")
    return sessions.open_session(plan.office, plan.quarter.key)


def test_accepting_a_finding_is_for_the_leads_of_its_units(session, plan):
    # Accepting writes nothing but the decision, so it was open to any unit lead: the
    # Sales lead could wave through a finding about Operations.
    with pytest.raises(PermissionDenied, match="Operations"):
        sessions.decide(plan.lead, session, "orphan-objective:O7", "accept", reason="fine")
    assert not SessionDecision.objects.exists()
    decided = sessions.decide(plan.other_lead, session, "orphan-objective:O7", "accept",
                              reason="Ops keeps it one quarter")
    assert decided.decided_by == plan.other_lead


def test_a_leads_deprioritisation_is_refused_as_their_own_trade_off_would_be(plan):
    review = reviews.reviews_of(plan.quarter)[0]
    # An item about no unit: any lead may decide on it, but the trade-off it would write
    # is checked as the lead, and the register is the strategy office's.
    item = reviews.add_item(plan.lead, review, title="Pause the web shop")
    with pytest.raises(PermissionDenied):
        reviews.decide(plan.lead, item, kind="deprioritise", rationale="Not this quarter")
    assert not TradeOff.objects.exists() and not Decision.objects.exists()
    reviews.decide(plan.office, item, kind="deprioritise", rationale="Not this quarter")
    assert TradeOff.objects.get().decided_by == plan.office


def test_a_changed_target_is_in_the_history_as_the_deciders(plan):
    review = reviews.reviews_of(plan.quarter)[0]
    item = reviews.add_item(plan.lead, review, title="Installers", key_result="KR1")
    reviews.decide(plan.lead, item, kind="change_target", rationale="Fewer installers",
                   new_target=33)
    change = KeyResult.history.filter(key="KR1").order_by("-history_id").first()
    assert change.target == 33 and change.history_user == plan.lead


def test_grading_a_quarter_in_one_step_grades_only_what_the_lead_may(plan):
    with clock.at(plan.quarter.end):
        graded = closing.accept_suggested(plan.lead, plan.quarter)
    units = {g.key_result.objective.unit.key for g in graded}
    assert units == {"sales"}
    assert Grade.objects.filter(key_result__objective__unit__key="ops").count() == 0


@pytest.mark.parametrize("who", ["viewer", "member"])
def test_quarter_wide_steps_refuse_whoever_may_touch_no_key_result(plan, who):
    person = getattr(plan, who)
    if who == "member":  # a member owning none of the quarter's key results
        KeyResult.objects.filter(owner=person).update(owner=plan.lead)
    with pytest.raises(PermissionDenied):
        closing.accept_suggested(person, plan.quarter)
    # Even with nothing left to carry over, a viewer is not told it went well.
    with pytest.raises(PermissionDenied):
        closing.carry_over_unfinished(person, plan.quarter)
