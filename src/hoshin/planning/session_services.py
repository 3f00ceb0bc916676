"""The quarter's alignment session (SPEC §3.3): the analyzer's findings grouped by the four
questions, a decision on each finding (applied through the okrs services, one transaction
per decision) and the close, which stores the approved OKR set and makes the quarter active.

Who may do what: everyone who can log in reads a session; the strategy office and admins
open, re-run and close it; they and unit leads record decisions. The okrs services check the
change itself, so a unit lead can only remove, merge, re-parent or add dependencies for the
items of the units they lead (and accept findings, which changes nothing).

Merging: objective A into objective B moves A's live key results under B, then archives A;
a key result into another key result archives the duplicate (the first one) and keeps the
target as it is. The finding's wording stays with the decision for the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoshin.core import clock
from hoshin.core.errors import Conflict, DomainError, FieldError, NotFound
from hoshin.core.history import service
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult, Objective
from hoshin.org import permissions
from hoshin.org.models import Person, Role, Unit
from hoshin.planning import services as planning
from hoshin.planning import session as grouping
from hoshin.planning.models import AlignmentSession, SessionDecision

Kind = SessionDecision.Kind


def _analyze(cycle: Cycle) -> dict:
    from hoshin.analyzer.report import check

    return check(cycle.key).as_dict()


def session_for(cycle: Cycle | str) -> AlignmentSession | None:
    cycle = planning._cycle(cycle)
    return AlignmentSession.objects.filter(cycle=cycle).first()


def get_session(cycle: Cycle | str) -> AlignmentSession:
    cycle = planning._cycle(cycle)
    found = session_for(cycle)
    if found is None:
        raise NotFound.field("cycle", f'cycle "{cycle.key}" has no alignment session')
    return found


def can_decide(actor: Person | None) -> bool:
    if actor is None:
        return True
    if not actor.is_active or actor.role == Role.VIEWER:
        return False
    return permissions.can_edit_strategy(actor) or Unit.objects.filter(lead=actor).exists()


def can_run(actor: Person | None) -> bool:
    return permissions.can_edit_strategy(actor)


def _require_open(session: AlignmentSession) -> None:
    if session.state != AlignmentSession.State.OPEN:
        raise Conflict.field("session", f"the session of {session.cycle.key} is closed")


@service
def open_session(actor: Person | None, cycle: Cycle | str) -> AlignmentSession:
    permissions.require(can_run(actor), "open an alignment session")
    cycle = planning._cycle(cycle)
    if cycle.kind != Cycle.Kind.QUARTER:
        raise DomainError.field("cycle", f'"{cycle.key}" is a year; the alignment session '
                                         "belongs to a quarter")
    if cycle.state not in (Cycle.State.DRAFT, Cycle.State.PLANNING):
        raise Conflict.field("cycle", f'cycle "{cycle.key}" is {cycle.state}; the session '
                                      "settles the OKRs before the quarter is active")
    if session_for(cycle) is not None:
        raise Conflict.field("cycle", f'cycle "{cycle.key}" already has an alignment session')
    report = _analyze(cycle)
    return AlignmentSession.objects.create(cycle=cycle, opened_by=actor,
                                           opening_report=report, report=report)


def decisions_of(session: AlignmentSession) -> dict[str, SessionDecision]:
    return {d.fingerprint: d for d in session.decisions.select_related("decided_by")}


def agenda(session: AlignmentSession) -> grouping.Agenda:
    """The latest findings with their decisions, plus the decided findings the plan no
    longer has (a removed objective's orphan finding): the record stays on the agenda."""
    decisions = decisions_of(session)
    findings = list(session.report.get("findings", []))
    current = {grouping.fingerprint(f["code"], [i["id"] for i in f.get("items") or []])
               for f in findings}
    for mark, d in decisions.items():
        if mark not in current:
            ids = mark.split(":", 1)[1].split(",") if ":" in mark else []
            findings.append({"code": d.code, "severity": grouping.RESOLVED,
                             "message": d.finding,
                             "items": [{"type": "", "id": i, "title": i} for i in ids if i]})
    return grouping.group(findings, decisions)


@service
def rerun(actor: Person | None, session: AlignmentSession) -> AlignmentSession:
    """Run the analyzer again on the plan as it now is; decided findings stay decided."""
    permissions.require(can_run(actor), "re-run the analyzer in the session")
    _require_open(session)
    session.report = _analyze(session.cycle)
    session.reruns += 1
    session.rerun_at = clock.now()
    session.save()
    return session


@dataclass
class _Finding:
    entry: grouping.Entry

    def first(self, *types: str) -> str:
        return next((i["id"] for i in self.entry.items if i["type"] in types), "")


def _objective(key: str, field: str) -> Objective:
    found = Objective.objects.filter(key=key, archived_at__isnull=True).first()
    if found is None:
        raise NotFound.field(field, f'no live objective "{key}"')
    return found


def _element(key: str, field: str) -> Objective | KeyResult:
    found = (Objective.objects.filter(key=key, archived_at__isnull=True).first()
             or KeyResult.objects.filter(key=key, archived_at__isnull=True).first())
    if found is None:
        raise NotFound.field(field, f'no live objective or key result "{key}"')
    return found


def _merge(actor: Person | None, subject: Objective | KeyResult, target: str) -> None:
    if isinstance(subject, KeyResult):
        into = KeyResult.objects.filter(key=target, archived_at__isnull=True).first()
        if into is None or into.pk == subject.pk:
            raise DomainError.field("target", "name the live key result to keep")
        okrs.archive_key_result(actor, subject)
        return
    into = Objective.objects.filter(key=target, archived_at__isnull=True).first()
    if into is None or into.pk == subject.pk:
        raise DomainError.field("target", "name the live objective to merge into")
    if into.cycle_id != subject.cycle_id:
        raise DomainError.field("target", "merge within the same quarter")
    for unit in (subject.unit, into.unit):
        permissions.require(permissions.can_edit_unit_plan(actor, unit),
                            f'change the objectives of unit "{unit.key}"')
    for kr in subject.key_results.filter(archived_at__isnull=True):
        kr.objective = into
        kr.save()
    okrs.archive_objective(actor, subject)


def _finding_units(entry: grouping.Entry) -> list[Unit]:
    """The units whose objectives or key results a finding names."""
    keys = [i["id"] for i in entry.items if i["type"] in ("objective", "key_result")]
    if not keys:
        return []
    return list(Unit.objects.filter(pk__in=set(
        Objective.objects.filter(key__in=keys).values_list("unit_id", flat=True)) | set(
        KeyResult.objects.filter(key__in=keys).values_list("objective__unit_id", flat=True))))


def _require_decider_of(actor: Person | None, entry: grouping.Entry) -> None:
    """A unit lead decides on the findings about the units their lead reaches (and those
    about no unit), as in a review: accepting a finding as it is writes nothing else, so
    this is its only check; the other kinds are checked again by the services they call."""
    if actor is None or permissions.can_edit_strategy(actor):
        return
    units = _finding_units(entry)
    if units and not any(permissions.can_edit_unit_plan(actor, unit) for unit in units):
        names = " or ".join(sorted(u.name for u in units))
        permissions.require(False, f"decide on findings about {names}")


@service
def decide(actor: Person | None, session: AlignmentSession, fingerprint: str, kind: str, *,
           reason: str = "", subject: str = "", target: str = "",
           providing_unit: str = "") -> SessionDecision:
    """Record the decision on one finding and make the change it names."""
    permissions.require(can_decide(actor), "decide on findings of the alignment session")
    _require_open(session)
    entry = next((e for e in agenda(session).entries if e.fingerprint == fingerprint), None)
    if entry is None:
        raise NotFound.field("fingerprint", "no such finding in the latest report; re-run "
                                            "the analyzer and try again")
    _require_decider_of(actor, entry)
    if entry.decision is not None:
        raise Conflict.field("fingerprint", "this finding is already decided")
    if kind not in Kind.values:
        raise DomainError.field("kind", f"choose one of {', '.join(Kind.values)}")
    reason, target = (reason or "").strip(), (target or "").strip()
    finding = _Finding(entry)
    subject = (subject or "").strip()
    if kind == Kind.ACCEPT:
        if not reason:
            raise DomainError.field("reason", "say why the finding is accepted as it is")
    elif kind == Kind.REMOVE:
        subject = subject or finding.first("key_result", "objective")
        element = _element(subject, "subject")
        if isinstance(element, Objective):
            okrs.archive_objective(actor, element)
        else:
            okrs.archive_key_result(actor, element)
    elif kind == Kind.MERGE:
        subject = subject or finding.first("objective", "key_result")
        if not target:
            raise DomainError.field("target", "name what to merge into")
        _merge(actor, _element(subject, "subject"), target)
    elif kind == Kind.REPARENT:
        subject = subject or finding.first("objective")
        if not target:
            raise DomainError.field("target", "name the new parent (annual objective, "
                                              "priority, theme or objective)")
        okrs.save_objective(actor, _objective(subject, "subject"), parent=target)
    elif kind == Kind.ADD_DEPENDENCY:
        subject = subject or finding.first("key_result", "objective")
        if not providing_unit:
            raise DomainError.field("providing_unit", "name the unit that provides the work")
        element = _element(subject, "subject")
        field = "key_result" if isinstance(element, KeyResult) else "objective"
        okrs.request_dependency(actor, providing_unit=providing_unit,
                                description=reason or entry.message,
                                **{field: element.key})
    decision = SessionDecision.objects.create(
        session=session, fingerprint=fingerprint, code=entry.code, finding=entry.message,
        kind=kind, reason=reason, subject=subject if kind != Kind.ACCEPT else "",
        target=target, providing_unit=(providing_unit or "").strip(), decided_by=actor,
        applied=kind != Kind.ACCEPT)
    if decision.applied:
        # The plan changed: findings about what was removed or moved go away, so nobody
        # decides twice on the same item. Not counted as a re-run (nobody asked for one).
        session.report = _analyze(session.cycle)
        session.save()
    return decision


def approved_set(cycle: Cycle) -> dict:
    objectives = Objective.objects.filter(cycle=cycle, archived_at__isnull=True)
    krs = KeyResult.objects.filter(objective__in=objectives, archived_at__isnull=True)
    return {"objectives": sorted(objectives.values_list("key", flat=True)),
            "key_results": sorted(krs.values_list("key", flat=True))}


def blockers(session: AlignmentSession) -> list[grouping.Entry]:
    return agenda(session).blocking


@service
def close(actor: Person | None, session: AlignmentSession,
          override_reason: str | None = None) -> AlignmentSession:
    """Close with the approved OKR set and make the quarter active. The analyzer runs once
    more first, so a change made outside the session cannot slip past undecided."""
    permissions.require(can_run(actor), "close the alignment session")
    _require_open(session)
    session.report = _analyze(session.cycle)
    session.reruns += 1
    session.rerun_at = clock.now()
    open_items = blockers(session)
    if open_items:
        raise Conflict([FieldError("session", f"{len(open_items)} error or warning "
                                              "finding(s) have no decision yet: "
                                   + "; ".join(e.fingerprint for e in open_items[:5]))])
    cycle = planning.move_cycle(actor, session.cycle, Cycle.State.ACTIVE, override_reason)
    session.cycle = cycle
    session.approved = approved_set(cycle)
    session.state = AlignmentSession.State.CLOSED
    session.closed_by = actor
    session.closed_at = clock.now()
    session.save()
    return session
