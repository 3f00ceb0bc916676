"""`hoshin import --replace` keeps the plan file's promise to replace the plan, and refuses
to take the execution records (reviews, catchball threads, grades...) with it unasked."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from hoshin.backup.services import restore
from tests.backup.conftest import table_counts

pytestmark = pytest.mark.django_db


def test_replace_refuses_to_delete_execution_records_unless_forced(demo_backup, run, tmp_path):
    from hoshin.reviews.models import Review

    restore(demo_backup.path)
    plan = tmp_path / "plan.yaml"
    run("export", "-o", str(plan))
    before = table_counts()
    assert before["reviews.review"] == 13

    with pytest.raises(CommandError) as error:
        run("import", str(plan), "--replace")

    message = str(error.value)
    assert "nothing was imported" in message
    assert "replacing the plan would delete " in message
    assert "13 reviews" in message and "catchball" in message and "flags" in message
    assert message.rstrip().endswith("Run `hoshin backup` first, then add --force")
    assert table_counts() == before

    with pytest.raises(CommandError, match="--force only goes with --replace"):
        run("import", str(plan), "--force")

    run("import", str(plan), "--replace", "--force")
    assert Review.objects.count() == 0


def test_replace_with_nothing_but_the_plan_needs_no_force(demo_backup, run, tmp_path):
    from hoshin.okrs.models import Objective

    restore(demo_backup.path)
    plan = tmp_path / "plan.yaml"
    run("export", "-o", str(plan))
    run("import", str(plan), "--replace", "--force")
    objectives = Objective.objects.count()

    run("import", str(plan), "--replace")

    assert Objective.objects.count() == objectives
