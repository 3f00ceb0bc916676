"""Catchball operations: propose, respond, revise, accept, withdraw, delegate; the planning
calendar; and the lock on agreed elements (a guard registered in apps.py, which the plan
element services run before every change).

A thread alternates between its two sides. After a proposal or a revision the receiving
unit is to answer; after a response the proposer is. The version on the table was written
by one side; only the other side can accept it, unchanged, and that agreement is applied to
the element through its own app's services in the same transaction, on the authority of
the agreement (`gates.Agreement(thread)`). Everyone involved is told through notify, on the
channel each person chose.
"""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Q
from django.urls import reverse

from hoshin.catchball.models import ELEMENT_FIELDS, Catchball, PlanningDeadline, Round, Side
from hoshin.core import clock, events, gates
from hoshin.core.errors import Conflict, DomainError, ErrorCollector, NotFound
from hoshin.core.history import service
from hoshin.notify.channels import Notice, notify
from hoshin.okrs import rules
from hoshin.okrs import services as okrs_services
from hoshin.okrs.models import Cycle, KeyResult, Objective
from hoshin.org import permissions
from hoshin.org.models import Organization, Person, Role, Unit
from hoshin.strategy import services as strategy_services
from hoshin.strategy.models import AnnualObjective, ImprovementPriority

# Days to answer when the planning calendar names no date.
DEFAULT_RESPONSE_DAYS = 14

ELEMENT_MODELS = {"annual": AnnualObjective, "priority": ImprovementPriority,
                  "objective": Objective, "key_result": KeyResult}
ELEMENT_LABELS = {"annual": "annual objective", "priority": "improvement priority",
                  "objective": "objective", "key_result": "key result"}

_UNSET = object()
# Pass as `target` to leave the version's target as it is (None means "no target").
UNCHANGED = _UNSET


# Elements --------------------------------------------------------------------------------


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


def deadline(cycle: Cycle | None, what: str) -> dt.date | None:
    if cycle is None:
        return None
    return (PlanningDeadline.objects.filter(cycle=cycle, what=what)
            .values_list("due", flat=True).first())


def default_respond_by(element, today: dt.date) -> dt.date:
    due = deadline(element_cycle(element), PlanningDeadline.What.RESPONSE)
    return due or today + dt.timedelta(days=DEFAULT_RESPONSE_DAYS)


# Who may act -----------------------------------------------------------------------------


def _active(actor: Person) -> bool:
    return actor.is_active and actor.role != Role.VIEWER


def can_propose(actor: Person | None, element, unit: Unit) -> bool:
    """The strategy office proposes anything to any unit; a unit lead proposes about their
    own units' elements (upward, to the parent's owner) or down to the units they lead."""
    if actor is None or permissions.can_edit_strategy(actor):
        return True
    if not _active(actor):
        return False
    reach = permissions.led_unit_ids(actor)
    own = element_unit(element)
    return unit.pk in reach or (own is not None and own.pk in reach)


def can_answer_for_unit(actor: Person | None, thread: Catchball) -> bool:
    if actor is None:
        return True
    if not _active(actor):
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
    if not _active(actor):
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
    return (_active(actor) and thread.state == Catchball.State.OPEN
            and (thread.unit.lead_id == actor.pk or permissions.can_edit_strategy(actor)))


# Versions --------------------------------------------------------------------------------


def _clean_version(errors: ErrorCollector, element, base: dict, title, target,
                   description) -> dict:
    version = dict(base)
    if title is not None and title is not _UNSET:
        if not str(title).strip():
            errors.add("title", "must not be empty")
        elif len(str(title).strip()) > 300:
            errors.add("title", "must be at most 300 characters")
        version["title"] = str(title).strip()
    if target is not _UNSET:
        if target is None or target == "":
            version["target"] = None
        else:
            try:
                value = float(target)
                if not math.isfinite(value) or abs(value) > 1e12:
                    raise ValueError
                version["target"] = value
            except (TypeError, ValueError):
                errors.add("target", f'"{target}" is not a number')
    if description is not None and description is not _UNSET:
        version["description"] = str(description)
    if isinstance(element, KeyResult) and "target" not in {e.field for e in errors.errors}:
        steps = list(element.steps.values_list("key", "weight"))
        for err in rules.key_result_errors(element.kind, element.baseline, version["target"],
                                           steps, element.weight):
            if err.field == "target":
                errors.add("target", err.message)
    return version


def version_of(round_: Round) -> dict:
    return {"title": round_.title, "target": round_.target, "description": round_.description}


