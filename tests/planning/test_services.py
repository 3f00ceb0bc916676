"""Planning services: readiness survey, alignment rounds, the drafting gate, the brief."""

import pytest

from hoshin.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, TradeOff
from hoshin.planning import readiness
from hoshin.planning import services as planning
from hoshin.planning.models import GateOverride, ReadinessResponse

pytestmark = pytest.mark.django_db


def answers(value: int = 4) -> dict:
    return {q.key: value for q in readiness.QUESTIONS}


def next_quarter(plan) -> Cycle:
    """A draft quarter inside the plan's year (the plan's own quarter is already active)."""
    return okrs.save_cycle(None, key="NEXT", kind="quarter", start=plan.quarter.start,
                           end=plan.quarter.end)


# Readiness ------------------------------------------------------------------------------


def test_leaders_answer_once_and_may_revise(plan):
    survey = planning.open_survey(plan.office, plan.year.key)
    planning.save_response(plan.lead, survey, answers(2))
    planning.save_response(plan.lead, survey, answers(4))
    assert ReadinessResponse.objects.filter(survey=survey).count() == 1
    assert planning.my_response(survey, plan.lead).answers == answers(4)
    # History keeps the revision.
    assert planning.my_response(survey, plan.lead).history.count() == 2


def test_only_leaders_answer_and_only_while_open(plan):
    survey = planning.open_survey(plan.office, plan.year)
    with pytest.raises(PermissionDenied):
        planning.save_response(plan.member, survey, answers())
    with pytest.raises(PermissionDenied):
        planning.save_response(plan.viewer, survey, answers())
    with pytest.raises(PermissionDenied):
        planning.save_response(plan.lead, survey, answers(), respondent=plan.other_lead.email)
    with pytest.raises(PermissionDenied):
        planning.close_survey(plan.lead, survey)
    planning.close_survey(plan.office, survey)
    with pytest.raises(DomainError, match="closed"):
        planning.save_response(plan.lead, survey, answers())


def test_answers_are_validated_per_statement(plan):
    survey = planning.open_survey(plan.office, plan.year)
    with pytest.raises(DomainError) as err:
        planning.save_response(plan.lead, survey, {**answers(), "trust_1": 9})
    assert [e.field for e in err.value.errors] == ["answers.trust_1"]
    assert not ReadinessResponse.objects.exists()


def test_results_private_until_enough_answers(plan):
    survey = planning.open_survey(plan.office, plan.year)
    with pytest.raises(Conflict):
        planning.open_survey(plan.office, plan.year)
    planning.save_response(plan.lead, survey, answers(4))
    planning.save_response(plan.other_lead, survey, answers(2))
    assert planning.can_see_results(plan.office, survey)
    assert not planning.can_see_results(plan.lead, survey)
    assert not planning.can_see_answers(plan.lead)
    planning.save_response(plan.admin, survey, answers(3))
    assert planning.can_see_results(plan.viewer, survey)
    result = planning.survey_results(survey)
    assert result.respondents == 3
    trend = planning.readiness_trend(plan.member)
    assert [p.cycle.key for p in trend] == [plan.year.key]


# Alignment ------------------------------------------------------------------------------


def open_round(plan, cycle, threshold=None):
    return planning.open_round(
        plan.office, cycle, items=["A1", "Win the installer channel", "Cut install time"],
        executives=[plan.admin.email, plan.lead.email, plan.other_lead.email],
        threshold=threshold)


def rank_all(plan, round_, orders):
    ids = [i.pk for i in round_.items.all()]
    for person, order in zip([plan.admin, plan.lead, plan.other_lead], orders, strict=True):
        planning.save_ranking(person, round_, dict(zip(ids, order, strict=True)))


def test_open_round_links_known_keys_and_validates(plan):
    round_ = open_round(plan, plan.year)
    first = round_.items.first()
    assert first.annual_objective.key == "A1" and first.title == "Double installations"
    assert round_.threshold == 0.5
    with pytest.raises(DomainError) as err:
        planning.open_round(plan.office, plan.year, items=["only one"],
                            executives=["nobody@acme.test", plan.viewer.email],
                            threshold=1.5)
    fields = {e.field for e in err.value.errors}
    assert fields == {"items", "executives[0]", "executives[1]", "threshold"}
    with pytest.raises(PermissionDenied):
        planning.open_round(plan.lead, plan.year, items=["a", "b"],
                            executives=[plan.lead.email, plan.admin.email])


def test_rankings_private_until_close_and_w_kept(plan):
    round_ = open_round(plan, plan.year)
    rank_all(plan, round_, [[1, 2, 3], [1, 3, 2], [2, 1, 3]])
    assert not planning.can_see_rankings(plan.office, round_)
    with pytest.raises(PermissionDenied):  # not one of the executives
        planning.save_ranking(plan.member, round_, {round_.items.first().pk: 1})
    closed = planning.close_round(plan.office, round_)
    assert closed.w == pytest.approx(planning.round_result(round_).w)
    # Rank sums 4, 6, 8 around 6: S = 8, W = 12·8 / (3²·(3³ − 3)) = 96 / 216.
    assert closed.w == pytest.approx(96 / 216)
    assert planning.can_see_rankings(plan.member, closed)
    with pytest.raises(DomainError, match="closed"):
        planning.save_ranking(plan.admin, round_, {round_.items.first().pk: 1})


