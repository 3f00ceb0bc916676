"""The trade-off register (issue #14 item 4): every entry says what, why (required), who
decided (a person, checked with their rights), who was told (notified through the outbox),
when, what it affects and where it came from; entries are never deleted, only superseded;
the register is searchable on its page, the API and the CLI, and shown on the items."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.core.errors import Conflict, DomainError, PermissionDenied
from hoshin.notify.models import OutboxMessage
from hoshin.okrs import services as okrs
from hoshin.okrs.models import TradeOff
from hoshin.org import services as org
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(plan):
    return lambda who: ApiClient(org.create_token(None, who))


def _login(person) -> Client:
    client = Client()
    assert client.login(username=person.email, password=PASSWORD)
    return client


def _errors(caught) -> dict:
    return {e.field: e.message for e in caught.value.errors}


def test_an_entry_needs_its_reason_and_a_person_who_decided(plan):
    with pytest.raises(DomainError) as caught:
        okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title="Pause partners",
                           reason="  ")
    assert "reason" in _errors(caught)
    # The operator (CLI, importer) writes nothing without naming who decided.
    with pytest.raises(DomainError) as caught:
        okrs.add_trade_off(None, cycle=plan.quarter.key, title="Pause partners",
                           reason="Installers first")
    assert _errors(caught) == {"decided_by": "name the person who decided (never the system)"}
    # A person writes as themselves, never in someone else's name.
    with pytest.raises(DomainError) as caught:
        okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title="Pause partners",
                           reason="Installers first", decided_by=plan.admin.email)
    assert "decided_by" in _errors(caught)
    assert not TradeOff.objects.exists()


def test_who_decided_is_checked_with_their_rights(plan):
    with pytest.raises(PermissionDenied):
        okrs.add_trade_off(plan.member, cycle=plan.quarter.key, title="Skip the survey",
                           reason="No time")
    # A lead writes about their own unit's work, not another unit's.
    with pytest.raises(PermissionDenied):
        okrs.add_trade_off(plan.lead, cycle=plan.quarter.key, title="Slow installs",
                           reason="Sales first", affects=["KR3"])
    entry = okrs.add_trade_off(plan.lead, cycle=plan.quarter.key, title="Slow the survey",
                               reason="Installers first", kind="slowed", affects=["KR1"])
    assert entry.decided_by == plan.lead and entry.unit.key == "sales"
    # The operator names who decided, and that person's rights are what count.
    with pytest.raises(PermissionDenied):
        okrs.add_trade_off(None, cycle=plan.quarter.key, title="Stop installs",
                           reason="x", decided_by=plan.member.email)
    entry = okrs.add_trade_off(None, cycle=plan.quarter.key, title="Stop the fair",
                               reason="Budget", decided_by=plan.office.email)
    assert entry.decided_by == plan.office


def test_the_people_and_units_told_are_notified_through_the_outbox(plan):
    entry = okrs.add_trade_off(
        plan.office, cycle=plan.quarter.key, title="Pause the partner programme",
        reason="Installers first", kind="paused", told_people=[plan.member.email],
        told_units=["ops"], affects=["O1", "KR1", "A1"])
    assert {p.email for p in entry.told_people.all()} == {plan.member.email}
    assert [u.key for u in entry.told_units.all()] == ["ops"]
    assert [o.key for o in entry.objectives.all()] == ["O1"]
    assert [k.key for k in entry.annual_objectives.all()] == ["A1"]
    sent = OutboxMessage.objects.filter(kind="trade-off")
    # The member told and the lead of the unit told; not the office, who decided.
    assert {m.recipient.email for m in sent} == {plan.member.email, plan.other_lead.email}
    assert all(f"/trade-offs/{entry.pk}/" in m.url for m in sent)
    with pytest.raises(DomainError) as caught:
        okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title="x", reason="y",
                           told_people=["nobody@acme.test"], told_units=["nowhere"],
                           affects=["KR404"])
    assert set(_errors(caught)) == {"told_people", "told_units", "affects"}


def test_entries_are_never_deleted_only_superseded(plan):
    old = okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title="Pause partners",
                             reason="Installers first", told_people=[plan.member.email],
                             affects=["KR1"])
    assert not hasattr(okrs, "remove_trade_off") and not hasattr(okrs, "update_trade_off")
    with pytest.raises(Conflict):
        okrs.refuse_trade_off_removal(plan.office, old)
    with pytest.raises(PermissionDenied):
        okrs.refuse_trade_off_removal(plan.member, old)
    with pytest.raises(DomainError) as caught:
        okrs.supersede_trade_off(plan.office, old, reason="")
    assert "reason" in _errors(caught)
    new = okrs.supersede_trade_off(plan.office, old, reason="The partners signed anyway",
                                   kind="resumed")
    old.refresh_from_db()
    assert old.superseded_by == new and not old.is_current and new.is_current
    # What was not given is carried over.
    assert (new.title, new.unit.key) == ("Pause partners", "sales")
    assert [k.key for k in new.key_results.all()] == ["KR1"]
    assert TradeOff.objects.count() == 2
    with pytest.raises(DomainError) as caught:
        okrs.supersede_trade_off(plan.office, old, reason="again")
    assert "supersedes" in _errors(caught)
    # "resumed" only replaces an entry.
    with pytest.raises(DomainError) as caught:
        okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title="x", reason="y",
                           kind="resumed")
    assert "kind" in _errors(caught)


def test_the_api_lists_searches_supersedes_and_refuses_delete(plan, as_):
    api = as_(plan.office)
    created = api.post("/trade-offs", {"cycle": plan.quarter.key, "title": "Pause partners",
                                       "reason": "Installers first", "affects": ["KR1"],
                                       "told_units": ["ops"], "source": "brief"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["decided_by"] == plan.office.email and body["source"] == "brief"
    assert body["affects"]["key_results"] == ["KR1"] and body["unit"] == "sales"
    no_reason = api.post("/trade-offs", {"cycle": plan.quarter.key, "title": "x", "reason": ""})
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "reason"
    api.post("/trade-offs", {"cycle": plan.quarter.key, "title": "Stop the trade fair",
                             "reason": "Budget moved to installer training"})
    found = api.get("/trade-offs", q="installer training").json()
    assert [i["title"] for i in found["items"]] == ["Stop the trade fair"]
    assert api.get("/trade-offs", unit="ops").json()["count"] == 1
    assert api.get("/trade-offs", source="brief").json()["count"] == 1
    # Newest first.
    assert [i["title"] for i in api.get("/trade-offs").json()["items"]] == [
        "Stop the trade fair", "Pause partners"]
    gone = api.client.delete(f"/api/v1/trade-offs/{body['id']}", headers=api.headers)
    assert gone.status_code == 409 and "supersede" in gone.json()["errors"][0]["message"]
    replaced = api.post(f"/trade-offs/{body['id']}/supersede",
                        {"reason": "Partners wait a quarter more", "kind": "stopped"})
    assert replaced.status_code == 201, replaced.content
    assert replaced.json()["supersedes"] == body["id"]
    assert api.get(f"/trade-offs/{body['id']}").json()["superseded_by"] == replaced.json()["id"]
    assert api.get("/trade-offs", current=True).json()["count"] == 2
    assert as_(plan.member).post("/trade-offs", {"cycle": plan.quarter.key, "title": "x",
                                                 "reason": "y"}).status_code == 403


def test_the_register_page_filters_and_pages_and_the_items_show_their_entries(plan):
    entry = okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title="Pause partners",
                               reason="Installers first", affects=["O1", "KR1"],
                               told_people=[plan.member.email])
    okrs.add_trade_off(plan.other_lead, cycle=plan.quarter.key, title="Slow depot audits",
                       reason="Crews on installs", affects=["KR3"])
    member = _login(plan.member)
    page = member.get("/trade-offs/").content.decode()
    assert "Pause partners" in page and "Slow depot audits" in page
    assert "Write a trade-off by hand" not in page  # a member reads, never writes
    assert "Slow depot audits" not in member.get("/trade-offs/?q=partners").content.decode()
    assert "Pause partners" not in member.get("/trade-offs/?unit=ops").content.decode()
    assert member.get("/trade-offs/?source=nowhere").status_code == 404
    for address in ("/objectives/O1/", "/key-results/KR1/"):
        shown = member.get(address).content.decode()
        assert "Trade-offs affecting this" in shown and f"/trade-offs/{entry.pk}/" in shown
    assert "Trade-offs affecting this" not in member.get("/key-results/KR2/").content.decode()
    assert member.post(f"/trade-offs/{entry.pk}/", {}).status_code == 403
    office = _login(plan.office)
    refused = office.post("/trade-offs/", {"entry-title": "No reason", "entry-kind": "paused",
                                           "entry-cycle": plan.quarter.key})
    assert refused.status_code == 400 and not TradeOff.objects.filter(title="No reason").exists()
    written = office.post("/trade-offs/", {
        "entry-title": "Stop the fair", "entry-kind": "stopped", "entry-reason": "Budget",
        "entry-cycle": plan.quarter.key, "entry-told_units": "ops sales",
        "entry-affects": "A1"})
    assert written.status_code == 302
    new = TradeOff.objects.get(title="Stop the fair")
    assert new.source == "manual" and {u.key for u in new.told_units.all()} == {"ops", "sales"}
    superseded = office.post(f"/trade-offs/{entry.pk}/", {
        "entry-title": "Pause partners", "entry-kind": "resumed",
        "entry-reason": "Installers are ahead", "entry-cycle": plan.quarter.key})
    assert superseded.status_code == 302
    shown = member.get(f"/trade-offs/{entry.pk}/").content.decode()
    assert "Superseded by" in shown and "Installers first" in shown


def test_the_register_pages_at_fifty(plan):
    for n in range(55):
        okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title=f"Entry {n:02d}",
                           reason="Room")
    member = _login(plan.member)
    first = member.get("/trade-offs/").content.decode()
    assert "Entry 54" in first and "Entry 04" not in first and "Page 1 of 2" in first
    assert "Entry 04" in member.get("/trade-offs/?page=2").content.decode()


def test_the_cli_lists_and_searches(plan):
    okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title="Pause partners",
                       reason="Installers first", told_units=["ops"])
    okrs.add_trade_off(plan.office, cycle=plan.quarter.key, title="Stop the fair",
                       reason="Budget")
    out = io.StringIO()
    call_command("trade-offs", "--q", "installers", stdout=out)
    text = out.getvalue()
    assert "Paused: Pause partners" in text and "why: Installers first" in text
    assert "Stop the fair" not in text and "told: ops" in text
    out = io.StringIO()
    call_command("trade-offs", "--cycle", plan.quarter.key, "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["title"] for r in rows] == ["Stop the fair", "Pause partners"]
    assert rows[1]["told_units"] == ["ops"] and rows[1]["decided_by"] == plan.office.email
