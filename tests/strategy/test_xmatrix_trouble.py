"""The X-matrix shows trouble: an off-track priority is red (and marked with a shape, and
named in the status panel), the legend says so, and the flag box agrees with the Flags
page."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.flags.models import Flag
from hoshin.okrs import services as okrs
from hoshin.strategy.xmatrix import STATUS_BADGE
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def login(client, email="viewer@acme.test"):
    assert client.login(username=email, password=PASSWORD)


def svg_of(html: str) -> str:
    start = html.index("<svg")
    return html[start:html.index("</svg>", start) + len("</svg>")]


def sink(plan):
    """Both key results of the one objective under P1 checked in with almost no
    confidence: off track whatever the day of the quarter (and flagged)."""
    okrs.record_checkin(None, plan.kr_sales, value=21, confidence=1)
    okrs.record_checkin(None, plan.kr_milestone, steps_done=[], confidence=1)


def label(svg: str, key: str):
    root = ET.fromstring(svg)
    found = [g for g in root.iter(f"{SVG}g")
             if g.get("data-key") == key and "label" in (g.get("class") or "")]
    assert len(found) == 1
    return found[0]


def test_an_off_track_priority_is_red_with_a_shape_and_a_legend(client, plan):
    sink(plan)
    login(client)
    html = client.get("/strategy/x-matrix/").content.decode()
    svg = svg_of(html)
    p1 = label(svg, "P1")
    badge = p1.find(f"{SVG}rect[@class='status-badge']")
    assert badge is not None and badge.get("data-status") == "off_track"
    assert badge.get("fill") == STATUS_BADGE["off_track"][0]      # red
    assert "✕" in "".join(p1.itertext())                           # not colour alone
    assert "Status: off track" in p1.find(f"{SVG}title").text
    # The legend in the drawing and under it.
    assert "Status this quarter" in svg and "off track" in svg
    assert "✕ red off track" in html
    # The page says it in words too, worst first, linking the item.
    panel = html[html.index('id="xm-status-h"'):html.index('id="xm-flags-h"')]
    off = panel[panel.index("Off track ("):]
    assert 'href="/strategy/priorities/P1/"' in off.split("</ul>")[0]
    assert "status=off_track" in panel


def test_an_item_on_track_is_not_red(client, plan):
    okrs.record_checkin(None, plan.kr_sales, value=35, confidence=9)
    okrs.record_checkin(None, plan.kr_milestone, steps_done=["S1", "S2", "S3"], confidence=9)
    login(client)
    p1 = label(svg_of(client.get("/strategy/x-matrix/").content.decode()), "P1")
    badge = p1.find(f"{SVG}rect[@class='status-badge']")
    assert badge.get("data-status") == "on_track" and "✕" not in "".join(p1.itertext())


def test_the_flag_box_agrees_with_the_flags_page(client, plan):
    sink(plan)
    login(client)
    flags_page = client.get("/flags/")
    matrix = client.get("/strategy/x-matrix/")
    count = flags_page.context["count"]
    assert count > 0 and Flag.objects.filter(cleared_on__isnull=True).count() == count
    box = matrix.context["kr_flags"]
    assert box["count"] == count
    page_items = {(f.key_result.key, f.code) for _, rows in flags_page.context["by_unit"]
                  for f in rows}
    assert {(f["key"], f["code"]) for f in box["listed"]} == page_items
    html = matrix.content.decode()
    box_html = html[html.index('id="xm-flags-h"'):]
    assert re.search(rf"{count} open flags?</strong>", box_html)
    assert f"Flags page ({count})" in box_html
    for key, _ in page_items:
        assert f'href="/key-results/{key}/"' in box_html
    # The gaps in the plan itself stay, under their own heading.
    assert "Gaps in the plan" in box_html


def test_the_flag_box_says_when_there_is_no_flag(client, plan):
    login(client)
    assert client.get("/flags/").context["count"] == 0
    html = client.get("/strategy/x-matrix/").content.decode()
    assert "No flags on key results" in html


def test_queries_do_not_grow_with_the_flags(client, plan):
    login(client)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/strategy/x-matrix/").status_code == 200
        return len(queries)

    before = count()
    sink(plan)
    okrs.record_checkin(None, plan.ops_objective.key_results.first(), value=30, confidence=1)
    assert Flag.objects.filter(cleared_on__isnull=True).count() >= 3
    assert count() == before
