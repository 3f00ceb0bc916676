"""Planning data of the demo company."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from hoshin.okrs.models import Cycle
from hoshin.planning import services
from hoshin.planning.demo import load_demo
from hoshin.planning.models import AlignmentRound, Brief, ReadinessResponse

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 8, 14)


def test_demo_planning(db):
    call_command("demo", "--today", TODAY.isoformat(), "--no-migrate", stdout=io.StringIO(),
                 stderr=io.StringIO())
    load_demo(TODAY)
    year, nxt = Cycle.objects.get(key="2026"), Cycle.objects.get(key="2026-Q4")
    assert nxt.state == "draft"
    trend = services.readiness_trend(None)
    assert [p.cycle.key for p in trend] == ["2026", "2026-Q4"]
    assert trend[0].results.respondents == 5 and trend[1].results.respondents == 4
    assert trend[1].results.overall > trend[0].results.overall  # visible improvement
    assert any(r.dimension == "overload" for r in trend[0].results.recommendations)
    assert not services.survey_for(year).is_open and services.survey_for(nxt).is_open
    round_ = AlignmentRound.objects.get(cycle=nxt)
    assert round_.rankings.count() == 5 and round_.w >= round_.threshold
    assert services.gate(nxt).passed
    assert Brief.objects.filter(cycle__key__in=["2026-Q3", "2026-Q4"]).count() == 2
    # Loading again changes nothing.
    counts = (ReadinessResponse.objects.count(), AlignmentRound.objects.count())
    load_demo(TODAY)
    assert (ReadinessResponse.objects.count(), AlignmentRound.objects.count()) == counts
