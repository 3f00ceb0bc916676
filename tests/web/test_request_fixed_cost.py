"""What every page pays before its own work: the session, the person, the header's facts
in one query, and the catchball badge as one narrow count (not the threads' wide join)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.catchball import services as catchball

pytestmark = pytest.mark.django_db


def _get(client, path):
    client.get(path)  # first request: the session's last-login write, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def _catchball(sql: list[str]) -> list[str]:
    return [q for q in sql if '"catchball_catchball"' in q]


def test_the_badge_is_one_narrow_count_on_every_page(plan, client):
    catchball.propose(plan.office, element="P1", unit="sales")
    client.force_login(plan.lead)
    page, sql = _get(client, "/learnings/")
    assert 'title="awaiting your answer">(1)</span>' in page
    [count] = _catchball(sql)
    assert count.startswith('SELECT COUNT(*)')
    # The unit's lead and the proposing unit's lead: two joins, not the ten the
    # thread list reads (its elements, people and units).
    assert count.count(" JOIN ") <= 2
    # The whole fixed cost of a light page: session, person, badge, header facts, the page.
    assert len(sql) <= 6, "\n".join(sql)


def test_the_home_page_lists_the_threads_and_its_badge_agrees(plan, client):
    catchball.propose(plan.office, element="P1", unit="sales", comment="Over to you")
    client.force_login(plan.lead)
    page, sql = _get(client, "/")
    assert "Catchball: awaiting my answer" in page
    assert 'title="awaiting your answer">(1)</span>' in page
    # The narrow count for the header, and the list read once.
    assert len(_catchball(sql)) == 2


def test_no_badge_and_no_thread_read_for_someone_nothing_awaits(plan, client):
    client.force_login(plan.member)
    page, sql = _get(client, "/learnings/")
    assert "awaiting your answer" not in page
    assert len(_catchball(sql)) == 1
