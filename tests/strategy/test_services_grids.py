"""Correlation and resource grids: all or nothing, one primary per priority."""

import pytest

from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.strategy import services as strategy
from hoshin.strategy.models import (
    BreakthroughCorrelation,
    MetricCorrelation,
    PriorityCorrelation,
    Resource,
)

pytestmark = pytest.mark.django_db


def links(model, a, b):
    return {(getattr(x, a).key, getattr(x, b).key): x.strength for x in model.objects.all()}


def roles(priority="P1"):
    return {(r.person.email if r.person_id else r.unit.key): r.role
            for r in Resource.objects.filter(priority__key=priority)}


@pytest.fixture
def more(plan):
    year = plan.quarter.start.year
    strategy.save_breakthrough(None, key="B2", title="Service within a day")
    strategy.save_annual_objective(None, key="A2", year=year, title="Faster installs")
    strategy.save_improvement_priority(None, key="P2", year=year, unit="ops",
                                       title="Halve lead time")
    strategy.save_metric(None, key="M2", title="Lead time", direction="decrease")
    return plan


def test_correlation_grid_sets_changes_and_removes_only_given_cells(more):
    changed = strategy.save_correlation_grid(more.office, "breakthrough-annual", {
        ("B1", "A1"): "weak", ("B2", "A2"): "strong", ("B1", "A2"): "", ("B2", "A1"): ""})
    assert changed == 2
    assert links(BreakthroughCorrelation, "breakthrough", "annual_objective") == {
        ("B1", "A1"): "weak", ("B2", "A2"): "strong"}
    strategy.save_correlation_grid(more.admin, "priority-metric", {("P1", "M1"): ""})
    assert links(MetricCorrelation, "priority", "metric") == {}
    strategy.save_correlation_grid(more.office, "annual-priority", {("A2", "P2"): "important"})
    assert links(PriorityCorrelation, "annual_objective", "priority") == {
        ("A1", "P1"): "strong", ("A2", "P2"): "important"}


def test_correlation_grid_is_all_or_nothing(more):
    with pytest.raises(DomainError) as exc:
        strategy.save_correlation_grid(more.office, "breakthrough-annual", {
            ("B1", "A1"): "", ("B2", "A2"): "strong", ("B2", "A1"): "huge", ("B9", "A1"): "weak"})
    fields = {e.field for e in exc.value.errors}
    assert fields == {"cell.B2.A1", "row.B9"}
    assert links(BreakthroughCorrelation, "breakthrough", "annual_objective") == {
        ("B1", "A1"): "strong"}


@pytest.mark.parametrize("who", ["lead", "member", "viewer"])
def test_only_editors_save_grids(more, who):
    actor = getattr(more, who)
    with pytest.raises(PermissionDenied):
        strategy.save_correlation_grid(actor, "breakthrough-annual", {("B1", "A1"): ""})
    with pytest.raises(PermissionDenied):
        strategy.save_resource_grid(actor, {("lead@acme.test", "P1"): ""})
    assert BreakthroughCorrelation.objects.count() == 1 and roles() == {
        "lead@acme.test": "primary", "ops": "secondary"}


def test_resource_grid_swaps_the_primary_in_one_save(more):
    strategy.save_resource_grid(more.office, {("lead@acme.test", "P1"): "secondary",
                                              ("ops", "P1"): "primary",
                                              ("member@acme.test", "P1"): "rotating"})
    assert roles() == {"lead@acme.test": "secondary", "ops": "primary",
                       "member@acme.test": "rotating"}


def test_resource_grid_allows_exactly_one_primary(more):
    with pytest.raises(DomainError) as exc:
        strategy.save_resource_grid(more.office, {("ops", "P1"): "primary",
                                                  ("opslead@acme.test", "P2"): "secondary"})
    assert {e.field for e in exc.value.errors} == {"priority.P1", "priority.P2"}
    messages = " ".join(e.message for e in exc.value.errors)
    assert "2 primary" in messages and "no primary" in messages
    assert roles() == {"lead@acme.test": "primary", "ops": "secondary"} and roles("P2") == {}

    # Taking the primary away while others remain is refused too.
    with pytest.raises(DomainError) as exc:
        strategy.save_resource_grid(more.office, {("lead@acme.test", "P1"): ""})
    assert [e.field for e in exc.value.errors] == ["priority.P1"]
    # Emptying a priority altogether is allowed (the X-matrix flags it).
    strategy.save_resource_grid(more.office, {("lead@acme.test", "P1"): "", ("ops", "P1"): ""})
    assert roles() == {}


def test_resource_grid_reports_unknown_holders_and_roles(more):
    with pytest.raises(DomainError) as exc:
        strategy.save_resource_grid(more.office, {("ghost@acme.test", "P2"): "primary",
                                                  ("nowhere", "P2"): "secondary",
                                                  ("ops", "P2"): "boss"})
    assert {e.field for e in exc.value.errors} == {
        "holder.ghost@acme.test", "holder.nowhere", "resource.ops.P2"}
    assert roles("P2") == {}


def test_grid_changes_are_credited_to_the_actor(more):
    strategy.save_correlation_grid(more.office, "breakthrough-annual", {("B1", "A1"): "weak"})
    record = BreakthroughCorrelation.history.latest("history_date")
    assert record.history_user == more.office and record.strength == "weak"
