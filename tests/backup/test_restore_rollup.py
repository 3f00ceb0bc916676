"""A restore leaves the stored roll-up of the running quarter right for the day it runs,
whatever day the backup was taken (okrs/rollups.py)."""

import pytest

from hoshin.backup.services import restore
from hoshin.core import clock
from hoshin.okrs import rollups
from hoshin.okrs.models import Cycle, RollupMark, RollupRow
from tests.backup.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_a_restore_rebuilds_the_stored_roll_up_for_its_day(demo_backup):
    # The backup's store was built on the day the tests run; this restore runs on TODAY.
    with clock.at(TODAY):
        restore(demo_backup.path)
        quarter = Cycle.objects.get(key="2026-Q4")
        assert RollupMark.objects.get().cycle == quarter
        assert RollupMark.objects.get().as_of == TODAY
        assert RollupRow.objects.filter(cycle=quarter, kind="key_result").exists()
        assert rollups.differences(quarter) == []
        assert rollups.strategy_figures(quarter) is not None  # the pages read it
