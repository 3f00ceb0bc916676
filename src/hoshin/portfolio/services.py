"""Writing the portfolio: a scoring session, recorded whole or not at all."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hoshin.core import clock, events
from hoshin.core.errors import DomainError, ErrorCollector, NotFound, PermissionDenied
from hoshin.core.history import bulk_create, service
from hoshin.okrs import services as okrs_services
from hoshin.okrs.models import Initiative
from hoshin.org import permissions
from hoshin.org.models import Person, Unit
from hoshin.org.selectors import subtree_ids
from hoshin.portfolio import wsjf
from hoshin.portfolio.models import InitiativeScore, ScoringSession, WipLimit
from hoshin.portfolio.selectors import OPEN_STATUSES, WIP_STATUSES, load_of

# A limit above this is no limit at all; it also keeps the field's small integer safe.
MAX_WIP_LIMIT = 500


def can_score(actor: Person | None, unit: Unit | None) -> bool:
    """The strategy office scores the whole portfolio; a unit lead scores within the units
    they lead."""
    if unit is None:
        return permissions.can_edit_strategy(actor)
    return permissions.can_edit_unit_plan(actor, unit)


@service
def record_scoring_session(actor: Person | None, *, scores: Sequence[dict],
                           unit: str | None = None, participants: Iterable = (),
                           note: str = "") -> ScoringSession:
    """Record one relative-scoring session. `scores` holds one dict per initiative scored:
    {"initiative": key, "business_value", "time_criticality", "risk_reduction",
    "job_size"}, each on wsjf.SCALE; in each column the smallest value must be 1.
    `participants` are people (or their ids or e-mails) who scored together."""
    scope = None
    if unit:
        scope = Unit.objects.filter(key=unit, archived_at__isnull=True).first()
        if scope is None:
            raise NotFound.field("unit", f'no unit "{unit}"')
    if not can_score(actor, scope):
        where = f"the initiatives of {scope.name}" if scope else "the whole portfolio"
        raise PermissionDenied(f"you are not allowed to score {where}")
    errors = ErrorCollector()
    if not scores:
        errors.add("scores", "score at least one initiative")
    keys = [str(row.get("initiative") or "") for row in scores]
    found = {i.key: i for i in Initiative.objects.filter(key__in=keys)
             .select_related("key_result__objective__unit")}
    reach = subtree_ids(scope) if scope else None
    seen: set[str] = set()
    for n, (row, key) in enumerate(zip(scores, keys)):
        where = f"scores[{n}]"
        initiative = found.get(key)
        if initiative is None:
            errors.add(f"{where}.initiative", f'no initiative "{key}"')
            continue
        if key in seen:
            errors.add(f"{where}.initiative", f"{key} is scored twice in this session")
        seen.add(key)
        if initiative.archived or initiative.status not in OPEN_STATUSES:
            errors.add(f"{where}.initiative",
                       f"{key} is {initiative.get_status_display().lower()}"
                       f"{' and archived' if initiative.archived else ''}: "
                       f"only open initiatives are scored")
        if reach is not None and initiative.key_result.objective.unit_id not in reach:
            errors.add(f"{where}.initiative",
                       f"{key} belongs to {initiative.key_result.objective.unit.name}, "
                       f"outside {scope.name}")
        for column, message in wsjf.scale_errors(row):
            errors.add(f"{where}.{column}", message)
    errors.raise_if_any()
    for column, message in wsjf.relative_errors(scores):
        errors.add(f"scores.{column}", message)
    people = _people(participants, errors)
    if len(note) > 2000:
        errors.add("note", "at most 2,000 characters")
    errors.raise_if_any()
    session = ScoringSession.objects.create(held_at=clock.now(), unit=scope,
                                            recorded_by=actor, note=note)
    session.participants.set(people)
    bulk_create(InitiativeScore, [
        InitiativeScore(session=session, initiative=found[key],
                        **{column: row[column] for column in wsjf.COLUMNS})
        for row, key in zip(scores, keys)])
    return session


def _people(participants: Iterable, errors: ErrorCollector) -> list[Person]:
    people = []
    for n, p in enumerate(participants):
        if isinstance(p, Person):
            people.append(p)
            continue
        query = Person.objects.filter(pk=p) if isinstance(p, int) or str(p).isdigit() \
            else Person.objects.filter(email__iexact=str(p))
        person = query.filter(is_active=True).first()
        if person is None:
            errors.add(f"participants[{n}]", f'no active person "{p}"')
        else:
            people.append(person)
    return people



# WIP limits ------------------------------------------------------------------------------


def can_set_wip_limit(actor: Person | None, unit: Unit) -> bool:
    """The unit's lead (or a lead above it) and the strategy office."""
    return permissions.can_edit_unit_plan(actor, unit)


@service
def set_wip_limit(actor: Person | None, unit: str | Unit, limit: int | None) -> WipLimit | None:
    """Set (or, with None, remove) how many initiatives the unit may have in progress or
    blocked at once."""
    if not isinstance(unit, Unit):
        found = Unit.objects.filter(key=unit or "", archived_at__isnull=True).first()
        if found is None:
            raise NotFound.field("unit", f'no unit "{unit}"')
        unit = found
    permissions.require(can_set_wip_limit(actor, unit), f"set the WIP limit of {unit.name}")
    current = WipLimit.objects.filter(unit=unit).first()
    if limit is None:
        if current is not None:
            current.delete()
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_WIP_LIMIT:
        raise DomainError.field("limit", f"must be a whole number from 1 to {MAX_WIP_LIMIT} "
                                         "(or empty for no limit)")
    current = current or WipLimit(unit=unit)
    current.limit, current.set_by, current.set_at = limit, actor, clock.now()
    current.save()
    return current


def warn_over_wip_limit(event: events.InitiativeStatusChanged) -> None:
    """Starting an initiative (into progress from anything but blocked) in a unit that is
    then over its WIP limit adds a warning; the start stands: the limit is there to make
    overload visible, not to stop the work."""
    if event.to_status != "in_progress" or event.from_status in WIP_STATUSES:
        return
    initiative = event.initiative
    if initiative.archived_at is not None:
        return
    unit = initiative.key_result.objective.unit
    load = load_of(unit)
    if load.over:
        event.warnings.append(
            f"{unit.name} now has {load.in_progress} initiatives in progress or blocked, over "
            f"its WIP limit of {load.limit}: finishing one before starting another gets "
            f"each done sooner.")


# Stopping or pausing an initiative --------------------------------------------------------

# Which status changes deprioritise an initiative (cancelled stops it; started work sent
# back to "not started" pauses it) is okrs' rule, applied by okrs.save_initiative to every
# path that changes a status; the flow page and its API name it from here.
deprioritisation = okrs_services.deprioritisation


@service
def change_status(actor: Person | None, initiative: Initiative, *, status: str,
                  reason: str = "", told_people: Iterable[str] = (),
                  told_units: Iterable[str] = ()) -> Initiative:
    """Change an initiative's status from the portfolio (okrs' service). Stopping it
    (cancelled) or pausing started work (back to not started) is a deprioritisation:
    it needs its reason and is written to the trade-off register as the person who
    changed it, the initiative's owner and its key result's owner told; both or
    neither are written (okrs.save_initiative)."""
    return okrs_services.save_initiative(actor, initiative, status=status, reason=reason,
                                         told_people=told_people, told_units=told_units,
                                         via="Portfolio")
