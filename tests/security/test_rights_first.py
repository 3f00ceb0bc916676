"""Three web forms asked the rights only after reading the form (issue #13 item 4): someone
without the right saw the form's validation errors (200) instead of a 403. They ask first
now; someone with the right still gets the form's errors."""

from __future__ import annotations

import pytest
from django.test import Client

from hoshin.org import services as org


def client_of(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def bystander(plan):
    """A member who owns nothing and leads nothing."""
    return org.create_person(None, email="nobody@acme.test", name="Nora Nobody")


def test_catchball_proposal_refuses_before_reading_the_form(plan, bystander):
    half_filled = {"element": plan.objective.key, "title": ""}
    refused = client_of(bystander).post("/catchball/propose/", half_filled)
    assert refused.status_code == 403
    # The owner of a key result leads nothing either.
    assert client_of(plan.member).post("/catchball/propose/", half_filled).status_code == 403
    # A lead may propose: the same form comes back with its errors.
    answered = client_of(plan.lead).post("/catchball/propose/", half_filled)
    assert answered.status_code == 200
    assert b"errorlist" in answered.content or b"error" in answered.content


def test_close_page_refuses_before_reading_the_form(plan, bystander):
    url = f"/closing/{plan.quarter.key}/"
    for form in ({}, {"do": "retro", "unit": "no-such-unit"},
                 {"do": "grade", "key_result": plan.kr_sales.key, "grade": "x"}):
        assert client_of(bystander).post(url, form).status_code == 403, form
    # The key result's owner may grade it: a bad grade is shown on its row, not refused.
    answered = client_of(plan.member).post(url, {"do": "grade", "key_result": plan.kr_sales.key,
                                                 "grade": "7"})
    assert answered.status_code == 200
    assert b"0.0 to 1.0" in answered.content


def test_alignment_session_refuses_before_reading_the_form(plan, bystander):
    url = f"/planning/session/{plan.quarter.key}/"
    for form in ({}, {"action": "decide", "fingerprint": "nothing", "kind": ""},
                 {"action": "close"}):
        assert client_of(bystander).post(url, form).status_code == 403, form
        assert client_of(plan.member).post(url, form).status_code == 403, form
    # A unit lead may decide: an empty post is answered as the page (no session yet: back
    # to it), not refused.
    assert client_of(plan.lead).post(url, {}).status_code in (200, 302)