def test_ranking_validation(plan):
    round_ = open_round(plan, plan.year)
    ids = [i.pk for i in round_.items.all()]
    with pytest.raises(DomainError) as err:
        planning.save_ranking(plan.lead, round_, {ids[0]: 4, 999999: 1})
    assert {e.field for e in err.value.errors} == {f"positions.{ids[0]}", "positions.999999"}
    with pytest.raises(DomainError, match="at least one"):
        planning.save_ranking(plan.lead, round_, {})
    # Ties and partial rankings are allowed.
    planning.save_ranking(plan.lead, round_, {ids[0]: 1, ids[1]: 1})
    with pytest.raises(DomainError, match="two executives"):
        planning.close_round(plan.office, round_)


# The gate -------------------------------------------------------------------------------


def test_move_refused_without_round_then_overridden(plan):
    cycle = next_quarter(plan)
    with pytest.raises(Conflict) as err:
        planning.move_cycle(plan.office, cycle, "planning")
    assert {e.field for e in err.value.errors} == {"state", "override_reason"}
    assert "no alignment round" in err.value.detail
    cycle.refresh_from_db()
    assert cycle.state == "draft"
    with pytest.raises(Conflict):
        planning.move_cycle(plan.office, cycle, "planning", override_reason="   ")
    planning.move_cycle(plan.office, cycle, "planning", override_reason="Board deadline")
    cycle.refresh_from_db()
    assert cycle.state == "planning"
    override = GateOverride.objects.get(cycle=cycle)
    assert (override.by, override.reason, override.w, override.to_state) == (
        plan.office, "Board deadline", None, "planning")


def test_low_w_blocks_high_w_opens(plan):
    cycle = next_quarter(plan)
    low = open_round(plan, plan.year)  # the year's round gates its quarters
    rank_all(plan, low, [[1, 2, 3], [3, 2, 1], [2, 3, 1]])
    planning.close_round(plan.office, low)
    assert low.w < 0.5
    with pytest.raises(Conflict, match="below the threshold 0.50"):
        planning.move_cycle(plan.office, cycle, "planning")
    # A later round of the quarter itself, where the executives agree, opens the gate.
    high = open_round(plan, cycle)
    rank_all(plan, high, [[1, 2, 3], [1, 2, 3], [1, 3, 2]])
    planning.close_round(plan.office, high)
    assert planning.gate(cycle).passed
    planning.move_cycle(plan.office, cycle, "planning", override_reason="not needed")
    assert not GateOverride.objects.exists()  # nothing overridden, nothing recorded


def test_move_rules(plan):
    cycle = next_quarter(plan)
    with pytest.raises(PermissionDenied):
        planning.move_cycle(plan.lead, cycle, "planning", override_reason="x")
    # Skipping planning still passes the gate.
    with pytest.raises(Conflict):
        planning.move_cycle(plan.office, cycle, "active")
    with pytest.raises(DomainError, match="cannot move back"):
        planning.move_cycle(plan.office, plan.quarter, "planning")
    planning.move_cycle(plan.office, cycle, "active", override_reason="pilot")
    assert GateOverride.objects.get().to_state == "active"


# Brief ----------------------------------------------------------------------------------


def test_brief_for_quarters_only(plan):
    brief = planning.save_brief(plan.office, plan.quarter, success="A third via installers",
                                risks="Installer churn", constraints="No new hires")
    assert brief.history.count() == 1
    planning.save_brief(plan.office, plan.quarter.key, risks="Churn; supply")
    brief.refresh_from_db()
    assert (brief.success, brief.risks) == ("A third via installers", "Churn; supply")
    with pytest.raises(DomainError, match="is a year"):
        planning.save_brief(plan.office, plan.year, success="x")
    with pytest.raises(PermissionDenied):
        planning.save_brief(plan.lead, plan.quarter, success="x")
    with pytest.raises(NotFound):
        planning.save_brief(plan.office, "nope", success="x")


def test_brief_view_warns_and_counts_drafts(plan):
    for key in ("T2", "T3", "T4"):
        okrs.save_theme(None, key=key, cycle=plan.quarter.key, title=f"Theme {key}")
    view = planning.brief_view(plan.quarter)
    assert view.too_many_themes
    assert view.drafts_by_theme[view.themes[0].id] == 1  # O2 points to T1
    assert any("too-many-themes" in w for w in view.warnings)
    assert any("T2, T3, T4" in w for w in view.warnings)
    md = planning.brief_markdown(view)
    assert md.startswith(f"# Strategic brief {plan.quarter.key}")
    assert "**T1 Installer channel** (serves A1; 1 objective(s) point to it)" in md


def test_trade_offs_are_superseded_never_edited_or_removed(plan):
    t = okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title="Pause partners",
                           reason="Installers first", source="brief")
    new = okrs.supersede_trade_off(plan.office, t, kind="stopped", title="Stop partners",
                                   reason="No partner signed")
    assert (new.kind, new.title, new.supersedes) == ("stopped", "Stop partners", t)
    with pytest.raises(DomainError):
        okrs.supersede_trade_off(plan.office, new, kind="frozen", reason="x")
    with pytest.raises(PermissionDenied):
        okrs.supersede_trade_off(plan.member, new, reason="x")
    assert TradeOff.objects.count() == 2
    view = planning.brief_view(plan.quarter)
    assert [x.is_current for x in view.trade_offs] == [False, True]
    assert "(superseded by entry" in planning.brief_markdown(view)
