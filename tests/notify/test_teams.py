"""Teams: a person checks in by writing to @Hoshin in a channel.

The requests are built with Microsoft's own Bot Framework schema library (botbuilder-schema),
as a Teams outgoing webhook sends them, signed the way Microsoft documents it (base64
HMAC-SHA256 of the raw body under the base64-decoded security token, in `Authorization:
HMAC …`), and our answers are read back with the same library."""

import base64
import hashlib
import hmac
import json
import secrets

import pytest
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    Entity,
    Mention,
)
from django.test import Client

from hoshin.core.errors import DomainError
from hoshin.notify import services, teams
from hoshin.notify.models import Preference, Rhythm
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn

pytestmark = pytest.mark.django_db

TOKEN = base64.b64encode(secrets.token_bytes(32)).decode()  # what Teams shows once
MIA = "6e0c9a2b-1f4d-4c8e-9d3a-2b7f5e1c0a94"
LEA = "0b9d2c55-73a1-4f0e-8e12-5d6c7b8a9f01"
URL = "/notify/teams/messages"


def activity(text: str, *, aad_object_id: str | None = MIA, name="Mia Member") -> bytes:
    """A message as a Teams outgoing webhook posts it: the bot's mention, then the words."""
    message = Activity(
        type="message", id="1485983408511", channel_id="msteams",
        service_url="https://smba.trafficmanager.net/emea/",
        from_property=ChannelAccount(id="29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85g",
                                     name=name, aad_object_id=aad_object_id),
        conversation=ConversationAccount(
            is_group=True, id="19:253b1f341670408fb6fe5d8b1ec8b1b7@thread.skype;"
                             "messageid=1485983194839"),
        recipient=ChannelAccount(id="28:hoshin", name="Hoshin"),
        text_format="plain", text=f"<at>Hoshin</at> {text}",
        entities=[Entity().deserialize(Mention(
            mentioned=ChannelAccount(id="28:hoshin", name="Hoshin"), text="<at>Hoshin</at>",
            type="mention").serialize())],
        channel_data={"teamsChannelId": "19:253b1f341670408fb6fe5d8b1ec8b1b7@thread.skype",
                      "teamsTeamId": "19:712c61d0ef384e5fa681ba90ac943824@thread.skype",
                      "tenant": {"id": "72f988bf-86f1-41af-91ab-2d7cd011db47"}})
    return json.dumps(message.serialize()).encode()


def microsoft_signature(token: str, body: bytes) -> str:
    # Microsoft's sample (Microsoft-Teams-Samples, outgoing-webhook): the token is base64,
    # decoded to the key; the HMAC-SHA256 of the body's bytes, base64, after "HMAC ".
    return "HMAC " + base64.b64encode(
        hmac.new(base64.b64decode(token), body, hashlib.sha256).digest()).decode()


def post(body: bytes, *, token: str = TOKEN, signature: str | None = None):
    return Client().post(URL, body, content_type="application/json",
                         headers={"Authorization": signature or microsoft_signature(token,
                                                                                    body)})


def card_of(response) -> dict:
    """The Adaptive Card of our reply, read back as a Bot Framework activity."""
    assert response.status_code == 200, response.content
    reply = Activity().deserialize(response.json())
    assert reply.type == "message"
    [attachment] = reply.attachments
    assert attachment.content_type == "application/vnd.microsoft.card.adaptive"
    card = attachment.content
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    return card


def texts(card: dict) -> str:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.get("body", []))
    return "\n".join(found)


