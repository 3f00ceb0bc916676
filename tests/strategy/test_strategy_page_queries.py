"""The strategy pages take a fixed number of queries, however big the plan."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.strategy import services as strategy
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year


def grow(start: int, n: int) -> None:
    for i in range(start, start + n):
        strategy.save_breakthrough(None, key=f"B{i}", title=f"Breakthrough {i}",
                                   owner="office@acme.test")
        strategy.save_annual_objective(None, key=f"A{i}", year=YEAR, title=f"Annual {i}",
                                       owner="lead@acme.test", breakthroughs={"B1": "weak"})
        strategy.save_improvement_priority(
            None, key=f"P{i}", year=YEAR, unit="ops", title=f"Priority {i}",
            annual_objectives={"A1": "weak", f"A{i}": "strong"},
            resources={"opslead@acme.test": "primary", "sales": "rotating"})
        strategy.save_metric(None, key=f"M{i}", title=f"Metric {i}", owner="lead@acme.test",
                             priorities={f"P{i}": "strong", "P1": "weak"})
        strategy.record_metric_actual(None, strategy.get(strategy.Metric, f"M{i}"),
                                      period=f"{YEAR}-01", actual=i)


URLS = ["/strategy/", "/strategy/grids/breakthrough-annual/", "/strategy/grids/annual-priority/",
        "/strategy/grids/priority-metric/", "/strategy/grids/resources/",
        "/strategy/breakthroughs/B1/", "/strategy/annual/A1/", "/strategy/priorities/P1/"]


def counts(client) -> dict[str, int]:
    out = {}
    for url in URLS:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        out[url] = len(ctx)
    return out


def test_queries_do_not_grow_with_the_plan(client, plan):
    assert client.login(username="office@acme.test", password=PASSWORD)
    grow(2, 2)
    small = counts(client)
    grow(4, 6)
    big = counts(client)
    assert big == small, {u: (small[u], big[u]) for u in URLS if small[u] != big[u]}
    assert max(big.values()) <= 40, big
