"""Browser tests: Playwright driving Debian's Chromium against a live server.

Screenshots go to artifacts/screenshots/ (git-ignored) so people can look at the pages.
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


class _RequestsInFlight:
    """Counts the live server's requests that have started and not yet finished.

    A test can end while the page still waits for an HTMX fragment. The live server then
    holds a read on SQLite's shared in-memory database when the test's flush runs, the
    flush fails ("database table is locked") and the next test starts on the rows left
    behind. So a page is torn down only once the server has answered everything it asked.

    Only requests the live server answers on its own threads count. Tests elsewhere in the
    same worker call the WSGI app in the test's own thread (the test client,
    schemathesis); one that leaves a streamed response unread never sends
    request_finished, and counting it once left every later browser test on that worker
    waiting for a request nobody was answering.
    """

    def __init__(self):
        self._count = 0
        self._idle = threading.Condition()
        self._test_thread = threading.get_ident()
        self._answering = threading.local()

    def started(self, **kwargs):
        if threading.get_ident() == self._test_thread:
            return
        with self._idle:
            self._count += 1
            self._answering.request = True

    def finished(self, **kwargs):
        if not getattr(self._answering, "request", False):
            return
        with self._idle:
            self._answering.request = False
            self._count = max(0, self._count - 1)
            self._idle.notify_all()

    def wait_until_idle(self, timeout: float = 15.0) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout=timeout)


_in_flight = _RequestsInFlight()
request_started.connect(_in_flight.started, weak=False, dispatch_uid="e2e-in-flight-start")
request_finished.connect(_in_flight.finished, weak=False, dispatch_uid="e2e-in-flight-end")


# Every page a browser test opens is also checked against the Content Security Policy
# (docs/security.md): the browser reports each refused script, handler or style both as a
# securitypolicyviolation event (relayed to the console by this script) and as a console
# message "Refused to ...". A test whose pages caused any fails when it ends.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                + " at " + e.documentURI + (e.sample ? " (" + e.sample + ")" : ""));
});
"""


def csp_violations_of(page) -> list[str]:
    """The Content Security Policy violations reported on `page` so far."""
    return page._hoshin_csp_violations


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    violations: list[str] = []
    page._hoshin_csp_violations = violations

    def on_console(message):
        text = message.text
        if text.startswith("CSP violation:") or (
                "Refused to" in text and "Content Security Policy" in text):
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    yield page
    context.close()
    assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)


@pytest.fixture(autouse=True)
def _live_server_answered_everything():
    """Set up after pytest-django's live-server helper, so torn down before its flush.

    Closing a browser does not stop a request the server is already handling.
    """
    yield
    assert _in_flight.wait_until_idle(), "the live server was still answering a request"


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    """Log in through the login page and land on `next`: login("viewer@acme.test", "/x/")."""
    from tests.factories import PASSWORD

    def log_in(email: str, next_path: str = "/", password: str = PASSWORD):
        page.goto(f"{live_server.url}/login/?next={next_path}")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(live_server.url + next_path)
        return page

    return log_in
