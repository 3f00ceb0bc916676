"""Authentication, API tokens, the JSON error shape and the OpenAPI document."""

import json

import pytest
from django.test import Client

from hoshin.okrs.models import KeyResult
from hoshin.org.models import ApiToken
from tests.api.conftest import BASE, ApiClient
from tests.factories import PASSWORD


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    return body


# Authentication -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/objectives", "/vision", "/key-results/KR1", "/me"])
def test_reads_need_authentication(plan, path):
    body = assert_error_shape(ApiClient().get(path), 401)
    assert "Bearer" in body["detail"]


def test_a_wrong_token_is_refused(plan):
    assert_error_shape(ApiClient("hsn_not-a-real-token").get("/me"), 401)


def test_writes_need_authentication_and_change_nothing(plan):
    response = ApiClient().post("/key-results/KR1/checkins", {"value": 30, "confidence": 8})
    assert_error_shape(response, 401)
    assert not plan.kr_sales.checkins.exists()


def test_a_revoked_or_deactivated_token_stops_working(plan, as_):
    member = as_(plan.member)
    assert member.get("/me").status_code == 200
    prefix = member.get("/tokens").json()["items"][0]["prefix"]
    assert member.post(f"/tokens/{prefix}/revoke").status_code == 204
    assert_error_shape(member.get("/me"), 401)

    lead = as_(plan.lead)
    assert as_(plan.admin).post("/people/lead@acme.test/archive").json()["is_active"] is False
    assert_error_shape(lead.get("/me"), 401)


def test_me_describes_the_caller(plan, as_):
    body = as_(plan.lead).get("/me").json()
    assert body == {"id": "lead@acme.test", "email": "lead@acme.test", "name": "Lea Lead",
                    "role": "unit_lead", "is_active": True, "units": ["sales"],
                    "leads": ["sales"]}


def test_session_login_works_and_writes_need_the_csrf_token(plan):
    client = Client(enforce_csrf_checks=True)
    assert client.login(email="member@acme.test", password=PASSWORD)
    assert client.get(f"{BASE}/me").json()["id"] == "member@acme.test"

    url = f"{BASE}/key-results/KR1/checkins"
    payload = json.dumps({"value": 25, "confidence": 7})
    refused = client.post(url, payload, content_type="application/json")
    assert refused.status_code == 403
    assert not plan.kr_sales.checkins.exists()

    client.get("/admin/login/")  # any page that sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(url, payload, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.content
    assert plan.kr_sales.checkins.count() == 1


# API tokens ---------------------------------------------------------------------------


def test_token_is_shown_once_and_stored_hashed(plan, as_):
    member = as_(plan.member)
    created = member.post("/tokens", {"name": "sheet sync"})
    assert created.status_code == 201
    raw = created.json()["token"]
    assert created.json()["person"] == "member@acme.test"
    assert raw.startswith(created.json()["prefix"])

    stored = ApiToken.objects.get(name="sheet sync")
    assert stored.digest == ApiToken.digest_of(raw) and raw not in stored.digest

    listed = member.get("/tokens").json()
    assert listed["count"] == 2
    assert all("token" not in item for item in listed["items"])
    assert {item["name"] for item in listed["items"]} == {"", "sheet sync"}

    assert ApiClient(raw).get("/me").json()["id"] == "member@acme.test"


def test_only_admins_create_tokens_for_someone_else(plan, as_):
    refused = as_(plan.lead).post("/tokens", {"email": "member@acme.test"})
    assert_error_shape(refused, 403)
    assert not ApiToken.objects.filter(person=plan.member).exists()

    created = as_(plan.admin).post("/tokens", {"email": "member@acme.test", "name": "ops"})
    assert created.status_code == 201
    assert ApiClient(created.json()["token"]).get("/me").json()["id"] == "member@acme.test"


# Error shape --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/key-results/NOPE", "/objectives/NOPE", "/cycles/NOPE/tree",
                                  "/people/nobody@acme.test", "/units/NOPE",
                                  "/breakthroughs/NOPE", "/key-results/NOPE/checkins"])
def test_unknown_ids_give_404_naming_the_id(admin_api, path):
    body = assert_error_shape(admin_api.get(path), 404)
    assert "NOPE" in body["detail"] or "nobody@acme.test" in body["detail"]
    assert body["errors"][0]["field"] in ("id", "email")


def test_unknown_reference_in_a_body_names_the_field(admin_api):
    response = admin_api.post("/objectives", {"cycle": "NOPE", "unit": "sales", "title": "x"})
    body = assert_error_shape(response, 404)
    assert body["errors"] == [{"field": "cycle", "message": 'unknown cycle "NOPE"'}]


def test_schema_validation_errors_name_each_field_path(admin_api, plan):
    response = admin_api.post("/key-results", {
        "objective": "O1", "title": "Faster quotes", "owner": "lead@acme.test",
        "kind": "sideways", "steps": [{"title": "Draft", "weight": "heavy"}]})
    body = assert_error_shape(response, 422)
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"kind", "steps[0].weight"}
    assert "kind" in body["detail"]
    assert not KeyResult.objects.filter(title="Faster quotes").exists()


