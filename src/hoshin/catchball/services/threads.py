"""A thread's life: propose, respond, revise, accept, withdraw, delegate.

A thread alternates between its two sides. After a proposal or a revision the receiving
unit is to answer; after a response the proposer is. The version on the table was written
by one side; only the other side can accept it, unchanged, and that agreement is applied to
the element in the same transaction (agreement.py). Each public function that writes is
one transaction (`@service`) and takes the thread under a row lock; everyone involved is
told through notify (notices.py)."""

from __future__ import annotations

import datetime as dt

from hoshin.catchball.models import ELEMENT_FIELDS, Catchball, Round, Side
from hoshin.catchball.services.agreement import apply_agreed
from hoshin.catchball.services.deadlines import default_respond_by
from hoshin.catchball.services.elements import (
    ELEMENT_LABELS,
    current_version,
    element_cycle,
    element_field,
    element_unit,
    find_element,
)
from hoshin.catchball.services.notices import (
    actor_name,
    describe,
    needs_text,
    proposer_side_people,
    tell,
    unit_side_people,
    version_line,
)
from hoshin.catchball.services.rights import (
    can_answer_for_proposer,
    can_answer_for_unit,
    can_delegate,
    can_propose,
    is_active,
    sides_of,
)
from hoshin.catchball.services.versions import (
    UNCHANGED,
    clean_version,
    latest_round,
    version_of,
)
from hoshin.core import clock, events
from hoshin.core.errors import (
    Conflict,
    DomainError,
    ErrorCollector,
    FieldError,
    NotFound,
    PermissionDenied,
)
from hoshin.core.history import service
from hoshin.okrs import services as okrs_services
from hoshin.okrs.models import Cycle, KeyResult, Objective, TradeOff
from hoshin.okrs.selectors import quarter_or_current
from hoshin.org import permissions
from hoshin.org.models import Person, Unit


def get_thread(pk, field: str = "id") -> Catchball:
    try:
        thread = (Catchball.objects.select_related("unit", "proposer", "proposer_unit",
                                                   "delegate", *ELEMENT_FIELDS)
                  .filter(pk=int(pk)).first())
    except (TypeError, ValueError):
        thread = None
    if thread is None:
        raise NotFound.field(field, f'unknown catchball thread "{pk}"')
    return thread


def _locked(thread: Catchball) -> Catchball:
    """The thread re-read under a row lock: two answers at once are taken one after the
    other, each seeing the state the other left."""
    # Only the thread's row: PostgreSQL cannot lock the nullable side of an outer join.
    return (Catchball.objects.select_for_update(of=("self",))
            .select_related("unit", "proposer_unit", "proposer", "delegate")
            .get(pk=thread.pk))


def _add_round(thread: Catchball, actor: Person | None, side: str, kind: str, version: dict,
               **answer) -> Round:
    help_units = answer.pop("help_from", None) or []
    number = thread.rounds.count() + 1
    round_ = Round.objects.create(catchball=thread, number=number, author=actor, side=side,
                                  kind=kind, title=version["title"], target=version["target"],
                                  description=version["description"] or "", **answer)
    if help_units:
        round_.help_from.set(help_units)
    return round_


def _units(errors: ErrorCollector, keys) -> list[Unit]:
    keys = [k.strip() for k in (keys or []) if k and k.strip()]
    found = {u.key: u for u in Unit.objects.filter(key__in=keys)}
    for key in keys:
        if key not in found:
            errors.add("help_from", f'unknown unit "{key}"')
    return list(found.values())


def _proposer_unit(actor: Person, element, unit: Unit, given: str | None) -> Unit | None:
    if given:
        proposer_unit = Unit.objects.filter(key=given).first()
        if proposer_unit is None:
            raise DomainError.field("proposer_unit", f'unknown unit "{given}"')
        permissions.require(permissions.can_edit_strategy(actor)
                            or permissions.leads_unit(actor, proposer_unit),
                            f'speak for unit "{given}"')
        return proposer_unit
    if permissions.can_edit_strategy(actor):
        return None  # the strategy office speaks for itself
    led = list(actor.led_units.all())
    above = set(permissions.unit_ancestry(unit))
    for candidate in led:  # proposing down: the lead's unit above the receiving one
        if candidate.pk in above and candidate.pk != unit.pk:
            return candidate
    own = element_unit(element)
    for candidate in led:  # proposing up: the unit whose element it is
        if own is not None and candidate.pk in permissions.unit_ancestry(own):
            return candidate
    return led[0] if led else None


