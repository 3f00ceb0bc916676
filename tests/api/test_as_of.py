"""`?as_of=`: the alignment tree, objectives and key results as they stood on a date."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.api.conftest import ApiClient
from tests.planfile.history import BEFORE, CHANGED, NEW_TITLE, OLD_TITLE, plan_with_history


@pytest.fixture
def api(db):
    from hoshin.org import services as org

    plan = plan_with_history()
    return ApiClient(org.create_token(None, plan.viewer))


def _nodes(tree: dict) -> dict[str, dict]:
    out, stack = {}, [tree]
    while stack:
        node = stack.pop()
        out.setdefault(node["id"], node)
        stack.extend(node["children"])
    return out


def _ok(response) -> dict | list:
    assert response.status_code == 200, response.content
    return response.json()


def test_key_result_on_the_day_before_and_the_day_of_a_change(api):
    before = _ok(api.get("/key-results/KR1", as_of=BEFORE.isoformat()))
    after = _ok(api.get("/key-results/KR1", as_of=CHANGED.isoformat()))

    assert (before["target"], before["value"], before["last_checkin"]) == (35, 22, "2026-10-09")
    assert (after["target"], after["value"], after["last_checkin"]) == (40, 25, "2026-10-20")
    assert 0 < after["progress"] < before["progress"] + 1


def test_objective_titles_follow_the_date(api):
    before = _ok(api.get("/objectives/O1", as_of=BEFORE.isoformat()))
    after = _ok(api.get("/objectives/O1", as_of=CHANGED.isoformat()))

    assert before["title"] == OLD_TITLE and after["title"] == NEW_TITLE
    assert [kr["target"] for kr in before["key_results"] if kr["id"] == "KR1"] == [35]


def test_lists_leave_out_what_did_not_exist_and_what_was_archived(api):
    def ids(path, day, **params):
        return [item["id"] for item in _ok(api.get(path, as_of=day.isoformat(),
                                                   **params))["items"]]

    assert ids("/objectives", BEFORE, cycle="2026-Q4") == ["O2", "O1"]  # Operations, Sales
    assert ids("/objectives", CHANGED, cycle="2026-Q4") == ["O2", "O9", "O1"]
    assert ids("/key-results", BEFORE) == ["KR1", "KR2", "KR3"]
    assert ids("/key-results", CHANGED) == ["KR1", "KR2", "KR9"]
    assert ids("/key-results", CHANGED, archived="true") == ["KR1", "KR2", "KR3", "KR9"]
    assert ids("/key-results", CHANGED, owner="opslead@acme.test", limit=1) == ["KR9"]


def test_what_did_not_exist_yet_is_not_found(api):
    response = api.get("/objectives/O9", as_of=BEFORE.isoformat())

    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "id", "message": 'objective "O9" did not exist on 2026-10-19'}]


def test_the_tree_on_the_day_before_and_after(api):
    before = _nodes(_ok(api.get("/cycles/2026-Q4/tree", as_of=BEFORE.isoformat())))
    after = _nodes(_ok(api.get("/cycles/2026-Q4/tree", as_of=CHANGED.isoformat())))

    assert before["O1"]["title"] == OLD_TITLE and after["O1"]["title"] == NEW_TITLE
    assert "KR3" in before and "KR3" not in after
    assert "O9" not in before and after["O9"]["children"][0]["id"] == "KR9"
    assert before["KR1"]["last_checkin"] == "2026-10-09"
    flat = _ok(api.get("/cycles/2026-Q4/tree", as_of=BEFORE.isoformat(), format="flat"))
    assert {row["id"] for row in flat} == set(before)


def test_answers_keep_their_shape(api):
    """As of now, every answer equals the live one: same fields, same figures."""
    now = timezone.now().isoformat()
    for path in ("/objectives", "/objectives/O1", "/key-results", "/key-results/KR1",
                 "/cycles/2026-Q4/tree", "/key-results?archived=true"):
        path, _, query = path.partition("?")
        params = dict(p.split("=") for p in query.split("&")) if query else {}
        assert _ok(api.get(path, as_of=now, **params)) == _ok(api.get(path, **params)), path


@pytest.mark.parametrize("value", ["2026-10-32", "last week"])
def test_a_bad_date_is_a_field_error(api, value):
    response = api.get("/objectives", as_of=value)

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "as_of" and "is not a date (2026-10-01)" in error["message"]


def test_a_date_before_the_plan_is_a_clear_error(api):
    response = api.get("/cycles/2026-Q4/tree", as_of="2026-09-30")

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith(
        "the plan did not exist yet on 2026-09-30")


def test_as_of_is_documented_in_the_openapi_schema(api):
    schema = _ok(api.get("/openapi.json"))

    for path in ("/api/v1/objectives", "/api/v1/objectives/{id}", "/api/v1/key-results",
                 "/api/v1/key-results/{id}", "/api/v1/cycles/{id}/tree"):
        params = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert "as_of" in params, path


def test_the_reads_share_their_paths_with_the_writes_of_okrs(api):
    """The as-of reads are served by planfile (they read the history), the writes by okrs:
    one path answers both methods, and a wrong method names both."""
    schema = _ok(api.get("/openapi.json"))
    for path, methods in (("/api/v1/objectives", ["get", "post"]),
                          ("/api/v1/objectives/{id}", ["get", "patch"]),
                          ("/api/v1/key-results", ["get", "post"]),
                          ("/api/v1/key-results/{id}", ["get", "patch"]),
                          ("/api/v1/cycles/{id}/tree", ["get"])):
        assert list(schema["paths"][path]) == methods, path
    assert api.post("/objectives", {}).status_code == 422  # okrs read the (empty) body
    refused = api.put("/objectives", {})
    assert refused.status_code == 405
    assert set(refused["Allow"].split(", ")) == {"GET", "POST"}
