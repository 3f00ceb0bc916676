"""The header every page shares: sections by what people do, the current one marked, "My
unit" and "My key results" one click away, Admin and API only for those who use them."""

import re

import pytest

from hoshin.org import services as org

pytestmark = pytest.mark.django_db

SECTIONS = ["Home", "Strategy", "Execution", "Planning", "Learn"]


def page(client, person, url="/"):
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def part(html: str, start: str, end: str) -> str:
    i = html.index(start)
    return html[i:html.index(end, i)]


def main_nav(html: str) -> str:
    return part(html, '<nav class="nav-main"', "</nav>")


def account_menu(html: str) -> str:
    return part(html, '<details class="menu me-menu"', "</details>")


def section_links(html: str) -> list[str]:
    sections = part(main_nav(html), '<ul class="nav-sections">', '<ul class="nav-mine">')
    return re.findall(r'<a href="[^"]*" class="nav-link"[^>]*>([A-Z][a-z]+)', sections)


def current_section(html: str) -> list[str]:
    return re.findall(r'class="nav-link" aria-current="(?:page|true)">(\w+)', main_nav(html))


@pytest.mark.parametrize("who", ["admin", "office", "lead", "member", "viewer"])
def test_every_role_sees_the_five_sections(client, plan, who):
    html = page(client, getattr(plan, who))
    assert section_links(html) == SECTIONS
    # The old flat list is gone: no "My home", and API/Admin are not in the main bar.
    nav = main_nav(html)
    assert "My home" not in nav and ">API<" not in nav and ">Admin<" not in nav


@pytest.mark.parametrize(("url", "section", "item"), [
    ("/", "Home", None),
    ("/strategy/", "Strategy", "Strategy"),
    ("/strategy/x-matrix/", "Strategy", "X-matrix"),
    ("/alignment/", "Strategy", "Alignment"),
    ("/strategy/metrics/", "Strategy", "Metrics"),
    ("/company/", "Execution", "Company"),
    ("/flags/", "Execution", "Flags"),
    ("/reviews/", "Execution", "Reviews"),
    ("/catchball/", "Execution", "Catchball"),
    ("/units/sales/", "Execution", None),
    ("/key-results/KR1/", "Execution", None),
    ("/planning/", "Planning", "Planning"),
    ("/analyzer/", "Planning", "Analyzer"),
    ("/learnings/", "Learn", "Learnings"),
    ("/pdca/", "Learn", "Countermeasures"),
])
def test_the_current_section_is_marked(client, plan, url, section, item):
    html = page(client, plan.office, url)
    assert current_section(html) == [section]
    tabs = part(html, '<nav class="section-nav"', "</nav>") if item else ""
    if item:
        # The section's pages are tabs under the bar, the current one marked as the page.
        assert re.findall(r'aria-current="page">([\w-]+)', tabs) == [item]
    elif section != "Home":
        assert 'aria-current="page"' not in tabs


def test_no_section_is_marked_on_a_page_outside_them(client, plan):
    html = page(client, plan.member, "/notify/me/")
    assert current_section(html) == []
    # The person's own link is: it leads to their settings.
    assert re.search(r'class="me-who" href="/notify/me/"[^>]*aria-current="page"', html)


def test_name_and_role_link_to_the_settings(client, plan):
    html = page(client, plan.lead)
    me = part(html, '<div class="me">', "</details>")
    assert 'href="/notify/me/"' in me and "Lea Lead" in me and "Unit lead" in me
    assert '<span class="avatar" aria-hidden="true">LL</span>' in me


def test_my_unit_is_the_unit_they_lead(client, plan):
    # Lea leads Sales and also belongs to Operations: the unit she leads wins.
    org.update_person(None, plan.lead, units=["ops", "sales"])
    nav = main_nav(page(client, plan.lead))
    assert re.search(r'<a href="/units/sales/" class="nav-link"[^>]*>My unit</a>', nav)


def test_my_unit_is_the_first_membership_otherwise(client, plan):
    nav = main_nav(page(client, plan.member))  # a member of Sales, leading nothing
    assert re.search(r'<a href="/units/sales/" class="nav-link"[^>]*>My unit</a>', nav)


def test_my_unit_is_hidden_for_someone_in_no_unit(client, plan):
    html = page(client, plan.viewer)
    assert "My unit" not in html


def test_my_unit_is_marked_on_that_unit_page(client, plan):
    nav = main_nav(page(client, plan.member, "/units/sales/"))
    assert 'aria-current="page">My unit</a>' in nav


def test_my_key_results_only_for_owners(client, plan):
    assert '<a href="/#my-krs" class="nav-link">My key results</a>' in page(client, plan.member)
    assert "My key results" not in main_nav(page(client, plan.viewer))


def test_admin_only_for_staff(client, plan):
    assert '<a href="/admin/">Admin</a>' in account_menu(page(client, plan.admin))
    for who in (plan.office, plan.lead, plan.member, plan.viewer):
        assert "/admin/" not in page(client, who)


def test_api_for_the_admin_the_strategy_office_and_token_holders(client, plan):
    for who in (plan.admin, plan.office):
        assert '<a href="/api/v1/docs">API</a>' in account_menu(page(client, who))
    for who in (plan.lead, plan.member, plan.viewer):
        assert "/api/v1/docs" not in page(client, who)
    org.create_token(None, plan.member, "my sheet")
    assert '<a href="/api/v1/docs">API</a>' in account_menu(page(client, plan.member))


def test_catchball_count_shows_on_the_section_and_the_page_link(client, plan):
    from hoshin.catchball import services

    services.propose(plan.office, element="P1", unit="sales")
    html = page(client, plan.lead, "/strategy/")
    nav = main_nav(html)
    assert re.search(r'>Execution <span class="nav-badge"[^>]*>1</span>', nav)
    assert 'Catchball <span class="nav-count" title="awaiting your answer">(1)</span>' in nav


def test_the_phone_menu_holds_every_link(client, plan):
    html = page(client, plan.admin)
    menu = part(html, '<details class="menu nav-phone"', "</details>")
    for label in ("X-matrix", "Flags", "Reviews", "Catchball", "Analyzer", "Learnings",
                  "My unit", "Change password", "API", "Admin", "Log out"):
        assert label in menu, label


def test_no_header_navigation_when_logged_out(client, plan):
    html = client.get("/login/").content.decode()
    assert 'class="nav-main"' not in html and "Log out" not in html
    assert re.search(r'<link rel="icon" href="[^"]*favicon[^"]*\.svg" type="image/svg\+xml">', html)



def test_the_audit_log_and_signed_webhooks_in_the_admins_menu(client, plan):
    menu = account_menu(page(client, plan.admin))
    assert '<a href="/audit/">Audit log</a>' in menu
    assert '<a href="/webhooks/">Signed webhooks</a>' in menu
    for who in (plan.office, plan.lead, plan.member, plan.viewer):
        html = page(client, who)
        assert 'href="/audit/"' not in html and 'href="/webhooks/"' not in html


def test_no_password_pages_in_the_menu_when_everyone_signs_in_elsewhere(client, plan, settings):
    assert "Change password" in account_menu(page(client, plan.admin))
    settings.HOSHIN_PASSWORD_LOGIN = False
    html = page(client, plan.admin)
    assert "Change password" not in html and "Two-factor log-in" not in html
