"""The strategy pages web composes (hoshin/web/strategy/): the X-matrix and each element's
page keep their /strategy/ URLs and "strategy:" names next to the strategy app's own, and
every strategy page opens on the running quarter's fiscal year."""

import datetime as dt

import pytest
from django.urls import resolve, reverse

from hoshin.core import clock
from hoshin.okrs.models import Cycle
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name, kwargs, path, module", [
    ("strategy:xmatrix", {}, "/strategy/x-matrix/", "hoshin.web.strategy.xmatrix"),
    ("strategy:xmatrix-print", {}, "/strategy/x-matrix/print/", "hoshin.web.strategy.xmatrix"),
    ("strategy:xmatrix-svg", {}, "/strategy/x-matrix.svg", "hoshin.web.strategy.xmatrix"),
    ("strategy:breakthrough", {"key": "B1"}, "/strategy/breakthroughs/B1/",
     "hoshin.web.strategy.elements"),
    ("strategy:annual", {"key": "A1"}, "/strategy/annual/A1/", "hoshin.web.strategy.elements"),
    ("strategy:priority", {"key": "P1"}, "/strategy/priorities/P1/",
     "hoshin.web.strategy.elements"),
    ("strategy:overview", {}, "/strategy/", "hoshin.strategy.views.overview"),
    ("strategy:vision-edit", {}, "/strategy/vision/edit/", "hoshin.strategy.views.elements"),
    ("strategy:grid", {"grid": "resources"}, "/strategy/grids/resources/",
     "hoshin.strategy.views.grids"),
    ("strategy:metrics", {}, "/strategy/metrics/", "hoshin.strategy.views.metrics"),
    ("strategy:metric", {"key": "M1"}, "/strategy/metrics/M1/", "hoshin.strategy.views.metrics"),
    ("strategy:item-new", {"kind": "annual"}, "/strategy/new/annual/",
     "hoshin.strategy.views.elements"),
    ("strategy:item-edit", {"kind": "annual", "key": "A1"}, "/strategy/annual/A1/edit/",
     "hoshin.strategy.views.elements"),
    ("strategy:item-archive", {"kind": "annual", "key": "A1"}, "/strategy/annual/A1/archive/",
     "hoshin.strategy.views.elements"),
])
def test_one_strategy_namespace(name, kwargs, path, module):
    assert reverse(name, kwargs=kwargs) == path
    match = resolve(path)
    assert match.namespace == "strategy" and match.func.__module__ == module


@pytest.mark.parametrize("url", ["/strategy/", "/strategy/x-matrix/", "/strategy/metrics/",
                                 "/strategy/grids/annual-priority/"])
def test_pages_open_on_the_running_quarters_year(client, plan, url):
    """In the first weeks of a new calendar year the last quarter may still be running: the
    pages stay on its year (the year registered by WebConfig.ready) until it closes."""
    assert client.login(username="admin@acme.test", password=PASSWORD)
    year = plan.quarter.start.year
    with clock.everywhere(dt.date(year + 1, 1, 20)):
        assert client.get(url).context["year"] == year
        # A test shortcut past the close gate (transition_cycle is what the app uses).
        Cycle.objects.filter(pk=plan.quarter.pk).update(state="closed")
        assert client.get(url).context["year"] == year + 1