def links(card: dict) -> list[tuple[str, str]]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Action.OpenUrl":
                found.append((node["title"], node["url"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


@pytest.fixture
def linked(plan, settings):
    settings.BASE_URL = "https://okr.example.org"
    services.update_rhythm(None, teams_security_token=TOKEN)
    services.set_preference(None, plan.member, teams_user_id=MIA.upper())
    services.set_preference(None, plan.lead, teams_user_id=LEA)
    return plan


def test_my_lists_my_key_results_with_links_to_check_in(linked):
    card = card_of(post(activity("my")))
    text = texts(card)
    assert "Your key results (1)" in text and "**KR1**" in text and "KR2" not in text
    assert ("Check in", "https://okr.example.org/key-results/KR1/") in links(card)


def test_a_check_in_is_recorded_as_the_person_who_wrote_it(linked):
    card = card_of(post(activity("checkin kr1 1,250 7 Signed the second installer")))
    saved = CheckIn.objects.get(key_result=linked.kr_sales)
    assert (saved.value, saved.confidence, saved.note) == (1250, 7, "Signed the second installer")
    assert saved.author == linked.member
    text = texts(card)
    assert "Checked in on **KR1**" in text and "value 1250, confidence 7/10." in text
    assert ("Open KR1", "https://okr.example.org/key-results/KR1/") in links(card)


def test_confidence_and_note_are_optional_and_a_percent_sign_is_read(linked):
    card_of(post(activity("check in KR1 37.5%")))
    saved = CheckIn.objects.get(key_result=linked.kr_sales)
    assert (saved.value, saved.confidence, saved.note) == (37.5, None, "")


def test_a_milestone_without_steps_takes_done_or_not_yet(linked):
    okrs.save_key_result(None, key="KR9", objective="O1", title="Partner contract signed",
                         owner=linked.member.email, kind="milestone")
    card_of(post(activity("checkin KR9 not yet 4 legal is slow")))
    card_of(post(activity("checkin KR9 done 9")))
    values = list(CheckIn.objects.filter(key_result__key="KR9").order_by("pk")
                  .values_list("value", "confidence", "note"))
    assert values == [(0.0, 4, "legal is slow"), (1.0, 9, "")]


def test_what_cannot_be_recorded_is_said_and_nothing_is_stored(linked):
    bad = texts(card_of(post(activity("checkin KR1 lots"))))
    assert "KR1 was not checked in" in bad and "'lots' is not a number" in bad
    steps = texts(card_of(post(activity("checkin KR2 done"))))  # Lea's, and step by step
    assert "KR2 was not checked in" in steps and "step by step" in steps
    missing = texts(card_of(post(activity("checkin KR77 3"))))
    assert "There is no key result KR77" in missing
    out_of_range = texts(card_of(post(activity("checkin KR1 40 11"))))
    assert "Checked in" in out_of_range  # 11 is not a confidence: it starts the note
    assert CheckIn.objects.get().note == "11"


def test_someone_else_s_key_result_is_refused_with_their_rights(linked):
    okrs.save_key_result(None, key="KR8", objective="O2", title="Vans stocked",
                         owner=linked.other_lead.email, kind="increase", baseline=0, target=9)
    card = card_of(post(activity("checkin KR8 3", aad_object_id=MIA)))
    assert "You may not check in on KR8" in texts(card)
    assert not CheckIn.objects.filter(key_result__key="KR8").exists()


def test_an_unknown_person_is_shown_the_id_to_link(linked):
    stranger = "11111111-2222-3333-4444-555555555555"
    card = card_of(post(activity("my", aad_object_id=stranger)))
    assert stranger in texts(card)
    assert ("Open my notifications page", "https://okr.example.org/notify/me/") in links(card)
    assert not CheckIn.objects.exists()


def test_anything_else_gets_the_help(linked):
    assert "@Hoshin checkin KR12 42" in texts(card_of(post(activity("hello"))))


def test_unsigned_or_tampered_messages_are_refused_and_change_nothing(linked):
    body = activity("checkin KR1 99")
    other = base64.b64encode(secrets.token_bytes(32)).decode()
    for response in (
            post(body, token=other),
            post(body, signature="HMAC " + base64.b64encode(b"x" * 32).decode()),
            post(body.replace(b"99", b"98"), signature=microsoft_signature(TOKEN, body)),
            Client().post(URL, body, content_type="application/json")):
        assert response.status_code == 401
        assert response.json()["type"] == "message"
    assert not CheckIn.objects.exists()


def test_nothing_is_answered_before_teams_is_set_up(plan):
    body = activity("my")
    response = post(body)
    assert response.status_code == 401 and "not set up" in response.json()["text"]


def test_the_security_token_is_sealed_and_never_returned(linked):
    stored = Rhythm.objects.get()
    assert TOKEN not in stored.teams_security_token and stored.secret(
        "teams_security_token") == TOKEN
    office = Client()
    office.force_login(linked.office)
    answer = office.get("/api/v1/rhythm")
    assert answer.status_code == 200
    assert answer.json()["teams_security_token_set"] is True and TOKEN not in answer.text
    page = office.get("/notify/settings/").content.decode()
    assert "A token is stored." in page and TOKEN not in page
    with pytest.raises(DomainError) as error:
        services.update_rhythm(None, teams_security_token="not base64!")
    assert error.value.errors[0].field == "teams_security_token"


def test_a_person_links_their_teams_id_on_their_page_and_through_the_api(plan):
    client = Client()
    client.force_login(plan.member)
    response = client.post("/notify/me/", {"channel": "email", "slack_user_id": "",
                                           "teams_user_id": MIA})
    assert response.status_code == 302
    assert Preference.objects.get(person=plan.member).teams_user_id == MIA
    lead = Client()
    lead.force_login(plan.lead)
    taken = lead.put("/api/v1/me/notifications", {"teams_user_id": MIA},
                     content_type="application/json")
    assert taken.status_code == 400 and "another person" in taken.text
    wrong = lead.put("/api/v1/me/notifications", {"teams_user_id": "29:1XJ"},
                     content_type="application/json")
    assert wrong.status_code == 400 and "Entra object id" in wrong.text
    assert client.get("/api/v1/me/notifications").json()["teams_user_id"] == MIA
