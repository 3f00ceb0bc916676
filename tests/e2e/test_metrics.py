"""A metric's bowling chart and the TV mode in a real browser."""

import datetime as dt

import pytest

from hoshin.okrs import services as okrs
from hoshin.strategy import services as strategy
from hoshin.strategy.models import Metric
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
YEAR = dt.date.today().year


def test_record_an_actual_and_see_the_bowling_chart(page, login, screenshot):
    build_plan()
    m1 = Metric.objects.get(key="M1")
    for month, plan, actual in ((1, 100, 108), (2, 115, 111), (3, 130, 118), (4, 140, 150),
                                (5, 150, None), (6, 160, None)):
        strategy.record_metric_actual(None, m1, period=f"{YEAR}-{month:02d}", plan=plan,
                                      actual=actual)
    login("office@acme.test", f"/strategy/metrics/M1/?year={YEAR}")
    page.get_by_label("Month").select_option(f"{YEAR}-05")
    page.get_by_label("Actual").fill("152")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Recorded M1 for {YEAR}-05").is_visible()
    may = page.locator(f'tr.actual td[data-period="{YEAR}-05"]')
    assert may.text_content().strip() == "152" and "cell-green" in may.get_attribute("class")
    def cell_class(period: str) -> str:
        return page.locator(f'tr.actual td[data-period="{YEAR}-{period}"]').get_attribute("class")

    assert "cell-amber" in cell_class("02")
    assert "cell-red" in cell_class("03")
    chart = page.locator(".chart-frame svg")
    assert chart.is_visible() and chart.locator("circle").count() == 5
    screenshot("metric-bowling")


def test_tv_mode_moves_to_the_next_unit(page, login, live_server, screenshot):
    plan = build_plan()
    okrs.record_checkin(None, plan.kr_sales, value=33, confidence=8)
    login("viewer@acme.test", "/tv/")
    page.goto(f"{live_server.url}/tv/?unit=ops&every=5")
    assert page.locator("h1").text_content().startswith("Operations")
    # The page moves itself on to the next unit.
    page.wait_for_url("**/tv/?unit=sales&every=5", timeout=9000)
    assert page.locator("h1").text_content().startswith("Sales")
    screenshot("tv")
