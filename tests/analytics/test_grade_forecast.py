"""The grade forecast with the organisation's history: closed quarters' key results
counted week by week, a running key result's forecast blended from its own trend and
similar ones, shown on its page, listed on the analytics page and the API, and raising
the at-risk flag when even the top of its interval is under 0.7."""

import datetime as dt

import pytest
from django.test import Client

from hoshin.analytics import outcomes, services
from hoshin.analytics.models import OutcomeCount, SimilarOutcome, StoredForecast
from hoshin.closing.models import Grade
from hoshin.core import clock
from hoshin.flags.models import Flag
from hoshin.flags.services import evaluate_flags
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, Cycle, KeyResult
from hoshin.org import services as org
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIMILAR = 30


def _previous_quarter(plan) -> Cycle:
    end = plan.quarter.start - dt.timedelta(days=1)
    start = dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    cycle = okrs.save_cycle(None, key=f"{end.year}-prev", kind="quarter", start=start, end=end)
    return cycle


@pytest.fixture
def history(plan):
    """A closed quarter whose SIMILAR increase key results (20 to 35) were 60 % of the way
    by week 4 and then stalled: each ended at 0.3."""
    prev = _previous_quarter(plan)
    okrs.save_objective(None, key="OP", cycle=prev.key, unit="sales", title="Last quarter")
    krs = [okrs.save_key_result(None, key=f"KP{i}", objective="OP", title=f"Past {i}",
                                owner=plan.member.email, kind="increase", baseline=20,
                                target=35) for i in range(SIMILAR)]
    CheckIn.objects.bulk_create([
        CheckIn(key_result=kr, date=prev.start + dt.timedelta(days=days), value=value,
                confidence=7)
        for kr in krs for days, value in ((0, 20), (24, 29), (80, 24.5))])
    Grade.objects.bulk_create([Grade(key_result=kr, suggested=0.3, grade=0.3) for kr in krs])
    Cycle.objects.filter(pk=prev.pk).update(state="closed")
    prev.refresh_from_db()
    return prev


def test_a_closed_quarter_is_counted_week_by_week_and_only_once(history):
    assert services.count_outcomes(None) == SIMILAR
    assert OutcomeCount.objects.get(cycle=history).key_results == SIMILAR
    # Week 4 (index 3, the fourth week): the reading of day 24 put them 60 % of the way.
    week4 = SimilarOutcome.objects.get(cycle=history, kind="increase", week=3)
    assert (week4.progress, week4.grade, week4.n) == (6, 3, SIMILAR)
    assert SimilarOutcome.objects.get(cycle=history, week=12).progress == 3
    table = outcomes.table(["increase"])
    assert table[("increase", 3, 6)][3] == SIMILAR
    assert services.count_outcomes(None) == 0  # nothing changed since
    with clock.at(clock.now() + dt.timedelta(minutes=1)):
        kr = KeyResult.objects.get(key="KP0")
        Grade.objects.filter(key_result=kr).update(graded_at=clock.now())
        assert services.count_outcomes(None) == SIMILAR  # a grade changed: counted again


def _weeks(plan, weeks):
    kr = plan.kr_sales
    for week, value in weeks:
        with clock.at(plan.quarter.start + dt.timedelta(days=7 * week + 3)):
            okrs.record_checkin(None, kr, value=value, confidence=8)
    return plan.quarter.start + dt.timedelta(days=7 * weeks[-1][0] + 3)


def test_a_forecast_from_similar_key_results_raises_the_at_risk_flag(plan, history):
    # Without the history, a key result racing ahead is not at risk: its trend reaches
    # the target.
    day = _weeks(plan, [(0, 21), (1, 23), (2, 26), (3, 29)])
    assert not Flag.objects.filter(key_result=plan.kr_sales, code="forecast-miss").exists()
    # Thirty key results of last quarter were as far along in the same week and all ended
    # at 0.3: counted tonight, the forecast's top is under 0.7 and the flag is raised.
    services.count_outcomes(None)
    with clock.at(day):
        result = evaluate_flags(None, today=day)
    [flag] = Flag.objects.filter(key_result=plan.kr_sales, code="forecast-miss",
                                 cleared_on__isnull=True)
    assert flag in result.raised
    assert f"n = {SIMILAR}" in flag.message and "under 0.7" in flag.message
    # The next check-in is judged with the history too: the flag stays open.
    _weeks(plan, [(4, 30)])
    assert Flag.objects.filter(key_result=plan.kr_sales, code="forecast-miss",
                               cleared_on__isnull=True).count() == 1


def test_the_forecast_is_on_the_key_result_page_the_analytics_page_and_the_api(plan, history):
    services.count_outcomes(None)
    day = _weeks(plan, [(0, 21), (1, 23), (2, 26), (3, 29)])
    with clock.everywhere(day):
        services.refresh_forecasts(None, today=day)
        stored = StoredForecast.objects.get(key_result=plan.kr_sales)
        assert stored.similar == SIMILAR and stored.trend_grade == 1.0
        assert 0 <= stored.low <= stored.grade <= stored.high < 0.7
        client = Client()
        client.login(username=plan.viewer.email, password=PASSWORD)
        page = client.get("/key-results/KR1/").content.decode()
        assert "Grade forecast" in page and f"n = {SIMILAR}" in page
        assert f"{stored.grade:.1f}" in page
        listed = client.get("/analytics/").content.decode()
        assert "Similar (n)" in listed and f"<td>{SIMILAR}</td>" in listed
        api = ApiClient(org.create_token(None, plan.office))
        listed = api.get("/analytics/forecast").json()
        [row] = [r for r in listed["items"] if r["key_result"] == "KR1"]
        assert row["similar"] == SIMILAR and row["grade"] == pytest.approx(stored.grade, abs=0.01)
        assert listed == {"items": [row], "count": 1}
        # A list like the others: paged, with the count of the whole list on every page.
        assert api.get("/analytics/forecast", limit=1).json() == listed
        assert api.get("/analytics/forecast", limit=1, offset=1).json() == {"items": [],
                                                                            "count": 1}


def test_a_key_result_of_a_closed_quarter_has_no_forecast_panel(plan, history):
    client = Client()
    client.login(username=plan.viewer.email, password=PASSWORD)
    assert "Grade forecast" not in client.get("/key-results/KP0/").content.decode()
