"""Operations on cycles, the strategic brief, objectives, key results, check-ins and
initiatives. Each public function is one transaction and checks permissions first."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Min

from hoshin.core import clock, events, gates, history, limits
from hoshin.core.errors import Conflict, DomainError, ErrorCollector, FieldError, NotFound
from hoshin.core.history import service
from hoshin.core.keys import claim_key
from hoshin.okrs import rules
from hoshin.okrs.models import (
    CheckIn,
    Cycle,
    Initiative,
    InitiativeLink,
    KeyResult,
    MilestoneStep,
    Objective,
    Phase,
    Theme,
    TradeOff,
)
from hoshin.org import permissions
from hoshin.org.models import Organization, Person, Role, Unit
from hoshin.strategy.models import AnnualObjective, ImprovementPriority

_UNSET = object()


def get(model, key: str, field: str = "key"):
    obj = model.objects.filter(key=key).first()
    if obj is None:
        raise NotFound.field(field, f'unknown {model._meta.verbose_name} "{key}"')
    return obj


def check_guards(actor: Person | None, element, authority=None, **changes) -> None:
    """Run the guards other apps registered on plan elements (catchball: an agreed title or
    target is locked) on the fields being changed. `authority` says on whose authority the
    change is made: None for an ordinary edit, `gates.Agreement(thread)` when catchball
    writes what both sides agreed."""
    given = {name: value for name, value in changes.items() if value is not _UNSET}
    gates.check_guards(actor, element, given, authority)


def _agreed(authority, element) -> bool:
    # An agreement of both sides stands in for the actor's own right to edit the element
    # (the person accepting may not be the element's editor); the guards check that it
    # covers this element and these values. Only an existing element can have been
    # agreed. Like `actor=None`, an authority is passed by code, never from a request.
    return isinstance(authority, gates.Agreement) and getattr(element, "pk", None) is not None


def _require_writable(cycle: Cycle, field: str = "cycle") -> None:
    # Read the state afresh: a caller's instance may predate the cycle being closed.
    state = Cycle.objects.filter(pk=cycle.pk).values_list("state", flat=True).first()
    if (state or cycle.state) == Cycle.State.CLOSED:
        raise DomainError.field(field, f'cycle "{cycle.key}" is closed and read-only')


# Cycles ---------------------------------------------------------------------------------


@service
def save_cycle(actor: Person | None, cycle: Cycle | None = None, *, key: str | None = None,
               name=_UNSET, kind=_UNSET, start=_UNSET, end=_UNSET) -> Cycle:
    permissions.require(permissions.can_edit_strategy(actor), "edit cycles")
    errors = ErrorCollector()
    if cycle is None:
        cycle = Cycle(key=claim_key(key))
        for fname, value in (("start", start), ("end", end)):
            if value is _UNSET:
                errors.add(fname, "is required")
    else:
        _require_writable(cycle, "state")
    for fname, value in (("name", name), ("kind", kind), ("start", start), ("end", end)):
        if value is not _UNSET:
            setattr(cycle, fname, value)
    if cycle.kind not in Cycle.Kind.values:
        errors.add("kind", 'must be "year" or "quarter"')
    if cycle.start and cycle.end and cycle.end < cycle.start:
        errors.add("end", "must not be before start")
    if cycle.start and cycle.end and any(v is not _UNSET for v in (kind, start, end)):
        others = Cycle.objects.exclude(pk=cycle.pk).aggregate(first=Min("start"),
                                                               last=Max("end"))
        window = limits.cycle_window(clock.today(), others["first"], others["last"])
        for fname, message in limits.cycle_problems(cycle.kind, cycle.start, cycle.end,
                                                    window):
            errors.add(fname, message)
    errors.raise_if_any()
    cycle.name = cycle.name or ""
    cycle.save()
    return cycle


@service
def transition_cycle(actor: Person | None, cycle: Cycle, to_state: str, *,
                     override_reason: str | None = None) -> Cycle:
    """Move a cycle to another state: the one writer of `Cycle.state`.

    Cycles only move forward (draft → planning → active → closed). Every gate registered
    for the transition runs (planning's alignment test before drafting opens, closing's
    checks before a quarter closes, ...); a refusal stops the move unless an override
    reason is given, and `CycleTransitioned` carries the gates' results and the reason so
    their owners record what was overridden. The CLI, both APIs and the web all call this.
    """
    permissions.require(permissions.can_edit_strategy(actor), "change a cycle's state")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if error := rules.cycle_transition_error(cycle.state, to_state):
        raise DomainError.field("state", error)
    if cycle.state == to_state:
        return cycle
    reason = (override_reason or "").strip()
    from_state = cycle.state
    results = gates.run_gates(gates.Transition(actor, cycle, from_state, to_state, reason))
    with Cycle.transitioning():
        cycle.state = to_state
        cycle.save()
    overridden = any(not r.passed for r in results)
    events.publish(events.CycleTransitioned(actor, cycle, from_state, to_state,
                                            reason if overridden else "", results))
    return cycle


@service
def archive_cycle(actor: Person | None, cycle: Cycle) -> Cycle:
    permissions.require(permissions.can_edit_strategy(actor), "archive cycles")
    if cycle.objectives.filter(archived_at__isnull=True).exists():
        raise DomainError.field("cycle", f'cycle "{cycle.key}" still has objectives; '
                                         "archive them first")
    cycle.archived_at = clock.now()
    cycle.save()
    return cycle


# Strategic brief ------------------------------------------------------------------------


@service
def save_theme(actor: Person | None, theme: Theme | None = None, *, key: str | None = None,
               cycle: str | None = None, title=_UNSET, success=_UNSET,
               annual_objectives: list[str] | None = None) -> Theme:
    permissions.require(permissions.can_edit_strategy(actor), "edit the strategic brief")
    errors = ErrorCollector()
    if theme is None:
        theme = Theme(key=claim_key(key))
        if not cycle:
            errors.add("cycle", "is required")
        if title is _UNSET:
            errors.add("title", "is required")
    if cycle:
        theme.cycle = get(Cycle, cycle, "cycle")
    if theme.cycle_id:
        _require_writable(theme.cycle)
    if title is not _UNSET:
        if not (title or "").strip():
            errors.add("title", "must not be empty")
        theme.title = (title or "").strip()
    if success is not _UNSET:
        theme.success = success or ""
    annuals = []
    for i, akey in enumerate(annual_objectives or []):
        annual = AnnualObjective.objects.filter(key=akey).first()
        if annual is None:
            errors.add(f"annual_objectives[{i}]", f'unknown annual objective "{akey}"')
        annuals.append(annual)
    errors.raise_if_any()
    theme.save()
    if annual_objectives is not None:
        theme.annual_objectives.set(annuals)
    return theme


@service
def archive_theme(actor: Person | None, theme: Theme) -> Theme:
    permissions.require(permissions.can_edit_strategy(actor), "edit the strategic brief")
    _require_writable(theme.cycle)
    theme.archived_at = clock.now()
    theme.save()
    return theme


# The trade-off register ---------------------------------------------------------------


def _affected(keys, errors: ErrorCollector) -> dict[str, list]:
    """The items an entry affects, from their keys (plan keys share one namespace)."""
    found: dict[str, list] = {"objectives": [], "key_results": [], "initiatives": [],
                              "annual_objectives": []}
    models = (("objectives", Objective, ("unit",)),
              ("key_results", KeyResult, ("objective__unit",)),
              ("initiatives", Initiative, ("key_result__objective__unit",)),
              ("annual_objectives", AnnualObjective, ()))
    for key in dict.fromkeys(k.strip() for k in keys or () if k and k.strip()):
        for name, model, related in models:
            item = model.objects.select_related(*related).filter(key=key).first()
            if item is not None:
                found[name].append(item)
                break
        else:
            errors.add("affects", "no objective, key result, initiative or annual "
                                  f'objective "{key}"')
    return found


def _unit_of(item) -> Unit | None:
    if isinstance(item, Objective):
        return item.unit
    if isinstance(item, KeyResult):
        return item.objective.unit
    if isinstance(item, Initiative):
        return item.key_result.objective.unit
    return None  # an annual objective is the whole organisation's


def may_record_trade_off(person: Person | None, unit: Unit | None, items=()) -> bool:
    """The strategy office records any entry; a unit lead those of the units their lead
    reaches, about items of those units only (not the whole organisation's)."""
    if person is None or permissions.can_edit_strategy(person):
        return True
    led = permissions.led_unit_ids(person)
    if unit is None or unit.pk not in led:
        return False
    return all((u := _unit_of(i)) is not None and u.pk in led for i in items)


@service
def add_trade_off(actor: Person | None, *, cycle: str, title: str, reason: str = "",
                  kind: str = TradeOff.Kind.PAUSED, decided_by: str | None = None,
                  decided_on: dt.date | None = None, source: str = TradeOff.Source.MANUAL,
                  source_note: str = "", unit: str | None = None, told_people=(),
                  told_units=(), affects=(), supersedes: TradeOff | None = None) -> TradeOff:
    """Write an entry of the trade-off register. The reason is required; whoever decided
    is a person (the actor, or for the operator the person named) and their rights are
    checked; the people and units told are told through notify (TradeOffRecorded)."""
    if actor is not None:
        # Only the strategy office and unit leads write the register; which units a lead
        # may write for is checked below, once the entry's unit and items are known.
        permissions.require(permissions.can_edit_strategy(actor)
                            or bool(permissions.led_unit_ids(actor)), "record trade-offs")
    cycle_obj = get(Cycle, cycle, "cycle")
    errors = ErrorCollector()
    decider = actor
    if actor is None:
        if not decided_by:
            errors.add("decided_by", "name the person who decided (never the system)")
        else:
            decider = Person.objects.filter(email__iexact=decided_by.strip()).first()
            if decider is None:
                errors.add("decided_by", f'unknown person "{decided_by}"')
    elif decided_by and decided_by.strip().lower() != (actor.email or "").lower():
        errors.add("decided_by", "is you: an entry is written by the person who decided")
    if not (title or "").strip():
        errors.add("title", "must not be empty")
    if not (reason or "").strip():
        errors.add("reason", "say why: a trade-off is not recorded without its reason")
    # "resumed" only replaces an entry: the work that was paused or stopped goes ahead.
    kinds = TradeOff.Kind.values if supersedes is not None else [
        k for k in TradeOff.Kind.values if k != TradeOff.Kind.RESUMED]
    if kind not in kinds:
        errors.add("kind", f'must be one of {", ".join(kinds)}'
                   + (" (resumed only supersedes an entry)"
                      if kind == TradeOff.Kind.RESUMED else ""))
    if source not in TradeOff.Source.values:
        errors.add("source", f'must be one of {", ".join(TradeOff.Source.values)}')
    day = decided_on or clock.today()
    if day > clock.today():
        errors.add("decided_on", "cannot be in the future")
    unit_obj = None
    if unit:
        unit_obj = Unit.objects.filter(key=unit).first()
        if unit_obj is None:
            errors.add("unit", f'unknown unit "{unit}"')
    people = []
    for email in dict.fromkeys(e.strip().lower() for e in told_people or () if e and e.strip()):
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            errors.add("told_people", f'unknown person "{email}"')
        else:
            people.append(person)
    units = []
    for key in dict.fromkeys(k.strip() for k in told_units or () if k and k.strip()):
        found = Unit.objects.filter(key=key).first()
        if found is None:
            errors.add("told_units", f'unknown unit "{key}"')
        else:
            units.append(found)
    items = _affected(affects, errors)
    every_item = [i for group in items.values() for i in group]
    if unit_obj is None and not unit:
        # The unit whose work it is follows from the items when they are all one unit's.
        item_units = {u.pk: u for u in map(_unit_of, every_item) if u is not None}
        if len(item_units) == 1:
            unit_obj = next(iter(item_units.values()))
    if supersedes is not None:
        # Read afresh under a lock: two people superseding one entry at once get one each.
        supersedes = TradeOff.objects.select_for_update().get(pk=supersedes.pk)
        if TradeOff.objects.filter(supersedes=supersedes).exists():
            errors.add("supersedes", f"entry {supersedes.pk} is already superseded")
    if decider is not None:
        if not decider.is_active or decider.role == Role.VIEWER:
            errors.add("decided_by", f'"{decider.email}" cannot decide (viewer or inactive)')
        # Rights before the rest of the rules: a lead learns nothing of another unit's
        # register from its validation errors.
        elif not may_record_trade_off(decider, unit_obj, every_item):
            permissions.require(False, "record trade-offs outside the units you lead")
    errors.raise_if_any()
    _require_writable(cycle_obj)
    entry = TradeOff.objects.create(
        cycle=cycle_obj, title=title.strip(), reason=reason.strip(), kind=kind,
        decided_by=decider, decided_on=day, source=source, source_note=(source_note or "")[:300],
        unit=unit_obj, supersedes=supersedes)
    entry.told_people.set(people)
    entry.told_units.set(units)
    for name, group in items.items():
        getattr(entry, name).set(group)
    events.publish(events.TradeOffRecorded(actor=decider, trade_off=entry))
    return entry


@service
def supersede_trade_off(actor: Person | None, old: TradeOff, *, reason: str,
                        **changes) -> TradeOff:
    """Replace an entry by a new one; both stay in the register and the old one shows
    "superseded by" the new. What is not given is carried over from the old entry."""
    carried = {
        "cycle": old.cycle.key, "title": old.title, "kind": old.kind,
        "unit": old.unit.key if old.unit_id else None,
        "told_people": [p.email for p in old.told_people.all()],
        "told_units": [u.key for u in old.told_units.all()],
        "affects": [i.key for name in ("objectives", "key_results", "initiatives",
                                       "annual_objectives")
                    for i in getattr(old, name).all()],
        "source": TradeOff.Source.MANUAL,
    }
    carried.update({k: v for k, v in changes.items() if v is not None})
    return add_trade_off(actor, reason=reason, supersedes=old, **carried)


def refuse_trade_off_removal(actor: Person | None, trade_off: TradeOff) -> None:
    """Entries are never deleted (the register is a record of decisions): whoever may
    write the register is told to supersede instead; anyone else is refused first."""
    if actor is not None:
        permissions.require(permissions.can_edit_strategy(actor)
                            or bool(permissions.led_unit_ids(actor)), "record trade-offs")
    raise Conflict.field("id", f"trade-off {trade_off.pk} is never deleted: supersede it "
                               "with a new entry (POST /trade-offs/{id}/supersede)")


# Objectives -----------------------------------------------------------------------------


def resolve_parent(key: str | None, field: str = "parent"):
    """The plan element a parent key names: annual objective, priority, theme or objective."""
    if not key:
        return None
    for model in (AnnualObjective, ImprovementPriority, Theme, Objective):
        obj = model.objects.filter(key=key).first()
        if obj is not None:
            return obj
    raise DomainError.field(field, f'unknown parent "{key}" (expected the id of an annual '
                                   "objective, improvement priority, theme or objective)")


def parent_error(parent, cycle: Cycle, fiscal_year_start: int) -> str | None:
    """An objective's parent must belong to the same or an enclosing period."""
    fiscal_year = rules.fiscal_year_of(cycle.start, fiscal_year_start)
    if isinstance(parent, (AnnualObjective, ImprovementPriority)):
        if parent.year != fiscal_year:
            return (f'"{parent.key}" is for {parent.year}, but cycle "{cycle.key}" '
                    f"is in fiscal year {fiscal_year}")
    elif isinstance(parent, Theme):
        if parent.cycle_id != cycle.pk:
            return f'theme "{parent.key}" belongs to cycle "{parent.cycle.key}", not "{cycle.key}"'
    elif isinstance(parent, Objective):
        if not parent.cycle.encloses(cycle):
            return (f'objective "{parent.key}" is in cycle "{parent.cycle.key}", which does not '
                    f'enclose "{cycle.key}"')
    return None


def _set_parent(objective: Objective, parent) -> None:
    for name in Objective.PARENT_FIELDS:
        setattr(objective, name, None)
    if parent is None:
        return
    field = {AnnualObjective: "parent_annual", ImprovementPriority: "parent_priority",
             Theme: "parent_theme", Objective: "parent_objective"}[type(parent)]
    setattr(objective, field, parent)


def _objective_loop(objective: Objective, parent) -> bool:
    seen = {objective.pk}
    node = parent
    while isinstance(node, Objective):
        if node.pk in seen:
            return True
        seen.add(node.pk)
        node = node.parent_objective
    return False


@service
def save_objective(actor: Person | None, objective: Objective | None = None, *,
                   key: str | None = None, cycle: str | None = None, unit: str | None = None,
                   title=_UNSET, description=_UNSET, kind=_UNSET, parent=_UNSET,
                   authority=None) -> Objective:
    errors = ErrorCollector()
    creating = objective is None
    agreed = _agreed(authority, objective)
    if creating:
        objective = Objective(key=claim_key(key))
        for fname, value in (("cycle", cycle), ("unit", unit)):
            if not value:
                errors.add(fname, "is required")
        if title is _UNSET:
            errors.add("title", "is required")
    else:
        if not agreed:
            permissions.require(permissions.can_edit_unit_plan(actor, objective.unit),
                                f'edit objectives of unit "{objective.unit.key}"')
        check_guards(actor, objective, authority, title=title)
    if cycle:
        objective.cycle = get(Cycle, cycle, "cycle")
    if unit:
        objective.unit = get(Unit, unit, "unit")
    errors.raise_if_any()
    if not agreed:
        permissions.require(permissions.can_edit_unit_plan(actor, objective.unit),
                            f'edit objectives of unit "{objective.unit.key}"')
    _require_writable(objective.cycle)
    if objective.cycle.kind != Cycle.Kind.QUARTER and creating:
        errors.add("cycle", f'"{objective.cycle.key}" is a year; OKR objectives belong to a '
                            "quarter")
    if title is not _UNSET:
        if not (title or "").strip():
            errors.add("title", "must not be empty")
        objective.title = (title or "").strip()
    if description is not _UNSET:
        objective.description = description or ""
    if kind is not _UNSET:
        if kind not in Objective.Kind.values:
            errors.add("kind", 'must be "committed" or "aspirational"')
        objective.kind = kind
    if parent is not _UNSET or cycle:
        parent_obj = resolve_parent(parent, "parent") if parent is not _UNSET else objective.parent
        if parent_obj is not None:
            fy_start = Organization.current().fiscal_year_start
            if error := parent_error(parent_obj, objective.cycle, fy_start):
                errors.add("parent", error)
            elif objective.pk and _objective_loop(objective, parent_obj):
                errors.add("parent", "would make a loop of objectives")
        _set_parent(objective, parent_obj)
    errors.raise_if_any()
    objective.save()
    return objective


@service
def archive_objective(actor: Person | None, objective: Objective) -> Objective:
    permissions.require(permissions.can_edit_unit_plan(actor, objective.unit),
                        f'archive objectives of unit "{objective.unit.key}"')
    _require_writable(objective.cycle)
    now = clock.now()
    objective.archived_at = now
    objective.save()
    for kr in objective.key_results.filter(archived_at__isnull=True):
        kr.archived_at = now
        kr.save()
    return objective


# Key results ----------------------------------------------------------------------------


def owner_error(person: Person | None) -> str | None:
    if person is None:
        return "a key result needs exactly one owner: a person"
    # Named by name (issue #11): the address is what was typed, not how people know them.
    name = person.name or person.email.partition("@")[0]
    if person.role == Role.VIEWER:
        return f"{name} is a viewer; viewers cannot own key results"
    if not person.is_active:
        return f"{name} is no longer active"
    return None


def _resolve_owner(errors: ErrorCollector, owner: str | None) -> Person | None:
    if not owner or not str(owner).strip():
        errors.add("owner", "a key result needs exactly one owner: a person")
        return None
    if "@" not in str(owner):
        # A team or unit as owner is exactly the "shared owner" failure mode.
        errors.add("owner", f'"{owner}" is not a person; a key result is owned by one person '
                            "(give their email)")
        return None
    person = Person.objects.filter(email__iexact=str(owner).strip()).first()
    if person is None:
        errors.add("owner", f'unknown person "{owner}"')
        return None
    if error := owner_error(person):
        errors.add("owner", error)
    return person


@service
def save_key_result(actor: Person | None, key_result: KeyResult | None = None, *,
                    key: str | None = None, objective: str | None = None, title=_UNSET,
                    owner=_UNSET, kind=_UNSET, baseline=_UNSET, target=_UNSET, unit=_UNSET,
                    weight=_UNSET, steps: list[dict] | None = None,
                    phases: list[dict] | None = None, reason: str = "",
                    authority=None) -> KeyResult:
    """Create or change a key result. Changing its target or baseline needs a reason,
    kept in the history. `authority` as in `check_guards`."""
    errors = ErrorCollector()
    creating = key_result is None
    agreed = _agreed(authority, key_result)
    if creating:
        if not objective:
            raise DomainError.field("objective", "is required")
        key_result = KeyResult(key=claim_key(key), objective=get(Objective, objective, "objective"))
        if title is _UNSET:
            errors.add("title", "is required")
        if owner is _UNSET:
            errors.add("owner", "a key result needs exactly one owner: a person")
    elif objective:
        key_result.objective = get(Objective, objective, "objective")
    if not agreed:
        permissions.require(permissions.can_edit_unit_plan(actor, key_result.objective.unit),
                            f'edit key results of unit "{key_result.objective.unit.key}"')
    _require_writable(key_result.objective.cycle, "objective")
    if not creating:
        check_guards(actor, key_result, authority, title=title, target=target)
    before = (key_result.baseline, key_result.target)
    if title is not _UNSET:
        if not (title or "").strip():
            errors.add("title", "must not be empty")
        key_result.title = (title or "").strip()
    if owner is not _UNSET:
        key_result.owner = _resolve_owner(errors, owner)
    for fname, value in (("kind", kind), ("baseline", baseline), ("target", target),
                         ("unit", unit), ("weight", weight)):
        if value is not _UNSET:
            setattr(key_result, fname, value)
    key_result.unit = key_result.unit or ""
    step_rows = None
    if steps is not None:
        step_rows = [(s.get("key") or s.get("id") or f"S{i + 1}", s.get("title") or "",
                      s.get("weight")) for i, s in enumerate(steps)]
        for i, (_, stitle, _) in enumerate(step_rows):
            if not stitle.strip():
                errors.add(f"steps[{i}].title", "must not be empty")
    step_pairs = ([(k, w) for k, _, w in step_rows] if step_rows is not None else
                  [] if creating else list(key_result.steps.values_list("key", "weight")))
    for err in rules.key_result_errors(key_result.kind, key_result.baseline, key_result.target,
                                       step_pairs, key_result.weight):
        errors.add(err.field, err.message)
    changed_measure = not creating and before != (key_result.baseline, key_result.target)
    if changed_measure and not (reason or "").strip():
        errors.add("reason", "changing a key result's target or baseline needs a reason")
    phase_rows = []
    for i, p in enumerate(phases or []):
        try:
            phase_rows.append((dt.date.fromisoformat(str(p["date"])), float(p["target"])))
        except (KeyError, ValueError, TypeError):
            errors.add(f"phases[{i}]", "needs a date (YYYY-MM-DD) and a numeric target")
    errors.raise_if_any()
    if reason:
        key_result._change_reason = reason.strip()
    if not creating:
        # Kept by record_checkin alone: the caller's instance may predate the latest check-in.
        key_result.last_checkin_id = (KeyResult.objects.filter(pk=key_result.pk)
                                      .values_list("last_checkin_id", flat=True).first())
    key_result.save()
    if step_rows is not None:
        key_result.steps.all().delete()
        history.bulk_create(MilestoneStep, (
            MilestoneStep(key_result=key_result, key=k, title=t.strip(), weight=w, order=i)
            for i, (k, t, w) in enumerate(step_rows)))
    if phases is not None:
        key_result.phases.all().delete()
        history.bulk_create(Phase, (Phase(key_result=key_result, date=d, target=t)
                                    for d, t in phase_rows))
    return key_result


@service
def archive_key_result(actor: Person | None, key_result: KeyResult) -> KeyResult:
    permissions.require(permissions.can_edit_unit_plan(actor, key_result.objective.unit),
                        f'archive key results of unit "{key_result.objective.unit.key}"')
    _require_writable(key_result.objective.cycle, "objective")
    key_result.archived_at = clock.now()
    key_result.save()
    return key_result


# Check-ins ------------------------------------------------------------------------------


@service
def record_checkin(actor: Person | None, key_result: KeyResult, *, value: float | None = None,
                   confidence: int | None = None, note: str = "", blockers: str = "",
                   steps_done: list[str] | None = None, date: dt.date | None = None) -> CheckIn:
    """Append a check-in. Only key results of an active cycle take check-ins."""
    permissions.require(permissions.can_check_in(actor, key_result),
                        f'check in on key result "{key_result.key}"')
    # Lock the key result so two check-ins at once keep `last_checkin` right.
    key_result = KeyResult.objects.select_for_update().select_related(
        "objective__cycle").get(pk=key_result.pk)
    cycle = key_result.objective.cycle
    if cycle.state != Cycle.State.ACTIVE:
        raise DomainError.field("key_result", f'cycle "{cycle.key}" is {cycle.state}; '
                                              "check-ins are taken only while a cycle is active")
    if key_result.archived:
        raise DomainError.field("key_result", f'key result "{key_result.key}" is archived')
    day = date or clock.today()
    errors = [FieldError(e.field, e.message) for e in rules.checkin_errors(
        key_result.kind, value, confidence, steps_done or [],
        key_result.steps.values_list("key", flat=True))]
    if date_error := rules.checkin_date_error(day, cycle.start, cycle.end):
        errors.append(FieldError("date", date_error))
    if day > clock.today() + dt.timedelta(days=1):
        errors.append(FieldError("date", "a check-in cannot be in the future"))
    if errors:
        raise DomainError(errors)
    checkin = CheckIn.objects.create(
        key_result=key_result, date=day, value=value, confidence=confidence, note=note or "",
        blockers=blockers or "", steps_done=list(steps_done or []), author=actor,
        created_at=clock.now())
    last = key_result.last_checkin
    if last is None or (checkin.date, checkin.pk) >= (last.date, last.pk):
        KeyResult.objects.filter(pk=key_result.pk).update(last_checkin=checkin)
    # Apps above react in this transaction (flags re-judges the key result, so a flag
    # clears or is raised with the check-in that changes its cause); okrs names none.
    events.publish(events.CheckInRecorded(actor, key_result, checkin, clock.today()))
    return checkin


# Initiatives ----------------------------------------------------------------------------


class ReasonRequired(DomainError):
    """Stopping or pausing an initiative without saying why. The request lacks a field it
    needs given the change it asks for, so the API answers 422 rather than 400."""

    status_code = 422


def deprioritisation(from_status: str | None, to_status: str) -> str | None:
    """The register's word for a status change that deprioritises an initiative, or None.
    Cancelling stops it (creating one already cancelled too: work that will not be done is
    a decision like any other); sending started work back to "not started" pauses it."""
    if to_status == Initiative.Status.CANCELLED and from_status != to_status:
        return TradeOff.Kind.STOPPED
    if to_status == Initiative.Status.NOT_STARTED and from_status in (
            Initiative.Status.IN_PROGRESS, Initiative.Status.BLOCKED):
        return TradeOff.Kind.PAUSED
    return None


@service
def save_initiative(actor: Person | None, initiative: Initiative | None = None, *,
                    key: str | None = None, key_result: str | None = None, title=_UNSET,
                    owner=_UNSET, status=_UNSET, size=_UNSET,
                    links: list[dict] | None = None, reason: str = "",
                    told_people=(), told_units=(), decided_by: str | None = None,
                    via: str = "Initiative") -> Initiative:
    """Create or change an initiative. Stopping it (cancelled) or pausing started work
    (back to not started), by whatever path, is a deprioritisation: it needs `reason` and
    writes an entry of the trade-off register (add_trade_off: source portfolio, the
    initiative linked, its owner and its key result's owner told besides `told_people`
    and `told_units`; `via` says where in the entry's note) in this same transaction, so
    the status change and the entry are written together or not at all. The entry is on
    `initiative.trade_off` (None when none was written)."""
    errors = ErrorCollector()
    if initiative is None:
        if not key_result:
            raise DomainError.field("key_result", "is required")
        kr = get(KeyResult, key_result, "key_result")
        permissions.require(permissions.can_edit_initiative(actor, key_result=kr),
                            f'add initiatives to key result "{kr.key}"')
        initiative = Initiative(key=claim_key(key), key_result=kr)
        if title is _UNSET:
            errors.add("title", "is required")
    else:
        permissions.require(permissions.can_edit_initiative(actor, initiative=initiative),
                            f'edit initiative "{initiative.key}"')
    before = initiative.status if initiative.pk else None
    kind = deprioritisation(before, status) if status is not _UNSET else None
    if kind is not None and actor is not None:
        # Rights before the reason: whoever may not stop this work learns that first.
        # Only the strategy office and the leads of the initiative's unit stop or pause
        # work (the register's rule; add_trade_off checks it again for the operator's
        # decided_by).
        unit = initiative.key_result.objective.unit
        permissions.require(may_record_trade_off(actor, unit, [initiative]),
                            f'{"stop" if kind == TradeOff.Kind.STOPPED else "pause"} '
                            f'initiatives of {unit.name}')
    if kind is not None and not (reason or "").strip():
        what = "Stopping" if kind == TradeOff.Kind.STOPPED else "Pausing"
        raise ReasonRequired.field(
            "reason", f"{what} an initiative is a trade-off: say why (it is written to the "
                      f"trade-off register with who decided and who was told)")
    _require_writable(initiative.key_result.objective.cycle, "key_result")
    if title is not _UNSET:
        if not (title or "").strip():
            errors.add("title", "must not be empty")
        initiative.title = (title or "").strip()
    if owner is not _UNSET:
        initiative.owner = None
        if owner:
            initiative.owner = Person.objects.filter(email__iexact=owner).first()
            if initiative.owner is None:
                errors.add("owner", f'unknown person "{owner}"')
    if status is not _UNSET:
        if status not in Initiative.Status.values:
            errors.add("status", f'must be one of {", ".join(Initiative.Status.values)}')
        initiative.status = status
    if size is not _UNSET:
        if size is not None and size < 0:
            errors.add("size", "must be 0 or more")
        initiative.size = size
    for i, link in enumerate(links or []):
        url = (link.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            errors.add(f"links[{i}].url", "must be an http(s) address")
    errors.raise_if_any()
    initiative.save()
    if links is not None:
        initiative.links.all().delete()
        history.bulk_create(InitiativeLink, (
            InitiativeLink(initiative=initiative, url=link["url"].strip(),
                           title=link.get("title") or "") for link in links))
    initiative.trade_off = None
    if kind is not None:
        initiative.trade_off = _register_deprioritisation(
            actor, initiative, kind, before, reason=reason, told_people=told_people,
            told_units=told_units, decided_by=decided_by, via=via)
    # Apps above may warn about the new status (portfolio: a unit over its WIP limit); the
    # caller shows `initiative.warnings` beside the saved initiative.
    initiative.warnings = []
    if initiative.status != before:
        changed = events.InitiativeStatusChanged(actor, initiative, before, initiative.status)
        events.publish(changed)
        initiative.warnings = list(changed.warnings)
    return initiative


def _register_deprioritisation(actor: Person | None, initiative: Initiative, kind: str,
                               before: str | None, *, reason: str, told_people, told_units,
                               decided_by: str | None, via: str) -> TradeOff:
    # A refusal here (the operator's decided_by unknown or without the rights) rolls the
    # status change back with it.
    kr = initiative.key_result
    objective = kr.objective
    owners = [p.email for p in (initiative.owner, kr.owner) if p is not None]
    was = (Initiative.Status(before).label.lower() + " before") if before else "new"
    return add_trade_off(
        actor, cycle=objective.cycle.key, title=f"{initiative.key} {initiative.title}"[:300],
        kind=kind, reason=reason, decided_by=decided_by, source=TradeOff.Source.PORTFOLIO,
        source_note=f"{via}: {initiative.key} {kind} ({was})"[:300], unit=objective.unit.key,
        affects=[initiative.key], told_people=[*owners, *(told_people or ())],
        told_units=list(told_units or ()))


@service
def archive_initiative(actor: Person | None, initiative: Initiative) -> Initiative:
    permissions.require(permissions.can_edit_initiative(actor, initiative=initiative),
                        f'archive initiative "{initiative.key}"')
    initiative.archived_at = clock.now()
    initiative.save()
    return initiative


# Objective with key results, from one form --------------------------------------------


def _add_key_results(actor: Person | None, objective: Objective,
                     key_results: list[dict]) -> None:
    from hoshin.core.errors import PermissionDenied as Forbidden

    errors: list[FieldError] = []
    for i, kr in enumerate(key_results):
        # A row with the key of one of this objective's key results changes it.
        own = objective.key_results.filter(key=kr["key"]).first() if kr.get("key") else None
        try:
            if own is not None:
                save_key_result(actor, own, **{k: v for k, v in kr.items() if k != "key"})
            else:
                save_key_result(actor, objective=objective.key, **kr)
        except Forbidden:
            raise
        except DomainError as exc:
            errors.extend(FieldError(f"key_results[{i}].{e.field}" if e.field
                                     else f"key_results[{i}]", e.message) for e in exc.errors)
    if errors:
        raise DomainError(errors)


@service
def create_objective_with_key_results(actor: Person | None, objective: dict,
                                      key_results: list[dict]) -> Objective:
    """Create an objective and its key results all-or-nothing. Errors of the i-th key
    result name their fields `key_results[i].<field>` so a form can show them in place."""
    created = save_objective(actor, **objective)
    _add_key_results(actor, created, key_results)
    return created


@service
def update_objective_with_key_results(actor: Person | None, objective: Objective,
                                      fields: dict, key_results: list[dict]) -> Objective:
    """Change an objective, add key results to it and change its own (a row carrying the
    key of one of them), all-or-nothing (errors named as in
    create_objective_with_key_results)."""
    saved = save_objective(actor, objective, **fields)
    _add_key_results(actor, saved, key_results)
    return saved


# Dependencies (SPEC §5: not real until the other unit accepts) --------------------------


@service
def request_dependency(actor: Person | None, *, providing_unit: str, description: str,
                       key_result: str | None = None, objective: str | None = None,
                       key: str | None = None):
    """Ask another unit for the work a key result (or objective) relies on."""
    from hoshin.okrs.models import Dependency

    errors = ErrorCollector()
    if bool(key_result) == bool(objective):
        raise DomainError.field("key_result", "give the key result (or else the objective) "
                                              "that relies on the other unit")
    kr = get(KeyResult, key_result, "key_result") if key_result else None
    obj = kr.objective if kr else get(Objective, objective, "objective")
    provider = get(Unit, providing_unit, "providing_unit")
    permissions.require(permissions.can_edit_unit_plan(actor, obj.unit),
                        f'record dependencies of unit "{obj.unit.key}"')
    _require_writable(obj.cycle, "key_result" if kr else "objective")
    if provider.pk == obj.unit_id:
        errors.add("providing_unit", "is the unit itself; a dependency is on another unit")
    if not (description or "").strip():
        errors.add("description", "say what the other unit should provide")
    errors.raise_if_any()
    return Dependency.objects.create(key=claim_key(key), key_result=kr,
                                     objective=None if kr else obj, providing_unit=provider,
                                     description=description.strip(), requested_by=actor)


@service
def decide_dependency(actor: Person | None, dependency, state: str, note: str = "",
                      deliverable: str = "", due: dt.date | None = None):
    """The providing unit's lead (or the strategy office) accepts, saying what the unit
    will deliver and by when, or declines, saying why. A decision can be revised (a
    declined request accepted after talking it over, an accepted one declined when
    priorities change); the history keeps each answer."""
    from hoshin.okrs.models import Dependency

    permissions.require(permissions.can_edit_unit_plan(actor, dependency.providing_unit),
                        f'answer for unit "{dependency.providing_unit.key}"')
    if state not in (Dependency.State.ACCEPTED, Dependency.State.DECLINED):
        raise DomainError.field("state", 'must be "accepted" or "declined"')
    errors = ErrorCollector()
    deliverable, note = (deliverable or "").strip(), (note or "").strip()
    if state == Dependency.State.ACCEPTED:
        if not deliverable:
            errors.add("deliverable", "say what your unit will deliver")
        if due is None:
            errors.add("due", "say by when it will be delivered")
    elif not note:
        errors.add("note", "say why the request is declined, so the other unit can plan "
                           "without it")
    errors.raise_if_any()
    dependency.state = state
    dependency.note = note
    dependency.deliverable = deliverable if state == Dependency.State.ACCEPTED else ""
    dependency.due = due if state == Dependency.State.ACCEPTED else None
    dependency.decided_by = actor
    dependency.decided_at = clock.now()
    dependency.save()
    return dependency


@service
def mark_dependency_delivered(actor: Person | None, dependency, on: dt.date | None = None):
    """The providing unit says the accepted work is delivered."""
    from hoshin.okrs.models import Dependency

    permissions.require(permissions.can_edit_unit_plan(actor, dependency.providing_unit),
                        f'answer for unit "{dependency.providing_unit.key}"')
    if dependency.state != Dependency.State.ACCEPTED:
        raise DomainError.field("state", "only an accepted dependency can be delivered")
    day = on or clock.today()
    if day > clock.today():
        raise DomainError.field("delivered_on", "cannot be in the future")
    dependency.delivered_on = day
    dependency.save()
    return dependency
