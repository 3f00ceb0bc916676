"""Forms that name a person pick them by name: a list of "Name (unit or role)" whose values
are ids (the page shows no address), or, for large organisations, a text box that takes a
name or an email. Checked on each form through the pages people use (issue #11)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from hoshin.catchball.models import Catchball as Thread
from hoshin.org import forms as people_forms
from hoshin.org.models import Person
from hoshin.pdca import services as pdca
from hoshin.pdca.models import Countermeasure
from hoshin.reviews.models import Review
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def client_for(email: str) -> Client:
    client = Client()
    assert client.login(email=email, password=PASSWORD)
    return client


def select_of(page: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no list for {name}"
    return html.unescape(match.group(1))


def selected_label(select: str) -> str:
    return re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", select).group(1)


@pytest.fixture
def countermeasure(plan):
    cm = pdca.open_countermeasure(plan.office, problem="Leads wait", key_result="KR1")
    pdca.update_countermeasure(plan.office, cm, owner="member@acme.test")
    return Countermeasure.objects.get(pk=cm.pk)


def post_cm(client, cm, owner):
    return client.post(f"/pdca/{cm.pk}/", {"problem": cm.problem, "status": cm.status,
                                           "owner": owner})


def test_the_countermeasure_owner_is_picked_by_name(plan, countermeasure):
    office = client_for("office@acme.test")
    page = office.get(f"/pdca/{countermeasure.pk}/").content.decode()
    owners = select_of(page, "owner")
    assert "Mia Member (Sales)" in owners and "Lea Lead (" in owners
    assert "@" not in owners and selected_label(owners).startswith("Mia Member")
    assert post_cm(office, countermeasure, str(plan.lead.pk)).status_code == 302
    assert Countermeasure.objects.get(pk=countermeasure.pk).owner == plan.lead
    refused = post_cm(office, countermeasure, "Nobody Known")
    assert refused.status_code == 400 and "Choose a person from the list" in \
        html.unescape(refused.content.decode())
    assert Countermeasure.objects.get(pk=countermeasure.pk).owner == plan.lead


def test_above_the_limit_the_owner_is_typed_as_a_name_or_an_email(plan, countermeasure,
                                                                   monkeypatch):
    monkeypatch.setattr(people_forms, "PICK_LIMIT", 2)
    office = client_for("office@acme.test")
    page = office.get(f"/pdca/{countermeasure.pk}/").content.decode()
    assert '<select name="owner"' not in page and 'name="owner"' in page
    assert post_cm(office, countermeasure, "lea lead").status_code == 302
    assert Countermeasure.objects.get(pk=countermeasure.pk).owner == plan.lead
    assert post_cm(office, countermeasure, "opslead@acme.test").status_code == 302
    assert Countermeasure.objects.get(pk=countermeasure.pk).owner == plan.other_lead
    refused = post_cm(office, countermeasure, "Nobody Known")
    assert refused.status_code == 400 and "Nobody here is called “Nobody Known”" in \
        html.unescape(refused.content.decode())
    Person.objects.filter(pk=plan.viewer.pk).update(name="Lea Lead")
    twice = post_cm(office, countermeasure, "Lea Lead")
    assert twice.status_code == 400 and "Several people are called" in \
        html.unescape(twice.content.decode())


def test_the_catchball_delegate_is_picked_by_name(plan):
    office = client_for("office@acme.test")
    page = office.get("/catchball/propose/?element=P1").content.decode()
    delegates = select_of(page, "delegate")
    assert "Mia Member (Sales)" in delegates and "The unit's lead" in delegates
    assert "@" not in delegates
    refused = office.post("/catchball/propose/", {"element": "P1", "unit": "sales",
                                                  "delegate": "Mia Member"})
    assert refused.status_code != 302 and "Choose a person from the list" in \
        html.unescape(refused.content.decode())
    assert not Thread.objects.exists()
    sent = office.post("/catchball/propose/", {"element": "P1", "unit": "sales",
                                               "delegate": str(plan.member.pk)})
    assert sent.status_code == 302
    assert Thread.objects.get().delegate == plan.member


def test_a_review_action_owner_is_picked_by_name(plan):
    review = Review.objects.filter(cycle=plan.quarter).order_by("date").first() or \
        Review.objects.create(cycle=plan.quarter, date=dt.date.today(), week=1,
                              kind=Review.Kind.MID_CYCLE)
    office = client_for("office@acme.test")
    page = office.get(f"/reviews/{review.pk}/").content.decode()
    owners = select_of(page, "owner")
    assert "Mia Member (Sales)" in owners and "@" not in owners
    refused = office.post(f"/reviews/{review.pk}/", {
        "do": "action", "title": "Lease", "owner": "Mia Member", "due": "2026-07-20"})
    assert refused.status_code == 400 and "Choose a person from the list" in \
        html.unescape(refused.content.decode())
    added = office.post(f"/reviews/{review.pk}/", {
        "do": "action", "title": "Lease", "owner": str(plan.member.pk), "due": "2026-07-20"})
    assert added.status_code == 302
    assert review.actions.get().owner == plan.member
