"""Session lifetimes (hoshin.web.sessions): 8 hours idle, 14 days after the log-in however
active; a page view does not write the session each time. Time moves with the injected
clock."""

import datetime as dt

import pytest
from django.urls import reverse

from hoshin.core import clock
from hoshin.web.sessions import SEEN_AT
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _timeouts_on(settings):
    # Off for the rest of the suite (tests/conftest.py), whose tests move the clock ahead.
    settings.SESSION_TIMEOUT_CHECKS = True


def _log_in(client):
    response = client.post(reverse("login"), {"username": "member@acme.test",
                                              "password": PASSWORD})
    assert response.status_code == 302


def _home(client):
    return client.get("/")


def test_a_session_idle_longer_than_eight_hours_ends(client, plan):
    with clock.at(START):
        _log_in(client)
    with clock.at(START + dt.timedelta(hours=7, minutes=59)):
        assert _home(client).status_code == 200  # still in, and the clock restarts
    with clock.at(START + dt.timedelta(hours=15, minutes=50)):
        assert _home(client).status_code == 200
    with clock.at(START + dt.timedelta(hours=24)):
        response = _home(client)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert b"logged out after 8 hours without activity" in page.content


def test_an_active_session_ends_fourteen_days_after_the_log_in(client, plan):
    with clock.at(START):
        _log_in(client)
    moment = START
    # Active every 6 hours for 13 days and 18 hours: never idle, still in.
    while moment < START + dt.timedelta(days=13, hours=18):
        moment += dt.timedelta(hours=6)
        with clock.at(moment):
            assert _home(client).status_code == 200, moment
    with clock.at(START + dt.timedelta(days=14, minutes=1)):
        response = _home(client)
    assert response.status_code == 302
    assert b"14 days after logging in" in client.get(response["Location"]).content


def test_the_idle_timeout_is_a_setting(client, plan, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with clock.at(START):
        _log_in(client)
    with clock.at(START + dt.timedelta(minutes=31)):
        response = _home(client)
    assert response.status_code == 302
    assert b"logged out after 30 minutes without activity" in client.get(
        response["Location"]).content


def test_page_views_write_the_last_activity_only_every_few_minutes(client, plan):
    with clock.at(START):
        _log_in(client)
        seen = client.session[SEEN_AT]
    with clock.at(START + dt.timedelta(minutes=4)):
        _home(client)
    assert client.session[SEEN_AT] == seen  # not rewritten within five minutes
    with clock.at(START + dt.timedelta(minutes=6)):
        _home(client)
    assert client.session[SEEN_AT] == (START + dt.timedelta(minutes=6)).timestamp()


def test_api_tokens_are_not_sessions(client, plan):
    from hoshin.org import services as org

    token = org.create_token(None, plan.member)
    with clock.at(START + dt.timedelta(days=15)):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