def _latest(thread: Catchball) -> Round:
    return thread.rounds.order_by("-number").first()


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


# Notifications ---------------------------------------------------------------------------


def thread_url(thread: Catchball) -> str:
    return reverse("catchball:thread", args=[thread.pk])


def describe(thread: Catchball) -> str:
    element = thread.element
    return f'{ELEMENT_LABELS[thread.element_kind]} {element.key} "{element.title}"'


def _unit_side_people(thread: Catchball) -> list[Person]:
    people = [thread.unit.lead, thread.delegate]
    return [p for i, p in enumerate(people) if p is not None and p not in people[:i]
            and p.pk != thread.proposer_id]


def _proposer_side_people(thread: Catchball) -> list[Person]:
    people = [thread.proposer, thread.proposer_unit.lead if thread.proposer_unit_id else None]
    return [p for i, p in enumerate(people) if p is not None and p not in people[:i]]


def _tell(people, thread: Catchball, subject: str, lines: list[str]) -> None:
    # Through notify, like every other message: each person hears on the channel they
    # chose (email, Slack, Teams, or not at all), queued in the outbox inside this
    # transaction, so a change that rolls back tells nobody.
    notice = Notice(subject=subject, intro="\n".join(lines), action_label="Open the thread",
                    action_url=thread_url(thread), kind="catchball")
    for person in people:
        notify(person, notice)


def _version_line(version: dict) -> str:
    target = "" if version["target"] is None else f", target {_number(version['target'])}"
    return f'"{version["title"]}"{target}'


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _name(person: Person | None) -> str:
    return person.name if person is not None else "The system"


# Planning calendar -----------------------------------------------------------------------


@service
def set_deadline(actor: Person | None, *, cycle: str, what: str, due: dt.date | str,
                 note: str = "") -> PlanningDeadline:
    """Set (or move) a date of a cycle's planning calendar."""
    permissions.require(permissions.can_edit_strategy(actor), "edit the planning calendar")
    errors = ErrorCollector()
    cycle_obj = okrs_services.get(Cycle, cycle, "cycle")
    if what not in PlanningDeadline.What.values:
        errors.add("what", f'unknown deadline "{what}" (expected one of '
                           f'{", ".join(PlanningDeadline.What.values)})')
    if isinstance(due, str):
        try:
            due = dt.date.fromisoformat(due)
        except ValueError:
            errors.add("due", f'"{due}" is not a date (expected YYYY-MM-DD)')
    errors.raise_if_any()
    row, _ = PlanningDeadline.objects.update_or_create(cycle=cycle_obj, what=what,
                                                       defaults={"due": due, "note": note or ""})
    return row


@service
def remove_deadline(actor: Person | None, deadline_row: PlanningDeadline) -> None:
    permissions.require(permissions.can_edit_strategy(actor), "edit the planning calendar")
    deadline_row.delete()


