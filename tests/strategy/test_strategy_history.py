"""The strategy item pages tell their history with the one history-in-words
(core/history_view.py): the item's own changes and its links' and resources'."""

import pytest

from hoshin.core.history_view import EMPTY
from hoshin.strategy import services as strategy
from hoshin.strategy.models import Breakthrough, ImprovementPriority
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def history_of(client, url: str) -> str:
    assert client.login(username="viewer@acme.test", password=PASSWORD)
    html = client.get(url).content.decode()
    return html[html.index("Change history"):]


def test_a_priority_tells_its_links_and_resources_in_words(client, plan):
    priority = ImprovementPriority.objects.get(key="P1")
    strategy.save_resource_grid(plan.office, {("ops", "P1"): "rotating",
                                              ("member@acme.test", "P1"): "secondary"})
    strategy.save_resource_grid(plan.office, {("member@acme.test", "P1"): ""})
    strategy.save_correlation_grid(plan.office, "annual-priority", {("A1", "P1"): "weak"})
    strategy.archive(plan.office, priority)
    history = history_of(client, "/strategy/priorities/P1/")
    assert "Added Lea Lead as primary resource" in history
    assert "Operations: role Secondary → Rotating" in history
    assert "Added Mia Member as secondary resource" in history
    assert "Removed Mia Member from the resources" in history
    assert "Linked to A1 Double installations (Strong ●)" in history
    assert "Link to A1 Double installations: Strong ● → Weak △" in history
    assert "Created improvement priority" in history
    assert "Archived" in history and "Oscar Office" in history
    # Newest first: the archive is the last thing that happened.
    assert history.index("Archived") < history.index("Created improvement priority")


def test_an_empty_value_reads_the_same_as_on_every_other_page(client, plan):
    breakthrough = Breakthrough.objects.get(key="B1")
    strategy.save_breakthrough(plan.office, breakthrough, owner="lead@acme.test")
    history = history_of(client, "/strategy/breakthroughs/B1/")
    assert f"Owner: {EMPTY} → Lea Lead" in history
