"""Running governance reviews: schedule them from the cycle, build each agenda from the
signals (flags, blockers, dependency requests, overdue actions and countermeasures),
record a decision per item and the actions that follow, and close the review."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from hoshin.core import clock, events
from hoshin.core.errors import (
    DomainError,
    ErrorCollector,
    FieldError,
    NotFound,
    PermissionDenied,
)
from hoshin.core.history import service
from hoshin.engine.numbers import number
from hoshin.notify.models import Rhythm
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, Dependency, KeyResult, TradeOff
from hoshin.org import permissions
from hoshin.org.models import Person
from hoshin.reviews import schedule
from hoshin.reviews.models import Action, AgendaItem, Decision, Review

FLAG_LABELS = {"forecast-miss": "forecast misses the target", "behind-pace": "behind pace",
               "confidence-drop": "confidence dropped", "low-confidence": "low confidence",
               "blockers": "blocked", "silent": "silent"}
# Why an item that is not a flag is on the agenda, in the same words.
REASON_LABELS = {**FLAG_LABELS, "dependency": "dependency not accepted",
                 "late-dependency": "dependency late",
                 "overdue-action": "overdue action",
                 "overdue-countermeasure": "overdue countermeasure"}
# What "continue the rest" records when the meeting gives no reason of its own.
CONTINUE_REASON = "Reviewed: no change needed, continue as planned"


def can_run_reviews(actor: Person | None) -> bool:
    """The strategy office, admins and unit leads run reviews; everyone else reads them."""
    if actor is None:
        return True
    if not actor.is_active or actor.role == "viewer":
        return False
    return permissions.can_edit_strategy(actor) or actor.led_units.exists()


def _require_runner(actor: Person | None) -> None:
    permissions.require(can_run_reviews(actor), "run reviews")


def units_of(item: AgendaItem) -> list:
    """The units an agenda item is about: its key result's, and for a dependency request
    the providing unit too. None for an item about no unit (added by hand, an action)."""
    units = []
    if item.key_result_id is not None:
        units.append(item.key_result.objective.unit)
    dep = item.dependency
    if dep is not None:
        if item.key_result_id is None and dep.objective_id is not None:
            units.append(dep.objective.unit)
        units.append(dep.providing_unit)
    return units


def can_decide(actor: Person | None, item: AgendaItem, *,
               led_units: frozenset[int] | None = None, runs_reviews: bool | None = None
               ) -> bool:
    """Who decides on an item: the strategy office on any; a unit lead on the items of
    the units their lead reaches (their own key results, a request to or from them) and
    on items about no unit. A lead sitting in the review does not decide for another
    unit. `led_units` (permissions.led_unit_ids) and `runs_reviews` (can_run_reviews),
    asked once, let a page check many items without a query per item."""
    if not (can_run_reviews(actor) if runs_reviews is None else runs_reviews):
        return False
    if actor is None or permissions.can_edit_strategy(actor):
        return True
    units = units_of(item)
    if not units:
        return True
    if led_units is None:
        led_units = permissions.led_unit_ids(actor)
    return any(unit.pk in led_units for unit in units)


def _require_decider(actor: Person | None, item: AgendaItem) -> None:
    if can_decide(actor, item):
        return
    _require_runner(actor)
    names = " or ".join(sorted({u.name for u in units_of(item)}))
    permissions.require(False, f"decide on items of {names}")


@service
def schedule_reviews(actor: Person | None, cycle: Cycle) -> list[Review]:
    """Create the cycle's reviews that do not exist yet (idempotent)."""
    _require_runner(actor)
    if cycle.kind != Cycle.Kind.QUARTER:
        raise DomainError.field("cycle", "reviews are scheduled for quarters")
    rhythm = Rhythm.current()
    existing = {r.date: r for r in cycle.reviews.all()}
    made = []
    for slot in schedule.schedule(cycle.start, cycle.end, rhythm.review_weekday):
        review = existing.get(slot.date)
        if review is None:
            made.append(Review.objects.create(cycle=cycle, kind=slot.kind, date=slot.date,
                                              week=slot.week))
        elif review.state == Review.State.PLANNED and review.kind != slot.kind:
            review.kind = slot.kind
            review.save(update_fields=["kind"])
    return made


def reviews_of(cycle: Cycle) -> list[Review]:
    """The cycle's reviews, scheduled on first use."""
    if not cycle.reviews.exists() and cycle.kind == Cycle.Kind.QUARTER:
        schedule_reviews(None, cycle)
    return list(cycle.reviews.all())


