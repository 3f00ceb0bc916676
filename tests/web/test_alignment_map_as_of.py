"""The alignment map as of a date: a plain GET form (no JavaScript), a visible note, a
way back to today."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD
from tests.planfile.history import BEFORE, CHANGED, NEW_TITLE, OLD_TITLE, plan_with_history


@pytest.fixture
def client(db):
    plan_with_history()
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username="viewer@acme.test", password=PASSWORD)
    return client


def _map(client, **params) -> str:
    response = client.get("/alignment/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_map_of_the_day_before_shows_the_old_plan(client):
    html = _map(client, cycle="2026-Q4", as_of=BEFORE.isoformat())

    assert OLD_TITLE in html and NEW_TITLE not in html
    assert "Days from order to install" in html  # archived only on the 20th
    assert "Open a second depot" not in html  # created on the 20th
    assert "<strong>As of 2026-10-19</strong>" in html
    assert '<a href="/alignment/?cycle=2026-Q4">Back to today</a>' in html
    assert '<input id="f-as-of" type="date" name="as_of" value="2026-10-19">' in html


def test_the_map_of_the_day_of_the_change_shows_the_new_plan(client):
    html = _map(client, cycle="2026-Q4", as_of=CHANGED.isoformat())

    assert NEW_TITLE in html and OLD_TITLE not in html
    assert "Open a second depot" in html and "Days from order to install" not in html


def test_today_has_no_note_and_an_empty_date(client):
    html = _map(client, cycle="2026-Q4")

    assert NEW_TITLE in html and "Back to today" not in html
    assert '<input id="f-as-of" type="date" name="as_of" value="">' in html


def test_the_date_keeps_the_other_filters(client):
    html = _map(client, cycle="2026-Q4", unit="ops", as_of=BEFORE.isoformat())

    assert "Install faster" in html and OLD_TITLE not in html
    assert "Back to today" in html and "unit=ops" in html


@pytest.mark.parametrize("value, message", [
    ("2026-09-30", "the plan did not exist yet on 2026-09-30"),
    ("someday", "is not a date (2026-10-01) or a date-time"),
])
def test_a_date_it_cannot_show_says_why(client, value, message):
    html = _map(client, cycle="2026-Q4", as_of=value)

    assert message in html and "Back to today" in html
