import pytest

from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.strategy import services
from hoshin.strategy.models import ImprovementPriority, MetricActual, Resource


def test_one_primary_resource_per_priority(plan):
    priority = ImprovementPriority.objects.get(key="P1")
    with pytest.raises(DomainError) as exc:
        services.save_improvement_priority(
            None, priority, resources={plan.lead.email: "primary", "ops": "primary"})
    assert exc.value.errors[0].field == "resources"
    assert Resource.objects.filter(priority=priority, role="primary").count() == 1


def test_correlations_validate_strength_and_target(plan):
    with pytest.raises(DomainError) as exc:
        services.save_annual_objective(None, key="A2", year=2026, title="Second bet",
                                       breakthroughs={"B1": "huge", "B9": "strong"})
    assert {e.field for e in exc.value.errors} == {"breakthroughs.B1", "breakthroughs.B9"}


def test_strategy_is_edited_by_the_strategy_office(plan):
    services.save_breakthrough(plan.office, key="B2", title="Service everywhere")
    for actor in (plan.lead, plan.member, plan.viewer):
        with pytest.raises(PermissionDenied):
            services.save_breakthrough(actor, key="B3", title="Nope")


def test_unit_lead_edits_own_priorities(plan):
    priority = ImprovementPriority.objects.get(key="P1")
    services.save_improvement_priority(plan.lead, priority, title="Sell through installers v2")
    with pytest.raises(PermissionDenied):
        services.save_improvement_priority(plan.other_lead, priority, title="Hijack")
    with pytest.raises(PermissionDenied):
        services.save_improvement_priority(plan.lead, priority, unit="ops")


def test_metric_actuals_by_month(plan):
    from hoshin.strategy.models import Metric

    metric = Metric.objects.get(key="M1")
    services.record_metric_actual(None, metric, period="2026-01", plan=110)
    services.record_metric_actual(None, metric, period="2026-01", actual=104)
    row = MetricActual.objects.get(metric=metric)
    assert (row.period.isoformat(), row.plan, row.actual) == ("2026-01-01", 110, 104)
    with pytest.raises(DomainError) as exc:
        services.record_metric_actual(None, metric, period="January")
    assert exc.value.errors[0].field == "period"
