"""Property-based checks of the API against its own OpenAPI document (schemathesis): for
generated requests the server never fails with a 5xx, and every answer (status code,
content type, body) is one the document describes."""

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from hoshin.okrs import services as okrs
from hoshin.org import services as org
from hoshin.sources import services as sources
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
    "/api/v1/planning/surveys/{cycle}/response": {"cycle": "{quarter}"},
    "/api/v1/planning/surveys/{cycle}/results": {"cycle": "{quarter}"},
    "/api/v1/planning/surveys/{cycle}/responses": {"cycle": "{quarter}"},
    "/api/v1/planning/rounds/{id}": {"id": "{round}"},
    "/api/v1/planning/rounds/{id}/ranking": {"id": "{round}"},
    "/api/v1/planning/rounds/{id}/results": {"id": "{round}"},
    "/api/v1/planning/briefs/{cycle}": {"cycle": "{quarter}"},
    "/api/v1/planning/cycles/{id}/gate": {"id": "{quarter}"},
    "/api/v1/planning/sessions/{cycle}": {"cycle": "{next_quarter}"},
    "/api/v1/catchball/{id}": {"id": "{thread}"},
    "/api/v1/countermeasures/{id}": {"id": "{countermeasure}"},
    "/api/v1/learnings/{id}": {"id": "{learning}"},
    "/api/v1/reviews/{id}": {"id": "{review}"},
    "/api/v1/closing/{cycle}": {"cycle": "{quarter}"},
    "/api/v1/annual-reviews/{year}": {"year": "{year}"},
    "/api/v1/sources/{key_result}": {"key_result": "KR1"},
    "/api/v1/trade-offs/{id}": {"id": "{trade_off}"},
    "/api/v1/webhooks/{id}": {"id": "{webhook}"},
    "/api/v1/webhooks/{id}/deliveries": {"id": "{webhook}"},
    "/api/v1/trackers/initiatives/{key}": {"key": "I1"},
}


def planning_and_execution(plan) -> dict:
    """One of each thing the later apps read, so every GET answers with real content."""
    from hoshin.catchball import services as catchball
    from hoshin.pdca import services as pdca
    from hoshin.planning import readiness
    from hoshin.planning import services as planning
    from hoshin.planning import session_services
    from hoshin.reviews.services import reviews_of

    survey = planning.open_survey(None, plan.quarter.key)
    planning.save_response(plan.admin, survey, {q.key: 3 for q in readiness.QUESTIONS})
    round_ = planning.open_round(None, plan.quarter.key, items=["A1", "Installers"],
                                 executives=[plan.admin.email, plan.lead.email])
    ids = [i.pk for i in round_.items.all()]
    planning.save_ranking(plan.admin, round_, {ids[0]: 1, ids[1]: 2})
    planning.save_ranking(plan.lead, round_, {ids[0]: 2, ids[1]: 1})
    planning.close_round(None, round_)
    # The alignment session settles a quarter before it starts: the next one.
    start = plan.quarter.end + dt.timedelta(days=1)
    end = (start + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
    okrs.save_cycle(None, key="NEXT-Q", kind="quarter", start=start, end=end)
    session_services.open_session(None, "NEXT-Q")
    thread = catchball.propose(plan.office, element="KR1", unit="sales", target=40)
    cm = pdca.open_countermeasure(None, problem="Leads stuck", key_result="KR1")
    learning = pdca.create_learning(None, title="Weekly calls", worked="Found problems early")
    return {"round": round_.pk, "thread": thread.pk, "countermeasure": cm.pk,
            "learning": learning.pk, "review": reviews_of(plan.quarter)[0].pk,
            "year": plan.year.key, "next_quarter": "NEXT-Q"}


def test_every_read_with_real_ids_conforms(plan, token):
    okrs.record_checkin(plan.member, plan.kr_sales, value=30, confidence=8, note="ok")
    okrs.record_checkin(plan.lead, plan.kr_milestone, steps_done=["S1"], confidence=6)
    okrs.save_initiative(None, key="I1", key_result="KR1", title="Portal",
                         owner="member@acme.test", links=[{"url": "https://x.test/1"}])
    okrs.request_dependency(None, key="D1", key_result="KR1", providing_unit="ops",
                            description="Install slots")
    strategy.record_metric_actual(None, strategy.get(Metric, "M1"), period="2026-01", plan=1,
                                  actual=2)
    sources.add_source(None, "KR1", kind="http", url="https://numbers.test/kr1",
                       json_path="$.value", token="secret")

    from hoshin.webhooks import services as webhooks

    trade_off = okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title="Showroom",
                                   reason="Installers first", affects=["KR1"])
    webhook, _ = webhooks.add_subscription(None, "https://receiver.test/hook", ["checkin"])
    okrs.record_checkin(plan.member, plan.kr_sales, value=31, confidence=8)  # one delivery
    real = {"quarter": plan.quarter.key, "trade_off": str(trade_off.pk),
            "webhook": str(webhook.pk), **planning_and_execution(plan)}

    headers = {"Authorization": f"Bearer {token}"}
    seen = set()
    for operation in schema.include(method="GET").get_all_operations():
        operation = operation.ok()
        params = {k: v.format(**real) for k, v in REAL.get(operation.path, {}).items()}
        case = operation.Case(path_parameters=params or None)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        assert response.status_code == 200, (operation.path, response.text)
        seen.add(operation.path)
    assert set(REAL) <= seen
