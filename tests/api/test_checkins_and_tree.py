"""Check-ins through the API, the alignment tree of a cycle, and the cost of list reads."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.engine.rollup import rollup
from hoshin.engine.types import Status
from hoshin.okrs import services
from hoshin.okrs.models import CheckIn, KeyResult
from hoshin.okrs.progress import key_result_states
from tests.factories import person

TODAY = dt.date.today()


# Check-ins ----------------------------------------------------------------------------


def test_owner_checks_in_and_reads_the_history_newest_first(plan, as_):
    member = as_(plan.member)
    first = member.post("/key-results/KR1/checkins",
                        {"value": 22, "confidence": 6, "date": plan.quarter.start.isoformat()})
    assert first.status_code == 201, first.content
    second = member.post("/key-results/KR1/checkins",
                         {"value": 26, "confidence": 7, "note": "Two new installers",
                          "blockers": "Waiting on pricing"})
    assert second.status_code == 201
    assert second.json() | {"created_at": None} == {
        "id": CheckIn.objects.latest("id").pk, "key_result": "KR1", "date": TODAY.isoformat(), "value": 26, "confidence": 7,
        "note": "Two new installers", "blockers": "Waiting on pricing", "steps_done": [],
        "author": "member@acme.test", "created_at": None}

    history = member.get("/key-results/KR1/checkins").json()
    assert history["count"] == 2
    assert [c["value"] for c in history["items"]] == [26, 22]
    page = member.get("/key-results/KR1/checkins", limit=1, offset=1).json()
    assert page == {"items": [history["items"][1]], "count": 2}

    kr = member.get("/key-results/KR1").json()
    assert kr["value"] == 26 and kr["progress"] == 0.4 and kr["confidence"] == 7


def test_milestone_check_in_with_steps(plan, as_):
    response = as_(plan.lead).post("/key-results/KR2/checkins",
                                   {"steps_done": ["S1", "S3"], "confidence": 8})
    assert response.status_code == 201, response.content
    assert response.json()["steps_done"] == ["S1", "S3"]
    assert as_(plan.lead).get("/key-results/KR2").json()["progress"] == 0.75


@pytest.mark.parametrize("key, payload, field", [
    ("KR1", {"confidence": 7}, "value"),
    # The document states 0-10, so this one is a malformed request (422), not a rule (400).
    ("KR1", {"value": 25, "confidence": 11}, "confidence"),
    ("KR1", {"value": 25, "date": (TODAY + dt.timedelta(days=3)).isoformat()}, "date"),
    ("KR2", {"steps_done": ["S9"]}, "steps_done"),
    ("KR2", {"value": 1, "steps_done": ["S1"]}, "value"),
], ids=["value missing", "confidence 11", "future date", "unknown step", "value on steps"])
def test_bad_check_ins_name_the_field_and_store_nothing(plan, admin_api, key, payload, field):
    response = admin_api.post(f"/key-results/{key}/checkins", payload)
    assert response.status_code == (422 if payload.get("confidence") == 11 else 400), \
        response.content
    body = response.json()
    assert field in [e["field"] for e in body["errors"]]
    assert body["detail"]
    assert not CheckIn.objects.exists()


def test_no_check_in_on_a_closed_cycle(plan, admin_api):
    refused = admin_api.post(f"/cycles/{plan.quarter.key}/state", {"state": "closed"})
    # The close gate refuses (a conflict with the quarter's state, 409) and says why.
    assert refused.status_code == 409 and "has no grade" in refused.json()["detail"]
    assert admin_api.post(f"/cycles/{plan.quarter.key}/state",
                          {"state": "closed", "override_reason": "Test"}).status_code == 200
    response = admin_api.post("/key-results/KR1/checkins", {"value": 30, "confidence": 8})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "key_result" and "closed" in error["message"]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("value", ["lots", 1e300])
def test_a_value_that_is_no_measure_is_a_validation_error(plan, admin_api, value):
    response = admin_api.post("/key-results/KR1/checkins", {"value": value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "value"
    assert not CheckIn.objects.exists()


# The alignment tree -------------------------------------------------------------------


def _walk(node, parent=None):
    yield node, parent
    for child in node["children"]:
        yield from _walk(child, node)


def _nodes(tree) -> dict[str, dict]:
    return {node["id"]: node for node, _ in _walk(tree)}


@pytest.fixture
def checked_in(plan):
    services.record_checkin(plan.member, plan.kr_sales, value=27.5, confidence=9)
    services.record_checkin(plan.lead, plan.kr_milestone, steps_done=["S1"], confidence=1)
    kr3 = KeyResult.objects.get(key="KR3")
    services.record_checkin(plan.other_lead, kr3, value=14, confidence=8)
    return plan


def test_tree_carries_progress_and_status_at_every_node(checked_in, as_):
    plan = checked_in
    response = as_(plan.viewer).get(f"/cycles/{plan.quarter.key}/tree")
    assert response.status_code == 200
    tree = response.json()
    nodes = _nodes(tree)

    assert tree["type"] == "vision" and tree["title"] == "Every home heated without fossil fuel"
    assert {n["type"] for n in nodes.values()} == {
        "vision", "breakthrough", "annual_objective", "improvement_priority", "theme",
        "objective", "key_result"}
    for node in nodes.values():
        assert node["status"] in {s.value for s in Status}
        assert node["progress"] is None or isinstance(node["progress"], float)

    # key results: their own progress and the same status as everywhere else
    states = key_result_states(KeyResult.objects.all())
    by_key = dict(KeyResult.objects.values_list("key", "id"))
    assert nodes["KR1"]["progress"] == 0.5
    assert nodes["KR2"]["progress"] == 0.25 and nodes["KR2"]["status"] == "off_track"
    assert nodes["KR3"]["progress"] == 1.0 and nodes["KR3"]["status"] == "on_track"
    for key in ("KR1", "KR2", "KR3"):
        assert nodes[key]["status"] == states[by_key[key]].status.value
    assert nodes["KR1"]["owner"] == "member@acme.test"
    assert nodes["KR1"]["last_checkin"] == TODAY.isoformat()

    # objectives roll up their key results
    assert nodes["O1"]["progress"] == 0.375
    expected = rollup([(1.0, 0.5, states[by_key["KR1"]].status), (1.0, 0.25, Status.OFF_TRACK)])
    assert nodes["O1"]["status"] == expected[1].value
    assert nodes["O1"]["unit"] == "sales"
    assert nodes["O2"]["progress"] == 1.0 and nodes["O2"]["status"] == "on_track"

    # the chain: O1 serves P1, which serves A1, which serves B1
    parents = {node["id"]: parent["id"] for node, parent in _walk(tree) if parent}
    assert parents["KR1"] == "O1"
    assert parents["O1"] == "P1"
    assert parents["O2"] == "T1"
    assert parents["B1"] == "vision"
    assert [c["id"] for c in nodes["B1"]["children"]] == ["A1"]
    assert nodes["P1"]["progress"] == 0.375


def test_tree_unit_filter_prunes_other_units(checked_in, admin_api):
    plan = checked_in
    tree = admin_api.get(f"/cycles/{plan.quarter.key}/tree", unit="ops").json()
    nodes = _nodes(tree)
    assert {n["id"] for n in nodes.values() if n["type"] == "objective"} == {"O2"}
    assert {n["id"] for n in nodes.values() if n["type"] == "key_result"} == {"KR3"}
    assert "P1" not in nodes  # the sales priority has no ops objective under it
    assert nodes["A1"]["progress"] == 1.0

    whole = _nodes(admin_api.get(f"/cycles/{plan.quarter.key}/tree", unit="acme").json())
    assert {"O1", "O2"} <= set(whole)

    missing = admin_api.get(f"/cycles/{plan.quarter.key}/tree", unit="nowhere")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["field"] == "unit"


def test_tree_flat_format(checked_in, admin_api):
    plan = checked_in
    nested = admin_api.get(f"/cycles/{plan.quarter.key}/tree").json()
    flat = admin_api.get(f"/cycles/{plan.quarter.key}/tree", format="flat").json()
    assert flat[0] == {"id": "vision", "type": "vision", "title": nested["title"],
                       "progress": nested["progress"], "status": nested["status"],
                       "parent": None, "depth": 0}
    assert [n["id"] for n in flat] == [node["id"] for node, _ in _walk(nested)]
    kr1 = next(n for n in flat if n["id"] == "KR1")
    assert kr1["parent"] == "O1" and kr1["depth"] == 5 and kr1["progress"] == 0.5


# Cost of list reads -------------------------------------------------------------------


def _queries(client, path, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_objectives(plan, count: int, start: int) -> None:
    for i in range(start, start + count):
        services.save_objective(None, key=f"OB{i}", cycle=plan.quarter.key, unit="sales",
                                title=f"Objective {i}", parent="P1")
        for j, kind in enumerate(("increase", "stay_above", "milestone")):
            extra = ({"baseline": 0, "target": 10} if kind == "increase" else
                     {"target": 5} if kind == "stay_above" else
                     {"steps": [{"key": "S1", "title": "a", "weight": 1.0}]})
            kr = services.save_key_result(None, key=f"KR{i}-{j}", objective=f"OB{i}",
                                          title=f"Result {i}.{j}", owner="member@acme.test",
                                          kind=kind, **extra)
            if kind == "milestone":
                services.record_checkin(None, kr, steps_done=["S1"], confidence=7)
            else:
                services.record_checkin(None, kr, value=6, confidence=7)


@pytest.mark.parametrize("path, params", [
    ("/objectives", {"unit": "sales"}),
    ("/key-results", {"unit": "sales"}),
    ("/key-results/KR1/checkins", {}),
    ("/improvement-priorities", {}),
    ("/people", {}),
])
def test_list_reads_take_the_same_number_of_queries_for_any_page_size(plan, admin_api, path,
                                                                      params):
    _add_objectives(plan, 2, 0)
    for _ in range(3):
        services.record_checkin(None, plan.kr_sales, value=25, confidence=7)
    # the first call also pays for the token's last-used stamp
    admin_api.get(path, **params)
    small = _queries(admin_api, path, limit=2, **params)
    _add_objectives(plan, 8, 2)
    for _ in range(10):
        services.record_checkin(None, plan.kr_sales, value=26, confidence=7)
    for i in range(8):
        person(f"p{i}@acme.test", "member", units=["sales"])
    large = _queries(admin_api, path, limit=10, **params)
    assert large == small
