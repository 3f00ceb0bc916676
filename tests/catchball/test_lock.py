"""An element agreed in catchball keeps its agreed title and target: the unit cannot change
them on its own; the strategy office's edit is its override."""

import pytest

from hoshin.catchball import services as catchball
from hoshin.core.errors import Conflict
from hoshin.okrs import services as okrs
from hoshin.okrs.models import KeyResult
from hoshin.strategy import services as strategy
from hoshin.strategy.models import ImprovementPriority

pytestmark = pytest.mark.django_db


def test_an_agreed_key_result_target_is_locked_for_the_unit(plan):
    thread = catchball.propose(plan.office, element="KR1", unit="sales", target=40)
    catchball.respond(plan.lead, thread, contribution="We can do 35", target=35)
    catchball.accept(plan.office, thread)
    kr = KeyResult.objects.get(key="KR1")
    assert kr.target == 35
    with pytest.raises(Conflict) as refused:
        okrs.save_key_result(plan.lead, kr, target=30, reason="Market shrank")
    assert refused.value.errors[0].field == "target"
    assert "agreed in catchball" in refused.value.errors[0].message
    okrs.save_key_result(plan.lead, kr, title=kr.title, weight=2)  # other fields stay free
    okrs.save_key_result(plan.office, kr, target=30, reason="Board cut the budget")
    assert KeyResult.objects.get(key="KR1").target == 30


def test_an_agreed_priority_title_is_locked_for_its_units_lead(plan):
    thread = catchball.propose(plan.office, element="P1", unit="sales",
                               title="Sell through certified installers")
    catchball.accept(plan.lead, thread)
    priority = ImprovementPriority.objects.get(key="P1")
    assert priority.title == "Sell through certified installers"
    with pytest.raises(Conflict):
        strategy.save_improvement_priority(plan.lead, priority, title="Sell through anyone")
