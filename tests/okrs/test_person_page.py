"""A person's page (/people/<id>/): name with initials, role, units, and their key results
in the quarter with status; never their e-mail address. Anyone logged in may read it, as
any other page of the plan; nobody logged out."""

import pytest
from django.urls import reverse

from hoshin.core.templatetags.people import initials
from hoshin.okrs import services
from tests.links import parse

pytestmark = pytest.mark.django_db


def test_a_person_page_shows_their_units_and_key_results_with_status(client, plan):
    services.record_checkin(plan.lead, plan.kr_milestone, steps_done=["S1"])
    client.force_login(plan.viewer)
    response = client.get(reverse("okrs:person", args=[plan.lead.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    page = parse(html)
    assert '<h1 class="person-head">' in html and "Lea Lead</h1>" in html
    assert ">LL<" in html  # the initials
    assert "Unit lead" in html
    assert page.links_to("/units/sales/", "Sales")  # the unit she leads
    assert page.links_to("/key-results/KR2/", "Installer certification programme live")
    assert page.links_to("/objectives/O1/", "Make installers our best sales channel")
    assert "/key-results/KR1/" not in html  # Mia's, not hers
    assert 'data-status="' in html and "1 key result:" in html
    assert page.emails() == []


def test_a_member_page_names_their_units(client, plan):
    client.force_login(plan.member)
    page = parse(client.get(reverse("okrs:person", args=[plan.member.pk])).content.decode())
    assert page.links_to("/units/sales/", "Sales")
    assert page.links_to("/key-results/KR1/", "Installer-sold units from 20% to 35%")


def test_a_person_without_key_results_and_another_quarter(client, plan):
    client.force_login(plan.viewer)
    html = client.get(reverse("okrs:person", args=[plan.office.pk])).content.decode()
    assert "Oscar Office owns no key result in" in html
    assert client.get(reverse("okrs:person", args=[99999])).status_code == 404


def test_the_person_page_needs_a_login(client, plan):
    response = client.get(reverse("okrs:person", args=[plan.lead.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_person_page_queries_do_not_grow_with_their_key_results(client, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(plan.viewer)
    url = reverse("okrs:person", args=[plan.lead.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(6):
        services.save_key_result(None, key=f"KRX{n}", objective="O1", title=f"More {n}",
                                 owner=plan.lead.email, kind="increase", baseline=0,
                                 target=10)
    with CaptureQueriesContext(connection) as seven:
        html = client.get(url).content.decode()
    assert "More 5" in html
    assert len(seven) == len(one)


@pytest.mark.parametrize("name, expected", [
    ("Lea Lead", "LL"), ("Otto", "O"), ("Anna-Lena Berg", "AB"), ("Jan van der Berg", "JB"),
    ("", "?"), ("  ", "?"), ("Ørjan Åsen", "ØÅ"),
])
def test_initials(name, expected):
    assert initials(name) == expected