def _item(review: Review, existing: dict[str, AgendaItem], ref: str, order: int,
          **fields) -> AgendaItem | None:
    item = existing.get(ref)
    if item is None:
        return AgendaItem.objects.create(review=review, source_ref=ref, order=order, **fields)
    if hasattr(item, "decision"):
        return None  # decided: the item stays what it was when decided
    changed = [name for name in ("detail", "reasons", "title")
               if name in fields and getattr(item, name) != fields[name]]
    for name in changed:
        setattr(item, name, fields[name])
    if changed:
        item.save(update_fields=changed)
    return None


@service
def build_agenda(actor: Person | None, review: Review, today: dt.date | None = None
                 ) -> list[AgendaItem]:
    """Add what needs a decision now; items already on the agenda are kept (and their
    details refreshed until decided). Returns the new items."""
    _require_runner(actor)
    if review.state == Review.State.CLOSED:
        raise DomainError.field("review", "this review is closed")
    today = today or clock.today()
    from hoshin.flags.services import open_flags

    new: list[AgendaItem] = []
    by_kr: dict[int, list] = {}
    for flag in open_flags(cycle=review.cycle):
        by_kr.setdefault(flag.key_result_id, []).append(flag)
    # What is on the agenda already, read once: building again only adds what is new.
    existing = {i.source_ref: i for i in review.items.select_related("decision")
                if i.source_ref}
    order = review.items.count()
    for flags in by_kr.values():
        kr = flags[0].key_result
        codes = [f.code for f in flags]
        source = AgendaItem.Source.BLOCKER if "blockers" in codes else AgendaItem.Source.FLAG
        what = ", ".join(FLAG_LABELS.get(c, c) for c in codes)
        order += 1
        # The owner, unit and numbers are shown from the key result itself; the detail
        # keeps what the flags said.
        item = _item(review, existing, f"kr:{kr.pk}", order, source=source, key_result=kr,
                     title=f"{kr.key} {kr.title}: {what}"[:300], reasons=codes,
                     detail=" ".join(f.message for f in flags))
        if item:
            new.append(item)
    # Requests not yet answered, and accepted ones past their date and not delivered.
    requests = (Dependency.objects.filter(archived_at__isnull=True)
                .filter(Q(state=Dependency.State.REQUESTED)
                        | Q(state=Dependency.State.ACCEPTED, due__lt=today,
                            delivered_on__isnull=True))
                .filter(Q(key_result__objective__cycle=review.cycle)
                        | Q(objective__cycle=review.cycle))
                .select_related("providing_unit", "key_result", "objective"))
    for dep in requests:
        about = dep.key_result or dep.objective
        late = dep.is_late(today)
        order += 1
        item = _item(review, existing, f"dependency:{dep.pk}", order,
                     source=AgendaItem.Source.DEPENDENCY,
                     reasons=["late-dependency" if late else "dependency"],
                     key_result=dep.key_result, dependency=dep,
                     title=(f"{about.key} needs {dep.providing_unit.name}: late, due "
                            f"{dep.due:%-d %b}" if late else
                            f"{about.key} needs {dep.providing_unit.name}: not yet accepted")[:300],
                     detail=(f"{dep.deliverable} (asked: {dep.description})" if late
                             else dep.description))
        if item:
            new.append(item)
    late_actions = (Action.objects.filter(done_on__isnull=True, due__lt=today,
                                          review__cycle=review.cycle)
                    .exclude(review=review).select_related("owner"))
    for action in late_actions:
        order += 1
        item = _item(review, existing, f"action:{action.pk}", order,
                     source=AgendaItem.Source.ACTION, reasons=["overdue-action"],
                     title=f"Overdue action: {action.title}"[:300],
                     detail=f"{action.owner.name}, due {action.due:%-d %b}.")
        if item:
            new.append(item)
    try:
        from hoshin.pdca.services import overdue_countermeasures
    except ImportError:  # the PDCA app is optional to the reviews
        overdue_countermeasures = None
    if overdue_countermeasures is not None:
        for cm in overdue_countermeasures(today):
            order += 1
            owner = cm.owner.name if cm.owner else "no owner"
            item = _item(review, existing, f"countermeasure:{cm.pk}", order,
                         source=AgendaItem.Source.COUNTERMEASURE, key_result=cm.key_result,
                         reasons=["overdue-countermeasure"],
                         title=f"Overdue countermeasure: {cm.subject}"[:300],
                         detail=f"{owner}, due {cm.due:%-d %b}. {cm.problem}")
            if item:
                new.append(item)
    if review.state == Review.State.PLANNED:
        review.state = Review.State.OPEN
        review.save(update_fields=["state"])
    return new


