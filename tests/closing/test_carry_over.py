"""Carry-over keeps a key result's place in the chain, inside a year and across the year
end (following the annual review's decisions); where it cannot, a parent is asked for,
never silently left out. Bulk operations (accept the suggestions, carry over everything
unfinished, close) are one transaction each."""

import datetime as dt

import pytest

from hoshin.closing import services
from hoshin.closing.models import CarryOver, Grade
from hoshin.core import clock
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, Cycle, KeyResult, Objective
from hoshin.strategy import services as strategy
from tests.factories import build_plan

pytestmark = pytest.mark.django_db


def check_in(kr, day, value, confidence=7):
    c = CheckIn.objects.create(key_result=kr, date=day, value=value, confidence=confidence)
    KeyResult.objects.filter(pk=kr.pk).update(last_checkin=c)


def objective_with_kr(key, cycle, unit, parent, owner, kr_key):
    objective = okrs.save_objective(None, key=key, cycle=cycle, unit=unit,
                                    title=f"Objective {key}", parent=parent)
    kr = okrs.save_key_result(None, key=kr_key, objective=key, title=f"Key result {kr_key}",
                              owner=owner, kind="increase", baseline=0, target=10)
    check_in(kr, dt.date(2026, 12, 1), 4)  # 0.4: unfinished
    return objective, kr


def carry(kr, **kwargs):
    return services.decide_carry_over(None, kr, decision="carry_over",
                                      reason=kwargs.pop("reason", "Still matters"), **kwargs)


@pytest.fixture
def q3():
    """2026-Q3 with 2026-Q4 to carry into (the same fiscal year)."""
    plan = build_plan(today=dt.date(2026, 7, 1))
    okrs.save_cycle(None, key="2026-Q4", kind="quarter", start=dt.date(2026, 10, 1),
                    end=dt.date(2026, 12, 31))
    return plan


@pytest.fixture
def q4():
    """2026-Q4, the last quarter of fiscal 2026, with 2027-Q1 to carry into. O1 serves
    priority P1, O2 theme T1; O3 serves annual objective A1 and O4 sits under O3."""
    plan = build_plan(today=dt.date(2026, 10, 1))
    okrs.save_cycle(None, key="2027-Q1", kind="quarter", start=dt.date(2027, 1, 1),
                    end=dt.date(2027, 3, 31))
    check_in(plan.kr_sales, dt.date(2026, 12, 1), 27.5)
    plan.o3, plan.kr_annual = objective_with_kr("O3", "2026-Q4", "sales", "A1",
                                                "member@acme.test", "KR4")
    plan.o4, plan.kr_child = objective_with_kr("O4", "2026-Q4", "sales", "O3",
                                               "member@acme.test", "KR5")
    return plan


def test_inside_a_year_the_copy_keeps_its_annual_objective_or_priority(q3):
    o3, kr = objective_with_kr("O3", "2026-Q3", "sales", "A1", "member@acme.test", "KR4")
    copy = carry(kr).carried_to
    assert copy.objective.cycle.key == "2026-Q4" and copy.objective.parent_annual.key == "A1"
    copy = carry(q3.kr_sales).carried_to
    assert copy.objective.parent_priority.key == "P1"
    # The second key result of O1 joins the same twin.
    assert carry(q3.kr_milestone).carried_to.objective == copy.objective


def test_into_next_year_the_copy_follows_a_carried_over_annual_objective(q4):
    seed = services.decide_annual(None, year=2026, item_type="annual", item_key="A1",
                                  decision="carry_over", rationale="Not done yet").seeded
    assert services.landing(q4.o3, Cycle.objects.get(key="2027-Q1")).parent == seed
    copy = carry(q4.kr_annual).carried_to
    assert copy.objective.cycle.key == "2027-Q1"
    assert copy.objective.parent_annual == seed and seed.year == 2027
    assert (copy.baseline, copy.target) == (4, 10)  # starts from where it ended