# Catchball -------------------------------------------------------------------------------


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
def propose(actor: Person | None, *, element, unit: str | Unit, title=None, target=_UNSET,
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
    version = _clean_version(errors, element, current_version(element), title, target,
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
    _tell(_unit_side_people(thread), thread,
          f"Catchball: {person.name} proposes {element.key} to {unit_obj.name}",
          [f"{person.name} proposes {describe(thread)} to {unit_obj.name}.",
           f"Proposed version: {_version_line(version)}",
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
            title=None, target=_UNSET, description=None) -> Round:
    """The receiving unit's answer: its contribution, needs and conflicts, and optionally a
    counter-proposal (a changed title, target or description)."""
    thread = _locked(thread)
    _require_turn(thread, Side.UNIT, actor, f'answer for unit "{thread.unit.key}"')
    errors = ErrorCollector()
    before = version_of(_latest(thread))
    version = _clean_version(errors, thread.element, before, title, target, description)
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
    _tell(_proposer_side_people(thread), thread,
          f"Catchball: {thread.unit.name} answered on {thread.element_key}",
          [f"{_name(actor)} answered for {thread.unit.name} on {describe(thread)}.",
           *([f"Counter-proposal: {_version_line(version)} (was {_version_line(before)})"]
             if counter else ["No counter-proposal."]),
           *([f"Contribution: {contribution}"] if contribution else []),
           *([f"Needs: {_needs_text(round_)}"] if round_.has_needs or units else []),
           *([f"Conflicts: {conflicts}"] if conflicts else []),
           *([f"Comment: {comment}"] if comment else []),
           "Accept the counter-proposal, or revise." if counter else "Revise or withdraw."])
    return round_


def _needs_text(round_: Round) -> str:
    parts = [f"people: {round_.needs_people}" if round_.needs_people else "",
             f"budget: {round_.needs_budget}" if round_.needs_budget else "",
             f"time: {round_.needs_time}" if round_.needs_time else ""]
    helpers = [u.name for u in round_.help_from.all()] if round_.pk else []
    if helpers:
        parts.append("help from " + ", ".join(helpers))
    return "; ".join(p for p in parts if p)


@service
def revise(actor: Person | None, thread: Catchball, *, title=None, target=_UNSET,
           description=None, comment: str = "", respond_by: dt.date | None = None,
           today: dt.date | None = None) -> Round:
    """The proposer's next version (it may stay the same, e.g. granting what the unit
    needs); the unit answers or accepts it next."""
    today = today or clock.today()
    thread = _locked(thread)
    _require_turn(thread, Side.PROPOSER, actor, "revise this proposal")
    errors = ErrorCollector()
    before = version_of(_latest(thread))
    version = _clean_version(errors, thread.element, before, title, target, description)
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
    _tell(_unit_side_people(thread), thread,
          f"Catchball: revised proposal for {thread.element_key}",
          [f"{_name(actor)} revised {describe(thread)} for {thread.unit.name}.",
           f"Version now: {_version_line(version)}"
           + ("" if version == before else f" (was {_version_line(before)})"),
           *([f"Comment: {comment}"] if comment else []),
           f"Please accept or answer by {thread.respond_by.isoformat()}."
           if thread.respond_by else "Please accept or answer."])
    return round_


@service
def accept(actor: Person | None, thread: Catchball, *, comment: str = "") -> Round:
    """Accept the other side's latest version unchanged: the thread is agreed and the
    version is applied to the element, which is then locked."""
    thread = _locked(thread)
    side = thread.waiting_on
    if side not in sides_of(actor, thread) and sides_of(actor, thread):
        side = Side.PROPOSER if side == Side.UNIT else Side.UNIT  # to say whose turn it is
    _require_turn(thread, side, actor, "accept in this thread")
    if thread.version_by == side:
        raise Conflict.field("state", "the version on the table is your own; the other side "
                                      "has to accept it")
    version = version_of(_latest(thread))
    round_ = _add_round(thread, actor, side, Round.Kind.ACCEPT, version, comment=comment or "")
    thread.state = Catchball.State.AGREED
    thread.closed_at = clock.now()
    thread.save()
    _apply_agreed(actor, thread, version)
    # Both sides are told by tell_agreed (subscribed in apps.py), as is anything else that
    # reacts to an agreement.
    events.publish(events.ElementAgreed(actor, thread, thread.element, version))
    return round_


def _apply_agreed(actor: Person | None, thread: Catchball, version: dict) -> None:
    """Write the agreed version to the element through its own app's services, inside this
    transaction. The agreement of both sides is the authority (the person accepting may
    not be the element's editor): the services take it as `authority`, and the catchball
    guard lets exactly the agreed values through. The history credits the person who
    accepted."""
    element = thread.element
    authority = gates.Agreement(thread)
    fields = {"title": version["title"], "description": version["description"]}
    if isinstance(element, AnnualObjective):
        strategy_services.save_annual_objective(actor, element, **fields, authority=authority)
    elif isinstance(element, ImprovementPriority):
        strategy_services.save_improvement_priority(actor, element, **fields,
                                                    authority=authority)
    elif isinstance(element, Objective):
        okrs_services.save_objective(actor, element, **fields, authority=authority)
    else:
        changes = {"title": version["title"]}
        if version["target"] != element.target:
            changes["target"] = version["target"]
        okrs_services.save_key_result(
            actor, element, **changes, authority=authority,
            reason=f"agreed in catchball #{thread.pk} with {thread.unit.name}")


def tell_agreed(event: events.ElementAgreed) -> None:
    """Tell both sides of the agreement (subscribed to ElementAgreed in apps.py). It runs
    in the accepting transaction and queues in the outbox, which sends only what committed;
    so an agreement that rolls back tells nobody, and one that commits cannot lose its
    message between the commit and a later write."""
    thread, version = event.thread, event.version
    comment = thread.rounds.order_by("-number").values_list("comment", flat=True).first()
    people = _proposer_side_people(thread) + _unit_side_people(thread)
    _tell([p for i, p in enumerate(people) if p not in people[:i]], thread,
          f"Catchball agreed: {thread.element_key} with {thread.unit.name}",
          [f"{_name(event.actor)} accepted; {describe(thread)} is agreed between "
           f"{thread.proposer.name} and {thread.unit.name}.",
           f"Agreed version: {_version_line(version)}",
           *([f"Comment: {comment}"] if comment else []),
           "It is now locked into the plan: changing its title or target takes a new round "
           "of catchball."])


@service
def withdraw(actor: Person | None, thread: Catchball, *, comment: str = "") -> Round:
    thread = _locked(thread)
    if thread.state != Catchball.State.OPEN:
        raise Conflict.field("state", f"the thread is {thread.get_state_display().lower()}")
    permissions.require(can_answer_for_proposer(actor, thread), "withdraw this proposal")
    round_ = _add_round(thread, actor, Side.PROPOSER, Round.Kind.WITHDRAW,
                        version_of(_latest(thread)), comment=comment or "")
    thread.state = Catchball.State.WITHDRAWN
    thread.closed_at = clock.now()
    thread.save()
    _tell(_unit_side_people(thread), thread,
          f"Catchball withdrawn: {thread.element_key}",
          [f"{_name(actor)} withdrew the proposal of {describe(thread)} to {thread.unit.name}.",
           *([f"Comment: {comment}"] if comment else [])])
    return round_


def _delegate_or_error(email: str) -> Person:
    person = Person.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        raise DomainError.field("delegate", f'unknown person "{email}"')
    if not _active(person):
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
        _tell([thread.delegate], thread,
              f"Catchball: you answer for {thread.unit.name} on {thread.element_key}",
              [f"{_name(actor)} asked you to answer for {thread.unit.name} on "
               f"{describe(thread)}."])
    return thread


# The lock --------------------------------------------------------------------------------


def agreement_for(element) -> Catchball | None:
    """The latest agreement about the element, if any."""
    field = element_field(element)
    return (Catchball.objects.filter(**{field: element}, state=Catchball.State.AGREED)
            .order_by("-closed_at", "-id").first())


def check_change(actor: Person | None, element, *, title=_UNSET, target=_UNSET,
                 override: bool = False) -> None:
    """Refuse a change to the title or target of an element agreed in catchball, unless the
    strategy office overrides explicitly. Pass only what the caller is changing; values
    equal to the current ones pass."""
    changed = []
    if title is not _UNSET and title is not None and str(title).strip() != element.title:
        changed.append("title")
    if (target is not _UNSET and isinstance(element, KeyResult)
            and target != element.target):
        changed.append("target")
    if not changed:
        return
    agreed = agreement_for(element)
    if agreed is None:
        return
    if override:
        permissions.require(permissions.can_edit_strategy(actor),
                            "override an agreement reached in catchball")
        return
    raise Conflict([DomainError.field(name, f"was agreed in catchball #{agreed.pk} with "
                                            f"{agreed.unit.name}; propose a new round, or the "
                                            "strategy office may override").errors[0]
                    for name in changed])


def guard(actor: Person | None, element, changes: dict, authority) -> None:
    """The catchball lock as a guard (registered in apps.py; the plan element services run
    it through `gates.check_guards` before every change, without knowing catchball).

    With no authority, a changed title or target of an agreed element is refused; the
    strategy office's own edit counts as its override (kept in the history). With
    `gates.Agreement(thread)`, the change must be what that thread agreed about this very
    element: an agreement is not a pass for anything else."""
    if not isinstance(element, tuple(ELEMENT_MODELS.values())):
        return
    given = {name: changes[name] for name in ("title", "target") if name in changes}
    if isinstance(authority, gates.Agreement):
        _check_agreement(authority.thread, element, given)
        return
    if given:
        check_change(actor, element, override=permissions.can_edit_strategy(actor), **given)


def _check_agreement(thread: Catchball, element, given: dict) -> None:
    field = element_field(element)
    if thread.state != Catchball.State.AGREED:
        raise Conflict.field("state", f"catchball #{thread.pk} is not agreed")
    if getattr(thread, f"{field}_id") != element.pk:
        raise Conflict.field("element", f"catchball #{thread.pk} agreed another element, "
                                        f'not "{element.key}"')
    agreed = version_of(_latest(thread))
    if "title" in given and given["title"] is not None \
            and str(given["title"]).strip() != agreed["title"]:
        raise Conflict.field("title", f"is not the title agreed in catchball #{thread.pk}")
    if "target" in given and isinstance(element, KeyResult) and given["target"] != agreed["target"]:
        raise Conflict.field("target", f"is not the target agreed in catchball #{thread.pk}")


# Selectors -------------------------------------------------------------------------------


def _awaiting_q(person: Person) -> Q:
    unit_side = (Q(waiting_on=Side.UNIT) & (Q(unit__lead=person) | Q(delegate=person))
                 & ~Q(proposer=person))
    proposer_side = Q(waiting_on=Side.PROPOSER) & (Q(proposer=person)
                                                   | Q(proposer_unit__lead=person))
    return Q(state=Catchball.State.OPEN) & (unit_side | proposer_side)


def _involved_q(person: Person) -> Q:
    return (Q(unit__lead=person) | Q(delegate=person) | Q(proposer=person)
            | Q(proposer_unit__lead=person))


def _threads(query):
    return query.select_related("unit", "unit__lead", "proposer", "proposer_unit", "delegate",
                                *ELEMENT_FIELDS)


def _with_today(threads, today: dt.date) -> list[Catchball]:
    rows = list(threads)
    for thread in rows:
        thread.overdue = thread.is_overdue(today)
    far = dt.date.max
    rows.sort(key=lambda t: (not t.overdue, t.respond_by or far, t.pk))
    return rows


def awaiting_count(person: Person | None) -> int:
    """How many threads wait for the person's answer: one query (the nav badge)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return 0
    return Catchball.objects.filter(_awaiting_q(person)).count()


def awaiting_answer(person: Person, today: dt.date) -> list[Catchball]:
    """Open threads where it is the person's turn: as the lead (or delegate) of the
    receiving unit, or as the proposer after the unit answered. Overdue first."""
    return _with_today(_threads(Catchball.objects.filter(_awaiting_q(person))), today)


def waiting_on_others(person: Person, today: dt.date) -> list[Catchball]:
    query = (Catchball.objects.filter(state=Catchball.State.OPEN).filter(_involved_q(person))
             .exclude(_awaiting_q(person)))
    return _with_today(_threads(query), today)


def recently_closed(person: Person, limit: int = 10) -> list[Catchball]:
    query = Catchball.objects.exclude(state=Catchball.State.OPEN).filter(_involved_q(person))
    return list(_threads(query).order_by("-closed_at", "-id")[:limit])


def overview(today: dt.date) -> list[dict]:
    """Open threads per receiving unit, for the strategy office: units with overdue threads
    first, then by the earliest deadline."""
    threads = _with_today(_threads(Catchball.objects.filter(state=Catchball.State.OPEN)), today)
    agreement = dict(PlanningDeadline.objects.filter(what=PlanningDeadline.What.AGREEMENT)
                     .values_list("cycle_id", "due"))
    units: dict[int, dict] = {}
    for thread in threads:
        thread.agree_by = agreement.get(thread.cycle_id)
        row = units.setdefault(thread.unit_id, {"unit": thread.unit, "threads": [],
                                                "overdue": 0, "unanswered": 0})
        row["threads"].append(thread)
        row["overdue"] += thread.overdue
        row["unanswered"] += thread.waiting_on == Side.UNIT
    far = dt.date.max
    return sorted(units.values(), key=lambda r: (
        -r["overdue"], min((t.respond_by or far) for t in r["threads"]), r["unit"].name))


def in_catchball(elements) -> dict[tuple[str, int], str]:
    """{(element field, pk): "in catchball" | "agreed in catchball"} for the given elements,
    in one query per kind: the badge lists and pages show."""
    by_field: dict[str, list[int]] = {}
    for element in elements:
        by_field.setdefault(element_field(element), []).append(element.pk)
    marks: dict[tuple[str, int], str] = {}
    for field, ids in by_field.items():
        rows = (Catchball.objects.filter(**{f"{field}__in": ids})
                .exclude(state=Catchball.State.WITHDRAWN).values_list(f"{field}_id", "state"))
        for pk, state in rows:
            if state == Catchball.State.OPEN:
                marks[(field, pk)] = "in catchball"
            else:
                marks.setdefault((field, pk), "agreed in catchball")
    return marks


def thread_rounds(thread: Catchball) -> list[dict]:
    """The rounds with what each changed in the version (old → new)."""
    rows, previous = [], None
    for round_ in thread.rounds.select_related("author").prefetch_related("help_from"):
        version = version_of(round_)
        changes = []
        if previous is not None:
            for name in ("title", "target", "description"):
                if version[name] != previous[name]:
                    old, new = previous[name], version[name]
                    if name == "target":
                        old, new = _number(old), _number(new)
                    changes.append({"field": name, "old": old, "new": new})
        rows.append({"round": round_, "version": version, "changes": changes,
                     "target": _number(version["target"]),
                     "help_from": list(round_.help_from.all())})
        previous = version
    return rows
