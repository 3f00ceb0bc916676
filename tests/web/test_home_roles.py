"""A home for each role: the cockpit for the strategy office, executives and viewers; a unit
lead's units first; a key-result owner's check-in first; in that order for someone who is
several of these. Numbers come from a plan built here, on a fixed day of its quarter."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from hoshin.core import clock
from hoshin.flags.services import evaluate_flags
from hoshin.okrs import services as okrs
from hoshin.okrs.progress import alignment_tree
from hoshin.org import services as org
from hoshin.reviews.services import schedule_reviews
from tests.factories import build_plan

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 19)  # a Thursday, seven weeks into Q4 2026


@pytest.fixture
def plan(db):
    """The factories' plan on DAY: KR1 off track (confidence 2), KR3 at risk (confidence 4),
    KR2 silent (no check-in since the quarter began), the quarter's reviews scheduled."""
    with clock.at(DAY):
        plan = build_plan(DAY)
        okrs.record_checkin(None, plan.kr_sales, value=30, confidence=2)
        okrs.record_checkin(None, okrs.KeyResult.objects.get(key="KR3"), value=20, confidence=4)
        evaluate_flags(None)
        schedule_reviews(None, plan.quarter)
        yield plan


def home(client, who) -> str:
    client.force_login(who)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading: str) -> str:
    """The text from a heading to the next h2 (or the end)."""
    start = html.index(heading)
    end = html.find("<h2", start + len(heading))
    return html[start:end if end != -1 else None]


def kr_keys(html: str, plan_keys=("KR1", "KR2", "KR3")) -> set[str]:
    return {k for k in re.findall(r'href="/key-results/([^/"]+)/"', html) if k in plan_keys}


def trouble_link(html: str, kind: str) -> tuple[int, str]:
    match = re.search(r'trouble-' + kind + r'">\s*<a href="([^"]+)"><span class="trouble-n">'
                      r'(\d+)</span>', html)
    assert match, f"no {kind} count with a link"
    return int(match.group(2)), match.group(1).replace("&amp;", "&")


def test_office_gets_the_cockpit_with_the_plans_real_figures(client, plan):
    html = home(client, plan.office)
    assert "The plan this quarter" in html
    assert trouble_link(html, "off_track")[0] == 1
    assert trouble_link(html, "at_risk")[0] == 1
    assert trouble_link(html, "silent")[0] == 1
    # Progress and status of the breakthrough and the annual objective: the alignment
    # tree's roll-up, shown as a percentage and a word, each linked to its page.
    tree = alignment_tree(plan.quarter, DAY)
    b1 = tree.children[0]
    a1 = b1.children[0]
    assert (b1.id, a1.id) == ("B1", "A1")
    strategy = section(html, "<h3>Strategy</h3>")
    for node, url in ((b1, "/strategy/breakthroughs/B1/"), (a1, "/strategy/annual/A1/")):
        row = strategy[strategy.index(f'href="{url}"'):]
        row = row[:row.index("</li>")]
        assert f"{round(node.progress * 100)} %" in row
        assert {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
                "no_data": "No data"}[str(node.status)] in row
    assert "serves B1" in strategy
    focus = section(html, "This quarter's focus")
    assert 'href="/strategy/priorities/P1/"' in focus and "Sell through installers" in focus
    assert "Installer channel" in focus and f'href="/planning/brief/{plan.quarter.key}/' in focus
    # The drumbeat: reviews due, the next review, the next check-in day (Thursday: today).
    decisions = section(html, "Decisions waiting")
    assert "reviews not closed" in decisions
    assert "Next review:" in decisions and "Mon 23 Nov" in decisions
    assert "Next check-in day: <strong>Thursday 19 Nov</strong>" in decisions
    # Owns no key result: no empty "My key results" section.
    assert "You own no key results" not in html and 'id="my-krs"' not in html


def test_each_trouble_count_links_to_a_page_listing_exactly_those_key_results(client, plan):
    html = home(client, plan.office)
    expected = {"off_track": {"KR1"}, "at_risk": {"KR3"}, "silent": {"KR2"}}
    for kind, keys in expected.items():
        count, url = trouble_link(html, kind)
        page = client.get(url)
        assert page.status_code == 200, url
        assert kr_keys(page.content.decode()) == keys, (kind, url)
        assert count == len(keys)


def test_the_silent_count_is_this_quarters_and_its_link_shows_those_rows(client, plan):
    """A key result of another quarter still open (not archived) with a silent flag is not
    this quarter's trouble: the cockpit does not count it and its link does not list it;
    the count is the number of rows the link shows (issue #11)."""
    from hoshin.flags.models import Flag

    other = okrs.save_cycle(None, key="2026-Q3", kind="quarter", start=dt.date(2026, 7, 1),
                            end=dt.date(2026, 9, 30))
    okrs.save_objective(None, key="OQ3", cycle=other.key, unit="sales", title="Last quarter")
    old = okrs.save_key_result(None, key="KRQ3", objective="OQ3", title="Old result",
                               owner=plan.member.email, baseline=0, target=10)
    Flag.objects.create(key_result=old, code="silent", message="No check-in.",
                        raised_on=dt.date(2026, 9, 1))
    with clock.at(DAY):
        html = home(client, plan.office)
        count, url = trouble_link(html, "silent")
        listed = client.get(url).content.decode()
    rows = re.findall(r'<span class="flag flag-silent">', listed)
    assert count == len(rows) == 1
    assert kr_keys(listed, ("KR1", "KR2", "KR3", "KRQ3")) == {"KR2"}


