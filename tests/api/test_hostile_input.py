"""Hostile input over every write of the API (issue #13 item 4): each value no field may
hold is answered with a 4xx in the API's JSON error shape naming the field, and nothing
reaches the database (which used to fail with an HTML 500, or store a NUL on SQLite).

The table is built from the OpenAPI document, so a new write operation is covered as soon
as it is mounted."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from hoshin.api import api
from hoshin.core import limits
from hoshin.okrs.models import CheckIn, Cycle
from tests.api.conftest import BASE

DOCUMENT = api.get_openapi_schema()
COMPONENTS = DOCUMENT["components"]["schemas"]


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _plain(schema: dict) -> dict:
    """The non-null branch of an optional field."""
    schema = _resolve(schema)
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    return _resolve(branches[0]) if len(branches) == 1 else schema


# What each kind of field is sent; a raw JSON text where Python's json cannot write it.
def _hostile(schema: dict) -> list[tuple[str, object]]:
    kind = schema.get("type")
    if kind == "string" and schema.get("format") == "date":
        return [("unix time", 1_700_000_000), ("1900", "1900-01-01"), ("2999", "2999-12-31")]
    if kind == "string" and "enum" not in schema:
        longest = schema.get("maxLength")
        assert longest, f"a text field without a length limit: {schema}"
        return [("NUL", "a\x00b"), ("lone surrogate", RAW_SURROGATE),
                ("too long", "x" * (longest + 1))]
    if kind == "number":
        return [("1e300", 1e300), ("true", True), ("text", "12")]
    if kind == "integer":
        return [("true", True), ("1.5", 1.5), ("2**40", 2**40)]
    if kind == "boolean":
        return [("1", 1)]
    return []


RAW_SURROGATE = object()  # sent as the JSON text "\ud800"


def _writes():
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if method not in ("post", "put", "patch") or body is None:
                continue
            properties = _resolve(body["schema"]).get("properties", {})
            cases = [(name, label, value) for name, field in properties.items()
                     for label, value in _hostile(_plain(field))]
            if cases:
                yield pytest.param(method, path, cases, id=f"{method.upper()} {path}")


WRITES = list(_writes())


def test_the_table_covers_the_writes_of_every_app():
    assert len(WRITES) > 60 and sum(len(w.values[2]) for w in WRITES) > 500
    paths = {w.values[1] for w in WRITES}
    for path in ("/api/v1/key-results/{id}/checkins", "/api/v1/cycles", "/api/v1/objectives",
                 "/api/v1/catchball", "/api/v1/people", "/api/v1/countermeasures"):
        assert path in paths


@pytest.fixture
def admin_token(db):
    # Only authentication comes before the body is checked: one admin is all it takes.
    from hoshin.org import services as org
    from tests.factories import person

    return org.create_token(None, person("admin@acme.test", "admin"))


@pytest.mark.parametrize("method, path, cases", WRITES)
def test_every_hostile_value_is_refused_naming_its_field(admin_token, method, path, cases):
    # The body is refused before any id in the path is looked up.
    url = re.sub(r"\{\w+\}", "X", path.replace("/api/v1", BASE, 1))
    client = Client(raise_request_exception=False)
    wrong = []
    for field, label, value in cases:
        if value is RAW_SURROGATE:
            raw = json.dumps({field: "SURROGATE"}).replace("SURROGATE", "a\\ud800b")
        else:
            raw = json.dumps({field: value})
        response = getattr(client, method)(url, raw, content_type="application/json",
                                           headers={"Authorization": f"Bearer {admin_token}"})
        body = (response.json() if response["Content-Type"].startswith("application/json")
                else {})
        fields = [e["field"] for e in body.get("errors", [])]
        named = field in fields or any(f.startswith((f"{field}[", f"{field}."))
                                       for f in fields)
        if not (400 <= response.status_code < 500 and set(body) == {"detail", "errors"}
                and named):
            wrong.append((field, label, response.status_code, response.content[:200]))
    assert not wrong


# Whatever the content type ---------------------------------------------------------------

CHECKIN = f"{BASE}/key-results/KR1/checkins"


@pytest.mark.parametrize("content_type, body, field", [
    ("text/plain", json.dumps({"value": 1, "note": "a\x00b"}), "note"),
    ("application/json", '{"value": 1, "note": "a\\u0000b"}', "note"),
    ("application/json", '{"value": 1, "note": "a\\ud800b"}', "note"),
    ("application/json", b'{"value": 1, "note": "a\xff\xfeb"}', "note"),
    ("application/json", '{"value": 1, "steps_done": ["S1\\u0000"]}', "steps_done[0]"),
    ("application/json", '{"value": 1, "note\\u0000": "x"}', "(name)"),
    ("application/x-www-form-urlencoded", "value=1&note=a%00b", "note"),
    ("application/x-www-form-urlencoded", "value=1&note=a%FFb", "note"),
], ids=["text/plain NUL", "JSON NUL escape", "JSON lone surrogate", "invalid UTF-8 bytes",
        "NUL in a list", "NUL in a key", "form NUL", "form invalid byte"])
def test_nul_and_invalid_unicode_are_a_400_naming_the_field(plan, admin_api, content_type,
                                                             body, field):
    response = Client(raise_request_exception=False).post(
        CHECKIN, body, content_type=content_type, headers=admin_api.headers)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    assert field in [e["field"] for e in response.json()["errors"]][0]
    assert not CheckIn.objects.exists()


def test_a_nul_in_a_multipart_field_or_the_query_is_refused_too(plan, admin_api):
    client = Client(raise_request_exception=False)
    multipart = client.post(CHECKIN, {"note": "a\x00b"}, headers=admin_api.headers)
    assert multipart.status_code == 400
    assert multipart.json()["errors"][0]["field"] == "note"
    query = client.get(f"{BASE}/objectives?cycle=a%00b", headers=admin_api.headers)
    assert query.status_code == 400 and query.json()["errors"][0]["field"] == "cycle"


def test_loose_conversions_are_refused(plan, admin_api):
    for payload, field in [({"value": True}, "value"), ({"value": "30"}, "value"),
                           ({"value": 30, "confidence": 7.5}, "confidence"),
                           ({"value": 30, "confidence": "7"}, "confidence"),
                           ({"value": 30, "date": 1_700_000_000}, "date"),
                           ({"value": 30, "date": "2026-01-01T00:00:00"}, "date")]:
        response = admin_api.post("/key-results/KR1/checkins", payload)
        assert response.status_code == 422, (payload, response.content)
        assert field in [e["field"] for e in response.json()["errors"]]
    assert not CheckIn.objects.exists()
    # In a query too: ?today=0 is not 1 January 1970.
    refused = admin_api.get("/catchball/inbox", today="0")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "today"


# Size and depth --------------------------------------------------------------------------


def test_a_body_over_the_limit_is_a_413_naming_the_limit(plan, admin_api):
    body = json.dumps({"value": 1, "note": "x" * limits.BODY_BYTES})
    response = Client(raise_request_exception=False).post(
        CHECKIN, body, content_type="application/json", headers=admin_api.headers)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "5 MB" in response.json()["detail"]
    assert not CheckIn.objects.exists()


def test_a_deeply_nested_body_is_refused_without_parsing_it(plan, admin_api):
    body = "[" * 100_000 + "]" * 100_000
    response = Client(raise_request_exception=False).post(
        CHECKIN, body, content_type="application/json", headers=admin_api.headers)
    assert response.status_code == 400
    assert "deeper than 32" in response.json()["detail"]


def test_malformed_json_is_json_too(plan, admin_api):
    response = admin_api.post("/key-results/KR1/checkins", raw='{"value": 1,')
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "body"


def test_an_unexpected_failure_is_a_json_500(plan, admin_api, monkeypatch):
    from hoshin.okrs import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "record_checkin", broken)
    response = Client(raise_request_exception=False).post(
        CHECKIN, '{"value": 1}', content_type="application/json", headers=admin_api.headers)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "disk on fire" not in response.content.decode()  # no internals to the client
    assert set(response.json()) == {"detail", "errors"}


# The document states the limits ---------------------------------------------------------


def test_the_openapi_document_states_the_limits():
    checkin = _resolve({"$ref": "#/components/schemas/CheckInIn"})["properties"]
    assert checkin["note"]["maxLength"] == limits.NOTE_LENGTH
    assert _plain(checkin["value"])["maximum"] == limits.MEASURE_LIMIT
    assert _plain(checkin["confidence"])["maximum"] == limits.CONFIDENCE_MAX
    assert checkin["date"]["pattern"] == limits.DATE_PATTERN
    assert 413 in DOCUMENT["paths"]["/api/v1/key-results/{id}/checkins"]["post"]["responses"]


# Cycles: a sane window and length --------------------------------------------------------


@pytest.mark.parametrize("payload, field", [
    ({"kind": "quarter", "start": "2000-01-01", "end": "2000-03-31"}, "start"),
    ({"kind": "quarter", "start": "2027-01-01", "end": "2027-12-31"}, "end"),
    ({"kind": "year", "start": "2027-01-01", "end": "2027-03-31"}, "end"),
    ({"kind": "quarter", "start": "1900-01-01", "end": "2999-12-31"}, "start"),
], ids=["a quarter 26 years ago", "a quarter of a year", "a year of a quarter", "1900-2999"])
def test_a_cycle_outside_the_window_or_of_the_wrong_length_is_refused(plan, admin_api, payload,
                                                                      field):
    response = admin_api.post("/cycles", payload)
    assert response.status_code in (400, 422), response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    assert Cycle.objects.count() == 2


def test_a_plausible_next_quarter_is_accepted(plan, admin_api):
    start = plan.quarter.end.replace(day=1)
    start = (start.replace(month=start.month % 12 + 1, year=start.year + (start.month == 12)))
    end = start.replace(month=start.month + 2 if start.month <= 10 else start.month - 10,
                        year=start.year + (start.month > 10), day=28)
    response = admin_api.post("/cycles", {"kind": "quarter", "start": start.isoformat(),
                                          "end": end.isoformat()})
    assert response.status_code == 201, response.content
