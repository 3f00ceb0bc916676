"""Charts in a browser: the key result's burn-up on a wide screen and a phone, the
objective page's small multiples, and the TV dashboard on a 1920 x 1080 screen.
Screenshots go to artifacts/screenshots/charts-*.png."""

import datetime as dt

import pytest

from hoshin.okrs import services
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTES = ("Kick-off: two regions signed", "Slow week, the fair took everyone",
         "Two big installers signed; the third waits on its board", "Back on pace")


def readings(plan):
    start, today = plan.quarter.start, dt.date.today()
    for i, (days, value) in enumerate(((0, 21), (9, 22.5), (18, 25), (27, 26.5))):
        services.record_checkin(plan.member, plan.kr_sales, value=value, confidence=6 + i % 3,
                                note=NOTES[i], date=min(start + dt.timedelta(days=days), today))
    services.record_checkin(plan.lead, plan.kr_milestone, steps_done=["S1"], confidence=7,
                            date=min(start + dt.timedelta(days=12), today))


def font_px(page, selector: str) -> float:
    """The rendered height of the first visible text matching `selector`, in CSS px."""
    return page.locator(selector).first.bounding_box()["height"]


def test_key_result_chart_wide_and_on_a_phone(login, live_server, page, screenshot):
    plan = build_plan()
    readings(plan)
    page.set_viewport_size({"width": 1440, "height": 900})
    login("viewer@acme.test", f"/key-results/{plan.kr_sales.key}/")
    chart = page.locator("svg.burnup:visible")
    assert chart.count() == 1 and "burnup-wide" in chart.get_attribute("class")
    figure = page.locator("figure.kr-chart").bounding_box()
    assert chart.bounding_box()["width"] == pytest.approx(figure["width"], abs=1)  # full width
    assert chart.locator("text.y-title").text_content() == "%"
    assert chart.locator("polyline.pace-line").count() == 1
    assert chart.locator("polygon.forecast-band").count() == 1
    assert chart.locator("g.pt").count() == 4
    assert font_px(page, "svg.burnup:visible .y-tick text") >= 12
    # Hover a check-in: its note shows; keyboard focus shows it too.
    chart.locator("g.pt").nth(2).hover()
    assert chart.locator("g.pt").nth(2).locator("g.tip").is_visible()
    assert "Two big installers" in chart.locator("g.pt").nth(2).locator("g.tip").text_content()
    screenshot("charts-kr-1440")
    page.mouse.move(0, 0)
    chart.locator("g.pt").first.focus()
    assert chart.locator("g.pt").first.locator("g.tip").is_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    phone = page.locator("svg.burnup:visible")
    assert phone.count() == 1 and "burnup-compact" in phone.get_attribute("class")
    assert font_px(page, "svg.burnup:visible .y-tick text") >= 10  # readable on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("charts-kr-390")


def test_objective_page_small_multiples_link_to_key_results(login, live_server, page,
                                                            screenshot):
    plan = build_plan()
    readings(plan)
    page.set_viewport_size({"width": 1440, "height": 900})
    login("viewer@acme.test", f"/objectives/{plan.objective.key}/")
    cards = page.locator("li.multiple")
    assert cards.count() == 2
    assert cards.first.locator("svg.spark").is_visible()
    # Each key result drawn once: the full burn-up and timeline are on their own pages.
    assert page.locator("svg.timeline, svg.burnup").count() == 0
    assert page.locator(".krs svg").count() == 0
    assert page.get_by_role("link", name="Burn-up chart and check-ins").count() == 1
    screenshot("charts-objective")
    cards.first.locator("a").click()
    page.wait_for_url(f"{live_server.url}/key-results/{plan.kr_sales.key}/")


def test_tv_dashboard_full_screen(login, live_server, page, screenshot):
    plan = build_plan()
    readings(plan)
    page.set_viewport_size({"width": 1920, "height": 1080})
    login("viewer@acme.test", "/tv/?every=600")
    assert page.locator(".tv-unit").count() == 2  # the company screen: a tile per unit
    assert "days left" in page.locator(".tv-days").inner_text()
    assert font_px(page, "h1") >= 50  # read from across the room
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    screenshot("charts-tv-company")
    page.locator('[data-tv="next"]').click()
    page.locator('[data-tv="next"]').click()
    page.wait_for_url(f"{live_server.url}/tv/?unit=sales&every=600")
    assert page.locator("h1").inner_text().startswith("Sales")
    assert page.locator("li.multiple svg.spark").count() == 2
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    page.mouse.move(0, 0)
    screenshot("charts-tv-unit")