@service
def add_item(actor: Person | None, review: Review, *, title: str, detail: str = "",
             key_result: str | None = None) -> AgendaItem:
    _require_runner(actor)
    _require_open(review)
    errors = ErrorCollector()
    if not (title or "").strip():
        errors.add("title", "say what needs deciding")
    kr = None
    if key_result:
        kr = KeyResult.objects.filter(key=key_result).first()
        if kr is None:
            errors.add("key_result", f'no key result "{key_result}"')
    errors.raise_if_any()
    return AgendaItem.objects.create(review=review, source=AgendaItem.Source.MANUAL,
                                     title=title.strip(), detail=detail.strip(), key_result=kr,
                                     order=review.items.count() + 1)


def _require_open(review: Review) -> None:
    if review.state == Review.State.CLOSED:
        raise DomainError.field("review", "this review is closed; decisions are final")


# Which field of the decision a rule of the owning service speaks about: the review's
# words for the key result's target and the reason its history keeps. Every rule okrs
# has on a target (a milestone has none, an increase's is above its baseline) comes back
# named new_target.
_KR_FIELDS = {"target": "new_target", "reason": "rationale"}
_TRADE_OFF_FIELDS = {"kind": "trade_off", "reason": "rationale"}


class _DryRun(Exception):
    """Raised inside the savepoint to undo what a decision with errors already wrote."""


class _Refused(Exception):
    """Another app's service refused; its errors, named by the decision's fields."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


@service
def decide(actor: Person | None, item: AgendaItem, *, kind: str, rationale: str,
           new_target: float | None = None, trade_off: str | None = None,
           escalated_to: str | None = None, told_people: list[str] | None = None,
           told_units: list[str] | None = None) -> Decision:
    """Record the decision on an agenda item and carry it out: a changed target is written
    to the key result (its history keeps the reason); a deprioritisation is written to
    the trade-off register (source "review", the item's key result as the item it
    affects; its owner and its unit are told, with anyone else named).

    The key result and the register are changed through their own services, so a
    decision meets exactly their rules and permissions. Those run in a savepoint
    together with this decision's own checks: every broken rule is reported at once,
    named by the decision's field, and nothing is written unless all of it holds."""
    _require_decider(actor, item)
    _require_open(item.review)
    rationale = (rationale or "").strip()
    escalated_to = (escalated_to or "").strip()
    errors = ErrorCollector()
    if kind not in Decision.Kind.values:
        errors.add("kind", "one of: " + ", ".join(Decision.Kind.values))
    if not rationale:
        errors.add("rationale", "a decision needs its reason")
    if new_target is not None and kind != Decision.Kind.CHANGE_TARGET:
        errors.add("new_target", "only a change-target decision sets a new target")
    if trade_off is not None and kind != Decision.Kind.DEPRIORITISE:
        errors.add("trade_off", "only a deprioritise decision writes a trade-off")
    if (told_people or told_units) and kind != Decision.Kind.DEPRIORITISE:
        errors.add("told_people" if told_people else "told_units",
                   "only a deprioritise decision tells people of a trade-off")
    if kind == Decision.Kind.ESCALATE and not escalated_to:
        errors.add("escalated_to", "say to whom it is escalated")
    elif escalated_to and kind != Decision.Kind.ESCALATE:
        errors.add("escalated_to", "only an escalation names whom it goes to")
    kr = item.key_result
    target_ok = False
    if kind == Decision.Kind.CHANGE_TARGET:
        if kr is None:
            errors.add("kind", "only an item about a key result can change a target")
        elif kr.archived_at is not None:
            errors.add("kind", f"key result {kr.key} is archived; its target stays as it was")
        elif new_target is None:
            errors.add("new_target", "give the new target")
        elif new_target == kr.target:
            errors.add("new_target", f"the target is already {number(kr.target)}")
        else:
            target_ok = True
    why = f"{rationale} (decided in the {item.review})"
    try:
        with transaction.atomic():
            if target_ok:
                _apply(_KR_FIELDS, okrs.save_key_result, actor, kr, target=new_target,
                       reason=f"Decided in the {item.review}: {rationale}")
            if kind == Decision.Kind.DEPRIORITISE:
                _apply(_TRADE_OFF_FIELDS, okrs.add_trade_off, actor,
                       **_trade_off_of(item, trade_off, why, told_people, told_units))
            if errors:
                raise _DryRun
    except _DryRun:
        pass
    except _Refused as refused:
        errors.errors.extend(refused.errors)
    errors.raise_if_any()
    decision, _ = Decision.objects.update_or_create(
        item=item, defaults={"kind": kind, "rationale": rationale,
                             "new_target": new_target, "escalated_to": escalated_to,
                             "decided_by": actor, "decided_at": clock.now()})
    events.publish(events.ReviewDecided(actor=actor, review=item.review, decision=decision))
    return decision


