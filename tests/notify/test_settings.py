"""Setting the drumbeat and my reminder channel: web, API and CLI."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.notify.models import Preference, Rhythm
from hoshin.org import services as org
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FORM = {"time_zone": "Europe/Berlin", "checkin_weekday": "4", "checkin_time": "08:30",
        "review_weekday": "0", "review_time": "09:00", "nudge_hours_before_review": "16",
        "digest_weekday": "4", "digest_time": "16:00", "slack_webhook_url": "",
        "slack_signing_secret": "s3cret", "slack_bot_token": "", "teams_webhook_url": ""}


def client_for(email):
    client = Client()
    assert client.login(email=email, password=PASSWORD)
    return client


def test_the_office_sets_the_rhythm_and_secrets_are_never_shown(plan):
    office = client_for("office@acme.test")
    assert office.post("/notify/settings/", FORM).status_code == 302
    rhythm = Rhythm.current()
    assert (rhythm.time_zone, rhythm.checkin_weekday, rhythm.checkin_time) == (
        "Europe/Berlin", 4, dt.time(8, 30))
    assert rhythm.secret("slack_signing_secret") == "s3cret"
    assert "s3cret" not in rhythm.slack_signing_secret  # sealed at rest
    page = office.get("/notify/settings/").content.decode()
    assert "s3cret" not in page and "A secret is stored." in page
    # Saving again with the secret left empty keeps it.
    office.post("/notify/settings/", {**FORM, "slack_signing_secret": ""})
    assert Rhythm.current().secret("slack_signing_secret") == "s3cret"


def test_others_cannot_set_the_rhythm(plan):
    assert client_for("lead@acme.test").get("/notify/settings/").status_code == 403
    assert client_for("member@acme.test").post("/notify/settings/", FORM).status_code == 403


def test_each_person_picks_their_channel(plan):
    member = client_for("member@acme.test")
    assert member.post("/notify/me/", {"channel": "slack",
                                       "slack_user_id": "U024BE7LH"}).status_code == 302
    pref = Preference.objects.get(person=plan.member)
    assert (pref.channel, pref.slack_user_id) == ("slack", "U024BE7LH")
    bad = client_for("lead@acme.test").post("/notify/me/", {"channel": "slack",
                                                          "slack_user_id": "U024BE7LH"})
    assert bad.status_code == 400 and "already uses this Slack member id" in bad.content.decode()


def test_the_api_hides_secrets_and_checks_roles(plan):
    office = ApiClient(org.create_token(None, plan.office))
    answer = office.put("/rhythm", {"checkin_weekday": "friday", "checkin_time": "10:15",
                                    "slack_bot_token": "xoxb-1"}).json()
    assert answer["checkin_weekday"] == "friday" and answer["checkin_time"] == "10:15"
    assert answer["slack_bot_token_set"] is True and "xoxb-1" not in str(answer)
    bad = office.put("/rhythm", {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "time_zone"
    member = ApiClient(org.create_token(None, plan.member))
    assert member.get("/rhythm").status_code == 403
    assert member.put("/me/notifications", {"channel": "teams"}).json()["channel"] == "teams"
    assert member.put("/me/notifications", {"channel": "pigeon"}).status_code == 400


def test_the_cli_shows_and_sets_the_rhythm(plan):
    out = io.StringIO()
    call_command("rhythm", "--checkin-weekday", "tue", "--checkin-time", "07:45",
                 "--time-zone", "Asia/Tokyo", stdout=out)
    assert "Tuesday 07:45" in out.getvalue() and "Asia/Tokyo" in out.getvalue()
    with pytest.raises(Exception, match="weekday"):
        call_command("rhythm", "--review-weekday", "someday", stdout=io.StringIO())