def test_missing_required_fields_are_listed(admin_api):
    body = assert_error_shape(admin_api.post("/key-results", {"title": "x"}), 422)
    assert {e["field"] for e in body["errors"]} == {"objective", "owner"}


def test_unknown_fields_are_refused(admin_api, plan):
    response = admin_api.patch("/key-results/KR1", {"target": 40, "reson": "typo"})
    body = assert_error_shape(response, 422)
    assert body["errors"][0]["field"] == "reson"
    plan.kr_sales.refresh_from_db()
    assert plan.kr_sales.target == 35


def test_null_for_a_required_value_is_refused(admin_api, plan):
    body = assert_error_shape(admin_api.patch("/breakthroughs/B1", {"title": None}), 422)
    assert body["errors"][0]["field"] == "title"


def test_malformed_json_gets_the_error_shape(admin_api, plan):
    body = assert_error_shape(admin_api.post("/key-results/KR1/checkins", raw="{value: 3"), 400)
    assert body["errors"] == [{"field": "body", "message": "not valid JSON"}]
    assert not plan.kr_sales.checkins.exists()


def test_an_empty_body_where_one_is_needed(admin_api):
    body = assert_error_shape(admin_api.post("/breakthroughs"), 422)
    assert body["errors"][0]["field"] == "body"


def test_bad_query_parameters_name_the_parameter(admin_api):
    body = assert_error_shape(admin_api.get("/objectives", limit=0), 422)
    assert body["errors"][0]["field"] == "limit"
    body = assert_error_shape(admin_api.get("/annual-objectives", year="soon"), 422)
    assert body["errors"][0]["field"] == "year"


def test_wrong_method_and_unknown_endpoint_answer_json(admin_api):
    response = admin_api.client.delete(f"{BASE}/objectives/O1", headers=admin_api.headers)
    body = assert_error_shape(response, 405)
    assert "DELETE" in body["detail"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}
    body = assert_error_shape(admin_api.get("/no-such-thing"), 404)
    assert "/api/v1/no-such-thing" in body["detail"]
    assert_error_shape(ApiClient().post("/no-such-thing", {}), 404)


def test_a_duplicate_id_is_a_conflict_named_id(admin_api, plan):
    body = assert_error_shape(admin_api.post("/breakthroughs", {"id": "KR1", "title": "x"}), 409)
    assert body["errors"][0]["field"] == "id"
    assert "key result" in body["errors"][0]["message"]


@pytest.mark.parametrize("collection, body", [
    ("/units", {"name": "West"}), ("/objectives", {"cycle": "2000-Q1", "unit": "sales",
                                                   "title": "x"})])
def test_ids_must_be_usable_in_urls(admin_api, plan, collection, body):
    body = assert_error_shape(admin_api.post(collection, {"id": "west/east", **body}), 400)
    assert body["errors"][0]["field"] == "id"
    assert_error_shape(admin_api.post("/units", {"id": "sales", "name": "Sales again"}), 409)


# OpenAPI ------------------------------------------------------------------------------


def test_openapi_document_is_served_and_valid(db):
    from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

    response = Client().get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    OPENAPI_31_VALIDATOR.validate(doc)
    assert Client().get(f"{BASE}/docs").status_code == 200

    paths = doc["paths"]
    for path in ("/api/v1/objectives", "/api/v1/key-results/{id}/checkins",
                 "/api/v1/cycles/{id}/tree", "/api/v1/tokens", "/api/v1/people/{email}"):
        assert path in paths
    operation_ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))
    assert {"BearerToken", "SessionAuth"} <= set(doc["components"]["securitySchemes"])
    error = doc["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"detail", "errors"}
    # every operation documents the JSON error answers it can give
    for ops in paths.values():
        for op in ops.values():
            assert {"401", "404", "422"} <= set(op["responses"])
    tags = {tag for ops in paths.values() for op in ops.values() for tag in op.get("tags", [])}
    assert {"organisation", "strategy", "objectives", "key results", "check-ins"} <= tags


@pytest.mark.parametrize("method, path, body", [
    ("get", "/api/v1/objectives?unit=sa%00les", None),
    ("post", "/api/v1/breakthroughs", '{"title": "Nul\\u0000 inside"}'),
])
def test_nul_characters_are_refused_with_a_clear_error(plan, method, path, body):
    # PostgreSQL cannot store NUL in text; both databases must answer the same 400.
    from django.test import Client

    from hoshin.org.services import create_token
    from hoshin.strategy.models import Breakthrough

    token = create_token(None, plan.admin)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    before = Breakthrough.objects.count()
    if body is None:
        response = client.get(path)
    else:
        response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert Breakthrough.objects.count() == before
