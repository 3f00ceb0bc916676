"""The pages read regularity and calibration from one stored row per unit subtree and
quarter (ScopeFigures, added up by count_graded) instead of a row per graded key result:
the figures equal the per-record computation in every scope, before and after grades are
given or given again, and whatever the sums cannot follow (a graded key result moved or
archived, the unit tree changed, key results deleted) sends the page back to it."""

import datetime as dt

import pytest

from hoshin.analytics import report, selectors, services
from hoshin.analytics.models import ScopeFigures
from hoshin.analytics.selectors import Scope
from hoshin.closing import services as closing
from hoshin.core import clock
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, KeyResult
from hoshin.org import services as org
from hoshin.org.models import Unit
from tests.analytics.test_analytics import graded  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _shown(scope: Scope, totals: selectors.Totals) -> tuple:
    """What a page shows of a scope's figures, computed from `totals`."""
    bands, n = selectors.regularity(scope, totals)
    cal = selectors.calibration(scope, totals)
    return (n, [(b.n, b.reached, None if b.mean_grade is None else round(b.mean_grade, 9),
                 b.interval) for b in bands],
            cal.n, cal.key_results, None if cal.brier is None else round(cal.brier, 12),
            [(b.confidence, b.n, b.hits) for b in cal.bins])


def _scopes(plan) -> list[Scope]:
    units = [Unit.objects.get(key=k) for k in ("acme", "sales", "ops")]
    return [Scope(), Scope(cycle=plan.quarter),
            *[Scope(unit=u) for u in units], *[Scope(unit=u, cycle=plan.quarter) for u in units]]


def _stored_equals_per_record(plan) -> list[tuple]:
    shown = []
    for scope in _scopes(plan):
        stored = selectors.stored_totals(scope)
        assert stored is not None, scope.words()
        assert _shown(scope, stored) == _shown(scope, selectors.totals_per_record(scope)), \
            scope.words()
        shown.append(_shown(scope, stored))
    return shown


def _after(plan, hours: int) -> dt.datetime:
    """`hours` after the graded fixture's grades (given on the quarter's last day)."""
    with clock.at(plan.quarter.end) as graded_at:
        return graded_at + dt.timedelta(hours=hours)


@pytest.fixture
def counted(graded):
    """The graded plan counted an hour after the grades (as the nightly job does)."""
    with clock.at(_after(graded, 1)):
        services.count_graded(None)
    return graded


def test_stored_sums_equal_the_per_record_figures_in_every_scope(graded):
    live = [_shown(s, selectors.totals_per_record(s)) for s in _scopes(graded)]
    assert selectors.stored_totals(Scope()) is None  # never added up yet
    with clock.at(_after(graded, 1)):
        services.count_graded(None)
    assert _stored_equals_per_record(graded) == live
    # A unit's row holds its subtree: Acme's (the root) is the whole organisation's.
    acme = ScopeFigures.objects.get(unit__key="acme", cycle__isnull=True)
    whole = ScopeFigures.objects.get(unit__isnull=True, cycle__isnull=True)
    assert (acme.bands, acme.bins, acme.key_results) == (whole.bands, whole.bins,
                                                        whole.key_results)
    assert whole.key_results == 2 and sum(n for n, _, _ in whole.bands.values()) == 2
    # The reports the API and the CLI print are the same as the pages'.
    assert report.regularity_dict(Scope())["n"] == 2


def test_a_grade_given_again_or_for_the_first_time_after_the_count_is_read_live(counted):
    before = _stored_equals_per_record(counted)
    later = _after(counted, 2)
    with clock.at(later):
        closing.grade_key_result(None, KeyResult.objects.get(key="KR3"), grade=0.7,
                                 reason="the late delivery landed")
        kr2 = KeyResult.objects.get(key="KR2")
        CheckIn.objects.create(key_result=kr2, date=counted.quarter.start, confidence=4,
                               steps_done=[], created_at=later)
        closing.grade_key_result(None, kr2, grade=0.3, reason="one step of three")
    after = _stored_equals_per_record(counted)
    assert after != before
    assert after[0][0] == 3  # KR1, KR3 and the newly graded KR2
    # The next count adds them up; the figures do not move.
    with clock.at(later + dt.timedelta(hours=1)):
        services.count_graded(None)
    assert _stored_equals_per_record(counted) == after


def test_what_the_sums_cannot_follow_sends_the_page_to_the_per_record_figures(counted):
    later = _after(counted, 2)
    with clock.at(later):
        okrs.archive_key_result(None, KeyResult.objects.get(key="KR3"))
    assert selectors.stored_totals(Scope()) is None
    for scope in _scopes(counted):
        assert _shown(scope, selectors.totals(scope)) == \
            _shown(scope, selectors.totals_per_record(scope))
    assert selectors.regularity(Scope())[1] == 1
    with clock.at(later + dt.timedelta(hours=1)):
        services.count_graded(None)
    assert selectors.stored_totals(Scope()) is not None
    assert _stored_equals_per_record(counted)[0][0] == 1
    # The unit tree changing (Operations moved under Sales) does too.
    with clock.at(later + dt.timedelta(hours=2)):
        org.update_unit(None, Unit.objects.get(key="ops"), parent="sales")
    assert selectors.stored_totals(Scope(unit=Unit.objects.get(key="sales"))) is None


def test_deleted_key_results_and_one_persons_figures_are_never_read_from_the_sums(counted):
    assert selectors.stored_totals(Scope(person=counted.member)) is None
    KeyResult.objects.filter(key="KR3").delete()
    assert selectors.stored_totals(Scope()) is None
    assert selectors.regularity(Scope())[1] == 1
