"""The close page a newcomer can find and finish: "Quarter close" in the navigation opens
the running quarter's close; the steps at the top say how far the close has come and link
to each part; the close check's reasons come as counts with the names in a disclosure, not
one line of keys per key result."""

import datetime as dt
import re

import pytest

from hoshin.closing import services
from hoshin.core import clock
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult
from tests.closing.test_close_interfaces import HTMX, client_for, q4  # noqa: F401
from tests.factories import build_plan

pytestmark = pytest.mark.django_db


def steps(html: str) -> str:
    start = html.index('id="close-steps"')
    return html[start:html.index("</nav>", start)]


def panel(html: str) -> str:
    start = html.index('id="close-panel"')
    return html[start:html.index("</section>", start)]


def test_quarter_close_in_the_navigation_opens_the_running_quarter(q4):  # noqa: F811
    office = client_for("office@acme.test")
    home = office.get("/reviews/").content.decode()
    assert re.search(r'<a[^>]*href="/closing/"[^>]*>Quarter close</a>', home)
    response = office.get("/closing/")
    assert response.status_code == 302 and response.url == f"/closing/{q4.quarter.key}/"
    page = office.get(response.url).content.decode()
    tabs = page[page.index('<nav class="section-nav"'):]
    tabs = tabs[:tabs.index("</nav>")]
    assert re.findall(r'aria-current="page">([^<]+)<', tabs) == [] and \
        re.findall(r'aria-current="true">([^<]+)<', tabs) == ["Quarter close"]


def test_with_no_running_quarter_the_latest_one_opens(db):
    plan = build_plan(today=dt.date(2026, 10, 1))
    Cycle.objects.filter(pk=plan.quarter.pk).update(state=Cycle.State.CLOSED)
    okrs.save_cycle(None, key="OLD", kind="quarter", start=dt.date(2025, 1, 1),
                    end=dt.date(2025, 3, 31))
    response = client_for("office@acme.test").get("/closing/")
    assert response.url == f"/closing/{plan.quarter.key}/"


def test_the_steps_count_what_is_done_and_follow_each_row_saved(q4):  # noqa: F811
    office = client_for("office@acme.test")
    url = f"/closing/{q4.quarter.key}/"
    total = KeyResult.objects.filter(objective__cycle=q4.quarter).count()
    html = office.get(url).content.decode()
    top = steps(html)
    assert f"0 of {total} graded" in top and "after grading" in top
    assert 'href="#grades"' in top and 'href="#retrospectives"' in top
    assert 'href="#close-panel"' in top and 'id="grades"' in html
    # A grade saved in place sends the steps again, out of band.
    body = office.post(url, {"do": "grade", "key_result": "KR1", "grade": "0.5"},
                       **HTMX).content.decode()
    assert 'id="close-steps" aria-label="Steps to close' in body and 'hx-swap-oob="true"' in body
    assert f"1 of {total} graded" in steps(body) and "0 of 1 decided" in steps(body)
    services.accept_suggested(None, q4.quarter)
    top = steps(office.get(url).content.decode())
    assert f"{total} of {total} graded" in top
    # A lead sees the steps but not the close: the strategy office closes.
    top = steps(client_for("lead@acme.test").get(url).content.decode())
    assert "the strategy office closes it" in top and 'href="#close-panel"' not in top


def test_the_close_check_gives_counts_and_names_not_a_line_per_key(q4):  # noqa: F811
    office = client_for("office@acme.test")
    url = f"/closing/{q4.quarter.key}/"
    with clock.at(dt.date(2026, 12, 20)):
        html = panel(office.get(url).content.decode())
        total = KeyResult.objects.filter(objective__cycle=q4.quarter).count()
        assert "the quarter runs until 2026-12-31 (today is 2026-12-20)" in html
        assert f"<summary>{total} key results have no grade</summary>" in html
        assert "KR1 has no grade" not in html  # no longer one line per key result
        assert f'<a href="#kr{q4.kr_sales.pk}">{q4.kr_sales.title}</a>' in html
        services.accept_suggested(None, q4.quarter)
        html = panel(office.get(url).content.decode())
        assert "have no grade" not in html
        assert re.search(r"<summary>\d+ unfinished key results? (is|are) neither carried over "
                         r"nor dropped</summary>", html)


def test_a_carry_over_waiting_on_the_annual_review_links_to_it(q4):  # noqa: F811
    services.accept_suggested(None, q4.quarter)
    page = client_for("lead@acme.test").get(f"/closing/{q4.quarter.key}/").content.decode()
    assert ('P1 has no decision in the 2026 annual review yet (<a href="/closing/annual/2026/">'
            'the annual review</a>)') in page
