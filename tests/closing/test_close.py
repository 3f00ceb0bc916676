"""Closing a quarter: grade, carry over or drop, close (read-only after); the annual
review built on the real record; grades never become people ratings."""

import datetime as dt

import pytest
from django.test import Client

from hoshin.closing import services
from hoshin.closing.models import AnnualDecision, Grade
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, Cycle, KeyResult
from hoshin.org import services as org
from hoshin.planfile.exporter import export_plan
from hoshin.strategy.models import AnnualObjective
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD, build_plan

pytestmark = pytest.mark.django_db


def check_in(kr, day, value, confidence=7):
    c = CheckIn.objects.create(key_result=kr, date=day, value=value, confidence=confidence)
    KeyResult.objects.filter(pk=kr.pk).update(last_checkin=c)


@pytest.fixture
def q3():
    plan = build_plan(today=dt.date(2026, 7, 1))
    check_in(plan.kr_sales, dt.date(2026, 9, 25), 27.5)  # halfway: suggested 0.5
    check_in(KeyResult.objects.get(key="KR3"), dt.date(2026, 9, 25), 14)  # done: 1.0
    okrs.save_cycle(None, key="2026-Q4", kind="quarter", start=dt.date(2026, 10, 1),
                    end=dt.date(2026, 12, 31))
    return plan


def test_grades_are_suggested_from_progress_and_overrides_need_a_reason(q3):
    assert services.suggestions(q3.quarter)[q3.kr_sales.pk] == 0.5
    grade = services.grade_key_result(q3.member, q3.kr_sales, grade=0.5)
    assert (grade.suggested, grade.grade, grade.graded_by) == (0.5, 0.5, q3.member)
    with pytest.raises(DomainError) as error:
        services.grade_key_result(q3.member, q3.kr_sales, grade=0.7)
    assert error.value.errors[0].field == "reason"
    services.grade_key_result(q3.member, q3.kr_sales, grade=0.7,
                              reason="The last deals signed on 30 September")
    assert Grade.objects.get(key_result=q3.kr_sales).grade == 0.7
    with pytest.raises(DomainError):
        services.grade_key_result(q3.member, q3.kr_sales, grade=0.75, reason="x")
    with pytest.raises(PermissionDenied):
        services.grade_key_result(q3.other_lead, q3.kr_sales, grade=0.5)


def test_carrying_over_copies_the_key_result_into_the_next_quarter(q3):
    services.grade_key_result(q3.member, q3.kr_sales, grade=0.5)
    decision = services.decide_carry_over(q3.lead, q3.kr_sales, decision="carry_over",
                                          reason="Half done; the channel still matters")
    copy = decision.carried_to
    assert copy.objective.cycle.key == "2026-Q4" and copy.objective.unit.key == "sales"
    assert copy.objective.parent_priority.key == "P1"
    assert (copy.baseline, copy.target, copy.owner) == (27.5, 35, q3.member)
    with pytest.raises(DomainError):
        services.decide_carry_over(q3.lead, q3.kr_sales, decision="drop", reason="again")