@service
def continue_the_rest(actor: Person | None, review: Review, *,
                      rationale: str = CONTINUE_REASON) -> list[Decision]:
    """Record "continue" on every item of the agenda not decided yet that the actor may
    decide, in one go: most of an agenda needs no change, and the meeting's time goes to
    the few items that do. Items of units the actor does not lead are left for their
    leads. Returns the decisions recorded."""
    _require_runner(actor)
    _require_open(review)
    rationale = (rationale or "").strip()
    if not rationale:
        raise DomainError.field("rationale", "a decision needs its reason")
    led = permissions.led_unit_ids(actor)
    items = (review.items.filter(decision__isnull=True)
             .select_related("key_result__objective__unit", "dependency__providing_unit",
                             "dependency__key_result__objective__unit",
                             "dependency__objective__unit"))
    now = clock.now()
    decided = [Decision.objects.create(item=item, kind=Decision.Kind.CONTINUE,
                                       rationale=rationale, decided_by=actor, decided_at=now)
               for item in items if can_decide(actor, item, led_units=led, runs_reviews=True)]
    for decision in decided:
        events.publish(events.ReviewDecided(actor=actor, review=review, decision=decision))
    return decided


def _trade_off_of(item: AgendaItem, kind: str | None, why: str,
                  told_people: list[str] | None, told_units: list[str] | None) -> dict:
    """The register entry a deprioritisation writes: the item's key result is what it
    affects and whose unit it is; its owner and unit are told, with whoever else the
    meeting named."""
    units = units_of(item)
    kr = item.key_result
    people = [kr.owner.email] if kr is not None and kr.owner_id else []
    return {"cycle": item.review.cycle.key, "title": item.title, "reason": why,
            "kind": kind or TradeOff.Kind.PAUSED, "source": TradeOff.Source.REVIEW,
            "source_note": f"{item.review}: {item.title}"[:300],
            "unit": units[0].key if units else None,
            "affects": [kr.key] if kr is not None else [],
            "told_people": [*people, *(told_people or [])],
            "told_units": [*(u.key for u in units), *(told_units or [])]}


def _apply(fields: dict[str, str], operation, *args, **kwargs):
    """Run another app's service; its refusal comes back named by the decision's fields.
    Permission refusals stay what they are (403)."""
    try:
        return operation(*args, **kwargs)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as e:
        raise _Refused([FieldError(fields.get(err.field, err.field), err.message)
                        for err in e.errors]) from e


@service
def add_action(actor: Person | None, review: Review, *, title: str, owner: str,
               due: dt.date | None, item: AgendaItem | None = None) -> Action:
    _require_runner(actor)
    errors = ErrorCollector()
    if not (title or "").strip():
        errors.add("title", "say what is to be done")
    person = Person.objects.filter(email=(owner or "").lower(), is_active=True).first()
    if person is None:
        errors.add("owner", f'no active person with email "{owner}"')
    if due is None:
        errors.add("due", "an action needs a due date")
    errors.raise_if_any()
    return Action.objects.create(review=review, item=item, title=title.strip(), owner=person,
                                 due=due)


@service
def complete_action(actor: Person | None, action: Action, *,
                    today: dt.date | None = None) -> Action:
    permissions.require(actor is None or action.owner_id == actor.pk or can_run_reviews(actor),
                        "complete this action")
    action.done_on = today or clock.today()
    action.save(update_fields=["done_on"])
    return action


@service
def close_review(actor: Person | None, review: Review, *, notes: str = "") -> Review:
    """Close the review. One that decided nothing is marked a status meeting."""
    _require_runner(actor)
    _require_open(review)
    review.state = Review.State.CLOSED
    review.closed_at = clock.now()
    review.closed_by = actor
    review.notes = notes.strip() or review.notes
    review.status_meeting = not Decision.objects.filter(item__review=review).exists()
    review.save()
    return review
