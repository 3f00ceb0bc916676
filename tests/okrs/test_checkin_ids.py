"""A check-in's answer carries the stored check-in's id, on the API and on the web's htmx
check-in (issue #13: a client that lost its answer could not tell whether it was stored)."""

import json

import pytest
from django.urls import reverse

from hoshin.okrs.models import CheckIn
from hoshin.org import services as org
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_the_api_answers_with_the_stored_checkins_id(plan):
    api = ApiClient(org.create_token(None, plan.member))
    created = api.post("/key-results/KR1/checkins", {"value": 30, "confidence": 7}).json()

    stored = CheckIn.objects.get(key_result=plan.kr_sales)
    assert created["id"] == stored.pk
    assert [c["id"] for c in api.get("/key-results/KR1/checkins").json()["items"]] == [
        stored.pk]


def test_the_htmx_checkin_answers_with_the_stored_checkins_id(client, plan):
    client.force_login(plan.member)
    response = client.post(reverse("okrs:checkin", args=[plan.kr_sales.key]),
                           {"value": "35", "confidence": "8"}, HTTP_HX_REQUEST="true")

    stored = CheckIn.objects.get(key_result=plan.kr_sales)
    assert response["Hoshin-Checkin-Id"] == str(stored.pk)
    assert json.loads(response["HX-Trigger"]) == {
        "checkin-saved": {"id": stored.pk, "key_result": plan.kr_sales.key}}


def test_a_refused_htmx_checkin_carries_no_id(client, plan):
    client.force_login(plan.member)
    response = client.post(reverse("okrs:checkin", args=[plan.kr_sales.key]),
                           {"value": "x", "confidence": "8"}, HTTP_HX_REQUEST="true")

    assert "Hoshin-Checkin-Id" not in response and not CheckIn.objects.exists()
