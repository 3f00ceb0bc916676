"""The plan elements catchball is about: annual objectives, improvement priorities,
objectives and key results. Finding one by its id, its unit, the cycle whose planning
calendar applies, and what it says now as a catchball version."""

from __future__ import annotations

from hoshin.core.errors import DomainError, NotFound
from hoshin.okrs import rules
from hoshin.okrs.models import Cycle, KeyResult, Objective
from hoshin.org.models import Organization, Unit
from hoshin.strategy.models import AnnualObjective, ImprovementPriority

ELEMENT_MODELS = {"annual": AnnualObjective, "priority": ImprovementPriority,
                  "objective": Objective, "key_result": KeyResult}
ELEMENT_LABELS = {"annual": "annual objective", "priority": "improvement priority",
                  "objective": "objective", "key_result": "key result"}


def element_field(element) -> str:
    for name, model in ELEMENT_MODELS.items():
        if isinstance(element, model):
            return name
    raise DomainError.field("element", "catchball is about an annual objective, an improvement "
                                       "priority, an objective or a key result")


def find_element(key: str, field: str = "element"):
    """The annual objective, improvement priority, objective or key result with this id
    (plan elements share one namespace of ids)."""
    for model in ELEMENT_MODELS.values():
        obj = model.objects.filter(key=(key or "").strip()).first()
        if obj is not None:
            return obj
    raise NotFound.field(field, f'unknown plan element "{key}" (expected the id of an annual '
                                "objective, improvement priority, objective or key result)")


def element_unit(element) -> Unit | None:
    if isinstance(element, ImprovementPriority):
        return element.unit
    if isinstance(element, Objective):
        return element.unit
    if isinstance(element, KeyResult):
        return element.objective.unit
    return None


def current_version(element) -> dict:
    """What the element says now, as a catchball version."""
    return {"title": element.title,
            "target": element.target if isinstance(element, KeyResult) else None,
            "description": getattr(element, "description", "") or ""}


def element_cycle(element) -> Cycle | None:
    """The cycle whose planning calendar applies: the objective's quarter, or the year
    cycle of an annual objective or improvement priority."""
    if isinstance(element, KeyResult):
        return element.objective.cycle
    if isinstance(element, Objective):
        return element.cycle
    fy_start = Organization.current().fiscal_year_start
    for cycle in Cycle.objects.filter(kind=Cycle.Kind.YEAR, archived_at__isnull=True):
        if rules.fiscal_year_of(cycle.start, fy_start) == element.year:
            return cycle
    return None
