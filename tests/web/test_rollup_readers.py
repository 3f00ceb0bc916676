"""The whole-quarter pages read the stored roll-up (okrs/rollups.py) and show exactly what
they showed when they recomputed the quarter, in fewer queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoshin.core import clock
from hoshin.okrs import rollups
from hoshin.okrs import services as okrs
from hoshin.okrs.models import KeyResult, RollupMark, RollupRow
from hoshin.org.models import Organization
from hoshin.strategy import services as strategy
from hoshin.strategy.models import ImprovementPriority
from hoshin.web import cockpit
from hoshin.web.strategy.xmatrix import real_statuses
from tests.factories import build_plan

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 19)


@pytest.fixture
def plan(db):
    """KR1 off track, KR3 at risk, KR2 silent; a second breakthrough and priority, and an
    objective under a priority that is archived afterwards (in no view of the tree)."""
    with clock.at(DAY):
        plan = build_plan(DAY)
        okrs.record_checkin(None, plan.kr_sales, value=30, confidence=2)
        okrs.record_checkin(None, KeyResult.objects.get(key="KR3"), value=20, confidence=4)
        strategy.save_breakthrough(None, key="B2", title="Be the installers' brand",
                                   horizon=2029)
        strategy.save_annual_objective(None, key="A2", year=2026, title="Certify installers",
                                       breakthroughs={"B1": "weak", "B2": "strong"})
        strategy.save_improvement_priority(None, key="P2", year=2026, unit="ops",
                                           title="Train installers",
                                           annual_objectives={"A2": "important"})
        strategy.save_improvement_priority(None, key="P3", year=2026, unit="ops",
                                           title="Old idea", annual_objectives={})
        okrs.save_objective(None, key="O3", cycle=plan.quarter.key, unit="ops",
                            title="Pilot the old idea", parent="P3")
        okrs.save_key_result(None, key="KR9", objective="O3", title="Pilot sites",
                             owner=plan.other_lead.email, kind="increase", baseline=0,
                             target=5)
        okrs.record_checkin(None, KeyResult.objects.get(key="KR9"), value=1, confidence=2)
        strategy.archive(None, ImprovementPriority.objects.get(key="P3"))
        yield plan


def without_tokens(html: str) -> str:
    """A page without its CSRF tokens and Content Security Policy nonces, which change
    with every response."""
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+', r"\1", html)


def live_and_stored(read):
    """What `read()` gives computed live, then from the store, with the queries each took."""
    RollupMark.objects.all().delete()
    with CaptureQueriesContext(connection) as live_queries:
        live = read()
    rollups.rebuild_all()
    with CaptureQueriesContext(connection) as stored_queries:
        stored = read()
    return live, stored, len(live_queries), len(stored_queries)


def test_the_cockpit_reads_the_store_and_shows_the_same(plan):
    with clock.at(DAY):
        live, stored, live_n, stored_n = live_and_stored(
            lambda: cockpit.build(plan.quarter, DAY))
        assert stored == live
        assert [a.breakthroughs for a in stored.annuals] == [["B1"], ["B1", "B2"]]
        # KR9 hangs under the archived priority: in no view, not counted.
        assert stored.key_results == 3
        assert [t.count for t in stored.trouble[:2]] == [1, 1]
        assert stored_n < live_n
        # It is the store that is read: a figure changed there shows.
        RollupRow.objects.filter(kind="breakthrough").update(status="on_track", progress=1.0)
        assert {b.status for b in cockpit.build(plan.quarter, DAY).breakthroughs} == {"on_track"}


def test_the_x_matrix_tints_come_from_the_store(plan, client):
    org = Organization.current()
    with clock.at(DAY):
        live, stored, live_n, stored_n = live_and_stored(lambda: real_statuses(2026, org))
        assert stored == live and set(live[1]) == {"A1", "A2", "P1", "P2"}
        assert stored_n < live_n
        client.force_login(plan.viewer)
        page = client.get(reverse("strategy:xmatrix")).content.decode()
        RollupMark.objects.all().delete()
        assert without_tokens(client.get(reverse("strategy:xmatrix")).content.decode()) == \
            without_tokens(page)


def test_the_home_page_is_the_same_from_the_store(plan, client):
    with clock.at(DAY):
        client.force_login(plan.office)
        rollups.rebuild_all()
        stored = client.get(reverse("home")).content.decode()
        RollupMark.objects.all().delete()
        live = client.get(reverse("home")).content.decode()
        assert without_tokens(stored) == without_tokens(live)
        assert "trouble-off_track" in stored


@pytest.mark.parametrize("url", ["/company/", "/tv/", "/tv/?unit=sales"])
def test_company_and_tv_read_the_store_and_show_the_same(plan, client, url):
    with clock.at(DAY):
        client.force_login(plan.viewer)

        def page():
            return without_tokens(client.get(url).content.decode())

        live, stored, live_n, stored_n = live_and_stored(page)
        assert stored == live and "Sales" in live
        assert stored_n < live_n


def test_the_whole_tree_and_the_alignment_map_read_the_store(plan, client):
    from hoshin.okrs.progress import alignment_tree_data

    with clock.at(DAY):
        live, stored, live_n, stored_n = live_and_stored(
            lambda: alignment_tree_data(plan.quarter))
        assert stored == live and stored["status"] == live["status"]
        assert stored_n < live_n
        assert alignment_tree_data(plan.quarter, live=True) == live
        client.force_login(plan.viewer)

        def page():
            return without_tokens(client.get(
                f"/alignment/?cycle={plan.quarter.key}").content.decode())

        live, stored, live_n, stored_n = live_and_stored(page)
        assert stored == live and "KR3" in live
