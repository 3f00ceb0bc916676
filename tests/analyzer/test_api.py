import pytest

from hoshin.okrs import services as okrs
from hoshin.org import services as org
from tests.api.conftest import ApiClient


@pytest.fixture
def as_(plan):
    return lambda who: ApiClient(org.create_token(None, who))


def test_check_answers_the_same_json_as_the_cli(plan, as_):
    okrs.save_objective(None, key="O9", cycle=plan.quarter.key, unit="sales",
                        title="Win the Nordic market")

    response = as_(plan.viewer).get("/check", cycle=plan.quarter.key)

    assert response.status_code == 200
    doc = response.json()
    assert list(doc)[0] == "findings" and doc["cycles"] == [plan.quarter.key]
    orphan = next(f for f in doc["findings"] if f["code"] == "orphan-objective")
    assert list(orphan) == ["code", "severity", "message", "items"]
    assert orphan["severity"] == "error" and orphan["items"][0]["id"] == "O9"
    assert doc["counts"]["error"] >= 1


def test_check_of_an_unknown_cycle_is_a_404_naming_the_field(plan, as_):
    response = as_(plan.member).get("/check", cycle="nope")
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "cycle"


def test_check_needs_authentication(plan):
    assert ApiClient().get("/check").status_code == 401


def test_draft_findings_in_the_context_of_the_plan(plan, as_):
    draft = {"unit": "sales", "title": "Win the Nordic market", "kind": "committed",
             "key_results": [
                 {"title": "Launch the new website", "owner": plan.member.email,
                  "kind": "milestone"},
                 {"title": "Nordic installers from 0 to 40", "owner": "Sales team",
                  "kind": "increase", "baseline": 0, "target": 40},
                 {"title": "Reseller margin up", "kind": "increase"},
             ]}

    response = as_(plan.lead).post("/check/draft", draft)

    assert response.status_code == 200, response.json()
    found = {(f["code"], f["items"][0]["id"]) for f in response.json()["findings"]}
    assert ("orphan-objective", "draft") in found
    assert ("output-kr", "draft-kr-1") in found
    assert ("shared-owner", "draft-kr-2") in found
    assert ("missing-owner", "draft-kr-3") in found
    assert ("unmeasurable-kr", "draft-kr-3") in found
    # Only the draft's findings: the stored plan's own are not repeated.
    assert all(any(i["id"].startswith("draft") for i in f["items"])
               for f in response.json()["findings"])


def test_draft_counts_against_the_units_limit(plan, as_):
    for i in range(2):
        okrs.save_objective(None, key=f"O1{i}", cycle=plan.quarter.key, unit="sales",
                            title=f"Sales goal {i}", parent="P1")
    draft = {"unit": "sales", "title": "Grow the installer channel", "parent": "P1"}

    codes = {f["code"] for f in as_(plan.lead).post("/check/draft", draft).json()["findings"]}

    assert "too-many-objectives" in codes


def test_draft_with_an_unknown_unit(plan, as_):
    response = as_(plan.lead).post("/check/draft", {"unit": "nope", "title": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "unit"


def test_settings_read_by_all_changed_by_the_strategy_office(plan, as_):
    assert as_(plan.viewer).get("/check/settings").json()["max_objectives"] == 3

    assert as_(plan.lead).patch("/check/settings", {"max_objectives": 4}).status_code == 403
    response = as_(plan.office).patch("/check/settings", {"max_objectives": 4})
    assert response.status_code == 200 and response.json()["max_objectives"] == 4
    assert as_(plan.office).patch("/check/settings", {"max_krs": 0}).status_code == 422
    assert as_(plan.member).get("/check/settings").json()["max_objectives"] == 4


def test_dependency_request_accept_decline(plan, as_):
    lead, ops_lead = as_(plan.lead), as_(plan.other_lead)
    response = lead.post("/dependencies", {"key_result": "KR1", "providing_unit": "ops",
                                           "description": "Install slots"})
    assert response.status_code == 201, response.json()
    dep = response.json()
    assert dep["state"] == "requested" and dep["requested_by"] == plan.lead.email

    assert lead.post(f"/dependencies/{dep['id']}/accept", {}).status_code == 403
    # Accepting is a commitment: what will be delivered, and by when.
    vague = ops_lead.post(f"/dependencies/{dep['id']}/accept", {"note": "Slots held"})
    assert vague.status_code == 400
    assert {e["field"] for e in vague.json()["errors"]} == {"deliverable", "due"}
    due = plan.quarter.end.isoformat()
    response = ops_lead.post(f"/dependencies/{dep['id']}/accept",
                             {"note": "Slots held", "deliverable": "Two install slots a week",
                              "due": due})
    assert response.status_code == 200
    assert response.json()["state"] == "accepted"
    assert response.json()["deliverable"] == "Two install slots a week"
    assert response.json()["due"] == due and response.json()["late"] is False
    assert response.json()["decided_by"] == plan.other_lead.email
    listed = lead.get("/dependencies", unit="ops").json()
    assert [d["id"] for d in listed["items"]] == [dep["id"]]

    # Declining needs its reason, so the other unit can plan without the work.
    assert ops_lead.post(f"/dependencies/{dep['id']}/decline", {}).status_code == 400
    response = ops_lead.post(f"/dependencies/{dep['id']}/decline", {"note": "No crews free"})
    assert response.json()["state"] == "declined"
    assert response.json()["deliverable"] == "" and response.json()["due"] is None
    assert as_(plan.viewer).post("/dependencies", {
        "key_result": "KR1", "providing_unit": "ops", "description": "x"}).status_code == 403
