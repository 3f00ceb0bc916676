"""Regularity and calibration read the graded key results counted overnight and count live
only those graded since: the figures are the same either way."""

import datetime as dt

import pytest

from hoshin.analytics import report, selectors, services
from hoshin.analytics.models import GradedRecord
from hoshin.analytics.selectors import Scope
from hoshin.closing import services as closing
from hoshin.core import clock
from hoshin.okrs.models import KeyResult
from hoshin.org.models import Unit
from tests.analytics.test_analytics import graded  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _figures():
    ops = Scope(unit=Unit.objects.get(key="ops"))
    return ([report.regularity_dict(s) for s in (Scope(), ops)],
            [report.calibration_dict(s) for s in (Scope(), ops)])


def test_counted_figures_equal_live_ones_and_a_new_grade_is_counted_live(graded):
    live = _figures()
    assert services.count_graded(None) == 2
    assert GradedRecord.objects.count() == 2
    assert selectors.not_counted(Scope()).count() == 0
    assert _figures() == live
    assert services.count_graded(None) == 0
    # KR3 regraded after the count: read live until the next count, with its new grade.
    with clock.at(clock.now() + dt.timedelta(minutes=5)):
        closing.grade_key_result(None, KeyResult.objects.get(key="KR3"), grade=0.4,
                                 reason="a late delivery counted")
    assert [k.key for k in selectors.not_counted(Scope())] == ["KR3"]
    regraded = _figures()
    assert regraded != live
    assert services.count_graded(None) == 1
    assert _figures() == regraded
