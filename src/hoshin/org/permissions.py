"""Who may change what (SPEC §10). Every service calls these before it writes.

`actor=None` means the system itself (the CLI run by an operator, the importer,
scheduled jobs): it is allowed everything, as the operator already has the database.
"""

from __future__ import annotations

from hoshin.core.errors import PermissionDenied
from hoshin.org.models import Person, Role, Unit
from hoshin.org.selectors import subtree_ids

PLAN_EDITORS = {Role.ADMIN, Role.STRATEGY_OFFICE}


def _active(actor: Person) -> bool:
    return actor.is_active and actor.role != Role.VIEWER


def unit_ancestry(unit: Unit) -> list[int]:
    """Ids of the unit and every unit above it."""
    ids: list[int] = []
    seen: set[int] = set()
    current_id = unit.pk
    parents = dict(Unit.objects.values_list("id", "parent_id")) if unit.parent_id else {}
    while current_id is not None and current_id not in seen:
        ids.append(current_id)
        seen.add(current_id)
        current_id = parents.get(current_id) if parents else None
    return ids


def is_admin(actor: Person | None) -> bool:
    return actor is None or (actor.is_active and actor.role == Role.ADMIN)


def can_edit_strategy(actor: Person | None) -> bool:
    return actor is None or (actor.is_active and actor.role in PLAN_EDITORS)


def leads_unit(actor: Person, unit: Unit) -> bool:
    """A unit lead may edit their own unit and every unit below it."""
    if not _active(actor):
        return False
    led = set(actor.led_units.values_list("id", flat=True))
    return bool(led) and any(uid in led for uid in unit_ancestry(unit))


def can_edit_unit_plan(actor: Person | None, unit: Unit) -> bool:
    return can_edit_strategy(actor) or leads_unit(actor, unit)


def led_unit_ids(actor: Person | None) -> frozenset[int]:
    """Ids of the units the actor leads and of every unit below them: where their lead
    rights reach. Two queries, so a page can ask once and check many rows with it."""
    if actor is None or not _active(actor):
        return frozenset()
    led = set(actor.led_units.values_list("id", flat=True))
    if not led:
        return frozenset()
    return frozenset(subtree_ids(*led))


def can_check_in(actor: Person | None, key_result, *,
                 led_units: frozenset[int] | None = None) -> bool:
    """`led_units`, when given, is `led_unit_ids(actor)` computed beforehand, so checking
    a list of key results costs no query per row."""
    if actor is None:
        return True
    if not _active(actor):
        return False
    if key_result.owner_id == actor.pk or actor.role in PLAN_EDITORS:
        return True
    if led_units is None:
        led_units = led_unit_ids(actor)
    return key_result.objective.unit_id in led_units


def can_edit_initiative(actor: Person | None, initiative=None, key_result=None) -> bool:
    if actor is None:
        return True
    if not _active(actor):
        return False
    if initiative is not None:
        if initiative.owner_id == actor.pk:
            return True
        key_result = initiative.key_result
    if key_result.owner_id == actor.pk:
        return True
    return can_edit_unit_plan(actor, key_result.objective.unit)


def require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(f"you are not allowed to {what}")
