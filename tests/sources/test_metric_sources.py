"""Strategy metrics fed by data: each reading sets the metric's actual of the month, through
strategy's own service; failures leave every actual as it was. The peer is the HTTP server
of tests/sources/conftest.py, started by the test."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.core import clock
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.notify.models import OutboxMessage
from hoshin.sources import services
from hoshin.sources.models import Reading, Source
from hoshin.strategy import services as strategy
from hoshin.strategy.models import Metric, MetricActual
from tests.sources.conftest import TOKEN

pytestmark = pytest.mark.django_db


def month_actual(period: dt.date | None = None) -> MetricActual | None:
    period = period or clock.today().replace(day=1)
    return MetricActual.objects.filter(metric__key="M1", period=period).first()


@pytest.fixture
def fed_metric(plan, peer):
    peer.set_json("/kpi.json", {"data": {"total": 131}})
    services.add_source(plan.office, "M1", kind="http", url=f"{peer.url}/secure",
                        json_path="$.data.total", token=TOKEN)
    return plan


def test_a_reading_sets_the_actual_of_the_month(fed_metric, peer):
    strategy.record_metric_actual(None, Metric.objects.get(key="M1"),
                                  period=f"{clock.today():%Y-%m}", plan=150)
    outcome = services.sync_source(fed_metric.office, "M1")
    assert (outcome.result, outcome.value, outcome.period) == (
        "recorded", 131, f"{clock.today():%Y-%m}")
    row = month_actual()
    assert (row.plan, row.actual) == (150, 131)  # the plan of the month stays
    reading = Reading.objects.get()
    assert reading.metric_actual == row and reading.checkin is None and reading.value == 131
    assert services.sync_source(fed_metric.office, "M1").result == "unchanged"
    peer.set_json("/kpi.json", {"data": {"total": 140}})
    assert services.sync_source(fed_metric.office, "M1").result == "recorded"
    assert month_actual().actual == 140 and Reading.objects.count() == 2


def test_each_month_keeps_its_own_actual(fed_metric, peer):
    this_month = clock.today().replace(day=1)
    services.sync_source(None, "M1")
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    peer.set_json("/kpi.json", {"data": {"total": 155}})
    with clock.at(next_month):
        assert services.sync_source(None, "M1").period == f"{next_month:%Y-%m}"
    assert month_actual(this_month).actual == 131 and month_actual(next_month).actual == 155


def test_a_failure_changes_no_actual_and_the_owner_hears_of_a_streak(plan, peer):
    metric = Metric.objects.get(key="M1")
    metric.owner = plan.lead
    metric.save()
    strategy.record_metric_actual(None, metric, period=f"{clock.today():%Y-%m}", actual=120)
    services.add_source(plan.lead, "M1", kind="http", url=f"{peer.url}/broken",
                        json_path="$.data.total")
    for _ in range(3):
        outcome = services.sync_source(None, "M1")
    assert outcome.result == "failed" and "500" in outcome.error
    assert month_actual().actual == 120 and not Reading.objects.exists()
    told = OutboxMessage.objects.get(kind="source-failing")
    assert told.recipient == plan.lead and "/strategy/metrics/M1/#source" in told.url


def test_who_may_feed_a_metric(plan, peer):
    url = f"{peer.url}/kpi.json"
    with pytest.raises(PermissionDenied):
        services.add_source(plan.member, "M1", kind="http", url=url, json_path="$.data.total")
    with pytest.raises(PermissionDenied):
        services.add_source(plan.lead, "M1", kind="http", url=url, json_path="$.data.total")
    metric = Metric.objects.get(key="M1")
    metric.owner = plan.lead
    metric.save()
    services.add_source(plan.lead, "M1", kind="http", url=url, json_path="$.data.total")
    with pytest.raises(DomainError) as error:
        services.add_source(plan.office, "M1", kind="children", combine="sum")
    assert error.value.errors[0].field == "kind"
    assert Source.objects.get().metric == metric  # the refused change left it as it was


def test_the_periodic_job_reads_metric_sources_too(fed_metric):
    assert {o.key_result for o in services.sync_due()} == {"M1"}
    assert month_actual().actual == 131


def test_the_cli_feeds_a_metric_from_a_csv_file(plan, tmp_path):
    sheet = tmp_path / "installs.csv"
    sheet.write_text("month,installs\n2026-10,118\n2026-11,126\n")
    out = io.StringIO()
    call_command("sources", "add", "M1", "--csv", str(sheet), "--column", "installs",
                 stdout=out)
    assert "M1 is fed by CSV file" in out.getvalue()
    out = io.StringIO()
    call_command("sources", "sync", "M1", format="json", stdout=out)
    [synced] = json.loads(out.getvalue())
    assert synced["metric"] == "M1" and synced["value"] == 126 and synced["checkin"] is None
    out = io.StringIO()
    call_command("sources", "list", format="json", stdout=out)
    [listed] = json.loads(out.getvalue())
    assert (listed["metric"], listed["key_result"], listed["value"]) == ("M1", None, 126)
    assert month_actual().actual == 126


def test_the_api_and_the_metric_page(plan, peer, as_):
    office = as_(plan.office)
    created = office.post("/sources", {"key_result": "M1", "kind": "http",
                                       "url": f"{peer.url}/secure", "json_path": "$.data.total",
                                       "token": TOKEN})
    assert created.status_code == 201, created.content
    assert created.json()["metric"] == "M1" and created.json()["key_result"] is None
    assert TOKEN not in created.content.decode()
    synced = office.post("/sources/M1/sync").json()
    assert synced["result"] == "recorded" and synced["period"] == f"{clock.today():%Y-%m}"
    assert as_(plan.member).post("/sources/M1/sync").status_code == 403

    client = Client()
    client.force_login(plan.office)
    page = client.get("/strategy/metrics/M1/").content.decode()
    assert 'id="source"' in page and "Each reading sets this month's actual" in page
    assert "/sources/M1/sync" in page
    answer = client.post("/sources/M1/sync", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "unchanged, nothing to record" in answer.content.decode()
    viewer = Client()
    viewer.force_login(plan.viewer)
    assert "/sources/M1/sync" not in viewer.get("/strategy/metrics/M1/").content.decode()
    assert viewer.post("/sources/M1/sync").status_code == 403
