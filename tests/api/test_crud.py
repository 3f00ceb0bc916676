"""Every collection: create → read → update → list with filters → archive → gone from the
default list (and back with ?archived=true)."""

import datetime as dt
from dataclasses import dataclass

import pytest

from hoshin.okrs.models import KeyResult
from hoshin.strategy.models import Vision

YEAR = dt.date.today().year


@dataclass
class Case:
    collection: str
    create: dict
    patch: dict
    filters: dict
    # a filter value that must leave the new item out
    excluding: dict
    key: str | None = None
    hidden: tuple = ()


def cases(plan) -> list[Case]:
    quarter = plan.quarter.key
    return [
        Case("units", {"id": "marketing", "name": "Marketing", "parent": "acme",
                       "lead": "office@acme.test"},
             {"name": "Brand"}, {"parent": "acme"}, {"parent": "sales"}),
        Case("people", {"email": "nia@acme.test", "name": "Nia New", "role": "member",
                        "units": ["ops"], "password": "a-long-enough-secret-42"},
             {"role": "unit_lead", "units": ["ops", "sales"]}, {"unit": "ops", "role": "unit_lead"},
             {"role": "viewer"}, key="nia@acme.test", hidden=("password",)),
        Case("breakthroughs", {"id": "B9", "title": "Own the installer channel", "horizon": 2030,
                               "owner": "office@acme.test", "description": "Why it matters"},
             {"title": "Own the channel", "horizon": None}, {"owner": "office@acme.test"},
             {"owner": "admin@acme.test"}),
        Case("annual-objectives", {"id": "A9", "year": YEAR, "title": "Halve install time",
                                   "owner": "office@acme.test",
                                   "breakthroughs": {"B1": "important"}},
             {"breakthroughs": {"B1": "weak"}, "title": "Cut install time"},
             {"year": YEAR, "owner": "office@acme.test"}, {"year": YEAR + 1}),
        Case("improvement-priorities", {"id": "P9", "year": YEAR, "unit": "ops",
                                        "title": "Standard install kits",
                                        "annual_objectives": {"A1": "weak"},
                                        "resources": {"opslead@acme.test": "primary",
                                                      "sales": "rotating"}},
             {"resources": {"ops": "primary"}, "description": "Kits in every van"},
             {"unit": "ops", "year": YEAR}, {"unit": "sales"}),
        Case("metrics", {"id": "M9", "title": "Days to install", "unit": "days",
                         "direction": "decrease", "baseline": 30, "target": 14,
                         "priorities": {"P1": "strong"}},
             {"target": 12, "owner": "lead@acme.test"},
             {"priority": "P1", "owner": "lead@acme.test"},
             {"owner": "admin@acme.test"}),
        Case("cycles", {"id": f"{YEAR + 1}-Q1", "kind": "quarter", "start": f"{YEAR + 1}-01-01",
                        "end": f"{YEAR + 1}-03-31"},
             {"name": "Q1 next year"}, {"kind": "quarter", "state": "draft"}, {"kind": "year"}),
        Case("themes", {"id": "T9", "cycle": quarter, "title": "Faster installs",
                        "annual_objectives": ["A1"], "success": "Two-day installs"},
             {"success": "One-day installs", "annual_objectives": []}, {"cycle": quarter},
             {"cycle": plan.year.key}),
        Case("objectives", {"id": "O9", "cycle": quarter, "unit": "ops",
                            "title": "Shorten installs", "parent": "T1",
                            "kind": "aspirational"},
             {"kind": "committed", "description": "Vans leave stocked"},
             {"cycle": quarter, "unit": "ops", "parent": "T1"}, {"unit": "sales"}),
        Case("key-results", {"id": "KR9", "objective": "O2", "title": "Return visits below 5%",
                             "owner": "opslead@acme.test", "kind": "stay_below", "target": 5,
                             "unit": "%", "weight": 2,
                             "phases": [{"date": plan.quarter.end.isoformat(), "target": 5}]},
             {"title": "Return visits below 4%", "target": 4, "reason": "Vans now stocked"},
             {"objective": "O2", "owner": "opslead@acme.test", "unit": "ops", "cycle": quarter},
             {"owner": "member@acme.test"}, hidden=("reason",)),
        Case("initiatives", {"id": "I9", "key_result": "KR1", "title": "Installer portal",
                             "owner": "member@acme.test", "status": "in_progress", "size": 5,
                             "links": [{"url": "https://jira.example/X-1", "title": "X-1"}]},
             {"status": "done", "links": []},
             {"key_result": "KR1", "owner": "member@acme.test", "status": "done",
              "cycle": quarter},
             {"status": "blocked"}),
    ]


