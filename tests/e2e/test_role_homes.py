"""From the demo's login page, each persona in one click lands on its own home: the
cockpit for the strategy office and the viewer, the unit first for the unit lead, today's
check-in first for the key-result owner. Screenshots at 1,440 px in artifacts/screenshots/
(home-<persona>.png, login-personas.png)."""

import datetime as dt

import pytest

from hoshin.core import clock
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2026, 11, 19)  # a Thursday, seven weeks into Q4 2026

# persona -> (name on the button, the section their home opens with)
PERSONAS = {
    "office": ("Ana Admin", "The plan this quarter"),
    "lead": ("Lea Lead", "My units"),
    "owner": ("Mia Member", "My key results"),
    "viewer": ("Vic Viewer", "The plan this quarter"),
}


@pytest.fixture
def demo(monkeypatch):
    from hoshin.flags.services import evaluate_flags
    from hoshin.okrs import services as okrs
    from hoshin.org import services as org
    from hoshin.org.models import Person
    from hoshin.reviews.services import schedule_reviews

    monkeypatch.delenv("HOSHIN_PASSWORD", raising=False)
    with clock.everywhere(DAY):
        plan = build_plan(DAY)
        okrs.record_checkin(None, plan.kr_sales, value=30, confidence=2)
        okrs.record_checkin(None, okrs.KeyResult.objects.get(key="KR3"), value=20, confidence=4)
        evaluate_flags(None)
        schedule_reviews(None, plan.quarter)
        org.set_shared_password(list(Person.objects.values_list("email", flat=True)),
                                "hoshin-demo")
        org.set_demo_mode(None, True)
        yield plan


def test_each_persona_lands_on_its_home_in_one_click(live_server, page, screenshot, demo):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(live_server.url + "/login/")
    assert page.get_by_role("heading", name="Try the demo as…").is_visible()
    screenshot("login-personas")
    for slot, (name, first_section) in PERSONAS.items():
        page.goto(live_server.url + "/login/")
        page.get_by_role("button", name=f"Try as {name.split()[0]}").click()
        page.wait_for_url(live_server.url + "/")
        assert name in page.locator("header.top").inner_text()
        headings = [h.strip() for h in page.locator("main h2").all_inner_texts()]
        assert headings and headings[0].startswith(first_section), (slot, headings)
        if first_section == "The plan this quarter":
            off_track = page.locator(".trouble-off_track a")
            assert off_track.inner_text().split()[0] == "1"
        if slot == "owner":
            assert page.locator("form.checkin").count() == 1
        screenshot(f"home-{slot}")
        page.context.clear_cookies()  # logged out: the login page shows again


def test_the_off_track_count_opens_the_list_of_them(live_server, page, demo):
    page.goto(live_server.url + "/login/")
    page.get_by_role("button", name="Try as Vic").click()
    page.wait_for_url(live_server.url + "/")
    page.locator(".trouble-off_track a").click()
    page.wait_for_url("**/alignment/**status=off_track**")
    assert page.locator('a[href="/key-results/KR1/"]').count() >= 1
    assert page.locator('a[href="/key-results/KR3/"]').count() == 0
