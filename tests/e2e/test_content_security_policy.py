"""The Content Security Policy in a real browser: every page of the main navigation, as each
role, loads with no violation (no inline script, handler or style= attribute refused), and
the pages that script things (menus, HTMX, the TV screen) still work under it.

The page fixture (tests/e2e/conftest.py) fails any browser test whose pages reported a
violation, so every other browser test checks its own pages too; this one walks the
navigation of each role."""

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import csp_violations_of
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = ["admin@acme.test", "office@acme.test", "lead@acme.test", "member@acme.test",
         "viewer@acme.test"]
# Pages a crawl of the menus would not reach, or that are heavy on script and style.
EXTRA = ["/strategy/x-matrix/", "/strategy/x-matrix/print/", "/tv/", "/company/", "/alignment/",
         "/calendar/", "/notify/me/", "/account/password/"]


def _menu_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "header a[href], main a[href]", "els => els.map(e => e.getAttribute('href'))")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(
                ("/api/", "/admin/", "/logout")):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in paths:
            paths.append(path)
    return paths


@pytest.mark.one_database
@pytest.mark.parametrize("email", ROLES)
def test_no_violation_on_any_page_of_the_navigation(live_server, page, login, email):
    build_plan()
    login(email)
    response = page.goto(live_server.url + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    seen = 0
    for path in _menu_links(page, live_server.url)[:40] + EXTRA:
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if response is None or response.status >= 400:
            continue
        seen += 1
        assert csp_violations_of(page) == [], path
    assert seen >= 10  # the walk reached the pages, not only error pages


def test_scripts_still_work_under_the_policy(live_server, page, login):
    plan = build_plan()
    login("member@acme.test")
    # The header menu (web/menus.js) closes on Escape.
    menu = page.locator("details.me-menu")
    menu.locator("summary").click()
    assert menu.get_attribute("open") is not None
    page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    # A select that submits on change (web/page.js, instead of onchange=).
    page.goto(f"{live_server.url}/units/sales/")
    select = page.locator("select[data-submit-on-change]")
    if select.count():
        options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        other = next((v for v in options if v != select.input_value()), None)
        if other:
            with page.expect_navigation():
                select.select_option(other)
            assert f"cycle={other}" in page.url
    assert plan.quarter.key
    assert csp_violations_of(page) == []


def test_api_documentation_and_admin_under_the_policy(live_server, page, login):
    build_plan()
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector("text=Hoshin API", timeout=15000)
    login("admin@acme.test")
    page.goto(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/org/person/")
    page.wait_for_load_state("networkidle")
    assert csp_violations_of(page) == []