def _subset(expected: dict, actual: dict, hidden=()) -> None:
    for name, value in expected.items():
        if name in hidden or name == "id":
            continue
        assert actual[name] == value, f"{name}: {actual[name]!r} != {value!r}"


COLLECTIONS = ["units", "people", "breakthroughs", "annual-objectives", "improvement-priorities",
               "metrics", "cycles", "themes", "objectives", "key-results", "initiatives"]


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_round_trip(plan, admin_api, collection):
    case = next(c for c in cases(plan) if c.collection == collection)
    base = f"/{case.collection}"
    key = case.key or case.create["id"]

    created = admin_api.post(base, case.create)
    assert created.status_code == 201, created.content
    assert created.json()["id"] == key
    _subset(case.create, created.json(), case.hidden)

    read = admin_api.get(f"{base}/{key}")
    assert read.status_code == 200
    assert read.json() == created.json()

    updated = admin_api.patch(f"{base}/{key}", case.patch)
    assert updated.status_code == 200, updated.content
    _subset(case.patch, updated.json(), case.hidden)
    # fields not sent are left as they were
    untouched = {k: v for k, v in case.create.items() if k not in case.patch}
    _subset(untouched, admin_api.get(f"{base}/{key}").json(), case.hidden)

    listed = admin_api.get(base, **case.filters).json()
    assert key in [item["id"] for item in listed["items"]]
    assert listed["count"] == len(listed["items"])
    assert key not in [item["id"] for item in admin_api.get(base, **case.excluding).json()["items"]]

    archived = admin_api.post(f"{base}/{key}/archive")
    assert archived.status_code == 200, archived.content
    if case.collection == "people":
        assert archived.json()["is_active"] is False
    else:
        assert archived.json()["archived_at"] is not None
    assert key not in [item["id"] for item in admin_api.get(base).json()["items"]]
    assert key in [item["id"] for item in admin_api.get(base, archived="true").json()["items"]]
    assert admin_api.get(f"{base}/{key}").status_code == 200


def test_objective_lists_its_key_results_with_their_state(plan, admin_api):
    from hoshin.okrs import services

    services.record_checkin(plan.member, plan.kr_sales, value=27.5, confidence=8)
    objective = admin_api.get("/objectives/O1").json()
    assert objective["parent"] == "P1"
    krs = {kr["id"]: kr for kr in objective["key_results"]}
    assert list(krs) == ["KR1", "KR2"]
    assert krs["KR1"]["progress"] == 0.5
    assert krs["KR1"]["value"] == 27.5
    assert krs["KR1"]["confidence"] == 8
    assert krs["KR1"]["last_checkin"] == dt.date.today().isoformat()
    assert krs["KR1"]["status"] in ("on_track", "at_risk", "off_track")
    assert 0 <= krs["KR1"]["expected"] <= 1
    assert krs["KR2"]["status"] == "no_data" and krs["KR2"]["progress"] is None
    # the objective's own progress: the weighted mean of the key results that report
    assert objective["progress"] == 0.5

    archived_kr = admin_api.post("/key-results/KR2/archive")
    assert archived_kr.status_code == 200
    assert [kr["id"] for kr in admin_api.get("/objectives/O1").json()["key_results"]] == ["KR1"]


def test_objectives_filter_by_owner_of_their_key_results(plan, admin_api):
    ids = [o["id"] for o in admin_api.get("/objectives", owner="member@acme.test").json()["items"]]
    assert ids == ["O1"]
    ids = [o["id"] for o in admin_api.get("/objectives", owner="opslead@acme.test").json()["items"]]
    assert ids == ["O2"]


def test_key_result_steps_round_trip(plan, admin_api):
    steps = admin_api.get("/key-results/KR2").json()["steps"]
    assert steps == [{"id": "S1", "title": "Curriculum", "weight": 0.25},
                     {"id": "S2", "title": "Pilot", "weight": 0.25},
                     {"id": "S3", "title": "Launch", "weight": 0.5}]
    new = [{"id": "S1", "title": "Curriculum", "weight": 0.5},
           {"title": "Launch", "weight": 0.5}]
    response = admin_api.patch("/key-results/KR2", {"steps": new})
    assert response.status_code == 200, response.content
    assert [s["id"] for s in response.json()["steps"]] == ["S1", "S2"]

    bad = admin_api.patch("/key-results/KR2", {"steps": [{"title": "Only", "weight": 0.5}]})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "steps"


