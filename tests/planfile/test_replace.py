"""Importing over an existing plan: refused unless asked, then a clean replacement that
keeps people's accounts; and a failure half-way leaves the database as it was."""

from __future__ import annotations

import pytest

from hoshin.okrs.models import KeyResult, Objective
from hoshin.org import services as org
from hoshin.org.models import Person
from hoshin.planfile.importer import PlanFileError, import_plan
from tests.factories import PASSWORD


def test_a_database_with_a_plan_is_refused_without_replace(plan, small_plan, row_counts):
    before = row_counts()

    with pytest.raises(PlanFileError) as exc:
        import_plan(small_plan)

    assert exc.value.errors == [
        "the database already holds a plan (3 units, 1 breakthrough, 1 annual objective, "
        "1 improvement priority, 1 metric, 2 cycles, 2 objectives, 1 vision); use "
        "--replace to replace it (people are kept)"]
    assert row_counts() == before


def test_replace_swaps_the_plan_and_keeps_accounts(plan, small_plan):
    token = org.create_token(None, plan.member)
    small_plan["people"].append({"email": "Member@acme.test", "name": "Mia Renamed",
                                 "role": "unit_lead", "units": ["ops"]})

    counts = import_plan(small_plan, replace=True)

    assert counts["objectives"] == 3
    # Its rows point at no cycle that is gone (they hang on the cycle by a hidden relation).
    from hoshin.okrs.models import Cycle, RollupMark, RollupRow

    for model in (RollupMark, RollupRow):
        assert not model.objects.exclude(cycle__in=Cycle.objects.all()).exists()
    assert set(Objective.objects.values_list("title", flat=True)) == {
        "Make installers our best sales channel", "Install faster",
        "Schedule every install within a day"}
    member = Person.objects.get(email="member@acme.test")
    assert (member.name, member.role) == ("Mia Renamed", "unit_lead")
    assert member.check_password(PASSWORD)
    assert org.authenticate_token(token) == member
    assert list(member.units.values_list("key", flat=True)) == ["ops"]
    # People the file does not mention stay, with their accounts.
    assert Person.objects.get(email="viewer@acme.test").check_password(PASSWORD)
    # The replaced plan is gone from the tables but not from history.
    deleted = KeyResult.history.filter(key="KR3", history_type="-").get()
    assert deleted.owner_id == plan.other_lead.pk
    assert deleted.history_change_reason == "replaced by a plan file import"
    assert KeyResult.objects.get(key="KR3").owner.email == "mia@acme.test"


def test_replace_with_an_invalid_file_changes_nothing(plan, small_plan, row_counts):
    before = row_counts()
    small_plan["objectives"][0]["parent"] = "nowhere"

    with pytest.raises(PlanFileError):
        import_plan(small_plan, replace=True)

    assert row_counts() == before


class Interrupted(Exception):
    pass


def interrupt_at(stage_name):
    def progress(stage, done, total):
        if stage == stage_name and done > 0:
            raise Interrupted(stage)
    return progress


def test_a_failure_half_way_through_writing_leaves_an_empty_database(small_plan, row_counts):
    before = row_counts()

    with pytest.raises(Interrupted):
        import_plan(small_plan, progress=interrupt_at("check-ins"))

    assert row_counts() == before


def test_a_failure_half_way_through_replacing_keeps_the_old_plan(plan, small_plan, row_counts):
    before = row_counts()

    with pytest.raises(Interrupted):
        import_plan(small_plan, replace=True, progress=interrupt_at("key results"))

    assert row_counts() == before
    assert KeyResult.objects.get(key="KR1").owner == plan.member


def test_progress_is_reported_for_each_stage(small_plan):
    seen = {}

    import_plan(small_plan, progress=lambda stage, done, total: seen.__setitem__(
        stage, (done, total)))

    assert seen["people"] == (4, 4)
    assert seen["key results"] == (4, 4)
    assert seen["check-ins"] == (4, 4)


def test_a_stored_roll_up_is_no_execution_record(plan, small_plan):
    # Derived data (the roll-up okrs stores per cycle, rebuilt from the plan) goes with
    # the plan it was computed from: replacing a plan-only database needs no --force.
    rollups = pytest.importorskip("hoshin.okrs.rollups")
    rollups.rebuild(plan.quarter)

    counts = import_plan(small_plan, replace=True)

    assert counts["objectives"] == 3
    # Its rows point at no cycle that is gone (they hang on the cycle by a hidden relation).
    from hoshin.okrs.models import Cycle, RollupMark, RollupRow

    for model in (RollupMark, RollupRow):
        assert not model.objects.exclude(cycle__in=Cycle.objects.all()).exists()