@service
def propose(actor: Person | None, *, element, unit: str | Unit, title=None, target=UNCHANGED,
            description=None, comment: str = "", respond_by: dt.date | None = None,
            proposer_unit: str | None = None, proposer: Person | None = None,
            delegate: str | None = None, today: dt.date | None = None) -> Catchball:
    """Propose a version of a plan element to a unit. The version starts from what the
    element says now; `title`, `target` and `description` change it. A lead proposing to
    their own team names the team member who answers (`delegate`)."""
    today = today or clock.today()
    if isinstance(element, str):
        element = find_element(element)
    field = element_field(element)
    unit_obj = unit if isinstance(unit, Unit) else Unit.objects.filter(key=unit or "").first()
    if unit_obj is None:
        raise DomainError.field("unit", f'unknown unit "{unit}"')
    permissions.require(can_propose(actor, element, unit_obj),
                        f'propose this {ELEMENT_LABELS[field]} to unit "{unit_obj.key}"')
    person = actor or proposer
    if person is None:
        raise DomainError.field("proposer", "a proposal is made by a person")
    errors = ErrorCollector()
    if getattr(element, "archived", False):
        errors.add("element", f'"{element.key}" is archived')
    if isinstance(element, (Objective, KeyResult)):
        cycle = element_cycle(element)
        if cycle.state == Cycle.State.CLOSED:
            errors.add("element", f'cycle "{cycle.key}" is closed')
    if Catchball.objects.filter(**{field: element}, unit=unit_obj,
                                state=Catchball.State.OPEN).exists():
        errors.add("unit", f'"{element.key}" is already in catchball with unit "{unit_obj.key}"')
    version = clean_version(errors, element, current_version(element), title, target,
                            description)
    if respond_by is not None and respond_by < today:
        errors.add("respond_by", "must not be in the past")
    errors.raise_if_any()
    answerer = _delegate_or_error(delegate) if delegate else None
    if unit_obj.lead_id == person.pk and answerer is None:
        raise DomainError.field("delegate", "you lead this unit: name the team member who "
                                            "answers for it")
    if answerer is not None and answerer.pk == person.pk:
        raise DomainError.field("delegate", "nobody answers their own proposal")
    speaker = _proposer_unit(person, element, unit_obj, proposer_unit)
    thread = Catchball.objects.create(
        **{field: element}, proposer=person, proposer_unit=speaker, unit=unit_obj,
        delegate=answerer,
        cycle=element_cycle(element), respond_by=respond_by or default_respond_by(element, today),
        waiting_on=Side.UNIT, version_by=Side.PROPOSER)
    _add_round(thread, actor or person, Side.PROPOSER, Round.Kind.PROPOSE, version,
               comment=comment or "")
    tell(unit_side_people(thread), thread,
         f"Catchball: {person.name} proposes {element.key} to {unit_obj.name}",
         [f"{person.name} proposes {describe(thread)} to {unit_obj.name}.",
          f"Proposed version: {version_line(version)}",
          *([f"Comment: {comment}"] if comment else []),
          f"Please answer by {thread.respond_by.isoformat()}: what you can contribute, what "
          "you need, what conflicts, or a counter-proposal."])
    return thread


def _require_turn(thread: Catchball, side: str, actor: Person | None, what: str) -> None:
    if thread.state != Catchball.State.OPEN:
        raise Conflict.field("state", f"the thread is {thread.get_state_display().lower()}")
    allowed = (can_answer_for_unit if side == Side.UNIT else can_answer_for_proposer)(
        actor, thread)
    permissions.require(allowed, what)
    if thread.waiting_on != side:
        other = "the receiving unit" if thread.waiting_on == Side.UNIT else "the proposer"
        raise Conflict.field("state", f"it is {other}'s turn to answer")


