"""The strategic timeline: each annual objective's serving objectives, quarter by quarter,
with grades for graded ones, progress for running ones and "drafted" for drafts."""

import datetime as dt

import pytest
from django.test import Client

from hoshin.closing import services as closing
from hoshin.core import clock
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult
from hoshin.strategy import services as strategy
from hoshin.web.strategy.timeline import SHOWN, timeline
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _cells(bands):
    return {(row.annual.key, cell.cycle.key): cell for band in bands for row in band.rows
            for cell in row.cells}


def test_served_objectives_are_placed_by_quarter_with_their_results(plan):
    q = plan.quarter
    nxt_start = q.end + dt.timedelta(days=1)
    nxt_end = (nxt_start.replace(day=28) + dt.timedelta(days=70)).replace(day=1) \
        - dt.timedelta(days=1)
    nxt_key = f"{q.key}-next"
    okrs.save_cycle(None, key=nxt_key, kind="quarter", start=nxt_start, end=nxt_end)
    fiscal = nxt_start.year
    strategy.save_annual_objective(None, key="A9", year=fiscal, title="Next year's bet",
                                   breakthroughs={"B1": "strong"})
    okrs.save_objective(None, key="O9", cycle=nxt_key, unit="sales", title="Next quarter's bet",
                        parent="A9")
    with clock.at(q.end):
        okrs.record_checkin(None, KeyResult.objects.get(key="KR3"), value=22, confidence=6,
                            date=q.start + dt.timedelta(days=3))
    closing.grade_key_result(None, KeyResult.objects.get(key="KR1"), grade=0.6,
                             reason="short of the target")
    closing.grade_key_result(None, KeyResult.objects.get(key="KR2"), grade=1.0, reason="done")
    bands, quarters = timeline()
    assert [c.key for c in quarters] == [q.key, nxt_key]
    cells = _cells(bands)
    current = {r.objective.key: r for r in cells[("A1", q.key)].results}
    assert set(current) == {"O1", "O2"}  # O1 through P1, O2 through the theme T1
    # O1 is in a running quarter: graded key results do not replace its live progress
    # until the quarter has closed.
    assert current["O1"].words.endswith("%") or current["O1"].words == "no data"
    assert current["O2"].words.endswith("%")
    assert [r.words for r in cells[("A9", nxt_key)].results] == ["drafted"]
    assert ("A1", nxt_key) in cells and not cells[("A1", nxt_key)].results
    Cycle.objects.filter(pk=q.pk).update(state="closed")
    cells = _cells(timeline()[0])
    closed = {r.objective.key: r for r in cells[("A1", q.key)].results}
    # KR1 0.6 and KR2 1.0, equal weights: the objective's grade is 0.8.
    assert closed["O1"].words == "grade 0.8" and closed["O1"].status == "at_risk"
    assert [b.breakthrough.key for b in bands] == ["B1"]


def test_a_cell_lists_a_few_and_counts_the_rest(plan):
    for n in range(SHOWN + 3):
        okrs.save_objective(None, key=f"X{n}", cycle=plan.quarter.key, unit="ops",
                            title=f"Extra {n}", parent="A1")
    cell = _cells(timeline()[0])[("A1", plan.quarter.key)]
    assert len(cell.shown) == SHOWN and cell.more == len(cell.results) - SHOWN


def test_the_page_shows_the_timeline_to_anyone_signed_in(plan):
    client = Client()
    client.login(username=plan.viewer.email, password=PASSWORD)
    page = client.get("/strategy/timeline/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Double installations" in html and "Make installers our best sales channel" in html
    assert client.get("/strategy/timeline/?year=1999").status_code == 200
    assert client.get("/strategy/timeline/?year=abc").status_code == 200
