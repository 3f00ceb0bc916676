"""Catchball over the REST API: the same exchange, inbox, overview and calendar."""

import pytest

from hoshin.org import services as org
from hoshin.strategy.models import ImprovementPriority
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(plan):
    return lambda who: ApiClient(org.create_token(None, who))


def test_exchange_over_the_api(plan, as_):
    office, lead = as_(plan.office), as_(plan.lead)
    response = office.post("/catchball", {"element": "P1", "unit": "sales", "target": 40,
                                          "comment": "Can you make 40?"})
    assert response.status_code == 201, response.json()
    thread = response.json()
    assert thread["state"] == "open" and thread["waiting_on"] == "unit"
    assert thread["version"]["target"] == 40 and thread["actions"] == ["withdraw", "delegate"]
    tid = thread["id"]

    inbox = lead.get("/catchball/inbox").json()
    assert [t["id"] for t in inbox["awaiting"]] == [tid]
    assert inbox["awaiting"][0]["actions"] == ["respond", "accept", "delegate"]

    response = lead.post(f"/catchball/{tid}/respond", {
        "contribution": "30 is realistic", "needs_people": "1 channel manager",
        "help_from": ["ops"], "target": 30})
    assert response.status_code == 200, response.json()
    assert response.json()["rounds"][1]["help_from"] == ["ops"]
    assert lead.post(f"/catchball/{tid}/accept").status_code == 409  # not their turn

    response = office.post(f"/catchball/{tid}/accept", {"comment": "OK"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "agreed" and body["version"]["target"] == 30
    assert [r["kind"] for r in body["rounds"]] == ["propose", "respond", "accept"]
    assert office.get("/catchball", state="agreed").json()["count"] == 1
    assert office.get("/catchball", element="P1").json()["items"][0]["id"] == tid
    assert ImprovementPriority.objects.get(key="P1").title == "Sell through installers"


def test_errors_name_the_field(plan, as_):
    office = as_(plan.office)
    response = office.post("/catchball", {"element": "P1", "unit": "mars"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "unit", "message": 'unknown unit "mars"'}]
    response = office.post("/catchball", {"element": "P1", "unit": "sales", "colour": "red"})
    assert response.status_code == 422
    assert as_(plan.member).post("/catchball", {"element": "P1", "unit": "sales"}
                                 ).status_code == 403
    assert office.get("/catchball/12345").status_code == 404


def test_overview_and_calendar(plan, as_):
    office = as_(plan.office)
    response = office.put("/planning-deadlines", {"cycle": plan.year.key,
                                                  "what": "catchball_response",
                                                  "due": "2020-02-01"})
    assert response.status_code == 200, response.json()
    assert office.get("/planning-deadlines").json()[0]["due"] == "2020-02-01"
    assert as_(plan.lead).put("/planning-deadlines", {
        "cycle": plan.year.key, "what": "catchball_response", "due": "2020-02-01"}
    ).status_code == 403
    office.post("/catchball", {"element": "P1", "unit": "sales"})
    [row] = office.get("/catchball/overview").json()
    assert row["unit"] == "sales" and row["overdue"] == 1 and row["unanswered"] == 1
    assert as_(plan.lead).get("/catchball/overview").status_code == 403


@pytest.fixture
def in_process_wsgi():
    """Calls to the WSGI app run inside the test's transaction: keep its connection open
    (as in tests/api/test_schemathesis.py)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_catchball_read_matches_the_openapi_document(plan, in_process_wsgi):
    """Real threads in every state, read through each GET endpoint and checked against the
    published document (schemathesis)."""
    from hoshin.catchball import services
    from tests.api.test_schemathesis import CHECKS, schema

    agreed = services.propose(plan.office, element="P1", unit="sales", target=40)
    services.respond(plan.lead, agreed, needs_people="1", help_from=["ops"], target=30)
    services.accept(plan.office, agreed)
    services.propose(plan.office, element="KR1", unit="ops")
    services.set_deadline(plan.office, cycle=plan.year.key, what="catchball_agreement",
                          due="2030-01-01")
    token = org.create_token(None, plan.office)
    paths = {"/api/v1/catchball", "/api/v1/catchball/inbox", "/api/v1/catchball/overview",
             "/api/v1/catchball/{id}", "/api/v1/planning-deadlines"}
    seen = set()
    for operation in schema.include(method="GET").get_all_operations():
        operation = operation.ok()
        if operation.path not in paths:
            continue
        params = {"id": agreed.pk} if "{id}" in operation.path else None
        case = operation.Case(path_parameters=params)
        response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                                          checks=CHECKS)
        assert response.status_code == 200, (operation.path, response.text)
        seen.add(operation.path)
    assert seen == paths
