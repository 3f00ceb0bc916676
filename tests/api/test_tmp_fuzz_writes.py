import pytest
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)
import schemathesis
from hoshin.org import services as org
from hoshin.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

@pytest.fixture
def token(plan):
    return org.create_token(None, plan.admin, "fuzz")

@schema.exclude(method="GET").parametrize()
@settings(max_examples=60, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_writes(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
