"""Charts on the pages: the key result's burn-up, the small multiples of unit and
objective pages, and that they cost no query per key result."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoshin.okrs import services

pytestmark = pytest.mark.django_db


def wide_chart(html: str) -> str:
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="burnup burnup-wide"')
    return html[start:html.index("</svg>", start)]


def test_key_result_page_has_its_burnup(client, plan):
    start = plan.quarter.start
    services.record_checkin(plan.member, plan.kr_sales, value=22, confidence=6,
                            note="Kick-off: <two> regions & counting", date=start)
    client.force_login(plan.viewer)
    url = reverse("okrs:key_result", args=[plan.kr_sales.key])
    chart = wide_chart(client.get(url).content.decode())
    # Labelled axes: the unit above one set of values, the quarter's dates under months.
    assert '<text class="axis-title y-title"' in chart and ">%</text>" in chart
    assert f">{plan.quarter.key}: {start:%-d %b} – " in chart  # the x-axis title
    assert f">{start:%-d %b}</text>" in chart  # the quarter's first day on the x-axis
    assert 'class="pace-line"' in chart and "Target 35" in chart
    # One reading: no trend to draw yet.
    assert 'class="forecast-band"' not in chart
    titles = re.findall(r'<g class="pt" tabindex="0" role="img" aria-label="[^"]*">'
                        r"<title>([^<]*)</title>", chart)
    assert titles == [f"{start:%-d %b %Y}: 22 %, confidence 6/10. "
                      "Note: Kick-off: &lt;two&gt; regions &amp; counting"]

    services.record_checkin(plan.member, plan.kr_sales, value=26, confidence=7,
                            note="Second week", date=start + dt.timedelta(days=14))
    html = client.get(url).content.decode()
    chart = wide_chart(html)
    assert 'class="forecast-band"' in chart and "Forecast " in chart
    assert chart.count('<g class="pt"') == 2 and "Note: Second week" in chart
    assert "forecast and likely range" in html  # the legend says what the band is
    # The same chart for tablets and phones, with type sized for them.
    assert 'class="burnup burnup-medium"' in html and 'class="burnup burnup-compact"' in html


def test_stay_key_result_shows_its_zone(client, plan):
    kr = services.save_key_result(None, key="KR9", objective="O1", title="Returns",
                                  owner=plan.member.email, kind="stay_below", target=5,
                                  unit="%")
    services.record_checkin(plan.member, kr, value=4, date=plan.quarter.start)
    client.force_login(plan.viewer)
    chart = wide_chart(client.get(reverse("okrs:key_result", args=["KR9"])).content.decode())
    assert 'class="zone"' in chart and "Threshold 5" in chart
    assert 'class="pace-line"' not in chart


def test_milestone_key_result_has_a_timeline(client, plan):
    services.record_checkin(plan.lead, plan.kr_milestone, steps_done=["S1"],
                            date=plan.quarter.start)
    client.force_login(plan.viewer)
    html = client.get(reverse("okrs:key_result", args=["KR2"])).content.decode()
    assert 'class="timeline timeline-wide"' in html and 'class="burnup' not in html
    assert f'aria-label="Curriculum: done {plan.quarter.start:%-d %b %Y}"' in html
    assert "Still to do: Pilot, Launch" in html


def test_objective_and_unit_pages_have_a_small_chart_per_key_result(client, plan):
    services.record_checkin(plan.member, plan.kr_sales, value=30, date=plan.quarter.start)
    client.force_login(plan.viewer)
    for url in ("/objectives/O1/", "/units/sales/"):
        html = client.get(url).content.decode()
        grid = html[html.index('<ul class="multiples"'):]
        grid = grid[:grid.index("</ul>")]
        assert grid.count('<li class="multiple"') == 2, url
        assert grid.count('<svg xmlns="http://www.w3.org/2000/svg" class="spark"') == 2
        assert 'href="/key-results/KR1/"' in grid and 'href="/key-results/KR2/"' in grid
        assert "30 %" in grid and "target 35 %" in grid  # value against the goal
        assert 'data-status="' in grid


def _add_key_results(plan, count: int, start: int) -> None:
    kinds = ("increase", "decrease", "stay_above", "milestone")
    for i in range(start, start + count):
        kind = kinds[i % len(kinds)]
        numbers = {"increase": {"baseline": 0, "target": 10},
                   "decrease": {"baseline": 10, "target": 0},
                   "stay_above": {"target": 5}, "milestone": {}}[kind]
        kr = services.save_key_result(None, key=f"KQ{i}", objective="O2", title=f"Result {i}",
                                      owner=plan.member.email, kind=kind, **numbers)
        for day in (0, 7):
            reading = {"value": float(day == 7) if kind == "milestone" else i + day}
            services.record_checkin(None, kr, date=plan.quarter.start + dt.timedelta(days=day),
                                    **reading)


def test_charts_cost_no_query_per_key_result(client, plan, django_assert_max_num_queries):
    client.force_login(plan.viewer)
    _add_key_results(plan, 2, 0)  # O2 has three key results

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        return len(ctx.captured_queries), html.count('<li class="multiple"')

    three = {url: count(url) for url in ("/units/ops/", "/objectives/O2/")}
    assert [n for _, n in three.values()] == [3, 3]
    _add_key_results(plan, 9, 2)
    twelve = {url: count(url) for url in three}
    assert [n for _, n in twelve.values()] == [12, 12]
    assert {u: q for u, (q, _) in twelve.items()} == {u: q for u, (q, _) in three.items()}
    with django_assert_max_num_queries(three["/units/ops/"][0]):
        client.get("/units/ops/")
