"""WIP limits (issue #14 item 2): who sets them, the warning when an initiative starts over
the limit (API and page), the unit page, the analyzer's wip-over-limit, the CLI and the
flow page and API."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.analyzer.collect import collect
from hoshin.analyzer.rules import RULES, analyze
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Initiative
from hoshin.org import services as org
from hoshin.portfolio import selectors, services
from hoshin.portfolio.models import WipLimit
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(initiatives):
    return lambda who: ApiClient(org.create_token(None, who))


def _web(person) -> Client:
    client = Client()
    assert client.login(username=person.email, password=PASSWORD)
    return client


def test_the_unit_lead_and_the_strategy_office_set_a_limit_others_do_not(initiatives):
    p = initiatives
    assert services.set_wip_limit(p.lead, "sales", 2).limit == 2
    assert services.set_wip_limit(p.office, "ops", 1).limit == 1
    with pytest.raises(PermissionDenied):
        services.set_wip_limit(p.other_lead, "sales", 5)
    with pytest.raises(PermissionDenied):
        services.set_wip_limit(p.member, "sales", 5)
    for bad in (0, -1, 501, 2.5, True):
        with pytest.raises(DomainError) as e:
            services.set_wip_limit(p.lead, "sales", bad)
        assert e.value.errors[0].field == "limit"
    assert services.set_wip_limit(p.lead, "sales", None) is None
    assert not WipLimit.objects.filter(unit__key="sales").exists()
    assert WipLimit.history.filter(unit__key="sales").count() == 2  # set, then removed


def test_starting_an_initiative_over_the_limit_warns_in_the_api_and_still_starts(initiatives,
                                                                                  api):
    sales_lead = api(initiatives.lead)
    # Sales has I1 in progress; a limit of 1 is met, not exceeded.
    assert sales_lead.put("/portfolio/wip/sales", {"limit": 1}).json()["over_limit"] is False
    started = sales_lead.patch("/initiatives/I2", {"status": "in_progress"})
    assert started.status_code == 200, started.content
    body = started.json()
    assert body["status"] == "in_progress"
    assert len(body["warnings"]) == 1 and "over its WIP limit of 1" in body["warnings"][0]
    assert Initiative.objects.get(key="I2").status == "in_progress"
    # Blocked and back is no new start; an edit that does not start anything says nothing.
    for change in ({"status": "blocked"}, {"status": "in_progress"}, {"title": "Renamed"}):
        quiet = sales_lead.patch("/initiatives/I2", change).json()
        assert "warnings" not in quiet and quiet == sales_lead.get("/initiatives/I2").json()
    # A new initiative created in progress is a start too.
    made = sales_lead.post("/initiatives", {"id": "I5", "key_result": "KR1",
                                            "title": "Third thing", "status": "in_progress"})
    assert made.status_code == 201 and "WIP limit" in made.json()["warnings"][0]
    wip = sales_lead.get("/portfolio/wip", unit="sales").json()
    assert wip == [{"unit": "sales", "name": "Sales", "limit": 1, "in_progress": 3,
                    "over_limit": True, "initiatives": [
                        {"id": "I1", "title": "Installer referral bonus",
                         "status": "in_progress"},
                        {"id": "I2", "title": "Renamed", "status": "in_progress"},
                        {"id": "I5", "title": "Third thing",
                         "status": "in_progress"}]}]
    assert sales_lead.put("/portfolio/wip/ops", {"limit": 3}).status_code == 403
    assert sales_lead.put("/portfolio/wip/sales", {"limit": 0}).status_code in (400, 422)
    assert sales_lead.put("/portfolio/wip/sales", {"limit": None}).json()["limit"] is None


def test_the_status_form_shows_the_warning_and_the_unit_page_the_overload(initiatives):
    p = initiatives
    services.set_wip_limit(None, "sales", 1)
    web = _web(p.lead)
    page = web.get("/portfolio/flow/?unit=sales")
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 initiative in progress or blocked" in text and 'name="limit"' in text
    assert 'action="/portfolio/initiatives/I2/status/"' in text
    changed = web.post("/portfolio/initiatives/I2/status/", {"status": "in_progress"},
                       follow=True)
    text = changed.content.decode()
    assert "I2 is now in progress" in text and "over its WIP limit of 1" in text
    assert "over the limit by 1" in text
    unit_page = web.get("/units/sales/").content.decode()
    assert "Over its WIP limit" in unit_page and "2 initiatives in progress or blocked" in unit_page
    assert "WIP limit 1" in unit_page
    # The limit set from the page; a member may see the page but not set it.
    assert web.post("/portfolio/units/sales/wip-limit/", {"limit": "3"}).status_code == 302
    assert WipLimit.objects.get(unit__key="sales").limit == 3
    member = _web(p.member)
    assert member.post("/portfolio/units/sales/wip-limit/", {"limit": "9"}).status_code == 403
    assert 'name="limit"' not in member.get("/portfolio/flow/?unit=sales").content.decode()
    assert "Over its WIP limit" not in web.get("/units/sales/").content.decode()


def test_the_analyzer_reports_a_unit_over_its_limit(initiatives):
    p = initiatives
    assert RULES["wip-over-limit"].severity == "warning"

    def found():
        return [f for f in analyze(collect([p.quarter]), codes=["wip-over-limit"])]

    assert found() == []  # no limit, no finding
    services.set_wip_limit(None, "sales", 1)
    assert found() == []  # one in progress: at the limit
    okrs.save_initiative(None, Initiative.objects.get(key="I2"), status="in_progress")
    [finding] = found()
    assert finding.code == "wip-over-limit"
    assert [(i.type, i.id) for i in finding.items] == [("unit", "sales"), ("initiative", "I1"),
                                                       ("initiative", "I2")]
    assert "Sales has 2 initiatives in progress or blocked, over its WIP limit of 1" \
        in finding.message
    out = io.StringIO()
    call_command("check", "--rules", "--format", "json", stdout=out)
    assert "wip-over-limit" in out.getvalue()


def test_the_cli_sets_and_shows_limits_and_prints_the_flow(initiatives):
    out = io.StringIO()
    call_command("portfolio", "wip", "--unit", "sales", "--limit", "1", stdout=out)
    assert "Sales (sales): 1 in progress or blocked, limit 1" in out.getvalue()
    okrs.save_initiative(None, Initiative.objects.get(key="I2"), status="in_progress")
    out = io.StringIO()
    call_command("portfolio", "wip", "--format", "json", stdout=out)
    loads = json.loads(out.getvalue())
    assert loads[0]["unit"] == "sales" and loads[0]["over_limit"] is True
    assert {row["unit"] for row in loads} == {"sales", "ops"}  # ops: blocked work, no limit
    out = io.StringIO()
    call_command("portfolio", "wip", "--unit", "sales", "--no-limit", stdout=out)
    assert "no limit" in out.getvalue()
    out = io.StringIO()
    call_command("portfolio", "flow", "--unit", "sales", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["unit"] == "sales" and data["cycle"] == initiatives.quarter.key
    assert set(data["littles_law"]) >= {"average_wip", "departures_per_day",
                                         "average_time_in_wip_days", "ratio", "consistent"}
    assert data["throughput"]["n"] == 0 and len(data["wip"]) == data["days"]
    out = io.StringIO()
    call_command("portfolio", "flow", stdout=out)
    assert "Whole organisation" in out.getvalue() and "Little's law" in out.getvalue()
    # The ranking keeps its own options.
    out = io.StringIO()
    call_command("portfolio", "--unit", "sales", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == []


def test_the_flow_api_and_page(initiatives, api):
    p = initiatives
    viewer = api(p.viewer)
    data = viewer.get("/portfolio/flow", unit="sales").json()
    assert data["cycle"] == p.quarter.key and data["wip_limit"] is None
    assert data["wip"][-1]["wip"] == 1 and data["initiatives"] == 2
    assert data["cycle_time_days"]["mean"] == {"value": None, "n": 0}
    assert viewer.get("/portfolio/flow", cycle="1999-Q1").status_code == 404
    assert viewer.get("/portfolio/flow", unit="nope").status_code == 404
    web = _web(p.viewer)
    page = web.get(f"/portfolio/flow/?cycle={p.quarter.key}")
    text = page.content.decode()
    assert page.status_code == 200 and "Cumulative flow" in text and "<svg" in text
    assert "n = 0" in text and "Work in progress now, by unit" not in text  # no limit yet
    services.set_wip_limit(None, "sales", 1)
    text = web.get("/portfolio/flow/").content.decode()
    assert "Work in progress now, by unit" in text and ">Sales</a>" in text
    assert ">Operations</a>" not in text  # its work has no limit to be held against
    assert selectors.load_of(p.lead.led_units.get(key="sales")).in_progress == 1
