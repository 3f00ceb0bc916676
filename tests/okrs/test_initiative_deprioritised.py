"""Stopping or pausing an initiative writes the trade-off register, whatever the path
(issue #14 item 4): the API's PATCH and POST, the operator's service call, a spreadsheet
goal list and the plan file all refuse a cancelled initiative without its reason, and
the status change and its entry are written together or not at all. The portfolio's own
flow page and endpoint are in test_trade_off_sources.py."""

import copy

import pytest
from django.test import Client

from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.notify.models import OutboxMessage
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Initiative, TradeOff
from hoshin.org import services as org
from hoshin.planfile import spreadsheet as sheet
from hoshin.planfile.importer import PlanFileError, import_plan
from hoshin.planfile.spreadsheet_import import import_goals
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD
from tests.planfile.conftest import SMALL_PLAN, wipe  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(plan):
    return okrs.save_initiative(None, key="I1", key_result="KR1", title="Installer portal",
                                owner=plan.member.email, status="in_progress")


def test_patch_cancelling_without_a_reason_is_422_and_changes_nothing(plan, started):
    api = ApiClient(org.create_token(None, plan.lead))
    refused = api.patch("/initiatives/I1", {"status": "cancelled"})
    assert refused.status_code == 422, refused.content
    body = refused.json()
    assert [e["field"] for e in body["errors"]] == ["reason"]
    assert "say why" in body["detail"] and "trade-off register" in body["detail"]
    # A blank reason is no reason.
    assert api.patch("/initiatives/I1", {"status": "cancelled", "reason": "  "}) \
        .status_code == 422
    assert Initiative.objects.get(key="I1").status == "in_progress"
    assert not TradeOff.objects.exists()


def test_patch_cancelling_with_its_reason_writes_the_entry(plan, started):
    api = ApiClient(org.create_token(None, plan.lead))
    stopped = api.patch("/initiatives/I1", {"status": "cancelled",
                                            "reason": "The installer contract fell through",
                                            "told_people": [plan.office.email],
                                            "told_units": ["ops"]})
    assert stopped.status_code == 200, stopped.content
    assert stopped.json()["status"] == "cancelled"
    entry = TradeOff.objects.get(pk=stopped.json()["trade_off"])
    assert (entry.kind, entry.source, entry.decided_by, entry.unit.key) == (
        "stopped", "portfolio", plan.lead, "sales")
    assert entry.reason == "The installer contract fell through"
    assert entry.source_note == "API: I1 stopped (in progress before)"
    assert [i.key for i in entry.initiatives.all()] == ["I1"]
    # Who was told: the initiative's owner (also the key result's owner), whoever the
    # request names, and the units named; the lead who decided is not told.
    assert set(entry.told_people.values_list("email", flat=True)) == {
        plan.member.email, plan.office.email}
    assert [u.key for u in entry.told_units.all()] == ["ops"]
    told = set(OutboxMessage.objects.filter(kind="trade-off")
               .values_list("recipient__email", flat=True))
    assert {plan.member.email, plan.office.email} <= told and plan.lead.email not in told
    # Changes that deprioritise nothing write nothing, and their answer has no trade_off.
    renamed = api.patch("/initiatives/I1", {"title": "Installer portal v2"})
    assert renamed.status_code == 200 and "trade_off" not in renamed.json()
    assert TradeOff.objects.count() == 1


def test_patch_pausing_started_work_is_a_trade_off_too(plan, started):
    api = ApiClient(org.create_token(None, plan.office))
    assert api.patch("/initiatives/I1", {"status": "not_started"}).status_code == 422
    paused = api.patch("/initiatives/I1", {"status": "not_started",
                                           "reason": "Waits for the new pricing"})
    assert paused.status_code == 200, paused.content
    entry = TradeOff.objects.get(pk=paused.json()["trade_off"])
    assert (entry.kind, entry.decided_by) == ("paused", plan.office)
    # Not started to in progress to blocked: starting and blocking deprioritise nothing.
    for status in ("in_progress", "blocked"):
        assert api.patch("/initiatives/I1", {"status": status}).status_code == 200
    assert TradeOff.objects.count() == 1


def test_who_may_edit_an_initiative_but_not_write_the_register_cannot_stop_it(plan, started):
    # The key result's owner edits its initiatives, but stopping work is a unit lead's or
    # the strategy office's decision: refused first, before any word about the reason.
    member = ApiClient(org.create_token(None, plan.member))
    assert member.patch("/initiatives/I1", {"title": "Portal"}).status_code == 200
    for body in ({"status": "cancelled"}, {"status": "cancelled", "reason": "Too slow"}):
        refused = member.patch("/initiatives/I1", body)
        assert refused.status_code == 403, refused.content
    other = ApiClient(org.create_token(None, plan.other_lead))
    assert other.patch("/initiatives/I1", {"status": "cancelled", "reason": "Not mine"}) \
        .status_code == 403
    assert Initiative.objects.get(key="I1").status == "in_progress"
    assert not TradeOff.objects.exists()


