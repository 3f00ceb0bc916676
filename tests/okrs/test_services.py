"""Domain rules of the OKR services: what web, API, CLI and import all obey."""

import datetime as dt

import pytest
from django.utils import timezone

from hoshin.core.errors import Conflict, DomainError, PermissionDenied
from hoshin.okrs import services
from hoshin.okrs.models import CheckIn, Cycle, KeyResult, Objective
from hoshin.org.models import Person


def fields(exc: DomainError) -> set[str]:
    return {e.field for e in exc.errors}


def test_key_result_needs_exactly_one_person_as_owner(plan):
    with pytest.raises(DomainError) as exc:
        services.save_key_result(None, objective="O1", title="Revenue up", kind="increase",
                                 baseline=1, target=2)
    assert "owner" in fields(exc.value)
    with pytest.raises(DomainError) as exc:
        services.save_key_result(None, objective="O1", title="Revenue up", owner="sales",
                                 kind="increase", baseline=1, target=2)
    assert "not a person" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        services.save_key_result(None, objective="O1", title="Revenue up",
                                 owner=plan.viewer.email, kind="increase", baseline=1, target=2)
    # The person is named by name, not by the address typed (issue #11).
    assert "Vic Viewer is a viewer; viewers cannot own key results" in str(exc.value)
    assert "@" not in str(exc.value)
    Person.objects.filter(pk=plan.member.pk).update(is_active=False)
    with pytest.raises(DomainError) as exc:
        services.save_key_result(None, objective="O1", title="Revenue up",
                                 owner=plan.member.email, kind="increase", baseline=1, target=2)
    assert "Mia Member is no longer active" in str(exc.value) and "@" not in str(exc.value)
    Person.objects.filter(pk=plan.member.pk).update(is_active=True)
    with pytest.raises(DomainError) as exc:
        services.save_key_result(None, objective="O1", title="Revenue up",
                                 owner="nobody@acme.test", kind="increase", baseline=1, target=2)
    assert 'unknown person "nobody@acme.test"' in str(exc.value)
    assert KeyResult.objects.count() == 3


def test_measurement_rules_name_the_field(plan):
    with pytest.raises(DomainError) as exc:
        services.save_key_result(None, objective="O1", title="Churn", owner=plan.member.email,
                                 kind="decrease", baseline=5, target=8)
    assert fields(exc.value) == {"target"}
    with pytest.raises(DomainError) as exc:
        services.save_key_result(None, objective="O1", title="Uptime", owner=plan.member.email,
                                 kind="stay_above")
    assert fields(exc.value) == {"target"}


def test_milestone_step_weights_must_sum_to_one(plan):
    with pytest.raises(DomainError) as exc:
        services.save_key_result(None, objective="O1", title="Go live", owner=plan.member.email,
                                 kind="milestone",
                                 steps=[{"key": "a", "title": "A", "weight": 0.5},
                                        {"key": "b", "title": "B", "weight": 0.4}])
    assert "sum to 1" in str(exc.value) and fields(exc.value) == {"steps"}


def test_target_change_needs_a_reason_kept_in_history(plan):
    kr = plan.kr_sales
    with pytest.raises(DomainError) as exc:
        services.save_key_result(None, kr, target=40)
    assert fields(exc.value) == {"reason"}
    kr.refresh_from_db()
    assert kr.target == 35
    services.save_key_result(None, kr, target=40, reason="Installer pilot beat expectations")
    latest = kr.history.first()
    assert latest.target == 40
    assert latest.history_change_reason == "Installer pilot beat expectations"
    # A title edit alone needs no reason.
    services.save_key_result(None, kr, title="Installer-sold units to 40%")


def test_plan_as_it_was_on_a_date(plan):
    kr = plan.kr_sales
    before = timezone.now()
    services.save_key_result(None, kr, target=50, reason="Board raised the bar")
    as_then = kr.history.as_of(before)
    assert as_then.target == 35
    assert KeyResult.objects.get(pk=kr.pk).target == 50


def test_objective_parent_must_exist_and_share_the_period(plan):
    with pytest.raises(DomainError) as exc:
        services.save_objective(None, cycle=plan.quarter.key, unit="sales", title="X",
                                parent="NOPE")
    assert fields(exc.value) == {"parent"}
    from hoshin.strategy import services as strategy

    strategy.save_annual_objective(None, key="A-OLD", year=plan.year.start.year - 1,
                                   title="Last year's bet")
    with pytest.raises(DomainError) as exc:
        services.save_objective(None, cycle=plan.quarter.key, unit="sales", title="X",
                                parent="A-OLD")
    assert "fiscal year" in str(exc.value)


def test_objective_parent_objective_period_and_loops(plan):
    other_q = services.save_cycle(None, key="Q-OTHER", kind="quarter",
                                  start=plan.quarter.end + dt.timedelta(days=1),
                                  end=plan.quarter.end + dt.timedelta(days=90))
    child = services.save_objective(None, key="O-CHILD", cycle=plan.quarter.key, unit="sales",
                                    title="Child", parent="O1")
    with pytest.raises(DomainError) as exc:
        services.save_objective(None, cycle=other_q.key, unit="sales", title="Later",
                                parent="O1")
    assert "does not enclose" in str(exc.value)
    with pytest.raises(DomainError) as exc:
        services.save_objective(None, plan.objective, parent=child.key)
    assert "loop" in str(exc.value)
    plan.objective.refresh_from_db()
    assert plan.objective.parent_priority.key == "P1"


