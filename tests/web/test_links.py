"""Everything links (issue #11, item 3) on the pages web composes: the company view, the
strategy items' pages (breadcrumb strategy › year › item), and the flags page; people by
name, never by e-mail address."""

import pytest
from django.urls import reverse

from hoshin.strategy.models import AnnualObjective, Breakthrough
from tests.links import parse

pytestmark = pytest.mark.django_db


def _page(client, url, who):
    client.force_login(who)
    response = client.get(url)
    assert response.status_code == 200, url
    return parse(response.content.decode())


def test_the_company_view_links_every_unit_objective_and_key_result(client, plan):
    page = _page(client, reverse("company"), plan.viewer)
    for path, name in [("/units/sales/", "Sales"), ("/units/ops/", "Operations"),
                       ("/objectives/O1/", "Make installers our best sales channel"),
                       ("/objectives/O2/", "Install faster"),
                       ("/key-results/KR1/", "Installer-sold units from 20% to 35%"),
                       ("/key-results/KR3/", "Days from order to install")]:
        assert page.links_to(path, name), (name, page.where(name))
    assert page.emails() == []


def test_strategy_item_pages_have_a_breadcrumb_and_link_their_people(client, plan):
    from hoshin.strategy import services as strategy

    strategy.save_annual_objective(plan.office, AnnualObjective.objects.get(key="A1"),
                                   owner=plan.office.email)
    year = plan.quarter.start.year
    page = _page(client, reverse("strategy:annual", args=["A1"]), plan.viewer)
    assert page.breadcrumb() == [("Strategy", "/strategy/"), (str(year), "/strategy/"),
                                 ("Double installations", "/strategy/annual/A1/")]
    assert page.current_crumb() == ["Double installations"]
    for path, name in [(f"/people/{plan.office.pk}/", "Oscar Office"),
                       ("/strategy/breakthroughs/B1/", "Lead the heat-pump market"),
                       ("/strategy/priorities/P1/", "Sell through installers"),
                       ("/objectives/O1/", "Make installers our best sales channel"),
                       ("/units/sales/", "Sales")]:
        assert page.links_to(path, name), (name, page.where(name))
    assert page.emails() == []

    page = _page(client, reverse("strategy:priority", args=["P1"]), plan.viewer)
    assert [name for name, _ in page.breadcrumb()] == ["Strategy", str(year),
                                                      "Sell through installers"]
    # Its resources: a person and a unit, each a link.
    assert page.links_to(f"/people/{plan.lead.pk}/", "Lea Lead")
    assert page.links_to("/units/ops/", "Operations")
    assert page.links_to("/strategy/metrics/M1/", "Installations per month")
    assert page.emails() == []

    page = _page(client, reverse("strategy:breakthrough", args=["B1"]), plan.viewer)
    assert [name for name, _ in page.breadcrumb()] == ["Strategy", "Lead the heat-pump market"]
    assert page.links_to("/strategy/annual/A1/", "Double installations")


def test_the_strategy_page_links_owners_and_units(client, plan):
    from hoshin.strategy import services as strategy

    strategy.save_breakthrough(plan.office, Breakthrough.objects.get(key="B1"),
                               owner=plan.lead.email)
    page = _page(client, reverse("strategy:overview"), plan.viewer)
    assert page.links_to(f"/people/{plan.lead.pk}/", "Lea Lead")
    assert page.links_to("/units/sales/", "Sales")
    assert page.links_to("/strategy/metrics/M1/", "Installations per month")
    assert page.emails() == []


def test_the_flags_page_links_key_results_and_owners_without_addresses(client, plan):
    from hoshin.core import clock
    from hoshin.flags.models import Flag

    Flag.objects.create(key_result=plan.kr_sales, code="silent", message="No check-in",
                        raised_on=clock.today())
    page = _page(client, reverse("flags:list"), plan.viewer)
    assert page.links_to("/key-results/KR1/", "Installer-sold units from 20% to 35%")
    assert page.links_to(f"/people/{plan.member.pk}/", "Mia Member")
    assert page.links_to("/units/sales/", "Sales")
    assert page.emails() == []


def test_a_history_row_links_the_person_who_changed_the_item(client, plan):
    from hoshin.strategy import services as strategy

    strategy.save_annual_objective(plan.office, AnnualObjective.objects.get(key="A1"),
                                   title="Double installations by 2027")
    page = _page(client, reverse("strategy:annual", args=["A1"]), plan.viewer)
    assert page.links_to(f"/people/{plan.office.pk}/", "Oscar Office")