@service
def respond(actor: Person | None, thread: Catchball, *, contribution: str = "",
            needs_people: str = "", needs_budget: str = "", needs_time: str = "",
            help_from: list[str] | None = None, conflicts: str = "", comment: str = "",
            title=None, target=UNCHANGED, description=None) -> Round:
    """The receiving unit's answer: its contribution, needs and conflicts, and optionally a
    counter-proposal (a changed title, target or description)."""
    thread = _locked(thread)
    _require_turn(thread, Side.UNIT, actor, f'answer for unit "{thread.unit.key}"')
    errors = ErrorCollector()
    before = version_of(latest_round(thread))
    version = clean_version(errors, thread.element, before, title, target, description)
    units = _units(errors, help_from)
    if not any(s.strip() for s in (contribution, needs_people, needs_budget, needs_time,
                                   conflicts, comment)) and version == before and not units:
        errors.add("contribution", "say what the unit can contribute, what it needs, what "
                                   "conflicts, or make a counter-proposal")
    errors.raise_if_any()
    round_ = _add_round(thread, actor, Side.UNIT, Round.Kind.RESPOND, version,
                        contribution=contribution or "", needs_people=needs_people or "",
                        needs_budget=needs_budget or "", needs_time=needs_time or "",
                        conflicts=conflicts or "", comment=comment or "", help_from=units)
    thread.waiting_on = Side.PROPOSER
    if version != before:
        thread.version_by = Side.UNIT
    thread.save()
    counter = version != before
    tell(proposer_side_people(thread), thread,
         f"Catchball: {thread.unit.name} answered on {thread.element_key}",
         [f"{actor_name(actor)} answered for {thread.unit.name} on {describe(thread)}.",
          *([f"Counter-proposal: {version_line(version)} (was {version_line(before)})"]
            if counter else ["No counter-proposal."]),
          *([f"Contribution: {contribution}"] if contribution else []),
          *([f"Needs: {needs_text(round_)}"] if round_.has_needs or units else []),
          *([f"Conflicts: {conflicts}"] if conflicts else []),
          *([f"Comment: {comment}"] if comment else []),
          "Accept the counter-proposal, or revise." if counter else "Revise or withdraw."])
    return round_


@service
def revise(actor: Person | None, thread: Catchball, *, title=None, target=UNCHANGED,
           description=None, comment: str = "", respond_by: dt.date | None = None,
           today: dt.date | None = None) -> Round:
    """The proposer's next version (it may stay the same, e.g. granting what the unit
    needs); the unit answers or accepts it next."""
    today = today or clock.today()
    thread = _locked(thread)
    _require_turn(thread, Side.PROPOSER, actor, "revise this proposal")
    errors = ErrorCollector()
    before = version_of(latest_round(thread))
    version = clean_version(errors, thread.element, before, title, target, description)
    if respond_by is not None and respond_by < today:
        errors.add("respond_by", "must not be in the past")
    errors.raise_if_any()
    round_ = _add_round(thread, actor, Side.PROPOSER, Round.Kind.REVISE, version,
                        comment=comment or "")
    thread.waiting_on = Side.UNIT
    thread.version_by = Side.PROPOSER
    if respond_by is not None:
        thread.respond_by = respond_by
    thread.save()
    tell(unit_side_people(thread), thread,
         f"Catchball: revised proposal for {thread.element_key}",
         [f"{actor_name(actor)} revised {describe(thread)} for {thread.unit.name}.",
          f"Version now: {version_line(version)}"
          + ("" if version == before else f" (was {version_line(before)})"),
          *([f"Comment: {comment}"] if comment else []),
          f"Please accept or answer by {thread.respond_by.isoformat()}."
          if thread.respond_by else "Please accept or answer."])
    return round_


@service
def accept(actor: Person | None, thread: Catchball, *, comment: str = "",
           trade_off: str = "", trade_off_kind: str = "paused", trade_off_reason: str = "",
           trade_off_affects: list[str] | None = None) -> Round:
    """Accept the other side's latest version unchanged: the thread is agreed and the
    version is applied to the element, which is then locked.

    `trade_off` names what the agreement makes room for by pausing, slowing or stopping
    it: written to the trade-off register (source "catchball", why required) as the
    accepting person, with both sides told and the agreed element among what it
    affects, in the same transaction as the agreement."""
    thread = _locked(thread)
    side = thread.waiting_on
    if side not in sides_of(actor, thread) and sides_of(actor, thread):
        side = Side.PROPOSER if side == Side.UNIT else Side.UNIT  # to say whose turn it is
    _require_turn(thread, side, actor, "accept in this thread")
    if thread.version_by == side:
        raise Conflict.field("state", "the version on the table is your own; the other side "
                                      "has to accept it")
    version = version_of(latest_round(thread))
    round_ = _add_round(thread, actor, side, Round.Kind.ACCEPT, version, comment=comment or "")
    thread.state = Catchball.State.AGREED
    thread.closed_at = clock.now()
    thread.save()
    apply_agreed(actor, thread, version)
    if (trade_off or "").strip() or (trade_off_reason or "").strip():
        _write_trade_off(actor, thread, trade_off, trade_off_kind, trade_off_reason,
                         trade_off_affects or [])
    # Both sides are told by tell_agreed (subscribed in apps.py), as is anything else that
    # reacts to an agreement.
    events.publish(events.ElementAgreed(actor, thread, thread.element, version))
    return round_


