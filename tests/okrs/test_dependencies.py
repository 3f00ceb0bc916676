"""Dependencies as commitments: accepted with what and by when, declined with a reason,
delivered or late; answered in place on the page; listed by the CLI with their state."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.core import clock
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.okrs import services as okrs
from hoshin.okrs.dependencies import shown_state
from hoshin.okrs.models import Dependency
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(plan):
    return okrs.request_dependency(plan.lead, key_result="KR1", providing_unit="ops", key="D1",
                                   description="Install slots for installer-sold orders")


def test_accepting_is_a_commitment_and_declining_needs_a_reason(plan, asked):
    with pytest.raises(DomainError) as caught:
        okrs.decide_dependency(plan.other_lead, asked, "accepted", note="fine")
    assert {e.field for e in caught.value.errors} == {"deliverable", "due"}
    with pytest.raises(DomainError) as caught:
        okrs.decide_dependency(plan.other_lead, asked, "declined")
    assert caught.value.errors[0].field == "note"
    asked.refresh_from_db()
    assert asked.state == "requested"
    due = plan.quarter.start + dt.timedelta(days=30)
    okrs.decide_dependency(plan.other_lead, asked, "accepted", deliverable="Two slots a week",
                           due=due)
    asked.refresh_from_db()
    assert (asked.state, asked.deliverable, asked.due) == ("accepted", "Two slots a week", due)
    # Declined later, the commitment goes with it; the history keeps both answers.
    okrs.decide_dependency(plan.other_lead, asked, "declined", note="Crews moved to the K2 ramp")
    asked.refresh_from_db()
    assert asked.deliverable == "" and asked.due is None
    assert asked.history.filter(state="accepted").exists()


def test_an_accepted_dependency_is_late_after_its_date_until_delivered(plan, asked):
    due = plan.quarter.start + dt.timedelta(days=20)
    okrs.decide_dependency(plan.other_lead, asked, "accepted", deliverable="Slots", due=due)
    asked.refresh_from_db()
    assert shown_state(asked, due) == "accepted"
    assert shown_state(asked, due + dt.timedelta(days=1)) == "late"
    with pytest.raises(PermissionDenied):
        okrs.mark_dependency_delivered(plan.lead, asked)  # the asking unit cannot
    with clock.at(due + dt.timedelta(days=3)):
        okrs.mark_dependency_delivered(plan.other_lead, asked)
    asked.refresh_from_db()
    assert asked.delivered_on == due + dt.timedelta(days=3)
    assert shown_state(asked, due + dt.timedelta(days=10)) == "delivered"


def test_only_an_accepted_dependency_is_delivered(plan, asked):
    with pytest.raises(DomainError):
        okrs.mark_dependency_delivered(plan.other_lead, asked)


def test_the_providing_lead_answers_in_place_and_the_asking_lead_cannot(plan, asked):
    asker, provider = Client(), Client()
    asker.login(username=plan.lead.email, password=PASSWORD)
    provider.login(username=plan.other_lead.email, password=PASSWORD)
    page = provider.get("/dependencies/").content.decode()
    assert "Asked of my units (1)" in page and "Install slots for installer-sold orders" in page
    assert 'value="accept"' in page
    asker_page = asker.get("/dependencies/").content.decode()
    assert "Asked by my units (1)" in asker_page and "Asked of my units" not in asker_page
    assert asker.post("/dependencies/D1/answer", {"action": "accept", "deliverable": "x",
                                                   "due": "2030-01-01"}).status_code == 403
    vague = provider.post("/dependencies/D1/answer", {"action": "accept"}, follow=True)
    assert "say what your unit will deliver" in vague.content.decode()
    due = (plan.quarter.start + dt.timedelta(days=30)).isoformat()
    done = provider.post("/dependencies/D1/answer", {"action": "accept", "due": due,
                                                      "deliverable": "Two slots a week"})
    assert done.status_code == 302 and done["Location"].endswith("#D1")
    assert Dependency.objects.get(key="D1").state == "accepted"
    assert "Two slots a week" in asker.get("/dependencies/").content.decode()
    assert "<svg" in asker.get("/dependencies/").content.decode()


def test_the_cli_lists_each_dependency_with_its_state_and_the_loops(plan, asked):
    okrs.request_dependency(plan.other_lead, key_result="KR3", providing_unit="sales",
                            key="D2", description="Orders forecast a month ahead")
    out = io.StringIO()
    call_command("dependencies", format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert [(d["id"], d["state"], d["from_unit"], d["to_unit"]) for d in data["dependencies"]] \
        == [("D1", "requested", "sales", "ops"), ("D2", "requested", "ops", "sales")]
    assert data["cycles"] == [["ops", "sales"]]
    out = io.StringIO()
    call_command("dependencies", unit="ops", stdout=out)
    assert "Units waiting on each other: ops ⇄ sales" in out.getvalue()


def test_an_unknown_quarter_is_a_404(plan):
    client = Client()
    client.login(username=plan.lead.email, password=PASSWORD)
    assert client.get("/dependencies/?cycle=nope").status_code == 404
    assert client.get(f"/dependencies/?cycle={plan.quarter.key}").status_code == 200
