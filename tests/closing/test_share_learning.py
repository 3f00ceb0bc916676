"""A retrospective shared as a learning reaches the learnings library through
`RetrospectiveShared`: closing publishes it, pdca writes the learning in the same
transaction, so a learning refused leaves the retrospective unwritten too."""

import datetime as dt

import pytest
from django.utils import timezone

from hoshin.closing import services
from hoshin.closing.models import Retrospective
from hoshin.core import events
from hoshin.core.errors import DomainError
from hoshin.org.models import Unit
from hoshin.pdca.models import Learning
from tests.factories import build_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def q3():
    return build_plan(today=dt.date(2026, 7, 1))


def test_pdca_subscribes_to_shared_retrospectives():
    assert events.subscribers(events.RetrospectiveShared) == [
        "hoshin.pdca.retrospectives.learning_from_retrospective"]


def test_a_shared_retrospective_becomes_a_learning_of_its_unit(q3):
    sales = Unit.objects.get(key="sales")
    services.write_retrospective(q3.lead, q3.quarter, sales, worked="Weekly pipeline review",
                                 did_not_work="Price list signed late")
    assert not Learning.objects.exists()  # not shared: the retrospective alone
    services.write_retrospective(q3.lead, q3.quarter, sales, worked="Weekly pipeline review",
                                 did_not_work="Price list signed late", share_as_learning=True)
    learning = Learning.objects.get()
    name = q3.quarter.name or q3.quarter.key
    assert (learning.title, learning.worked, learning.did_not_work) == (
        f"Sales, {name}: retrospective", "Weekly pipeline review", "Price list signed late")
    assert (learning.unit, learning.author, learning.source, learning.reference) == (
        sales, q3.lead, "retrospective", f"Retrospective {q3.quarter.key}")
    assert "retrospective" in learning.tags


def test_a_learning_refused_leaves_the_retrospective_as_it_was(q3):
    sales = Unit.objects.get(key="sales")
    retro = services.write_retrospective(q3.lead, q3.quarter, sales, worked="Pipeline review")
    # The library takes no learning for an archived unit: the shared retrospective is
    # refused with it, in one transaction.
    Unit.objects.filter(pk=sales.pk).update(archived_at=timezone.now())
    with pytest.raises(DomainError) as refused:
        services.write_retrospective(q3.lead, q3.quarter, Unit.objects.get(pk=sales.pk),
                                     worked="Rewritten", share_as_learning=True)
    assert [e.field for e in refused.value.errors] == ["unit"]
    assert Retrospective.objects.get(pk=retro.pk).worked == "Pipeline review"
    assert not Learning.objects.exists()
