"""Every request's database work has a time limit (HOSHIN_REQUEST_SECONDS): past it the
request stops with a 503 and what it wrote is rolled back (issue #13: a request ran for
110 s and nothing stopped it)."""

import json

import pytest
from django.test import Client

from hoshin.okrs.models import CheckIn
from hoshin.org import services as org

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_time(settings):
    settings.HOSHIN_REQUEST_SECONDS = 1e-9  # past before the first statement


def test_an_api_request_past_its_limit_is_a_json_503_and_stores_nothing(plan, no_time):
    token = org.create_token(None, plan.member)
    response = Client().post("/api/v1/key-results/KR1/checkins", json.dumps({"value": 30}),
                             content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "took longer than its limit" in response.json()["detail"]
    assert not CheckIn.objects.exists()


def test_a_page_past_its_limit_is_a_503_page(plan, no_time):
    client = Client(raise_request_exception=False)  # as the server: no exception escapes
    client.force_login(plan.member)
    response = client.get("/")

    assert response.status_code == 503
    assert "That took too long" in response.content.decode()


def test_within_the_limit_nothing_changes(plan, settings):
    settings.HOSHIN_REQUEST_SECONDS = 600
    client = Client()
    client.force_login(plan.member)

    assert client.get("/").status_code == 200


def test_zero_turns_the_limit_off(plan, settings):
    settings.HOSHIN_REQUEST_SECONDS = 0
    client = Client()
    client.force_login(plan.member)

    assert client.get("/").status_code == 200
