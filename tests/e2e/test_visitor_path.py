"""The five-minute visitor path of issue #11, walked as a first-time visitor would: on the
demo the README's first command loads (Kestrel Heat Pumps, on a Monday review day seven
weeks into Q4 2026), from the login page's persona buttons only, clicking what the pages
offer and typing no address:

1. each persona lands on a home of its own;
2. the strategy office sees how many key results are off track, opens them, and one of
   them says why (where it should be by now, and the warnings);
3. the key-result owner checks in from their home in one step;
4. the strategy office takes a review decision from the home's "Decisions waiting";
5. the strategy office finds "Quarter close" in the navigation, accepts the suggested
   grades and closes the quarter early with a reason.

Screenshots at 1,440 and 390 px of every step go to artifacts/screenshots/visitor-*.png.
"""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from hoshin.core import clock

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2026, 12, 7)  # a Monday: the demo's monthly business review is today


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.delenv("HOSHIN_PASSWORD", raising=False)
    with clock.everywhere(DAY):
        call_command("demo", "--today", DAY.isoformat(), "--no-migrate",
                     stdout=io.StringIO(), stderr=io.StringIO())
        yield


def test_a_visitor_walks_the_method_in_a_few_clicks(live_server, page, screenshot, demo):
    from hoshin.closing.models import Grade
    from hoshin.okrs.models import CheckIn, Cycle
    from hoshin.reviews.models import Decision

    def shoot(name):
        for width in (1440, 390):
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(f"visitor-{name}-{width}")
        page.set_viewport_size({"width": 1440, "height": 900})

    def try_as(slot):
        page.context.clear_cookies()
        page.goto(live_server.url + "/login/")
        card = page.locator(f'[data-persona="{slot}"]')
        name = card.locator("strong").inner_text()
        card.get_by_role("button", name=re.compile(r"^Try as ")).click()
        page.wait_for_url(live_server.url + "/")
        assert name in page.locator("header.top").inner_text()
        return name

    def headings():
        return [h.strip() for h in page.locator("main h2").all_inner_texts()]

    # 1. The login page offers the four roles; each lands on its own home.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(live_server.url + "/login/")
    assert page.locator("[data-persona]").count() == 4
    shoot("0-login")
    try_as("lead")
    assert any(h.startswith("My units") for h in headings()[:2])  # after catchball waiting
    shoot("1-lead-home")
    try_as("viewer")
    assert headings()[0].startswith("The plan this quarter")
    assert page.locator("form.checkin").count() == 0  # read only
    shoot("1-viewer-home")

    # 2. What is off track, and why.
    try_as("office")
    assert headings()[0].startswith("The plan this quarter")
    shoot("2-office-home")
    off_track = page.locator(".trouble-off_track a")
    count = int(off_track.inner_text().split()[0])
    assert count > 0
    off_track.click()
    page.wait_for_url("**/alignment/**status=off_track**")
    shoot("2-off-track")
    krs = page.locator('main a[href^="/key-results/"]')
    assert krs.count() >= 1
    krs.first.click()
    page.wait_for_url("**/key-results/**")
    text = page.locator("main").inner_text()
    assert "Off track" in text
    assert re.search(r"expected \d+ % by today", text)  # where it should be by now
    shoot("2-why")

    # 3. The key-result owner checks in from home, in one step.
    try_as("owner")
    assert headings()[0].startswith("My key results")
    form = page.locator("form.checkin").first
    before = CheckIn.objects.count()
    form.locator('input[name="value"]').fill("24.5")
    form.locator('input[name="confidence"]').fill("6")
    form.locator('input[name="note"]').fill("Remote triage script live on two desks")
    form.get_by_role("button", name="Check in").click()
    page.get_by_text("Checked in. Progress and status are up to date.").wait_for()
    assert CheckIn.objects.count() == before + 1
    shoot("3-checked-in")

    # 4. A review decision, from the office's home.
    try_as("office")
    page.locator(".cockpit-decisions a[href^='/reviews/']").first.click()
    page.wait_for_url(re.compile(r".*/reviews/\d+/$"))
    unblocks = Decision.objects.filter(kind="unblock").count()
    item = page.locator("li.agenda-item:not(.is-decided)").first
    title = item.locator("a").first.inner_text()
    item.get_by_label("Decision").select_option(label="Unblock")
    item.get_by_label("Why").fill("Borrow two people from the K1 line for three weeks")
    item.get_by_role("button", name="Decide").click()
    decided = page.locator("li.agenda-item.is-decided").filter(has_text=title)
    decided.get_by_text("Decided: Unblock").wait_for()
    assert Decision.objects.filter(kind="unblock").count() == unblocks + 1
    shoot("4-decided")

    # 5. Close the quarter: found in the navigation, not typed.
    page.locator("header").get_by_role("link", name="Execution", exact=True).first.click()
    page.locator("nav.section-nav").get_by_role("link", name="Quarter close").click()
    page.wait_for_url("**/closing/2026-Q4/")
    steps = page.locator("#close-steps")
    assert "0 of 65 graded" in steps.inner_text()
    shoot("5-close")
    page.get_by_role("button", name="Accept all suggested grades").click()
    page.get_by_text("65 suggested grades accepted.").wait_for()
    assert Grade.objects.filter(key_result__objective__cycle__key="2026-Q4").count() == 65
    assert "65 of 65 graded" in page.locator("#close-steps").inner_text()
    page.locator("#close-steps").get_by_role("link", name="Close the quarter").click()
    panel = page.locator("#close-panel")
    assert "the quarter runs until 2026-12-31" in panel.inner_text()
    panel.get_by_label("Close anyway, because").fill("Trying the demo: closing early")
    panel.get_by_role("button", name=re.compile(r"^Close Q4 2026")).click()
    page.wait_for_selector("p.notice:has-text('closed and read-only')")
    assert Cycle.objects.get(key="2026-Q4").state == "closed"
    shoot("5-closed")
