"""Property-based checks of the API against its own OpenAPI document (schemathesis): for
generated requests the server never fails with a 5xx, and every answer (status code,
content type, body) is one the document describes."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from hoshin.okrs import services as okrs
from hoshin.org import services as org
from hoshin.strategy import services as strategy
from hoshin.strategy.models import Metric
from hoshin.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app is called in-process, inside the test's transaction. Like Django's own
    test client, stop the end-of-request handler from closing that connection (SQLite in
    memory never closes it; PostgreSQL would, and lose the test's data)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(plan):
    return org.create_token(None, plan.admin, "schemathesis")


@schema.include(method="GET").parametrize()
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_get_endpoints_conform(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@schema.exclude(method="GET").parametrize()
@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_writes_never_fail_on_the_server(case, token):
    # A few generated bodies per write: mostly refused with a documented 4xx, never a 5xx.
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


# Generated ids rarely exist, so each read is also made once with the plan's real ids,
# which is where most of the response shapes get exercised.
REAL = {
    "/api/v1/people/{email}": {"email": "member@acme.test"},
    "/api/v1/units/{id}": {"id": "sales"},
    "/api/v1/breakthroughs/{id}": {"id": "B1"},
    "/api/v1/annual-objectives/{id}": {"id": "A1"},
    "/api/v1/improvement-priorities/{id}": {"id": "P1"},
    "/api/v1/metrics/{id}": {"id": "M1"},
    "/api/v1/metrics/{id}/actuals": {"id": "M1"},
    "/api/v1/cycles/{id}": {"id": "{quarter}"},
    "/api/v1/cycles/{id}/tree": {"id": "{quarter}"},
    "/api/v1/themes/{id}": {"id": "T1"},
    "/api/v1/objectives/{id}": {"id": "O1"},
    "/api/v1/key-results/{id}": {"id": "KR2"},
    "/api/v1/key-results/{id}/checkins": {"id": "KR1"},
    "/api/v1/initiatives/{id}": {"id": "I1"},
    "/api/v1/dependencies/{id}": {"id": "D1"},
}


def test_every_read_with_real_ids_conforms(plan, token):
    okrs.record_checkin(plan.member, plan.kr_sales, value=30, confidence=8, note="ok")
    okrs.record_checkin(plan.lead, plan.kr_milestone, steps_done=["S1"], confidence=6)
    okrs.save_initiative(None, key="I1", key_result="KR1", title="Portal",
                         owner="member@acme.test", links=[{"url": "https://x.test/1"}])
    okrs.request_dependency(None, key="D1", key_result="KR1", providing_unit="ops",
                            description="Install slots")
    strategy.record_metric_actual(None, strategy.get(Metric, "M1"), period="2026-01", plan=1,
                                  actual=2)

    headers = {"Authorization": f"Bearer {token}"}
    seen = set()
    for operation in schema.include(method="GET").get_all_operations():
        operation = operation.ok()
        params = {k: v.format(quarter=plan.quarter.key)
                  for k, v in REAL.get(operation.path, {}).items()}
        case = operation.Case(path_parameters=params or None)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        assert response.status_code == 200, (operation.path, response.text)
        seen.add(operation.path)
    assert set(REAL) <= seen