def test_creating_an_initiative_already_cancelled_needs_its_reason(plan):
    api = ApiClient(org.create_token(None, plan.lead))
    new = {"id": "I5", "key_result": "KR1", "title": "Trade-show stand", "status": "cancelled"}
    refused = api.post("/initiatives", new)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reason"
    assert not Initiative.objects.filter(key="I5").exists()
    created = api.post("/initiatives", {**new, "reason": "The show was called off"})
    assert created.status_code == 201, created.content
    entry = TradeOff.objects.get(pk=created.json()["trade_off"])
    assert (entry.kind, entry.source_note) == ("stopped", "API: I5 stopped (new)")


def test_the_operator_names_who_decided_and_a_refused_entry_keeps_the_status(plan, started):
    with pytest.raises(DomainError) as caught:
        okrs.save_initiative(None, started, status="cancelled", reason="Budget cut")
    assert [e.field for e in caught.value.errors] == ["decided_by"]
    # A member cannot decide it; the status stays as it was.
    with pytest.raises(PermissionDenied):
        okrs.save_initiative(None, Initiative.objects.get(key="I1"), status="cancelled",
                             reason="Budget cut", decided_by=plan.member.email)
    assert Initiative.objects.get(key="I1").status == "in_progress"
    saved = okrs.save_initiative(None, Initiative.objects.get(key="I1"), status="cancelled",
                                 reason="Budget cut", decided_by=plan.lead.email, via="Script")
    assert saved.trade_off.decided_by == plan.lead
    assert saved.trade_off.source_note == "Script: I1 stopped (in progress before)"


def test_the_admin_site_does_not_change_a_status(plan, started):
    client = Client()
    client.login(username=plan.admin.email, password=PASSWORD)
    page = client.get(f"/admin/okrs/initiative/{started.pk}/change/")
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()


def test_a_goal_list_leaves_its_cancelled_initiatives_out_with_a_note(plan):
    csv = ("Row ID,Parent Row IDs,Type,Goal Title,Owner Emails,Departments,Starting Value,"
           "Target Value,Status\n"
           "O-1,,Objective,Grow the channel,lead@acme.test,Sales,,,\n"
           "KR-1,O-1,Key result,Installers signed,member@acme.test,Sales,3,30,\n"
           "I-1,KR-1,Initiative,Installer roadshow,,,,,In progress\n"
           "I-2,KR-1,Initiative,Trade-show stand,,,,,Dropped\n")
    table = sheet.read_table(csv.encode(), "goals.csv")
    report = import_goals(plan.office, table, sheet.guess_mapping(table.headers),
                          cycle=plan.quarter.key)
    assert report.counts["initiatives"] == 1
    assert Initiative.objects.filter(title="Installer roadshow").exists()
    assert not Initiative.objects.filter(title="Trade-show stand").exists()
    assert any(n.row == 5 and "trade-off register" in n.message for n in report.notes)
    assert not TradeOff.objects.exists()


def _cancelled_plan() -> dict:
    doc = copy.deepcopy(SMALL_PLAN)
    doc["objectives"][0]["key_results"][0]["initiatives"][0]["status"] = "cancelled"
    return doc


def test_a_plan_file_with_a_cancelled_initiative_needs_its_entry(wipe):
    wipe()
    doc = _cancelled_plan()
    with pytest.raises(PlanFileError) as caught:
        import_plan(doc)
    assert caught.value.errors == [
        'objectives[0].key_results[0].initiatives[0].status: "I1" is cancelled: stopping work '
        "is a trade-off, so the file needs its entry in trade_offs (kind: stopped, affects: "
        "[I1], with the reason, who decided and who was told)"]
    # An entry that pauses it is not one that stops it.
    doc["trade_offs"].append({"cycle": "2026-Q1", "title": "I1 Installer portal",
                              "kind": "paused", "reason": "Waits", "affects": ["I1"],
                              "decided_by": "raj@acme.test"})
    with pytest.raises(PlanFileError):
        import_plan(doc)
    doc["trade_offs"][-1]["kind"] = "stopped"
    import_plan(doc)
    assert Initiative.objects.get(key="I1").status == "cancelled"
    assert TradeOff.objects.get(initiatives__key="I1").kind == "stopped"
