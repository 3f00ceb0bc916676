"""Execution analytics on a plan with graded key results: counted by the database, the
same through the CLI, the API and the page, one person's figures kept to that person and
the strategy office."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.analytics import report, selectors, services
from hoshin.analytics.selectors import Scope
from hoshin.closing import services as closing
from hoshin.core import clock
from hoshin.okrs import services as okrs
from hoshin.okrs.models import KeyResult
from hoshin.org import services as org
from hoshin.org.models import Unit
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _checkin(kr, day, value, confidence):
    okrs.record_checkin(None, kr, value=value, confidence=confidence, date=day)


@pytest.fixture
def graded(plan):
    """KR1 (Sales, committed) checked in every week at confidence 8 and reached; KR3
    (Operations) checked in twice, at confidence 9 then 6, and missed."""
    q = plan.quarter
    kr1, kr3 = KeyResult.objects.get(key="KR1"), KeyResult.objects.get(key="KR3")
    with clock.at(q.end):
        _history(q, kr1, kr3)
    return plan


def _history(q, kr1, kr3):
    day, value = q.start, 20.0
    while day <= q.end:
        _checkin(kr1, day, value, 8)
        value = min(35.0, value + 1.5)
        day += dt.timedelta(days=7)
    _checkin(kr1, q.start + dt.timedelta(days=1), 20.5, 8)  # same week: not a new week
    _checkin(kr3, q.start, 30, 9)
    _checkin(kr3, q.start + dt.timedelta(days=15), 29, 6)
    closing.grade_key_result(None, kr1, grade=1.0, reason="delivered")
    closing.grade_key_result(None, kr3, grade=0.1, reason="barely moved")


def test_regularity_counts_weeks_with_a_check_in_once_each(graded):
    q = graded.quarter
    bands, n = selectors.regularity(Scope())
    assert n == 2
    top = bands[-1]
    assert (top.n, top.reached) == (1, 1)  # KR1: every week
    low = [b for b in bands if b.n and b is not top]
    assert len(low) == 1 and low[0].reached == 0  # KR3: 2 of the quarter's weeks
    weeks = (q.end - q.start).days // 7 + 1
    assert low[0].low <= 2 / weeks < low[0].high


def test_calibration_reads_each_check_in_as_a_forecast_of_the_outcome(graded):
    cal = selectors.calibration(Scope())
    by_confidence = {b.confidence: (b.n, b.hits) for b in cal.bins}
    kr1_checkins = by_confidence[8][0]
    assert by_confidence[8] == (kr1_checkins, kr1_checkins)  # all on the reached KR1
    assert by_confidence[9] == (1, 0) and by_confidence[6] == (1, 0)
    expected = (kr1_checkins * (0.8 - 1) ** 2 + 0.9 ** 2 + 0.6 ** 2) / (kr1_checkins + 2)
    assert cal.brier == pytest.approx(expected)
    assert cal.key_results == 2
    # One unit's figures are its own.
    ops = selectors.calibration(Scope(unit=Unit.objects.get(key="ops")))
    assert ops.n == 2 and ops.key_results == 1


def test_an_aspirational_key_result_counts_as_reached_at_seven_tenths(graded):
    okrs.save_objective(None, okrs.Objective.objects.get(key="O2"), kind="aspirational")
    closing.grade_key_result(None, KeyResult.objects.get(key="KR3"), grade=0.7,
                             reason="stretch reached")
    cal = selectors.calibration(Scope(unit=Unit.objects.get(key="ops")))
    assert sum(b.hits for b in cal.bins) == 2


def test_the_cli_prints_calibration_json_with_brier_and_n(graded):
    out = io.StringIO()
    call_command("analytics", "calibration", format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["n"] == sum(b["n"] for b in data["bins"]) and 0 <= data["brier"] <= 1
    out = io.StringIO()
    call_command("analytics", "regularity", unit="sales", stdout=out)
    assert "Graded key results of Sales: 1" in out.getvalue()


def test_trends_are_counted_by_the_job_and_read_from_the_store(graded):
    assert report.trends_dict()["not_counted"] == [graded.quarter.key]
    services.refresh_trends(None)
    quarters = report.trends_dict()["quarters"]
    assert [q["cycle"] for q in quarters] == [graded.quarter.key]
    assert quarters[0]["objectives"] == 2 and quarters[0]["key_results"] == 3
    out = io.StringIO()
    call_command("analytics", "trends", format="json", stdout=out)
    assert json.loads(out.getvalue())["quarters"][0]["key_results"] == 3


def test_the_api_keeps_one_persons_figures_to_them_and_the_strategy_office(graded):
    member = graded.member  # owns KR1
    as_member = ApiClient(org.create_token(None, member))
    mine = as_member.get("/analytics/calibration", person=member.email)
    assert mine.status_code == 200 and mine.json()["key_results"] == 1
    theirs = as_member.get("/analytics/calibration", person=graded.other_lead.email)
    assert theirs.status_code == 403
    office = ApiClient(org.create_token(None, graded.office))
    assert office.get("/analytics/regularity", person=graded.other_lead.email).status_code == 200
    assert as_member.get("/analytics/regularity").json()["n"] == 2
    assert as_member.get("/analytics/forecast", unit="nope").status_code == 404
    assert as_member.get("/analytics/trends").json()["not_counted"] == [graded.quarter.key]


def test_the_page_shows_every_figure_with_its_sample_size(graded):
    client = Client()
    client.login(username=graded.viewer.email, password=PASSWORD)
    html = client.get("/analytics/").content.decode()
    assert "n = 2" in html and "Brier score" in html and "reliability" in html
    assert "@acme.test" not in html
    assert client.get(f"/analytics/?person={graded.member.pk}").status_code == 403
    assert client.get("/analytics/?person=me").status_code == 200
