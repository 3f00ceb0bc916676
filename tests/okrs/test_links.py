"""Everything links (issue #11, item 3): on the key-result, objective, unit and person
pages every unit, objective, key result, person and strategy item shown is a link to its
page, people are names (never e-mail addresses), and the breadcrumb goes up the whole
chain."""

import pytest
from django.urls import reverse

from hoshin.okrs import services
from hoshin.org import services as org
from tests.links import parse

pytestmark = pytest.mark.django_db


def _get(client, url, who):
    client.force_login(who)
    response = client.get(url)
    assert response.status_code == 200, url
    return parse(response.content.decode())


@pytest.fixture
def deep(plan):
    """KR9 under O9 of EMEA North (Acme › Sales › Sales EMEA › EMEA North); O9's parent
    is Sales's O1, which serves the improvement priority P1."""
    org.create_unit(None, key="emea", name="Sales EMEA", parent="sales")
    org.create_unit(None, key="emea-north", name="EMEA North", parent="emea",
                    lead=plan.lead.email)
    o9 = services.save_objective(None, key="O9", cycle=plan.quarter.key, unit="emea-north",
                                 title="Nordic installers on board", parent="O1")
    kr9 = services.save_key_result(None, key="KR9", objective="O9",
                                   title="Nordic installers signed", owner=plan.member.email,
                                   kind="increase", baseline=0, target=5)
    return o9, kr9


def test_the_breadcrumb_of_a_key_result_goes_up_the_whole_chain(client, plan, deep):
    o9, kr9 = deep
    page = _get(client, reverse("okrs:key_result", args=["KR9"]), plan.viewer)
    assert page.breadcrumb() == [
        ("Sell through installers", "/strategy/priorities/P1/"),
        ("Acme Inc.", "/units/acme/"),
        ("Sales", "/units/sales/"),
        ("Sales EMEA", "/units/emea/"),
        ("EMEA North", "/units/emea-north/"),
        ("Make installers our best sales channel", "/objectives/O1/"),
        ("Nordic installers on board", "/objectives/O9/"),
        ("Nordic installers signed", "/key-results/KR9/"),
    ]
    assert page.current_crumb() == ["Nordic installers signed"]
    # The units' crumbs open the key result's quarter.
    unit_links = [link for link in page.links if link.in_breadcrumb and "/units/" in link.href]
    assert all(link.href.endswith(f"?cycle={plan.quarter.key}") for link in unit_links)


def test_the_breadcrumb_of_an_objective_and_of_a_unit(client, plan, deep):
    page = _get(client, reverse("okrs:objective", args=["O9"]), plan.viewer)
    assert [path for _, path in page.breadcrumb()] == [
        "/strategy/priorities/P1/", "/units/acme/", "/units/sales/", "/units/emea/",
        "/units/emea-north/", "/objectives/O1/", "/objectives/O9/"]
    assert page.current_crumb() == ["Nordic installers on board"]

    page = _get(client, reverse("okrs:unit", args=["emea-north"]), plan.viewer)
    assert page.breadcrumb() == [("Acme Inc.", "/units/acme/"), ("Sales", "/units/sales/"),
                                 ("Sales EMEA", "/units/emea/"),
                                 ("EMEA North", "/units/emea-north/")]
    assert page.current_crumb() == ["EMEA North"]


def test_an_objective_serving_an_annual_objective_through_a_theme(client, plan):
    # O2 serves the theme T1, which has no page: the crumb is T1's annual objective.
    page = _get(client, reverse("okrs:objective", args=["O2"]), plan.viewer)
    assert page.breadcrumb()[0] == ("Double installations",
                                    "/strategy/annual/A1/")


def test_every_name_on_the_key_result_page_is_a_link(client, plan, deep):
    services.record_checkin(plan.member, plan.kr_sales, value=25, note="first week")
    page = _get(client, reverse("okrs:key_result", args=["KR1"]), plan.viewer)
    for path, name in [("/units/sales/", "Sales"), ("/units/acme/", "Acme Inc."),
                       ("/objectives/O1/", "Make installers our best sales channel"),
                       ("/strategy/priorities/P1/", "Sell through installers"),
                       (f"/people/{plan.member.pk}/", "Mia Member")]:
        assert page.links_to(path, name), (name, page.where(name))
    # The check-in's author too, and with their initials.
    by = [link for link in page.links if link.path == f"/people/{plan.member.pk}/"]
    assert len(by) >= 2 and all(link.text == "MM Mia Member" for link in by)
    assert page.emails() == []


def test_every_name_on_the_objective_and_unit_pages_is_a_link(client, plan, deep):
    page = _get(client, reverse("okrs:objective", args=["O1"]), plan.viewer)
    for path, name in [("/units/sales/", "Sales"),
                       ("/key-results/KR1/", "Installer-sold units from 20% to 35%"),
                       ("/key-results/KR2/", "Installer certification programme live"),
                       (f"/people/{plan.member.pk}/", "Mia Member"),
                       (f"/people/{plan.lead.pk}/", "Lea Lead"),
                       # Why this matters: every level up to the breakthrough.
                       ("/strategy/priorities/P1/", "Sell through installers"),
                       ("/strategy/annual/A1/", "Double installations"),
                       ("/strategy/breakthroughs/B1/", "Lead the heat-pump market")]:
        assert page.links_to(path, name), (name, page.where(name))
    assert page.emails() == []

    page = _get(client, reverse("okrs:unit", args=["sales"]), plan.viewer)
    for path, name in [("/objectives/O1/", "Make installers our best sales channel"),
                       ("/key-results/KR1/", "Installer-sold units from 20% to 35%"),
                       (f"/people/{plan.lead.pk}/", "Lea Lead"),
                       (f"/people/{plan.member.pk}/", "Mia Member"),
                       ("/units/emea/", "Sales EMEA"),
                       ("/units/acme/", "Acme Inc.")]:
        assert page.links_to(path, name), (name, page.where(name))
    assert page.emails() == []


def test_headings_are_titles_with_the_key_as_secondary_text(client, plan):
    client.force_login(plan.viewer)
    html = client.get(reverse("okrs:key_result", args=["KR1"])).content.decode()
    assert ('<h1><span class="key">KR1</span> Installer-sold units from 20% to 35%</h1>'
            in html)
    html = client.get(reverse("okrs:objective", args=["O1"])).content.decode()
    assert '<h1><span class="key">O1</span> Make installers our best sales channel' in html


def test_history_names_who_made_a_change_with_a_link(client, plan):
    services.save_key_result(plan.lead, plan.kr_sales, target=40, reason="board raised it")
    page = _get(client, reverse("okrs:key_result", args=["KR1"]), plan.viewer)
    assert page.links_to(f"/people/{plan.lead.pk}/", "Lea Lead")
    assert page.emails() == []


def test_key_result_page_queries_grow_only_with_the_depth_of_the_chain(client, plan, deep):
    client.force_login(plan.viewer)
    client.get(reverse("okrs:key_result", args=["KR1"]))  # warm the session
    # KR9 sits three units and one objective deeper than KR1: a query per level, no more.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as shallow:
        client.get(reverse("okrs:key_result", args=["KR1"]))
    with CaptureQueriesContext(connection) as deeper:
        client.get(reverse("okrs:key_result", args=["KR9"]))
    assert len(deeper) - len(shallow) <= 4
