"""The Slack and Teams incoming-webhook URLs are credentials (anyone who has one can post into
the channel): sealed at rest, never returned by the API, never shown on the settings page,
never in the history or the outbox, and still what the reminders are sent to."""

import importlib
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client

from hoshin.notify import channels, outbox, services
from hoshin.notify.models import OutboxMessage, Preference, Rhythm
from hoshin.org import services as org
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD
from tests.notify.test_webhooks import Receiver, slack_problem, teams_problem

pytestmark = pytest.mark.django_db

SLACK = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX"
TEAMS = "https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/0123/secret"
FORM = {"time_zone": "UTC", "checkin_weekday": "3", "checkin_time": "09:00",
        "review_weekday": "0", "review_time": "10:00", "nudge_hours_before_review": "20",
        "digest_weekday": "4", "digest_time": "15:00", "slack_webhook_url": "",
        "slack_signing_secret": "", "slack_bot_token": "", "teams_webhook_url": ""}


def stored(name):
    """The column's content as the database holds it."""
    return Rhythm.objects.values_list(name, flat=True).get()


def office_client():
    client = Client()
    assert client.login(email="office@acme.test", password=PASSWORD)
    return client


def test_the_api_takes_the_urls_seals_them_and_answers_only_whether_they_are_set(plan):
    office = ApiClient(org.create_token(None, plan.office))
    answer = office.put("/rhythm", {"slack_webhook_url": SLACK, "teams_webhook_url": TEAMS})
    assert answer.status_code == 200
    body = answer.json()
    assert body["slack_webhook_url_set"] is True and body["teams_webhook_url_set"] is True
    assert "slack_webhook_url" not in body and "teams_webhook_url" not in body
    assert "hooks.slack.com" not in answer.content.decode()
    assert "webhook.office.com" not in answer.content.decode()

    for name, url in (("slack_webhook_url", SLACK), ("teams_webhook_url", TEAMS)):
        assert url not in stored(name) and "https://" not in stored(name)
        assert Rhythm.current().secret(name) == url

    read = office.get("/rhythm")
    assert read.status_code == 200 and "hooks.slack.com" not in read.content.decode()
    assert read.json()["slack_webhook_url_set"] is True

    # Changing something else keeps them; an empty string removes one.
    office.put("/rhythm", {"checkin_weekday": "friday"})
    assert Rhythm.current().secret("slack_webhook_url") == SLACK
    cleared = office.put("/rhythm", {"slack_webhook_url": ""}).json()
    assert cleared["slack_webhook_url_set"] is False and cleared["teams_webhook_url_set"] is True
    assert stored("slack_webhook_url") == ""

    bad = office.put("/rhythm", {"teams_webhook_url": "ftp://acme.test/hook"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "teams_webhook_url"
    assert Rhythm.current().secret("teams_webhook_url") == TEAMS


def test_the_openapi_schema_has_flags_not_urls():
    schema = Client().get("/api/v1/openapi.json").json()
    out = schema["components"]["schemas"]["RhythmOut"]["properties"]
    assert "slack_webhook_url_set" in out and "teams_webhook_url_set" in out
    assert "slack_webhook_url" not in out and "teams_webhook_url" not in out


def test_the_settings_page_never_shows_a_stored_url_and_lets_the_office_replace_or_clear_it(
        plan):
    office = office_client()
    assert office.post("/notify/settings/", {**FORM, "slack_webhook_url": SLACK,
                                             "teams_webhook_url": TEAMS}).status_code == 302
    assert SLACK not in stored("slack_webhook_url")
    assert Rhythm.current().secret("slack_webhook_url") == SLACK
    page = office.get("/notify/settings/").content.decode()
    assert "XXXXSECRETXXXX" not in page and "IncomingWebhook" not in page
    assert page.count("A webhook is set.") == 2 and "Remove the Slack webhook" in page

    # Saved again with the fields left empty (as the page shows them): both kept.
    assert office.post("/notify/settings/", FORM).status_code == 302
    rhythm = Rhythm.current()
    assert (rhythm.secret("slack_webhook_url"), rhythm.secret("teams_webhook_url")) == (
        SLACK, TEAMS)

    # Replaced, and cleared with the box.
    other = "https://hooks.slack.com/services/T000/B000/OTHER"
    office.post("/notify/settings/", {**FORM, "slack_webhook_url": other,
                                      "clear_teams_webhook_url": "on"})
    rhythm = Rhythm.current()
    assert (rhythm.secret("slack_webhook_url"), rhythm.teams_webhook_url) == (other, "")
    page = office.get("/notify/settings/").content.decode()
    assert "OTHER" not in page and "No webhook is set." in page
    assert "Remove the Teams webhook" not in page

    bad = office.post("/notify/settings/", {**FORM, "slack_webhook_url": "not a web address"})
    assert bad.status_code == 400
    assert Rhythm.current().secret("slack_webhook_url") == other


def test_the_history_keeps_no_url(plan):
    services.update_rhythm(plan.office, slack_webhook_url=SLACK, teams_webhook_url=TEAMS)
    services.update_rhythm(plan.office, slack_webhook_url="", checkin_weekday="monday")
    rows = list(Rhythm.history.values())
    assert len(rows) == 2
    assert "slack_webhook_url" not in rows[0] and "teams_webhook_url" not in rows[0]
    assert "hooks.slack.com" not in repr(rows) and "webhook.office.com" not in repr(rows)


def test_the_cli_says_set_not_the_url(plan):
    out = io.StringIO()
    call_command("rhythm", "--slack-webhook-url", SLACK, stdout=out)
    text = out.getvalue()
    assert "hooks.slack.com" not in text
    assert "Slack webhook:      set" in text and "Teams webhook:      -" in text
    assert Rhythm.current().secret("slack_webhook_url") == SLACK


def test_a_url_assigned_in_clear_is_sealed_when_saved():
    Rhythm.objects.create(slack_webhook_url=SLACK)
    assert SLACK not in stored("slack_webhook_url")
    assert Rhythm.current().secret("slack_webhook_url") == SLACK


@pytest.mark.parametrize("channel", ["slack", "teams"])
def test_a_reminder_reaches_the_stored_url_and_the_outbox_keeps_no_copy(plan, channel):
    receiver = Receiver(slack_problem if channel == "slack" else teams_problem)
    try:
        services.update_rhythm(plan.office, **{f"{channel}_webhook_url": receiver.url})
        Preference.objects.create(person=plan.member, channel=channel)
        assert channels.notify(plan.member, channels.Notice(subject="Check in", intro="Hi"))
        message = OutboxMessage.objects.get(recipient=plan.member)
        assert message.channel == channel and "127.0.0.1" not in message.address
        assert "127.0.0.1" not in str(message)
        assert outbox.deliver_pending() == 1
        assert len(receiver.bodies) == 1
        message.refresh_from_db()
        assert message.state == "sent"
    finally:
        receiver.close()


def test_a_queued_message_waits_while_no_webhook_is_set(plan):
    services.update_rhythm(plan.office, slack_webhook_url="https://hooks.slack.test/x")
    Preference.objects.create(person=plan.member, channel="slack")
    assert channels.notify(plan.member, channels.Notice(subject="Check in", intro="Hi"))
    services.update_rhythm(plan.office, slack_webhook_url="")
    assert outbox.deliver_pending() == 0
    message = OutboxMessage.objects.get(recipient=plan.member)
    assert message.state == "pending" and "no slack webhook url is set" in message.last_error


def test_an_unreadable_url_sends_reminders_by_email_rather_than_fail(plan):
    Rhythm.objects.create()
    Rhythm.objects.update(slack_webhook_url="gAAAAABsealed-under-another-key")
    Preference.objects.create(person=plan.member, channel="slack")
    assert channels.notify(plan.member, channels.Notice(subject="Check in", intro="Hi"))
    assert OutboxMessage.objects.get(recipient=plan.member).channel == "email"


def test_the_migration_seals_plain_urls_and_its_reverse_restores_them(plan):
    migration = importlib.import_module("hoshin.notify.migrations.0007_webhook_urls_sealed")
    state = MigrationLoader(connection).project_state(("notify", "0007_webhook_urls_sealed"))
    apps = state.apps  # the models as the migration sees them: a save seals nothing itself
    Rhythm.objects.create()
    Rhythm.objects.update(slack_webhook_url=SLACK, teams_webhook_url="")
    OutboxMessage.objects.create(channel="slack", address=SLACK, payload={"text": "x"})
    OutboxMessage.objects.create(channel="email", address="member@acme.test")

    migration.seal_webhook_urls(apps, None)
    assert SLACK not in stored("slack_webhook_url") and stored("teams_webhook_url") == ""
    assert Rhythm.current().secret("slack_webhook_url") == SLACK
    assert set(OutboxMessage.objects.values_list("address", flat=True)) == {
        "rhythm:slack_webhook_url", "member@acme.test"}

    migration.unseal_webhook_urls(apps, None)
    assert stored("slack_webhook_url") == SLACK
    assert set(OutboxMessage.objects.values_list("address", flat=True)) == {
        SLACK, "member@acme.test"}