def test_into_next_year_the_copy_follows_a_modified_annual_objective(q4):
    seed = services.decide_annual(None, year=2026, item_type="annual", item_key="A1",
                                  decision="modify", rationale="Go further",
                                  new_title="Triple installations").seeded
    copy = carry(q4.kr_annual).carried_to
    assert copy.objective.parent_annual == seed
    assert copy.objective.parent_annual.title == "Triple installations"


def test_a_dropped_or_undecided_annual_objective_means_a_parent_must_be_chosen(q4):
    with pytest.raises(DomainError) as error:
        carry(q4.kr_annual)
    assert error.value.errors[0].field == "parent"
    assert "A1 has no decision in the 2026 annual review yet" in error.value.detail
    services.decide_annual(None, year=2026, item_type="annual", item_key="A1",
                           decision="drop", rationale="Market changed")
    with pytest.raises(DomainError) as error:
        carry(q4.kr_annual)
    assert "A1 was dropped in the 2026 annual review" in error.value.detail
    assert not CarryOver.objects.exists()
    assert not Objective.objects.filter(cycle__key="2027-Q1").exists()  # nothing half-made
    strategy.save_annual_objective(None, key="A9", year=2027, title="Service contracts")
    with pytest.raises(DomainError) as error:  # a 2026 parent is refused for a 2027 twin
        carry(q4.kr_annual, parent="P1")
    assert error.value.errors[0].field == "parent"
    copy = carry(q4.kr_annual, parent="A9").carried_to
    assert copy.objective.parent_annual.key == "A9"


def test_a_priority_follows_the_annual_reviews_decision_on_it(q4):
    a1_next = services.decide_annual(None, year=2026, item_type="annual", item_key="A1",
                                     decision="carry_over", rationale="Not done").seeded
    with pytest.raises(DomainError) as error:
        carry(q4.kr_sales)  # P1 has no decision yet
    assert "P1 has no decision" in error.value.detail
    decision = services.decide_annual(None, year=2026, item_type="priority", item_key="P1",
                                      decision="modify", rationale="Installers and shops",
                                      new_title="Sell through installers and shops")
    p1_next = decision.seeded_priority
    assert (p1_next.year, p1_next.unit.key) == (2027, "sales")
    assert list(p1_next.annual_objectives.all()) == [a1_next]  # under A1's successor
    copy = carry(q4.kr_sales).carried_to
    assert copy.objective.parent_priority == p1_next
    records = {r.key: r for r in services.annual_records(2026)}
    assert records["P1"].kind == "priority" and records["P1"].decision == decision


def test_an_undecided_priority_suggests_its_units_priorities_under_the_successor(q4):
    a1_next = services.decide_annual(None, year=2026, item_type="annual", item_key="A1",
                                     decision="carry_over", rationale="Not done").seeded
    p7 = strategy.save_improvement_priority(None, key="P7", year=2027, unit="sales",
                                            title="Installer loyalty",
                                            annual_objectives={a1_next.key: "strong"})
    place = services.landing(q4.objective, Cycle.objects.get(key="2027-Q1"))
    assert place.needs_parent and place.suggested == [p7, a1_next]
    with pytest.raises(DomainError) as error:
        carry(q4.kr_sales)
    assert "likely: P7, " in error.value.detail
    assert carry(q4.kr_sales, parent="P7").carried_to.objective.parent_priority == p7


def test_a_child_objective_lands_under_its_parents_twin(q4):
    services.decide_annual(None, year=2026, item_type="annual", item_key="A1",
                           decision="carry_over", rationale="Not done")
    with pytest.raises(DomainError) as error:  # the parent objective has no twin yet
        carry(q4.kr_child)
    assert "parent objective O3 has no twin in 2027-Q1" in error.value.detail
    o3_twin = carry(q4.kr_annual).carried_to.objective
    child_twin = carry(q4.kr_child).carried_to.objective
    assert child_twin.parent_objective == o3_twin and child_twin.cycle.key == "2027-Q1"


