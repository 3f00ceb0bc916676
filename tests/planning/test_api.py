"""The planning API: surveys, rounds, brief and the gate, with their permissions."""

import json

import pytest
from django.test import Client

from hoshin.okrs import services as okrs
from hoshin.org import services as org
from hoshin.planning import readiness

pytestmark = pytest.mark.django_db
BASE = "/api/v1/planning"


class Api:
    def __init__(self, person):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {org.create_token(None, person)}"}

    def get(self, path):
        return self.client.get(BASE + path, headers=self.headers)

    def send(self, method, path, data=None):
        return getattr(self.client, method)(BASE + path, json.dumps(data or {}),
                                            content_type="application/json",
                                            headers=self.headers)


@pytest.fixture
def api(plan):
    return lambda person: Api(person)


def all_answers(value=4):
    return {q.key: value for q in readiness.QUESTIONS}


def test_readiness_over_the_api(plan, api):
    office, lead, viewer = api(plan.office), api(plan.lead), api(plan.viewer)
    assert len(office.get("/questions").json()) == 4
    assert office.send("post", "/surveys", {"cycle": plan.year.key}).status_code == 201
    assert office.send("post", "/surveys", {"cycle": plan.year.key}).status_code == 409
    bad = lead.send("put", f"/surveys/{plan.year.key}/response",
                    {"answers": {**all_answers(), "trust_1": 6}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "answers.trust_1"
    missing = lead.send("put", f"/surveys/{plan.year.key}/response",
                        {"answers": {"trust_1": 3}})
    assert missing.status_code == 400
    assert {e["field"] for e in missing.json()["errors"]} >= {"answers.clarity_1"}
    ok = lead.send("put", f"/surveys/{plan.year.key}/response", {"answers": all_answers()})
    assert ok.status_code == 200 and ok.json()["scores"]["clarity"] == 3.5
    assert lead.get(f"/surveys/{plan.year.key}/response").json()["respondent"] == \
        "lead@acme.test"
    assert viewer.send("put", f"/surveys/{plan.year.key}/response",
                       {"answers": all_answers()}).status_code == 403
    # Private until three leaders answered; the office sees everything.
    assert lead.get(f"/surveys/{plan.year.key}/results").status_code == 403
    assert lead.get(f"/surveys/{plan.year.key}/responses").status_code == 403
    results = office.get(f"/surveys/{plan.year.key}/results").json()
    assert results["respondents"] == 1 and results["overall"] == 3.125  # (3.5 + 3 + 3 + 3) / 4
    assert len(office.get(f"/surveys/{plan.year.key}/responses").json()) == 1
    assert office.send("post", f"/surveys/{plan.year.key}/close").json()["open"] is False


def test_alignment_round_and_gate_over_the_api(plan, api):
    okrs.save_cycle(None, key="NEXT", kind="quarter", start=plan.quarter.start,
                    end=plan.quarter.end)
    office = api(plan.office)
    created = office.send("post", "/rounds", {
        "cycle": "NEXT", "title": "Q priorities",
        "items": ["A1", {"title": "Installer channel"}, {"link": "P1"}],
        "executives": [plan.admin.email, plan.lead.email], "threshold": 0.7})
    assert created.status_code == 201, created.json()
    body = created.json()
    ids = [i["id"] for i in body["items"]]
    assert [i["link"] for i in body["items"]] == ["A1", None, "P1"]
    assert api(plan.member).send("put", f"/rounds/{body['id']}/ranking",
                                 {"positions": {str(ids[0]): 1}}).status_code == 403
    for person in (plan.admin, plan.lead):
        r = api(person).send("put", f"/rounds/{body['id']}/ranking",
                             {"positions": {str(i): n for n, i in enumerate(ids, 1)}})
        assert r.status_code == 200
    assert office.get(f"/rounds/{body['id']}").json()["ranked"] == [plan.admin.email,
                                                                   plan.lead.email]
    assert office.get(f"/rounds/{body['id']}/results").status_code == 403  # sealed
    office.send("post", f"/rounds/{body['id']}/close")
    result = api(plan.viewer).get(f"/rounds/{body['id']}/results").json()
    assert result["w"] == 1.0 and result["passed"] and result["consensus"] == ids
    gate = office.get("/cycles/NEXT/gate").json()
    assert gate["passed"] and gate["w"] == 1.0
    moved = office.send("post", "/cycles/NEXT/move", {"state": "planning"})
    assert moved.status_code == 200 and moved.json()["state"] == "planning"


def test_move_refused_then_overridden_over_the_api(plan, api):
    okrs.save_cycle(None, key="NEXT", kind="quarter", start=plan.quarter.start,
                    end=plan.quarter.end)
    office = api(plan.office)
    refused = office.send("post", "/cycles/NEXT/move", {"state": "planning"})
    assert refused.status_code == 409
    assert {e["field"] for e in refused.json()["errors"]} == {"state", "override_reason"}
    assert api(plan.lead).send("post", "/cycles/NEXT/move", {
        "state": "planning", "override_reason": "x"}).status_code == 403
    moved = office.send("post", "/cycles/NEXT/move", {"state": "planning",
                                                      "override_reason": "Board deadline"})
    assert moved.status_code == 200
    assert moved.json()["overrides"][0]["reason"] == "Board deadline"
    assert moved.json()["overrides"][0]["by"] == "office@acme.test"


def test_brief_over_the_api(plan, api):
    office = api(plan.office)
    put = office.send("put", f"/briefs/{plan.quarter.key}", {"success": "A third via "
                                                                        "installers",
                                                             "risks": "Churn"})
    assert put.status_code == 200
    brief = api(plan.viewer).get(f"/briefs/{plan.quarter.key}").json()
    assert brief["success"] == "A third via installers" and brief["constraints"] == ""
    assert brief["themes"][0] == {"id": "T1", "title": "Installer channel",
                                  "success": "Installers sell a third of our units",
                                  "annual_objectives": ["A1"], "drafts": 1}
    assert api(plan.lead).send("put", f"/briefs/{plan.quarter.key}",
                               {"risks": "x"}).status_code == 403
    assert office.send("put", f"/briefs/{plan.year.key}", {"risks": "x"}).status_code == 400
    assert office.send("put", f"/briefs/{plan.quarter.key}", {"risk": "x"}).status_code == 422