def test_objective_on_a_year_cycle_is_refused(plan):
    with pytest.raises(DomainError) as exc:
        services.save_objective(None, cycle=plan.year.key, unit="sales", title="Yearly")
    assert fields(exc.value) == {"cycle"}


def test_keys_are_one_namespace(plan):
    with pytest.raises(Conflict):
        services.save_objective(None, key="P1", cycle=plan.quarter.key, unit="sales", title="X")


def test_checkin_value_must_fit_the_kind(plan):
    with pytest.raises(DomainError) as exc:
        services.record_checkin(None, plan.kr_sales, confidence=11)
    assert fields(exc.value) == {"value", "confidence"}
    with pytest.raises(DomainError) as exc:
        services.record_checkin(None, plan.kr_milestone, steps_done=["S9"])
    assert fields(exc.value) == {"steps_done"}
    services.record_checkin(None, plan.kr_milestone, steps_done=["S1", "S2"], confidence=6)
    assert CheckIn.objects.filter(key_result=plan.kr_milestone).count() == 1


def test_checkins_only_while_active_and_closed_cycles_are_read_only(plan):
    services.record_checkin(None, plan.kr_sales, value=22, confidence=7)
    services.transition_cycle(None, plan.quarter, "closed", override_reason="test")
    with pytest.raises(DomainError) as exc:
        services.record_checkin(None, plan.kr_sales, value=23, confidence=7)
    assert "closed" in str(exc.value)
    with pytest.raises(DomainError):
        services.save_key_result(None, plan.kr_sales, title="Edited after close")
    with pytest.raises(DomainError) as exc:
        services.transition_cycle(None, plan.quarter, "active")
    assert "closed" in str(exc.value)
    draft = services.save_cycle(None, key="Q-DRAFT", start=plan.quarter.end + dt.timedelta(days=1),
                                end=plan.quarter.end + dt.timedelta(days=91))
    with pytest.raises(DomainError):
        services.transition_cycle(None, services.transition_cycle(None, draft, "planning"),
                                    "draft")


def test_checkins_are_append_only(plan):
    checkin = services.record_checkin(None, plan.kr_sales, value=22, confidence=7)
    checkin.value = 99
    with pytest.raises(ValueError):
        checkin.save()
    with pytest.raises(ValueError):
        checkin.delete()
    correction = services.record_checkin(None, plan.kr_sales, value=23, confidence=7,
                                         note="corrected reading")
    plan.kr_sales.refresh_from_db()
    assert plan.kr_sales.last_checkin_id == correction.pk
    assert list(CheckIn.objects.filter(key_result=plan.kr_sales).values_list("value", flat=True)) \
        == [22, 23]


def test_an_older_checkin_does_not_replace_the_latest(plan):
    today = timezone.localdate()
    latest = services.record_checkin(None, plan.kr_sales, value=25, confidence=7, date=today)
    services.record_checkin(None, plan.kr_sales, value=21, confidence=7,
                            date=max(plan.quarter.start, today - dt.timedelta(days=7)))
    plan.kr_sales.refresh_from_db()
    assert plan.kr_sales.last_checkin_id == latest.pk


def test_who_may_check_in(plan):
    services.record_checkin(plan.member, plan.kr_sales, value=21, confidence=7)  # the owner
    services.record_checkin(plan.lead, plan.kr_sales, value=22, confidence=7)  # unit lead
    for outsider in (plan.viewer, plan.other_lead):
        with pytest.raises(PermissionDenied):
            services.record_checkin(outsider, plan.kr_sales, value=23, confidence=7)


def test_unit_lead_edits_own_unit_only(plan):
    services.save_objective(plan.lead, cycle=plan.quarter.key, unit="sales", title="Own unit",
                            parent="P1")
    with pytest.raises(PermissionDenied):
        services.save_objective(plan.lead, cycle=plan.quarter.key, unit="ops", title="Other")
    with pytest.raises(PermissionDenied):
        services.save_objective(plan.member, cycle=plan.quarter.key, unit="sales", title="M")
    assert not Objective.objects.filter(title__in=["Other", "M"]).exists()


def test_cycle_dates_are_checked(plan):
    with pytest.raises(DomainError) as exc:
        services.save_cycle(None, key="BAD", start=dt.date(2026, 4, 1), end=dt.date(2026, 3, 1))
    assert fields(exc.value) == {"end"}
    assert not Cycle.objects.filter(key="BAD").exists()


def test_history_credits_the_acting_person_without_a_web_request(plan):
    # The CLI, the importer and scheduled jobs call services with no request at hand.
    services.save_key_result(plan.lead, plan.kr_sales, target=38, reason="Pilot region added")
    latest = plan.kr_sales.history.first()
    assert latest.history_user == plan.lead
    assert latest.history_change_reason == "Pilot region added"
    services.save_objective(None, plan.objective, title="Installers first")
    assert plan.objective.history.first().history_user is None
