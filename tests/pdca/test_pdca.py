"""Countermeasures open themselves for off-track key results and red months, are worked
through five whys to a checked result, and feed a searchable learnings library."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.notify import outbox
from hoshin.okrs import services as okrs
from hoshin.org import services as org
from hoshin.pdca import services
from hoshin.pdca.models import Countermeasure, Learning
from hoshin.strategy import services as strategy
from hoshin.strategy.models import Metric
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def troubled(plan):
    today = dt.date.today()
    okrs.record_checkin(None, plan.kr_sales, value=20, confidence=2,
                        date=max(plan.quarter.start, today))
    metric = Metric.objects.get(key="M1")
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    strategy.record_metric_actual(None, metric, period=month.strftime("%Y-%m"), plan=150,
                                  actual=100)
    return plan


def test_off_track_key_results_and_red_months_open_countermeasures_once(troubled, mailoutbox):
    today = dt.date.today()
    opened = services.open_due_countermeasures(None, today=today)
    subjects = sorted(c.subject for c in opened)
    assert any(s.startswith("KR1 ") for s in subjects)
    assert any(s.startswith("Installations per month") for s in subjects)
    kr_cm = Countermeasure.objects.get(key_result=troubled.kr_sales)
    assert kr_cm.owner == troubled.member and kr_cm.opened_automatically
    assert "off track" in kr_cm.problem
    red = Countermeasure.objects.get(metric__key="M1")
    assert "missed plan" in red.problem and "against a plan of 150" in red.problem
    # The next day finds nothing new.
    assert services.open_due_countermeasures(None, today=today + dt.timedelta(days=1)) == []
    outbox.deliver_pending()
    assert [m.to for m in mailoutbox if "Countermeasure" in m.subject] == [["member@acme.test"]]


def test_a_countermeasure_is_worked_through_five_whys_to_a_checked_result(troubled):
    cm = services.open_countermeasure(troubled.member, problem="Installers are not selling",
                                      key_result=None)
    whys = ["They lack leads", "Marketing sends leads to direct sales", "Routing rule",
            "Nobody owns routing", "No owner since the reorg"]
    services.update_countermeasure(troubled.member, cm, whys=[*whys, ""],
                                   root_cause="No owner of lead routing",
                                   countermeasure="Route 30 % of leads to installers",
                                   due=dt.date(2026, 12, 1), check_on=dt.date(2026, 12, 15))
    with pytest.raises(DomainError) as error:
        services.update_countermeasure(troubled.member, cm, status="closed")
    assert error.value.errors[0].field == "result"
    with pytest.raises(DomainError):
        services.update_countermeasure(troubled.member, cm, whys=[*whys, "sixth"])
    cm = services.update_countermeasure(troubled.member, cm, status="closed",
                                        result="Installer share up 4 points",
                                        today=dt.date(2026, 12, 16))
    assert cm.whys == whys and cm.closed_on == dt.date(2026, 12, 16)


def test_overdue_countermeasures_are_listed_for_review_agendas(troubled):
    late = services.open_countermeasure(None, problem="Late", due=dt.date(2026, 11, 1))
    services.open_countermeasure(None, problem="Not yet", due=dt.date(2026, 12, 1))
    assert list(services.overdue_countermeasures(dt.date(2026, 11, 22))) == [late]
    services.update_countermeasure(None, late, status="abandoned")
    assert list(services.overdue_countermeasures(dt.date(2026, 11, 22))) == []


def test_only_the_owner_their_lead_and_the_office_work_on_a_countermeasure(troubled):
    services.open_due_countermeasures(None)
    cm = Countermeasure.objects.get(key_result=troubled.kr_sales)
    services.update_countermeasure(troubled.lead, cm, root_cause="Pricing")
    with pytest.raises(PermissionDenied):
        services.update_countermeasure(troubled.other_lead, cm, root_cause="x")
    with pytest.raises(PermissionDenied):
        services.update_countermeasure(troubled.viewer, cm, root_cause="x")


def test_learnings_are_found_by_words_tags_and_unit_and_adopted_by_other_units(troubled):
    a = services.create_learning(troubled.lead, title="Weekly installer calls",
                                 worked="A short call every Monday doubled installer leads",
                                 tags="Installers, sales calls", unit="sales")
    services.create_learning(troubled.other_lead, title="Van stock checklist",
                             did_not_work="Daily stock counts took too long", tags=["vans"],
                             unit="ops")
    assert [x.title for x in services.search_learnings("installer leads")] == [a.title]
    assert [x.title for x in services.search_learnings(tags=["sales-calls"])] == [a.title]
    assert [x.title for x in services.search_learnings(unit="ops")] == ["Van stock checklist"]
    services.adopt_learning(troubled.other_lead, a, unit="ops", note="Monday calls with fitters")
    assert {x.title for x in services.search_learnings(unit="ops")} == {
        "Van stock checklist", "Weekly installer calls"}
    with pytest.raises(DomainError):
        services.adopt_learning(troubled.other_lead, a, unit="ops")
    with pytest.raises(PermissionDenied):
        services.adopt_learning(troubled.member, a, unit="ops")
    with pytest.raises(PermissionDenied):
        services.create_learning(troubled.viewer, title="x", worked="y")


def client_for(email):
    client = Client()
    assert client.login(email=email, password=PASSWORD)
    return client


def test_the_pages_show_countermeasures_and_the_library(troubled):
    services.open_due_countermeasures(None)
    cm = Countermeasure.objects.get(key_result=troubled.kr_sales)
    member = client_for("member@acme.test")
    assert "KR1" in member.get("/pdca/").content.decode()
    page = member.post(f"/pdca/{cm.pk}/", {
        "problem": cm.problem, "why1": "No leads", "root_cause": "Routing",
        "countermeasure": "Fix routing", "status": "checked", "result": ""})
    assert page.status_code == 400 and "write what the check showed" in page.content.decode()
    assert client_for("viewer@acme.test").post(f"/pdca/{cm.pk}/", {}).status_code == 403
    learning = services.create_learning(troubled.lead, title="Routing by postcode",
                                        worked="Leads reached installers in a day", unit="sales")
    lib = client_for("viewer@acme.test").get("/learnings/", {"q": "postcode"}).content.decode()
    assert "Routing by postcode" in lib
    ops = client_for("opslead@acme.test")
    assert ops.post(f"/learnings/{learning.pk}/", {"unit": "ops", "note": "try"}).status_code \
        == 302
    assert "Operations" in ops.get(f"/learnings/{learning.pk}/").content.decode()


def test_api_and_cli(troubled):
    member = ApiClient(org.create_token(None, troubled.member))
    created = member.post("/countermeasures", {"problem": "Leads stuck", "key_result": "KR1",
                                               "due": "2026-11-01"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"] == "member@acme.test" and body["key_result"] == "KR1"
    patched = member.patch(f"/countermeasures/{body['id']}", {"whys": ["a", "b"]}).json()
    assert patched["whys"] == ["a", "b"]
    assert member.post("/learnings", {"title": "T", "worked": "W", "tags": ["X y"]}).json()[
        "tags"] == ["x-y"]
    assert [x["title"] for x in member.get("/learnings", q="T").json()] == ["T"]
    out = io.StringIO()
    call_command("countermeasures", "--overdue", stdout=out)
    assert "OVERDUE" in out.getvalue() and "KR1" in out.getvalue()
    out = io.StringIO()
    call_command("learnings", "T", stdout=out)
    assert "#x-y" in out.getvalue()
    assert Learning.objects.count() == 1
