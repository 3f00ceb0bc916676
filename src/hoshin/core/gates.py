"""Gates and guards: rules that one app imposes on another app's state changes.

**Gates** decide whether a cycle may move from one state to another. The app that cares
registers a gate in its `AppConfig.ready()` (planning: the executives' alignment test
before drafting opens; closing: every key result graded and decided before a quarter
closes). `okrs.services.transition_cycle` is the one writer of a cycle's state: it runs
every gate that applies, refuses with each gate's reason unless an override reason is
given, and publishes `CycleTransitioned` with the results so the gate's owner can record
the override.

**Guards** check a write to a plan element against a rule owned elsewhere (catchball: an
agreed title or target is locked). The owning service calls `check_guards` with the
changes and an explicit `authority`: None for an ordinary edit, or an object saying on
whose authority the change is made (an `Agreement` when catchball writes what both
sides agreed). No hidden context: the authority is an argument.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hoshin.core.errors import Conflict, FieldError

# Gates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    actor: Any
    cycle: Any
    from_state: str
    to_state: str
    override_reason: str = ""


@dataclass(frozen=True)
class GateResult:
    gate: str
    passed: bool
    reason: str
    data: Any = None  # what the gate's owner wants back in the event (e.g. the round)


@dataclass(frozen=True)
class Gate:
    name: str
    applies: Callable[[Transition], bool]
    check: Callable[[Transition], GateResult]
    field: str = "state"
    overridable: bool = True


_gates: dict[str, Gate] = {}


def register_gate(name: str, *, applies: Callable[[Transition], bool],
                  check: Callable[[Transition], GateResult], field: str = "state",
                  overridable: bool = True) -> None:
    """Register (or replace, by name) a gate on cycle transitions."""
    _gates[name] = Gate(name, applies, check, field, overridable)


def registered_gates() -> list[str]:
    return list(_gates)


def run_gates(transition: Transition) -> tuple[GateResult, ...]:
    """Every applicable gate's result. Raises Conflict naming each refusal when a gate
    refuses and no override reason is given (or the gate cannot be overridden)."""
    results = tuple(gate.check(transition) for gate in _gates.values()
                    if gate.applies(transition))
    refused = [(r, _gates[r.gate]) for r in results if not r.passed]
    overridable = all(g.overridable for _, g in refused)
    if refused and (not transition.override_reason.strip() or not overridable):
        errors = [FieldError(g.field, r.reason) for r, g in refused]
        if overridable:
            errors.append(FieldError("override_reason", "to move anyway, give the reason "
                                                        "for overriding"))
        raise Conflict(errors)
    return results


# Guards ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """The authority of both sides of a catchball thread (what they agreed may be written)."""

    thread: Any


Guard = Callable[[Any, Any, dict, Any], None]
_guards: dict[str, Guard] = {}


def register_guard(name: str, guard: Guard) -> None:
    """Register (or replace, by name) a guard: `guard(actor, element, changes, authority)`
    raises a DomainError when the change is not allowed."""
    _guards[name] = guard


def check_guards(actor: Any, element: Any, changes: dict, authority: Any = None) -> None:
    """Run every guard on a change to `element`. `changes` holds only the fields the caller
    is changing, with their new values."""
    if element is None or getattr(element, "pk", None) is None:
        return  # a new element has nothing agreed yet
    for guard in _guards.values():
        guard(actor, element, changes, authority)
