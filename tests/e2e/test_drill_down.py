"""Drill down and back up (issue #11, item 3): from the company view a viewer clicks a
unit, then an objective, then a key result, then climbs the breadcrumb back to the unit;
every step by clicking names, never by typing an address."""

import pytest

from hoshin.okrs import services
from hoshin.org import services as org
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_company_to_key_result_and_back_up_the_breadcrumb(login, live_server, page,
                                                         screenshot):
    plan = build_plan()
    org.create_unit(None, key="emea", name="Sales EMEA", parent="sales", lead=plan.lead.email)
    services.save_objective(None, key="O9", cycle=plan.quarter.key, unit="emea",
                            title="Nordic installers on board", parent="O1")
    kr = services.save_key_result(None, key="KR9", objective="O9",
                                  title="Nordic installers signed", owner=plan.member.email,
                                  kind="increase", baseline=0, target=5)
    services.record_checkin(plan.member, kr, value=2, confidence=6, note="Two in Oslo")
    login("viewer@acme.test", "/company/")
    screenshot("drill-0-company")

    main = page.locator("main")
    main.get_by_role("link", name="Sales EMEA", exact=True).click()
    page.wait_for_url(f"{live_server.url}/units/emea/**")
    assert page.locator("h1").inner_text().startswith("Sales EMEA")
    screenshot("drill-1-unit")

    main.get_by_role("link", name="Nordic installers on board").first.click()
    page.wait_for_url(f"{live_server.url}/objectives/O9/")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert crumbs.get_by_role("link").all_inner_texts() == [
        "Sell through installers", "Acme Inc.", "Sales", "Sales EMEA",
        "Make installers our best sales channel", "Nordic installers on board"]
    screenshot("drill-2-objective")

    main.get_by_role("link", name="Nordic installers signed").first.click()
    page.wait_for_url(f"{live_server.url}/key-results/KR9/")
    assert crumbs.get_by_role("link").last.get_attribute("aria-current") == "page"
    assert crumbs.get_by_role("link").last.inner_text() == "Nordic installers signed"
    # The owner is a name with initials, never an address.
    owner = main.get_by_role("link", name="Mia Member").first
    assert owner.is_visible()
    assert "@" not in main.inner_text()
    screenshot("drill-3-key-result")

    crumbs.get_by_role("link", name="Sales EMEA", exact=True).click()
    page.wait_for_url(f"{live_server.url}/units/emea/?cycle={plan.quarter.key}")
    assert page.locator("h1").inner_text().startswith("Sales EMEA")
    crumbs.get_by_role("link", name="Sales", exact=True).click()
    page.wait_for_url(f"{live_server.url}/units/sales/?cycle={plan.quarter.key}")
    screenshot("drill-4-back-up")

    # And a person's page from the key result's owner.
    page.go_back()
    page.go_back()
    page.wait_for_url(f"{live_server.url}/key-results/KR9/")
    main.get_by_role("link", name="Mia Member").first.click()
    page.wait_for_url(f"{live_server.url}/people/{plan.member.pk}/")
    assert "Nordic installers signed" in main.inner_text()
    screenshot("drill-5-person")
