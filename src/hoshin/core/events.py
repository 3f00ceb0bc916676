"""Domain events: what happened, published by the app that owns it, reacted to by others.

A service publishes an event after its own writes (`publish(CheckInRecorded(...))`); apps
above it subscribe in their `AppConfig.ready()`. This is how a lower app's change reaches
a higher app without the lower one importing it: okrs records a check-in and knows nothing
of flags or PDCA; flags subscribes and re-judges the key result.

Two kinds of handler:

* `subscribe(Event)` runs inside the publisher's transaction, so the reaction commits or
  rolls back with the change (re-judging flags, recording a gate override, locking an
  agreed element). An exception aborts the whole change.
* `subscribe(Event, after_commit=True)` runs once the transaction has committed: for
  what tells people or the outside world (notifications, webhooks), which must never
  announce a change that was rolled back.

The events themselves are declared here, in the lowest layer, so a publisher and its
subscribers share a type without importing each other.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction

E = TypeVar("E")
Handler = Callable[[Any], None]

_handlers: dict[type, list[tuple[Handler, bool]]] = {}


def subscribe(event_type: type, handler: Handler | None = None, *, after_commit: bool = False):
    """Register `handler` for `event_type` (usable as a decorator). Registering the same
    handler twice is a no-op, so a module imported twice does not react twice."""

    def register(func: Handler) -> Handler:
        entries = _handlers.setdefault(event_type, [])
        if (func, after_commit) not in entries:
            entries.append((func, after_commit))
        return func

    return register(handler) if handler is not None else register


def publish(event: Any) -> None:
    """Run the handlers subscribed to the event's type, in the order they subscribed."""
    for handler, after_commit in list(_handlers.get(type(event), ())):
        if after_commit:
            transaction.on_commit(functools.partial(handler, event), robust=True)
        else:
            handler(event)


def subscribers(event_type: type) -> list[str]:
    """Who reacts to an event type, as dotted names (for docs and tests)."""
    return [f"{h.__module__}.{h.__qualname__}" + (" (after commit)" if late else "")
            for h, late in _handlers.get(event_type, ())]


# The events ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInRecorded:
    """A check-in was recorded on a key result (okrs)."""

    actor: Any
    key_result: Any
    check_in: Any
    today: Any  # the date the check-in was judged on (the clock's, or its own date)


@dataclass(frozen=True)
class InitiativeStatusChanged:
    """An initiative's status changed through `save_initiative` (okrs); `from_status` is
    None for a new initiative. A handler may add to `warnings` what the person should
    reconsider (a unit over its WIP limit): the change stands, and the caller shows them."""

    actor: Any
    initiative: Any
    from_status: str | None
    to_status: str
    warnings: list = field(default_factory=list)


@dataclass(frozen=True)
class CycleTransitioned:
    """A cycle moved from one state to another through `transition_cycle` (okrs)."""

    actor: Any
    cycle: Any
    from_state: str
    to_state: str
    override_reason: str = ""
    gates: tuple = ()  # the GateResult of every gate that ran

    def refused(self, gate: str):
        """The result of the named gate if it refused and was overridden, else None."""
        return next((g for g in self.gates if g.gate == gate and not g.passed), None)


@dataclass(frozen=True)
class ElementAgreed:
    """Both sides of a catchball thread agreed a version of a plan element (catchball)."""

    actor: Any
    thread: Any
    element: Any
    version: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TradeOffRecorded:
    """An entry was written to the trade-off register (okrs), superseding another or not:
    the people and units it names as told are to be told."""

    actor: Any
    trade_off: Any


@dataclass(frozen=True)
class ReviewDecided:
    """A review recorded a decision (reviews)."""

    actor: Any
    review: Any
    decision: Any


@dataclass(frozen=True)
class RetrospectiveShared:
    """A unit's retrospective of a quarter was written with "share as learning" (closing).
    `retrospective` has the unit, the cycle and what worked and did not."""

    actor: Any
    retrospective: Any


@dataclass(frozen=True)
class AccessChanged:
    """Who may do what changed (org): a person added, their role or activity changed, a
    unit's lead changed, an API token created or revoked. `what` says it in words;
    `person` is whose access changed. The audit log keeps every one."""

    actor: Any
    person: Any
    kind: str  # person-added, role-changed, person-archived, person-restored, lead-changed,
    #            token-created, token-revoked
    what: str


@dataclass(frozen=True)
class DataExported:
    """Data left the system: a plan export or a backup (planfile, backup).
    `actor` is None for the server's operator (the CLI)."""

    actor: Any
    kind: str  # export, backup
    what: str
