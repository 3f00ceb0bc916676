"""Writing the portfolio: a scoring session, recorded whole or not at all."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hoshin.core import clock
from hoshin.core.errors import ErrorCollector, NotFound, PermissionDenied
from hoshin.core.history import bulk_create, service
from hoshin.okrs.models import Initiative
from hoshin.org import permissions
from hoshin.org.models import Person, Unit
from hoshin.portfolio import wsjf
from hoshin.portfolio.models import InitiativeScore, ScoringSession
from hoshin.portfolio.selectors import OPEN_STATUSES, subtree_ids


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

