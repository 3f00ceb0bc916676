"""The stored roll-up is right after `hoshin demo` (an import, then check-ins through the
services) and `hoshin rollup` rebuilds and checks it (okrs/rollups.py)."""

import datetime as dt

import pytest

from hoshin.core import clock
from hoshin.okrs import rollups
from hoshin.okrs.models import Cycle, KeyResult, RollupMark, RollupRow

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def running():
    return Cycle.objects.get(kind="quarter", state="active")


def test_the_demo_leaves_the_stored_roll_up_right(run, django_capture_on_commit_callbacks):
    with clock.at(TODAY), django_capture_on_commit_callbacks(execute=True):
        run("demo", "--today", TODAY.isoformat(), "--no-migrate")
    with clock.at(TODAY):
        quarter = running()
        assert RollupMark.objects.get().cycle == quarter
        assert RollupRow.objects.filter(cycle=quarter, kind="key_result").count() == \
            KeyResult.objects.filter(objective__cycle=quarter, archived_at__isnull=True,
                                     objective__archived_at__isnull=True).count() > 20
        assert rollups.differences(quarter) == []
        # The cockpit then reads it.
        assert rollups.strategy_figures(quarter) is not None


def test_hoshin_rollup_rebuilds_and_checks(run, plan):
    with clock.at(plan.quarter.start + dt.timedelta(days=20)):
        assert "No running quarter" not in run("rollup").out
        assert rollups.differences(plan.quarter) == []
        assert "matches the plan" in run("rollup", "--check").out
        RollupRow.objects.filter(cycle=plan.quarter, kind="vision").update(status="on_track",
                                                                           progress=0.9)
        out = run("rollup", "--check").out
        assert "vision 0 status 'on_track'" in out
        assert "difference(s) found and repaired" in out
        assert rollups.differences(plan.quarter) == []
