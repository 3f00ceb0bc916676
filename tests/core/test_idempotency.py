"""An API POST retried with the same Idempotency-Key is stored once and answered with the
first response (issue #13: a client whose answer was lost retried and duplicated its
check-in)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hoshin.core.models import IdempotentRequest
from hoshin.okrs.models import CheckIn
from tests.api.conftest import BASE

pytestmark = pytest.mark.django_db


def post(client: Client, token: str, path: str, data: dict, key: str | None):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(BASE + path, json.dumps(data), content_type="application/json",
                       headers=headers)


@pytest.fixture
def token(plan):
    from hoshin.org import services as org

    return org.create_token(None, plan.member)


def test_a_retried_checkin_is_stored_once_and_gets_the_same_answer(plan, token):
    client = Client()
    first = post(client, token, "/key-results/KR1/checkins", {"value": 10}, "retry-1")
    again = post(client, token, "/key-results/KR1/checkins", {"value": 10}, "retry-1")

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert CheckIn.objects.filter(key_result=plan.kr_sales).count() == 1


def test_without_a_key_or_with_a_new_key_each_post_is_its_own(plan, token):
    client = Client()
    post(client, token, "/key-results/KR1/checkins", {"value": 10}, None)
    post(client, token, "/key-results/KR1/checkins", {"value": 10}, None)
    post(client, token, "/key-results/KR1/checkins", {"value": 11}, "a")
    post(client, token, "/key-results/KR1/checkins", {"value": 12}, "b")

    assert CheckIn.objects.filter(key_result=plan.kr_sales).count() == 4


def test_the_same_key_for_another_request_is_refused_as_json(plan, token):
    client = Client()
    post(client, token, "/key-results/KR1/checkins", {"value": 10}, "k")
    other = post(client, token, "/key-results/KR1/checkins", {"value": 99}, "k")

    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert list(CheckIn.objects.values_list("value", flat=True)) == [10]


def test_keys_belong_to_whoever_sent_them(plan, token):
    from hoshin.org import services as org

    lead = org.create_token(None, plan.lead)  # the lead may check in on the unit's results
    post(Client(), token, "/key-results/KR1/checkins", {"value": 10}, "same")
    other = post(Client(), lead, "/key-results/KR1/checkins", {"value": 10}, "same")

    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert CheckIn.objects.filter(key_result=plan.kr_sales).count() == 2


def test_a_refusal_is_replayed_too_and_nothing_is_written(plan):
    from hoshin.org import services as org

    viewer = org.create_token(None, plan.viewer)
    first = post(Client(), viewer, "/key-results/KR1/checkins", {"value": 10}, "v")
    again = post(Client(), viewer, "/key-results/KR1/checkins", {"value": 10}, "v")

    assert first.status_code == again.status_code == 403
    assert again.content == first.content
    assert CheckIn.objects.count() == 0


def test_a_bad_key_is_a_json_400(plan, token):
    response = post(Client(), token, "/key-results/KR1/checkins", {"value": 10}, "x" * 256)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert CheckIn.objects.count() == 0 and IdempotentRequest.objects.count() == 0


def test_keys_expire_after_a_day(plan, token):
    import datetime as dt

    from hoshin.core import clock

    client = Client()
    post(client, token, "/key-results/KR1/checkins", {"value": 10}, "old")
    with clock.at(clock.now() + dt.timedelta(hours=25)):
        later = post(client, token, "/key-results/KR1/checkins", {"value": 10}, "old")

    assert later.status_code == 201 and "Idempotent-Replayed" not in later
    assert CheckIn.objects.filter(key_result=plan.kr_sales).count() == 2
