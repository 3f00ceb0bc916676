"""Which tables a plan file carries, in one place.

The plan file holds the plan (units, strategy, cycles, OKRs with their check-ins and
initiatives) and the people, who are kept and updated by email. Everything else the app
records while the plan is carried out — catchball threads, readiness surveys, alignment
rounds and sessions, briefs, reviews, flags, countermeasures, learnings, grades, quarter
closes... — is an execution record: a plan file does not carry it, so an import that
replaces the plan must not drop it unasked.

A new plan-file entity is added to PLAN_MODELS here; the replace path of the importer
deletes exactly these tables.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model

# Children before parents: the order in which replacing a plan deletes them.
PLAN_MODELS = (
    "okrs.Dependency", "okrs.CheckIn", "okrs.InitiativeLink", "okrs.Initiative", "okrs.Phase",
    "okrs.MilestoneStep", "okrs.KeyResult", "okrs.Objective", "okrs.TradeOff", "okrs.Theme",
    "planning.Brief", "okrs.Cycle", "strategy.MetricActual", "strategy.MetricCorrelation",
    "strategy.Resource", "strategy.PriorityCorrelation", "strategy.BreakthroughCorrelation",
    "strategy.Metric", "strategy.ImprovementPriority", "strategy.AnnualObjective",
    "strategy.Breakthrough", "strategy.Vision", "org.Membership", "org.Unit",
)

# In the plan file but never deleted by an import: updated in place (the organisation) or
# by email (people, whose passwords and API tokens survive).
KEPT_MODELS = ("org.Organization", "org.Person", "org.ApiToken")

# Derived data: computed from the plan and rebuilt after an import (the roll-up okrs stores
# per cycle), so neither carried by a plan file nor an execution record a replace must
# keep; it goes with the plan it was computed from. Named by label: a model listed here
# that is not installed is simply absent.
DERIVED_MODELS = ("okrs.RollupMark", "okrs.RollupRow")


def plan_models() -> list[type[Model]]:
    return [apps.get_model(label) for label in PLAN_MODELS]


def is_history(model: type[Model]) -> bool:
    from simple_history.models import HistoricalChanges

    return issubclass(model, HistoricalChanges)


def records_outside_the_plan() -> list[type[Model]]:
    """Every table that is neither plan data nor people nor history (a replace adds to
    history, never removes from it) nor derived data: the execution records, and the app's own
    bookkeeping, which a replace leaves alone. Many-to-many link tables are left out:
    they belong to the record on either side."""
    plan = set(plan_models()) | {apps.get_model(label) for label in KEPT_MODELS}
    return [model for model in apps.get_models()
            if model not in plan and not is_history(model)
            and model._meta.label not in DERIVED_MODELS
            and not model._meta.proxy and model._meta.managed]
