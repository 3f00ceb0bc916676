"""axe-core on the main pages, as each role: no serious or critical violation.

axe-core comes inside axe-playwright-python (axe.min.js, injected into the page): nothing
is fetched while the tests run. Each page is also photographed at 1,440 and 390 px wide
into artifacts/screenshots/ (a11y-<page>-<width>.png) for people to look at.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client

from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
ROLES = ("admin", "office", "lead", "member", "viewer")  # admin and the strategy office both

PAGES = [
    ("home", "/"),
    ("strategy", "/strategy/"),
    ("x-matrix", "/strategy/x-matrix/"),
    ("alignment", "/alignment/"),
    ("unit", "/units/sales/"),
    ("objective", "/objectives/O1/"),
    ("key-result", "/key-results/KR1/"),
    ("flags", "/flags/"),
    ("reviews", "/reviews/"),
    ("company", "/company/"),
    ("planning", "/planning/"),
    ("analyzer", "/analyzer/"),
    ("learnings", "/learnings/"),
    ("catchball", "/catchball/"),
]

# Violations that come from page templates other changes of issue #11 are reworking; the
# shared layout (base.html, hoshin.css) is clean on every page. Remove a mark once its page
# passes (strict=False keeps the suite green while those pages change).
KNOWN: dict[str, str] = {}  # page name -> the violation still expected there, and why


def blocking(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — "
            f"{', '.join(str(n['target']) for n in v['nodes'][:3])}"
            for v in results.response["violations"] if v["impact"] in BLOCKING]


def as_person(browser, live_server, person):
    """A browser context logged in as `person` through a session cookie (the log-in form
    itself is checked once, on the login page)."""
    client = Client()
    client.force_login(person)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    return context


def marked(name, url):
    if name in KNOWN:
        return pytest.param(name, url, marks=pytest.mark.xfail(strict=False,
                                                               reason=KNOWN[name]))
    return pytest.param(name, url)


@pytest.mark.one_database
@pytest.mark.parametrize(("name", "url"), [marked(n, u) for n, u in PAGES])
def test_no_serious_violation_as_any_role(browser, live_server, name, url):
    plan = build_plan()
    found = {}
    for role in ROLES:
        context = as_person(browser, live_server, getattr(plan, role))
        try:
            page = context.new_page()
            response = page.goto(live_server.url + url)
            assert response.ok, f"{url} as {role}: {response.status}"
            page.wait_for_load_state("networkidle")
            if problems := blocking(page):
                found[role] = problems
            if role == "office":
                screenshots(page, name)
        finally:
            context.close()
    assert not found, "\n".join(f"{role}: {p}" for role, ps in found.items() for p in ps)


def screenshots(page, name):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-{width}.png"), full_page=True)


def test_login_page(browser, live_server, page, screenshot):
    build_plan()
    page.goto(live_server.url + "/login/")
    assert not blocking(page)
    page.get_by_role("button", name="Log in").click()  # empty: the errors must pass too
    assert not blocking(page)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"a11y-login-{width}")
