"""Who may act on a thread: propose, answer for either side, accept, withdraw, delegate."""

from __future__ import annotations

from hoshin.catchball.models import Catchball, Side
from hoshin.catchball.services.elements import element_unit
from hoshin.org import permissions
from hoshin.org.models import Person, Role, Unit


def is_active(actor: Person) -> bool:
    return actor.is_active and actor.role != Role.VIEWER


def can_propose_at_all(actor: Person | None) -> bool:
    """Whether the actor may propose anything to anyone (the strategy office, a unit lead):
    asked before the proposal's form is read, so whoever may not sees a 403, not the
    form's errors."""
    if actor is None or permissions.can_edit_strategy(actor):
        return True
    return is_active(actor) and bool(permissions.led_unit_ids(actor))


def can_propose(actor: Person | None, element, unit: Unit) -> bool:
    """The strategy office proposes anything to any unit; a unit lead proposes about their
    own units' elements (upward, to the parent's owner) or down to the units they lead."""
    if actor is None or permissions.can_edit_strategy(actor):
        return True
    if not is_active(actor):
        return False
    reach = permissions.led_unit_ids(actor)
    own = element_unit(element)
    return unit.pk in reach or (own is not None and own.pk in reach)


def can_answer_for_unit(actor: Person | None, thread: Catchball) -> bool:
    if actor is None:
        return True
    if not is_active(actor):
        return False
    if actor.pk == thread.proposer_id:
        return False  # nobody answers their own proposal
    unit = thread.unit
    if actor.pk in (unit.lead_id, thread.delegate_id):
        return True
    # A unit with no lead is answered by whoever leads a unit above it.
    return unit.lead_id is None and permissions.leads_unit(actor, unit)


def can_answer_for_proposer(actor: Person | None, thread: Catchball) -> bool:
    if actor is None:
        return True
    if not is_active(actor):
        return False
    if actor.pk == thread.proposer_id:
        return True
    if thread.proposer_unit_id:
        return thread.proposer_unit.lead_id == actor.pk
    # Proposals of the strategy office are the office's to follow up.
    return permissions.can_edit_strategy(actor)


def sides_of(actor: Person | None, thread: Catchball) -> set[str]:
    sides = set()
    if can_answer_for_proposer(actor, thread):
        sides.add(Side.PROPOSER)
    if can_answer_for_unit(actor, thread):
        sides.add(Side.UNIT)
    return sides


def allowed_actions(actor: Person | None, thread: Catchball) -> list[str]:
    """What the actor may do on the thread now: for the forms and the API."""
    if thread.state != Catchball.State.OPEN:
        return []
    actions = []
    turn = thread.waiting_on
    if turn in sides_of(actor, thread):
        actions.append("respond" if turn == Side.UNIT else "revise")
        if thread.version_by != turn:
            actions.append("accept")
    if can_answer_for_proposer(actor, thread):
        actions.append("withdraw")
    if can_delegate(actor, thread):
        actions.append("delegate")
    return actions


def can_delegate(actor: Person | None, thread: Catchball) -> bool:
    if actor is None:
        return True
    return (is_active(actor) and thread.state == Catchball.State.OPEN
            and (thread.unit.lead_id == actor.pk or permissions.can_edit_strategy(actor)))