def test_inside_a_year_a_child_objective_lands_under_its_parents_twin(q3):
    o5, kr5 = objective_with_kr("O5", "2026-Q3", "sales", "O1", "member@acme.test", "KR5")
    o1_twin = carry(q3.kr_sales).carried_to.objective
    assert carry(kr5).carried_to.objective.parent_objective == o1_twin


def test_a_theme_does_not_carry_a_parent_is_asked_for(q3):
    kr3 = KeyResult.objects.get(key="KR3")
    with pytest.raises(DomainError) as error:
        carry(kr3)
    assert "theme T1 belongs to 2026-Q3's brief" in error.value.detail
    assert "likely: A1" in error.value.detail  # T1 names A1, still this year's
    assert carry(kr3, parent="A1").carried_to.objective.parent_annual.key == "A1"


def test_accept_suggested_grades_every_ungraded_key_result_in_one_step(q3):
    check_in(q3.kr_sales, dt.date(2026, 9, 25), 27.5)
    services.grade_key_result(None, KeyResult.objects.get(key="KR3"), grade=0.3, reason="x")
    with pytest.raises(PermissionDenied):
        services.accept_suggested(q3.viewer, q3.quarter)
    graded = services.accept_suggested(q3.member, q3.quarter)  # only what she may grade
    assert [g.key_result.key for g in graded] == ["KR1"]
    assert Grade.objects.get(key_result=q3.kr_sales).grade == 0.5
    graded = services.accept_suggested(q3.office, q3.quarter)
    assert [(g.key_result.key, g.grade) for g in graded] == [("KR2", 0.0)]
    assert Grade.objects.get(key_result__key="KR3").grade == 0.3


def test_carrying_over_everything_unfinished_is_all_or_nothing(q4):
    services.accept_suggested(None, q4.quarter)
    services.decide_annual(None, year=2026, item_type="annual", item_key="A1",
                           decision="carry_over", rationale="Not done")
    with pytest.raises(DomainError) as error:
        services.carry_over_unfinished(None, q4.quarter)
    fields = {e.field for e in error.value.errors}
    assert fields == {"parent"}
    text = error.value.detail
    assert "KR1" in text and "KR2" in text and "KR3" in text  # P1 undecided, T1 a theme
    assert "KR4" not in text and "KR5" not in text  # O3 follows A1; O4 follows O3's twin
    assert not CarryOver.objects.exists() and not Objective.objects.filter(
        cycle__key="2027-Q1").exists()
    strategy.save_improvement_priority(None, key="P8", year=2027, unit="ops",
                                       title="Install in a week")
    done = services.carry_over_unfinished(None, q4.quarter, parents={"O1": "P8", "KR3": "P8"})
    assert sorted(c.key_result.key for c in done) == ["KR1", "KR2", "KR3", "KR4", "KR5"]
    twins = {c.key_result.key: c.carried_to.objective for c in done}
    assert twins["KR5"].parent_objective == twins["KR4"]
    assert twins["KR1"] == twins["KR2"] and twins["KR1"].parent_priority.key == "P8"
    assert all(c.reason == "unfinished at the close of 2026-Q4" for c in done)


def test_finish_quarter_grades_carries_and_closes_in_one_transaction(q4):
    services.decide_annual(None, year=2026, item_type="annual", item_key="A1",
                           decision="carry_over", rationale="Not done")
    strategy.save_improvement_priority(None, key="P8", year=2027, unit="sales",
                                       title="Installer loyalty")
    parents = {"O1": "P8", "O2": "P8"}
    with clock.at(dt.date(2026, 12, 20)):
        with pytest.raises(DomainError) as error:  # the quarter runs until 31 December
            services.finish_quarter(None, q4.quarter, accept=True, carry_over=True,
                                    parents=parents)
        assert "runs until 2026-12-31" in error.value.detail
        assert not Grade.objects.exists() and not CarryOver.objects.exists()
        done = services.finish_quarter(None, q4.quarter, accept=True, carry_over=True,
                                       parents=parents, override_reason="Board meets early")
    assert len(done.graded) == 5 and len(done.carried) == 5
    assert done.cycle.state == "closed"
    assert done.cycle.close_record.override_reason == "Board meets early"