def test_a_quarter_closes_only_when_graded_and_decided_then_is_read_only(q3):
    with pytest.raises(DomainError) as error:
        services.close_quarter(q3.office, q3.quarter)
    assert "KR1 has no grade" in error.value.detail
    for kr in KeyResult.objects.filter(objective__cycle=q3.quarter):
        services.grade_key_result(None, kr, grade=services.suggestions(q3.quarter)[kr.pk])
    with pytest.raises(DomainError) as error:
        services.close_quarter(q3.office, q3.quarter)
    assert "KR1 is unfinished" in error.value.detail and "KR3" not in error.value.detail
    services.decide_carry_over(q3.lead, q3.kr_sales, decision="drop", reason="Channel paused")
    services.decide_carry_over(q3.lead, q3.kr_milestone, decision="carry_over",
                               reason="Launch moved to Q4")
    with pytest.raises(PermissionDenied):
        services.close_quarter(q3.lead, q3.quarter)
    services.close_quarter(q3.office, q3.quarter)
    assert Cycle.objects.get(pk=q3.quarter.pk).state == "closed"
    # Read-only: no grades, check-ins or edits any more, from the services or the web.
    with pytest.raises(DomainError):
        services.grade_key_result(q3.member, q3.kr_sales, grade=0.4, reason="x")
    with pytest.raises(DomainError):
        okrs.record_checkin(None, q3.kr_sales, value=30, date=dt.date(2026, 9, 30))
    with pytest.raises(DomainError):
        okrs.save_key_result(None, q3.kr_sales, title="Renamed")
    client = Client()
    client.login(email="member@acme.test", password=PASSWORD)
    assert client.post(f"/closing/{q3.quarter.key}/", {"do": "grade", "key_result": "KR1",
                                                       "grade": "0.4"}).status_code == 403


def test_the_office_may_close_with_gaps_when_it_says_why(q3):
    services.close_quarter(q3.office, q3.quarter, override_reason="Reorganisation: no owners")
    assert q3.quarter.close_record.override_reason == "Reorganisation: no owners"


def test_the_close_page_grades_and_shows_how_a_grade_reads(q3):
    client = Client()
    client.login(email="member@acme.test", password=PASSWORD)
    response = client.post(f"/closing/{q3.quarter.key}/", {"do": "grade", "key_result": "KR1",
                                                           "grade": "0.5"})
    assert response.status_code == 302
    page = client.get(f"/closing/{q3.quarter.key}/").content.decode()
    assert "committed and missed" in page and "Grades are for learning" in page


def test_the_annual_review_reads_the_years_real_record_and_seeds_next_year(q3):
    services.grade_key_result(None, q3.kr_sales, grade=0.5)
    records = {r.key: r for r in services.annual_records(2026)}
    a1 = records["A1"]
    assert a1.kind == "annual" and a1.quarters[-1].cycle.key == "2026-Q4"
    q3_result = next(q for q in a1.quarters if q.cycle.key == "2026-Q3")
    # O1 serves A1 through priority P1; O2 through theme T1: three key results in all.
    assert q3_result.objectives == 2 and q3_result.key_results == 3 and q3_result.graded == 1
    assert records["B1"].kind == "breakthrough" and records["B1"].annuals == ["A1"]
    decision = services.decide_annual(q3.office, year=2026, item_type="annual", item_key="A1",
                                      decision="modify", rationale="Installers work; go further",
                                      new_title="Triple installations")
    seed = decision.seeded
    assert (seed.year, seed.title) == (2027, "Triple installations")
    assert [c.breakthrough.key for c in seed.breakthrough_correlations.all()] == ["B1"]
    with pytest.raises(DomainError):
        services.decide_annual(q3.office, year=2026, item_type="annual", item_key="A1",
                               decision="drop", rationale="twice")
    with pytest.raises(PermissionDenied):
        services.decide_annual(q3.lead, year=2026, item_type="breakthrough", item_key="B1",
                               decision="carry_over", rationale="x")
    client = Client()
    client.login(email="viewer@acme.test", password=PASSWORD)
    page = client.get("/closing/annual/2026/").content.decode()
    assert "<svg" in page and "Triple installations" in page
    assert AnnualObjective.objects.filter(year=2027).count() == 1
    assert AnnualDecision.objects.count() == 1


def test_grades_never_appear_per_person(q3):
    services.grade_key_result(None, q3.kr_sales, grade=0.5)
    office = ApiClient(org.create_token(None, q3.office))
    status = office.get(f"/closing/{q3.quarter.key}").json()
    assert all(set(row) == {"key_result", "objective_kind", "suggested", "grade", "reason",
                            "carry_over", "landing", "needs_parent"}
               for row in status["key_results"])
    assert "member@acme.test" not in str(status)
    assert "grade" not in str(export_plan())
