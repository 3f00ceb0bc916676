"""The flags page, the API and `hoshin flags`."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.flags.models import Flag, FlagSettings
from hoshin.okrs import services as okrs
from hoshin.org import services as org
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocked(plan):
    day = max(plan.quarter.start, dt.date.today())
    okrs.record_checkin(None, plan.kr_sales, value=21, confidence=6,
                        blockers="Waiting for the price list", date=day)
    return plan


def as_(person):
    return ApiClient(org.create_token(None, person))


def client_for(email):
    client = Client()
    assert client.login(email=email, password=PASSWORD)
    return client


def test_the_flags_page_lists_open_flags_by_unit_with_the_reason(blocked):
    page = client_for("viewer@acme.test").get("/flags/").content.decode()
    assert "Waiting for the price list" in page
    assert "/key-results/KR1/" in page and "Sales" in page
    assert "Margins" not in page  # only the strategy office tunes them
    ops = client_for("viewer@acme.test").get("/flags/", {"unit": "ops"}).content.decode()
    assert "Waiting for the price list" not in ops


def test_only_the_strategy_office_changes_the_margins(blocked):
    assert client_for("lead@acme.test").post("/flags/settings/",
                                             {"silent_days": 7}).status_code == 403
    office = client_for("office@acme.test")
    response = office.post("/flags/settings/", {
        "behind_pace_points": 15, "confidence_drop": 2, "low_confidence": 4, "silent_days": 10,
        "forecast_shortfall_points": 5})
    assert response.status_code == 302
    assert FlagSettings.current().silent_days == 10
    bad = office.post("/flags/settings/", {
        "behind_pace_points": 0, "confidence_drop": 2, "low_confidence": 4, "silent_days": 10,
        "forecast_shortfall_points": 5})
    assert bad.status_code == 400 and "must be a whole number from 1 to 100" in \
        bad.content.decode()


def test_the_api_lists_flags_and_guards_the_settings(blocked):
    body = as_(blocked.viewer).get("/flags", unit="sales").json()
    assert body["count"] == Flag.objects.filter(cleared_on__isnull=True).count() >= 1
    item = next(i for i in body["items"] if i["code"] == "blockers")
    assert item["key_result"] == "KR1" and item["owner"] == "member@acme.test"
    assert "Waiting for the price list" in item["message"] and item["cleared_on"] is None
    assert as_(blocked.member).put("/flag-settings", {"silent_days": 5}).status_code == 403
    ok = as_(blocked.office).put("/flag-settings", {"silent_days": 5})
    assert ok.status_code == 200 and ok.json()["silent_days"] == 5
    assert as_(blocked.office).put("/flag-settings", {"silent_days": 0}).status_code in (400, 422)
    assert ApiClient().get("/flags").status_code == 401


def test_the_cli_prints_flags_as_text_and_json(blocked):
    out = io.StringIO()
    call_command("flags", "--format", "json", stdout=out)
    flags = json.loads(out.getvalue())["flags"]
    assert {"key_result": "KR1", "code": "blockers"}.items() <= next(
        f for f in flags if f["code"] == "blockers").items()
    out = io.StringIO()
    call_command("flags", "--unit", "ops", stdout=out)
    assert "KR1" not in out.getvalue()