def test_key_result_target_change_needs_a_reason(plan, admin_api):
    refused = admin_api.patch("/key-results/KR1", {"target": 40})
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"field": "reason", "message": "changing a key result's target or baseline needs a reason"}]
    assert KeyResult.objects.get(key="KR1").target == 35

    accepted = admin_api.patch("/key-results/KR1", {"target": 40, "reason": "Installer boom"})
    assert accepted.status_code == 200
    assert accepted.json()["target"] == 40
    latest = KeyResult.history.filter(key="KR1").latest("history_date")
    assert latest.history_change_reason == "Installer boom"
    assert latest.history_user.email == "admin@acme.test"


def test_vision_and_organization(plan, admin_api):
    vision = {"statement": "Fossil-free heat for every home", "horizon": 2035,
              "customer_ideal": "Warm and quiet"}
    assert admin_api.put("/vision", vision).json() == vision
    assert admin_api.get("/vision").json() == vision
    assert Vision.objects.get().horizon == 2035

    org = admin_api.patch("/organization", {"fiscal_year_start": 4}).json()
    assert org == {"name": "Acme Inc.", "fiscal_year_start": 4, "include_child_objectives": True}
    bad = admin_api.patch("/organization", {"fiscal_year_start": 13})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "fiscal_year_start"


def test_metric_actuals(plan, admin_api):
    assert admin_api.post("/metrics/M1/actuals", {"period": f"{YEAR}-02", "plan": 120}).json() == \
        {"period": f"{YEAR}-02", "plan": 120, "actual": None}
    admin_api.post("/metrics/M1/actuals", {"period": f"{YEAR}-01", "plan": 110, "actual": 104})
    admin_api.post("/metrics/M1/actuals", {"period": f"{YEAR}-02", "actual": 125})
    assert admin_api.get("/metrics/M1/actuals").json() == [
        {"period": f"{YEAR}-01", "plan": 110, "actual": 104},
        {"period": f"{YEAR}-02", "plan": 120, "actual": 125}]
    bad = admin_api.post("/metrics/M1/actuals", {"period": f"{YEAR}-13", "actual": 1})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "period"


def test_cycle_state_moves_forward_only(plan, admin_api):
    year = plan.year.key
    gated = admin_api.post(f"/cycles/{year}/state", {"state": "planning"})
    assert gated.status_code == 409  # no alignment round closed: drafting cannot open
    assert {e["field"] for e in gated.json()["errors"]} == {"state", "override_reason"}
    assert admin_api.post(f"/cycles/{year}/state", {
        "state": "planning", "override_reason": "No alignment round this year"}).json()[
        "state"] == "planning"
    back = admin_api.post(f"/cycles/{year}/state", {"state": "draft"})
    assert back.status_code == 400
    assert back.json()["errors"][0]["field"] == "state"
    assert admin_api.get("/cycles", state="planning").json()["items"][0]["id"] == year


def test_a_cycle_with_objectives_cannot_be_archived(plan, admin_api):
    response = admin_api.post(f"/cycles/{plan.quarter.key}/archive")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cycle"


def test_trade_offs(plan, admin_api):
    created = admin_api.post("/trade-offs", {"cycle": plan.quarter.key,
                                             "title": "Pause partner programme",
                                             "kind": "paused", "reason": "Installer focus"})
    assert created.status_code == 201
    assert created.json()["decided_by"] == "admin@acme.test"
    listed = admin_api.get("/trade-offs", cycle=plan.quarter.key).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == created.json()["id"]
    assert listed["items"][0]["title"] == "Pause partner programme"
    assert admin_api.get("/trade-offs", cycle=plan.year.key).json()["count"] == 0


def test_pagination(plan, admin_api):
    for i in range(7):
        admin_api.post("/breakthroughs", {"id": f"B{i + 2}", "title": f"Gap {i}"})
    first = admin_api.get("/breakthroughs", limit=3).json()
    assert first["count"] == 8
    assert [b["id"] for b in first["items"]] == ["B1", "B2", "B3"]
    last = admin_api.get("/breakthroughs", limit=3, offset=6).json()
    assert last["count"] == 8
    assert [b["id"] for b in last["items"]] == ["B7", "B8"]
    beyond = admin_api.get("/breakthroughs", limit=3, offset=20).json()
    assert beyond == {"items": [], "count": 8}
    everything = admin_api.get("/breakthroughs", limit=500).json()
    assert len(everything["items"]) == everything["count"] == 8
    assert admin_api.get("/breakthroughs", limit=501).status_code == 422
