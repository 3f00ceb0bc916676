"""Scoring sessions: who may score what, the relative rules, all or nothing, and the
ranking they produce across the organisation, a unit and an annual objective."""

import datetime as dt

import pytest

from hoshin.core import clock
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.okrs import services as okrs
from hoshin.portfolio import selectors, services
from hoshin.portfolio.models import InitiativeScore, ScoringSession
from tests.portfolio.conftest import row

pytestmark = pytest.mark.django_db


def test_a_session_ranks_the_open_initiatives_and_names_who_scored(initiatives):
    p = initiatives
    session = services.record_scoring_session(
        p.office, scores=[row("I1", 8, 3, 1, 2), row("I2", 1, 1, 2, 1), row("I3", 3, 8, 1, 5)],
        participants=[p.office.email, p.admin], note="Q planning")
    assert session.recorded_by == p.office
    assert {x.email for x in session.participants.all()} == {p.office.email, p.admin.email}
    found = selectors.portfolio()
    assert [(r.initiative.key, r.score.cost_of_delay, r.score.job_size, r.rank)
            for r in found.rows] == [("I1", 12, 2, 1), ("I2", 4, 1, 2), ("I3", 12, 5, 3)]
    assert found.unscored == []
    assert found.rows[0].as_dict()["wsjf"] == 6.0
    assert found.rows[0].annual_objectives == ["A1"]
    assert found.rows[2].annual_objectives == ["A1"]  # through theme T1
    # Every score has its history, credited to whoever recorded it.
    assert InitiativeScore.history.filter(history_user=p.office).count() == 3


def test_the_latest_session_that_scored_an_initiative_counts(initiatives):
    p = initiatives
    with clock.at(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)):
        services.record_scoring_session(p.office, scores=[row("I1", 1, 1, 1, 1),
                                                          row("I2", 2, 2, 2, 2)])
    with clock.at(dt.datetime(2026, 2, 5, 10, tzinfo=dt.UTC)):
        services.record_scoring_session(p.office, scores=[row("I2", 20, 1, 1, 1),
                                                          row("I3", 1, 2, 1, 1)])
    found = selectors.portfolio()
    by_key = {r.initiative.key: r for r in found.rows}
    assert by_key["I1"].score.cost_of_delay == 3  # kept from January
    assert by_key["I2"].score.cost_of_delay == 22  # February's score replaced January's
    assert by_key["I2"].scored_on.month == 2
    assert ScoringSession.objects.count() == 2 and InitiativeScore.objects.count() == 4


def test_a_finished_initiative_leaves_the_ranking_but_keeps_its_scores(initiatives):
    p = initiatives
    services.record_scoring_session(p.office, scores=[row("I1", 1, 1, 1, 1),
                                                      row("I3", 2, 2, 2, 2)])
    okrs.save_initiative(None, okrs.Initiative.objects.get(key="I1"), status="done")
    assert [r.initiative.key for r in selectors.portfolio().rows] == ["I3"]
    assert InitiativeScore.objects.filter(initiative__key="I1").exists()


def test_the_ranking_by_unit_covers_its_subtree_and_by_annual_objective_its_chain(initiatives):
    p = initiatives
    services.record_scoring_session(p.office, scores=[row("I1", 1, 1, 1, 1),
                                                      row("I2", 2, 2, 2, 2),
                                                      row("I3", 3, 3, 3, 3)])
    from hoshin.org.models import Unit

    sales = Unit.objects.get(key="sales")
    acme = Unit.objects.get(key="acme")
    assert {r.initiative.key for r in selectors.portfolio(unit=sales).rows} == {"I1", "I2"}
    assert {r.initiative.key for r in selectors.portfolio(unit=acme).rows} == {"I1", "I2", "I3"}
    assert {r.initiative.key for r in selectors.portfolio(annual_objective="A1").rows} == \
        {"I1", "I2", "I3"}
    assert selectors.portfolio(annual_objective="A9").rows == []


def test_relative_scoring_is_anchored_on_one_in_every_column_and_nothing_is_half_written(
        initiatives):
    p = initiatives
    with pytest.raises(DomainError) as caught:
        services.record_scoring_session(p.office, scores=[row("I1", 2, 1, 1, 3),
                                                          row("I2", 5, 3, 1, 1)])
    assert [e.field for e in caught.value.errors] == ["scores.business_value"]
    with pytest.raises(DomainError) as caught:
        services.record_scoring_session(p.office, scores=[row("I1", 4, 1, 1, 1),
                                                          row("nope", 1, 1, 1, 1),
                                                          row("I4", 1, 1, 1, 1),
                                                          row("I2", 1, 1, 1, 1)])
    fields = {e.field: e.message for e in caught.value.errors}
    assert "scale" in fields["scores[0].business_value"]
    assert 'no initiative "nope"' in fields["scores[1].initiative"]
    assert "done" in fields["scores[2].initiative"]
    with pytest.raises(DomainError) as caught:
        services.record_scoring_session(p.office, scores=[row("I1", 1, 1, 1, 1),
                                                          row("I1", 2, 2, 2, 2)])
    assert "twice" in str(caught.value)
    with pytest.raises(DomainError):
        services.record_scoring_session(p.office, scores=[row("I1", 1, 1, 1, 1)],
                                        participants=["ghost@acme.test"])
    with pytest.raises(DomainError):
        services.record_scoring_session(p.office, scores=[])
    assert ScoringSession.objects.count() == 0 and InitiativeScore.objects.count() == 0


def test_a_unit_lead_scores_only_within_the_units_they_lead(initiatives):
    p = initiatives
    with pytest.raises(PermissionDenied):
        services.record_scoring_session(p.lead, scores=[row("I1", 1, 1, 1, 1)])
    with pytest.raises(DomainError) as caught:
        services.record_scoring_session(p.lead, unit="sales",
                                        scores=[row("I1", 1, 1, 1, 1), row("I3", 1, 1, 1, 1)])
    assert "outside Sales" in str(caught.value)
    session = services.record_scoring_session(p.lead, unit="sales",
                                              scores=[row("I1", 1, 1, 1, 1),
                                                      row("I2", 2, 3, 1, 1)])
    assert session.unit.key == "sales"
    for who in (p.member, p.viewer, p.other_lead):
        with pytest.raises(PermissionDenied):
            services.record_scoring_session(who, unit="sales", scores=[row("I1", 1, 1, 1, 1)])