def test_a_count_of_nothing_is_not_a_link(client, plan):
    okrs.record_checkin(None, plan.kr_sales, value=30, confidence=9, date=DAY)
    with clock.at(DAY):
        html = home(client, plan.office)
    assert re.search(r'trouble-off_track trouble-none">\s*<span class="trouble-n">0</span>', html)


def test_admin_leads_a_unit_without_objectives_and_is_told_what_to_do(client, plan):
    html = home(client, plan.admin)
    assert html.index("The plan this quarter") < html.index('id="my-units"')
    units = section(html, 'id="my-units"')
    assert 'href="/units/acme/"' in units and "Acme Inc. has no objectives this quarter" in units
    assert f'href="/objectives/new/?unit=acme&amp;cycle={plan.quarter.key}"' in units
    assert "change</a>" in html  # only an admin may change the check-in day


def test_viewer_gets_the_cockpit_read_only(client, plan):
    html = home(client, plan.viewer)
    assert "The plan this quarter" in html and 'href="/strategy/breakthroughs/B1/"' in html
    assert '<form class="checkin"' not in html and "hx-post" not in html
    assert "You own no key results" not in html and "You are not in any unit" not in html
    assert "change</a>" not in html


def test_unit_lead_sees_their_unit_first_then_their_own_key_results(client, plan):
    html = home(client, plan.lead)
    assert "The plan this quarter" not in html
    assert html.index('id="my-units"') < html.index('id="my-krs"')
    units = section(html, 'id="my-units"')
    assert 'href="/units/sales/"' in units and "you lead this unit" in units
    assert re.search(r'<li data-status="(\w+)">\s*<p class="objective"><span class="badge '
                     r'status-\1">[^<]+</span>\s*'
                     r'<a href="/objectives/O1/">Make installers our best sales channel</a> '
                     r'<span class="key">O1</span>', units)  # the title first, the id after
    assert re.search(r'<a href="/key-results/KR1/">Installer-sold units[^<]*</a> '
                     r'<span class="key">KR1</span>', units)
    assert kr_keys(units) == {"KR1", "KR2"}
    mine = section(html, 'id="my-krs"')
    assert f'hx-post="/key-results/{plan.kr_milestone.key}/checkin"' in mine


def test_key_result_owner_keeps_todays_check_in_first(client, plan):
    html = home(client, plan.member)
    assert "The plan this quarter" not in html
    assert html.index('id="my-krs"') < html.index('id="my-units"')
    mine = section(html, 'id="my-krs"')
    assert f'hx-post="/key-results/{plan.kr_sales.key}/checkin"' in mine
    assert 'href="/key-results/KR1/"' in mine
    assert re.search(r'<h3><a href="/key-results/KR1/">Installer-sold units[^<]*</a> '
                     r'<span class="key">KR1</span></h3>', mine)  # the title first, the id after
    units = section(html, 'id="my-units"')
    assert "My units' objectives" in units and 'href="/objectives/O1/"' in units


def test_someone_with_every_role_sees_cockpit_units_and_key_results_in_that_order(client, plan):
    with clock.at(DAY):
        org.create_unit(None, key="pmo", name="Strategy Office", parent="acme",
                        lead=plan.office.email)
        okrs.save_objective(None, key="O9", cycle=plan.quarter.key, unit="pmo",
                            title="Run the quarter's reviews", parent="A1")
        okrs.save_key_result(None, key="KR9", objective="O9", title="Reviews held on time",
                             owner=plan.office.email, kind="increase", baseline=0, target=13)
        html = home(client, plan.office)
    cockpit, units, mine = (html.index("The plan this quarter"), html.index('id="my-units"'),
                            html.index('id="my-krs"'))
    assert cockpit < units < mine
    assert 'href="/objectives/O9/"' in section(html, 'id="my-units"')
    assert 'hx-post="/key-results/KR9/checkin"' in section(html, 'id="my-krs"')


def _grow(plan, units: int) -> None:
    """Add `units` units, each with an objective and two key results checked in."""
    with clock.at(DAY):
        for i in range(units):
            org.create_unit(None, key=f"team{i}", name=f"Team {i}", parent="acme",
                            lead=plan.other_lead.email)
            okrs.save_objective(None, key=f"OT{i}", cycle=plan.quarter.key, unit=f"team{i}",
                                title=f"Team {i} delivers", parent="P1")
            for j in range(2):
                kr = okrs.save_key_result(None, key=f"KT{i}x{j}", objective=f"OT{i}",
                                          title=f"Measure {j}", owner=plan.member.email,
                                          kind="increase", baseline=0, target=10)
                okrs.record_checkin(None, kr, value=j * 3, confidence=2 + 3 * j)
        evaluate_flags(None)


def _queries(client, who) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(who)
    client.get(reverse("home"))  # sessions and caches warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_cockpit_queries_do_not_grow_with_the_number_of_units(client, plan,
                                                               django_assert_max_num_queries):
    small = _queries(client, plan.office)
    _grow(plan, 12)
    large = _queries(client, plan.office)
    assert large == small
    client.force_login(plan.office)
    with django_assert_max_num_queries(36), clock.at(DAY):
        html = client.get(reverse("home")).content.decode()
    assert trouble_link(html, "off_track")[0] == 1 + 12  # KR1 and one per team


def test_an_owners_home_does_not_grow_with_the_organisation(client, plan):
    small = _queries(client, plan.lead)
    _grow(plan, 12)
    assert _queries(client, plan.lead) == small