def _write_trade_off(actor, thread: Catchball, title: str, kind: str, reason: str,
                     affects: list[str]) -> None:
    element = thread.element
    # A priority is not among what an entry links to; the note names it anyway.
    own = [element.key] if thread.element_kind in ("annual", "objective", "key_result") else []
    try:
        _add_trade_off(actor, thread, title, kind, reason, own, affects)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as e:
        # Named by the accept form's fields.
        names = {"title": "trade_off", "kind": "trade_off_kind", "reason": "trade_off_reason",
                 "affects": "trade_off_affects"}
        raise DomainError([FieldError(names.get(err.field, err.field), err.message)
                           for err in e.errors]) from e


def _add_trade_off(actor, thread: Catchball, title, kind, reason, own, affects) -> None:
    okrs_services.add_trade_off(
        actor, cycle=thread.cycle.key if thread.cycle_id else _cycle_for(thread),
        title=title, kind=kind or "paused", reason=reason,
        source=TradeOff.Source.CATCHBALL,
        source_note=f"Catchball #{thread.pk}: {thread.element_key} agreed with "
                    f"{thread.unit.name}"[:300],
        unit=thread.unit.key, affects=[*own, *affects],
        told_people=[thread.proposer.email],
        told_units=[thread.unit.key, *([thread.proposer_unit.key]
                                       if thread.proposer_unit_id else [])])


def _cycle_for(thread: Catchball) -> str:
    """The quarter a thread about an annual objective or priority (which has no cycle)
    writes its trade-off in: the running one."""
    found = quarter_or_current(None)
    if found is None:
        raise DomainError.field("trade_off", "no quarter to write the trade-off in")
    return found.key


@service
def withdraw(actor: Person | None, thread: Catchball, *, comment: str = "") -> Round:
    thread = _locked(thread)
    if thread.state != Catchball.State.OPEN:
        raise Conflict.field("state", f"the thread is {thread.get_state_display().lower()}")
    permissions.require(can_answer_for_proposer(actor, thread), "withdraw this proposal")
    round_ = _add_round(thread, actor, Side.PROPOSER, Round.Kind.WITHDRAW,
                        version_of(latest_round(thread)), comment=comment or "")
    thread.state = Catchball.State.WITHDRAWN
    thread.closed_at = clock.now()
    thread.save()
    tell(unit_side_people(thread), thread,
         f"Catchball withdrawn: {thread.element_key}",
         [f"{actor_name(actor)} withdrew the proposal of {describe(thread)} to {thread.unit.name}.",
          *([f"Comment: {comment}"] if comment else [])])
    return round_


def _delegate_or_error(email: str) -> Person:
    person = Person.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        raise DomainError.field("delegate", f'unknown person "{email}"')
    if not is_active(person):
        raise DomainError.field("delegate", f'"{person.email}" cannot answer (viewer or '
                                            "inactive)")
    return person


@service
def delegate(actor: Person | None, thread: Catchball, *, person: str | None) -> Catchball:
    """The unit's lead names someone to answer in their place (empty: nobody)."""
    thread = _locked(thread)
    permissions.require(can_delegate(actor, thread), "delegate this thread")
    thread.delegate = _delegate_or_error(person) if person else None
    if thread.delegate_id == thread.proposer_id and thread.delegate_id is not None:
        raise DomainError.field("delegate", "nobody answers their own proposal")
    thread.save()
    if thread.delegate is not None and thread.waiting_on == Side.UNIT:
        tell([thread.delegate], thread,
             f"Catchball: you answer for {thread.unit.name} on {thread.element_key}",
             [f"{actor_name(actor)} asked you to answer for {thread.unit.name} on "
              f"{describe(thread)}."])
    return thread
