"""Closing a quarter (grade, reflect, carry over or drop, close) and the annual review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from hoshin.closing import grading
from hoshin.closing.models import AnnualDecision, CarryOver, Grade, QuarterClose, Retrospective
from hoshin.core import clock, events, gates
from hoshin.core.errors import DomainError, ErrorCollector, PermissionDenied
from hoshin.core.history import service
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult, Objective, Theme
from hoshin.okrs.progress import as_of, key_result_states
from hoshin.org import permissions
from hoshin.org.models import Person, Unit
from hoshin.strategy import bowling
from hoshin.strategy import services as strategy
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
    MetricActual,
    MetricCorrelation,
    PriorityCorrelation,
)


def _key_results(cycle: Cycle):
    return KeyResult.objects.filter(objective__cycle=cycle, archived_at__isnull=True,
                                    objective__archived_at__isnull=True)


def suggestions(cycle: Cycle, today: dt.date | None = None) -> dict[int, float]:
    """The suggested grade of each key result, from its progress at the cycle's end."""
    states = key_result_states(_key_results(cycle), as_of(cycle, today))
    return {pk: grading.suggest(state.progress) for pk, state in states.items()}


def _writable(cycle: Cycle) -> None:
    state = Cycle.objects.filter(pk=cycle.pk).values_list("state", flat=True).first()
    if state == Cycle.State.CLOSED:
        raise DomainError.field("cycle", f'cycle "{cycle.key}" is closed and read-only')


def can_grade(actor: Person | None, kr: KeyResult) -> bool:
    if actor is None or permissions.can_edit_strategy(actor):
        return True
    return actor.is_active and (kr.owner_id == actor.pk
                                or permissions.can_edit_unit_plan(actor, kr.objective.unit))


@service
def grade_key_result(actor: Person | None, kr: KeyResult, *, grade: float, reason: str = "",
                     today: dt.date | None = None) -> Grade:
    """Grade a key result. A grade other than the suggested one needs its reason."""
    kr = KeyResult.objects.select_related("objective__cycle", "objective__unit").get(pk=kr.pk)
    permissions.require(can_grade(actor, kr), f"grade {kr.key}")
    cycle = kr.objective.cycle
    _writable(cycle)
    suggested = suggestions(cycle, today).get(kr.pk, 0.0)
    errors = ErrorCollector()
    if grade is None or not grading.valid(float(grade)):
        errors.add("grade", "a grade from 0.0 to 1.0 in steps of 0.1")
    elif abs(float(grade) - suggested) > 1e-9 and not (reason or "").strip():
        errors.add("reason", f"the suggested grade is {suggested:.1f}; say why yours differs")
    errors.raise_if_any()
    row, _ = Grade.objects.update_or_create(key_result=kr, defaults={
        "suggested": suggested, "grade": round(float(grade), 1), "reason": (reason or "").strip(),
        "graded_by": actor, "graded_at": clock.now()})
    return row


@service
def write_retrospective(actor: Person | None, cycle: Cycle, unit: Unit, *, worked: str = "",
                        did_not_work: str = "", change: str = "",
                        share_as_learning: bool = False) -> Retrospective:
    permissions.require(actor is None or permissions.can_edit_unit_plan(actor, unit),
                        f"write the retrospective of {unit.name}")
    _writable(cycle)
    if not any(x.strip() for x in (worked, did_not_work, change)):
        raise DomainError.field("worked", "write at least what worked or what did not")
    retro, _ = Retrospective.objects.update_or_create(cycle=cycle, unit=unit, defaults={
        "worked": worked.strip(), "did_not_work": did_not_work.strip(), "change": change.strip(),
        "author": actor, "updated_at": clock.now()})
    if share_as_learning:
        # The learnings library (pdca) writes the learning, in this transaction: a learning
        # it refuses leaves the retrospective unwritten too.
        events.publish(events.RetrospectiveShared(actor, retro))
    return retro


def next_quarter(cycle: Cycle) -> Cycle | None:
    return (Cycle.objects.filter(kind=Cycle.Kind.QUARTER, start__gt=cycle.end,
                                 archived_at__isnull=True)
            .exclude(state=Cycle.State.CLOSED).order_by("start").first())


def _fiscal_year(cycle: Cycle) -> int:
    from hoshin.okrs.rules import fiscal_year_of
    from hoshin.org.models import Organization

    return fiscal_year_of(cycle.start, Organization.current().fiscal_year_start)


def counterpart(element: AnnualObjective | ImprovementPriority,
                year: int) -> tuple[AnnualObjective | ImprovementPriority | None, str]:
    """The annual objective or improvement priority that continues `element` in fiscal
    `year`, and if there is none, why. Within its own year it is itself; across years it is
    the element the annual review created when it carried it over or modified it (followed
    year by year). A dropped or undecided element has no counterpart: the person closing
    chooses, nothing is guessed from titles."""
    item_type = ("annual" if isinstance(element, AnnualObjective)
                 else AnnualDecision.Item.PRIORITY)
    current = element
    while current.year < year:
        decision = AnnualDecision.objects.filter(
            year=current.year, item_type=item_type, item_key=current.key).first()
        if decision is None:
            return None, (f"{current.key} has no decision in the {current.year} annual review "
                          "yet")
        seed = decision.seeded if item_type == "annual" else decision.seeded_priority
        if decision.decision == AnnualDecision.Decision.DROP:
            return None, f"{current.key} was dropped in the {current.year} annual review"
        if seed is None or seed.archived_at is not None:
            return None, f"{current.key}'s successor for {current.year + 1} was archived"
        current = seed
    if current.year != year or current.archived_at is not None:
        return None, f"{current.key} is for {current.year}, not {year}"
    return current, ""


def twin_of(objective: Objective, into: Cycle) -> Objective | None:
    """The objective that continues `objective` in the quarter `into`: the one its key
    results were carried into, else (the rule before carry-over links existed) the same
    unit's objective of the same title."""
    carried = (CarryOver.objects.filter(key_result__objective=objective,
                                        carried_to__objective__cycle=into,
                                        carried_to__objective__archived_at__isnull=True)
               .select_related("carried_to__objective").first())
    if carried is not None:
        return carried.carried_to.objective
    return Objective.objects.filter(cycle=into, unit_id=objective.unit_id, title=objective.title,
                                    archived_at__isnull=True).order_by("pk").first()


@dataclass
class Landing:
    """Where a carried key result lands in the quarter `into`: in its objective's twin if
    there is one already, else in a new twin under `parent`; when neither can be worked
    out, `why` says so and `suggested` lists the likeliest parents to choose from."""

    objective: Objective
    into: Cycle
    twin: Objective | None = None
    parent: object | None = None
    why: str = ""
    suggested: list = field(default_factory=list)

    @property
    def needs_parent(self) -> bool:
        return self.twin is None and self.parent is None

    def describe(self) -> str:
        if self.twin is not None:
            return f"joins {self.twin.key} in {self.into.key}"
        if self.parent is not None:
            return f"under {self.parent.key} in {self.into.key}"
        return f"needs a parent in {self.into.key}: {self.why}"


def _counterparts(elements, year: int) -> list:
    found = []
    for element in elements:
        other, _ = counterpart(element, year)
        if other is not None and other not in found:
            found.append(other)
    return found


def landing(objective: Objective, into: Cycle) -> Landing:
    """Where a key result of `objective` carried into `into` lands, keeping its place in
    the chain: an annual objective or priority of the same year stays; across the year end
    it moves to the counterpart the annual review created; a parent objective is replaced
    by that objective's twin (so carry a parent's key results before its children's).
    Themes never carry (each quarter has its own brief)."""
    out = Landing(objective, into)
    out.twin = twin_of(objective, into)
    if out.twin is not None:
        return out
    year = _fiscal_year(into)
    if objective.parent_objective_id:
        parent = objective.parent_objective
        out.parent = twin_of(parent, into)
        if out.parent is None:
            out.why = (f"its parent objective {parent.key} has no twin in {into.key}: carry "
                       f"one of {parent.key}'s key results over first, or choose a parent")
            above = landing(parent, into)
            out.suggested = [above.parent] if above.parent is not None else above.suggested
    elif objective.parent_annual_id:
        out.parent, out.why = counterpart(objective.parent_annual, year)
    elif objective.parent_priority_id:
        priority = objective.parent_priority
        out.parent, out.why = counterpart(priority, year)
        if out.parent is None:
            annuals = _counterparts(priority.annual_objectives.all(), year)
            out.suggested = list(ImprovementPriority.objects.filter(
                year=year, unit_id=priority.unit_id, annual_objectives__in=annuals,
                archived_at__isnull=True).distinct().order_by("key")) + annuals
    elif objective.parent_theme_id:
        theme = objective.parent_theme
        out.why = (f"theme {theme.key} belongs to {theme.cycle.key}'s brief; {into.key} has "
                   "its own")
        annuals = _counterparts(theme.annual_objectives.all(), year)
        out.suggested = list(Theme.objects.filter(
            cycle=into, annual_objectives__in=annuals, archived_at__isnull=True)
            .distinct().order_by("key")) + annuals
    else:
        out.why = f"{objective.key} has no parent"
    return out


def parent_choices(into: Cycle) -> list[tuple[str, str]]:
    """Every parent an objective of `into` may have, for a picker: the quarter's themes,
    the year's annual objectives and improvement priorities."""
    year = _fiscal_year(into)
    out = [(t.key, f"{t.key} {t.title} (theme)")
           for t in Theme.objects.filter(cycle=into, archived_at__isnull=True).order_by("key")]
    out += [(a.key, f"{a.key} {a.title} (annual objective {year})")
            for a in AnnualObjective.objects.filter(year=year, archived_at__isnull=True)
            .order_by("key")]
    out += [(p.key, f"{p.key} {p.title} (priority of {p.unit.name})")
            for p in ImprovementPriority.objects.filter(year=year, archived_at__isnull=True)
            .select_related("unit").order_by("key")]
    return out


def _target_cycle(objective: Objective, into: str | None, errors: ErrorCollector
                  ) -> Cycle | None:
    target = Cycle.objects.filter(key=into, kind=Cycle.Kind.QUARTER).first() if into \
        else next_quarter(objective.cycle)
    if target is None:
        errors.add("into", f'no quarter "{into}"' if into
                   else "create the next quarter first (nothing to carry into)")
    elif target.start <= objective.cycle.end:
        errors.add("into", "carry over into a later quarter")
        return None
    return target


@service
def decide_carry_over(actor: Person | None, kr: KeyResult, *, decision: str, reason: str,
                      into: str | None = None, parent: str | None = None,
                      today: dt.date | None = None) -> CarryOver:
    """Carry an unfinished key result into the next quarter (a copy that starts from where
    it ended, in its objective's twin there) or drop it, with the reason. The twin keeps
    the objective's place in the chain (see `landing`); where that cannot be worked out,
    `parent` (a plan element's key) is required: a carried objective is never an orphan."""
    kr = KeyResult.objects.select_related("objective__cycle", "objective__unit",
                                          "objective__parent_annual",
                                          "objective__parent_priority",
                                          "objective__parent_theme__cycle",
                                          "objective__parent_objective", "owner",
                                          "last_checkin").get(pk=kr.pk)
    objective = kr.objective
    permissions.require(actor is None or permissions.can_edit_unit_plan(actor, objective.unit),
                        f"decide what happens to {kr.key}")
    _writable(objective.cycle)
    errors = ErrorCollector()
    if decision not in CarryOver.Decision.values:
        errors.add("decision", "carry_over or drop")
    if not (reason or "").strip():
        errors.add("reason", "say why")
    if CarryOver.objects.filter(key_result=kr).exists():
        done = CarryOver.objects.get(key_result=kr)
        errors.add("decision", f"already decided: {done.get_decision_display()}")
    target_cycle = place = None
    if decision == CarryOver.Decision.CARRY_OVER:
        target_cycle = _target_cycle(objective, into, errors)
        if target_cycle is not None:
            place = landing(objective, target_cycle)
            if place.needs_parent and not (parent or "").strip():
                hint = ", ".join(p.key for p in place.suggested)
                errors.add("parent", f"{kr.key}: {objective.key} needs a parent in "
                                     f"{target_cycle.key}: {place.why}"
                                     + (f" (likely: {hint})" if hint else ""))
    errors.raise_if_any()
    copy = None
    if target_cycle is not None:
        twin = place.twin
        if twin is None:
            chosen = (parent or "").strip() or place.parent.key
            twin = okrs.save_objective(actor, cycle=target_cycle.key, unit=objective.unit.key,
                                       title=objective.title, description=objective.description,
                                       kind=objective.kind, parent=chosen)
        last = kr.last_checkin.value if kr.last_checkin else None
        baseline = last if kr.kind in ("increase", "decrease") and last is not None \
            else kr.baseline
        steps = [{"key": s.key, "title": s.title, "weight": s.weight} for s in kr.steps.all()]
        copy = okrs.save_key_result(actor, objective=twin.key, title=kr.title,
                                    owner=kr.owner.email, kind=kr.kind, baseline=baseline,
                                    target=kr.target, unit=kr.unit, weight=kr.weight,
                                    steps=steps or None)
    return CarryOver.objects.create(key_result=kr, decision=decision, reason=reason.strip(),
                                    carried_to=copy, decided_by=actor,
                                    decided_at=clock.now())


@service
def grade_earlier_quarter(actor: Person | None, cycle: Cycle) -> list[Grade]:
    """Give the key results of a quarter closed before it was graded here (a plan file
    carries no grades: a quarter brought in from another tool, or the demo's) their
    suggested grades, from their progress at the quarter's end. Only the strategy office
    may, only on a closed quarter, and only key results without a grade: a grade someone
    gave is never replaced."""
    permissions.require(permissions.can_edit_strategy(actor),
                        f"grade the earlier quarter {cycle.key}")
    state = Cycle.objects.filter(pk=cycle.pk).values_list("state", flat=True).first()
    if state != Cycle.State.CLOSED:
        raise DomainError.field("cycle", f'cycle "{cycle.key}" is not closed: grade it as '
                                         "the quarter closes")
    ungraded = list(_key_results(cycle).filter(grade__isnull=True).order_by("key"))
    suggested = suggestions(cycle)
    reason = "graded with the suggested grade after the quarter had closed"
    return [Grade.objects.create(key_result=kr, suggested=suggested.get(kr.pk, 0.0),
                                 grade=suggested.get(kr.pk, 0.0), reason=reason,
                                 graded_by=actor, graded_at=clock.now()) for kr in ungraded]


def _may_touch_any(actor: Person | None, cycle: Cycle, *, owners: bool) -> bool:
    """Whether the actor may grade (`owners`: owners too) or carry over some key result of
    the quarter at all. The quarter-wide steps ask it first, so that whoever may touch
    none is refused even when nothing is left to do, rather than told it went well."""
    if actor is None or permissions.can_edit_strategy(actor):
        return True
    if not actor.is_active or actor.role == "viewer":
        return False
    if permissions.led_unit_ids(actor):
        return True
    return owners and _key_results(cycle).filter(owner=actor).exists()


def may_work_on_close(actor: Person | None, cycle: Cycle) -> bool:
    """Whether the close page takes any post from the actor (a grade, a carry-over, a
    retrospective, the close): whoever owns or leads no key result of the quarter and
    edits no plan is refused before the post is read."""
    return _may_touch_any(actor, cycle, owners=True)


@service
def accept_suggested(actor: Person | None, cycle: Cycle,
                     today: dt.date | None = None) -> list[Grade]:
    """Grade every ungraded key result the actor may grade with its suggested grade, in
    one step (a suggestion needs no reason)."""
    permissions.require(_may_touch_any(actor, cycle, owners=True),
                        f"grade the key results of {cycle.key}")
    _writable(cycle)
    ungraded = list(_key_results(cycle).filter(grade__isnull=True)
                    .select_related("objective__unit").order_by("key"))
    krs = [kr for kr in ungraded if can_grade(actor, kr)]
    permissions.require(bool(krs) or not ungraded, f"grade the key results of {cycle.key}")
    if not krs:
        return []
    suggested = suggestions(cycle, today)
    now = clock.now()
    return [Grade.objects.create(key_result=kr, suggested=suggested.get(kr.pk, 0.0),
                                 grade=suggested.get(kr.pk, 0.0), graded_by=actor,
                                 graded_at=now) for kr in krs]


def _depth(objective: Objective) -> int:
    depth, node, seen = 0, objective, set()
    while node.parent_objective_id and node.pk not in seen:
        seen.add(node.pk)
        node, depth = node.parent_objective, depth + 1
    return depth


@service
def carry_over_unfinished(actor: Person | None, cycle: Cycle, *, reason: str = "",
                          parents: dict[str, str] | None = None, into: str | None = None,
                          today: dt.date | None = None) -> list[CarryOver]:
    """Carry over every unfinished key result that has no decision yet. Parent objectives
    go first, so their twins exist when their children's arrive. `parents` maps a key
    result's or objective's key to the parent its twin gets where none can be worked out;
    every key result still needing one is named in one error and nothing is written."""
    permissions.require(_may_touch_any(actor, cycle, owners=False),
                        f"carry over the key results of {cycle.key}")
    reason = (reason or "").strip() or f"unfinished at the close of {cycle.key}"
    parents = parents or {}
    undecided = close_check(cycle).undecided
    objectives = {o.pk: o for o in Objective.objects.filter(
        pk__in={kr.objective_id for kr in undecided}).select_related("parent_objective")}
    undecided.sort(key=lambda kr: (_depth(objectives[kr.objective_id]), kr.key))
    errors, done = ErrorCollector(), []
    for kr in undecided:
        objective = objectives[kr.objective_id]
        try:
            done.append(decide_carry_over(actor, kr, decision=CarryOver.Decision.CARRY_OVER,
                                          reason=reason, into=into, today=today,
                                          parent=parents.get(kr.key) or parents.get(
                                              objective.key)))
        except DomainError as e:
            if isinstance(e, PermissionDenied):
                raise
            errors.errors.extend(e.errors)
    errors.raise_if_any()
    return done


@dataclass
class Finished:
    graded: list[Grade]
    carried: list[CarryOver]
    cycle: Cycle


@service
def finish_quarter(actor: Person | None, cycle: Cycle, *, accept: bool = False,
                   carry_over: bool = False, parents: dict[str, str] | None = None,
                   reason: str = "", override_reason: str = "", close: bool = True,
                   today: dt.date | None = None) -> Finished:
    """The command line's close in one transaction: accept the suggested grades, carry over
    the unfinished key results, close. If any step fails nothing is written, so the run can
    be repeated with what was missing (a parent, an override reason)."""
    permissions.require(permissions.can_edit_strategy(actor), "close a quarter")
    graded = accept_suggested(actor, cycle, today) if accept else []
    carried = carry_over_unfinished(actor, cycle, reason=reason, parents=parents,
                                    today=today) if carry_over else []
    if close:
        cycle = close_quarter(actor, cycle, override_reason=override_reason)
    return Finished(graded, carried, cycle)


@dataclass
class CloseCheck:
    ungraded: list[KeyResult] = field(default_factory=list)
    undecided: list[KeyResult] = field(default_factory=list)  # unfinished, no carry/drop
    missing_retrospectives: list[Unit] = field(default_factory=list)
    # How far the close has come, for the page's steps: key results in the quarter, graded,
    # unfinished (graded below 1.0) and decided among those, units with key results and
    # those with a retrospective.
    total: int = 0
    graded: int = 0
    unfinished: int = 0
    decided: int = 0
    units: int = 0
    retrospectives: int = 0

    @property
    def ready(self) -> bool:
        return not self.ungraded and not self.undecided

    def lines(self) -> list[str]:
        out = [f"{kr.key} has no grade" for kr in self.ungraded]
        out += [f"{kr.key} is unfinished: carry it over or drop it" for kr in self.undecided]
        out += [f"{u.name} has no retrospective (not required)"
                for u in self.missing_retrospectives]
        return out


def close_check(cycle: Cycle) -> CloseCheck:
    krs = list(_key_results(cycle).select_related("objective__unit").order_by("key"))
    grades = {g.key_result_id: g.grade for g in Grade.objects.filter(key_result__in=krs)}
    decided = set(CarryOver.objects.filter(key_result__in=krs).values_list("key_result_id",
                                                                          flat=True))
    check = CloseCheck(total=len(krs), graded=len(grades))
    for kr in krs:
        if kr.pk not in grades:
            check.ungraded.append(kr)
        elif grades[kr.pk] < 1.0:
            check.unfinished += 1
            if kr.pk in decided:
                check.decided += 1
            else:
                check.undecided.append(kr)
    units = {kr.objective.unit for kr in krs}
    written = set(Retrospective.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
    check.missing_retrospectives = sorted((u for u in units if u.pk not in written),
                                          key=lambda u: u.name)
    check.units, check.retrospectives = len(units), len(units) - len(check.missing_retrospectives)
    return check


CLOSE_GATE = "quarter-close"


def close_gate_applies(transition: gates.Transition) -> bool:
    return (transition.to_state == Cycle.State.CLOSED
            and transition.cycle.kind == Cycle.Kind.QUARTER)


def close_gate_check(transition: gates.Transition) -> gates.GateResult:
    """A quarter closes when every key result is graded and every unfinished one carried
    over or dropped, and not before its last day; otherwise only with a reason."""
    cycle = transition.cycle
    problems = [line for line in close_check(cycle).lines() if "not required" not in line]
    today = clock.today()
    if today < cycle.end:
        problems.insert(0, f"the quarter runs until {cycle.end.isoformat()} "
                           f"(today is {today.isoformat()})")
    if problems:
        return gates.GateResult(CLOSE_GATE, False, "not ready to close: " + "; ".join(problems))
    return gates.GateResult(CLOSE_GATE, True, "every key result is graded and decided")


def record_close(event: events.CycleTransitioned) -> None:
    """Every closed quarter has its close record, whichever path closed it (subscribed to
    the transition): who closed it, when, and the override reason if the checks failed."""
    if event.to_state != Cycle.State.CLOSED or event.cycle.kind != Cycle.Kind.QUARTER:
        return
    refused = event.refused(CLOSE_GATE)
    QuarterClose.objects.update_or_create(cycle=event.cycle, defaults={
        "closed_by": event.actor, "closed_at": clock.now(),
        "override_reason": event.override_reason if refused else ""})


def close_quarter(actor: Person | None, cycle: Cycle, *, override_reason: str = "") -> Cycle:
    """Close the quarter: read-only from now on. Every key result must be graded and every
    unfinished one carried over or dropped, and the quarter over, unless the office
    overrides with a reason (the close gate, run by `transition_cycle`)."""
    permissions.require(permissions.can_edit_strategy(actor), "close a quarter")
    _writable(cycle)
    cycle = okrs.transition_cycle(actor, cycle, Cycle.State.CLOSED,
                                  override_reason=override_reason)
    cycle.refresh_from_db()
    return cycle


# The annual review (hansei) ------------------------------------------------------------


@dataclass
class QuarterResult:
    cycle: Cycle
    objectives: int
    key_results: int
    mean_grade: float | None
    graded: int


@dataclass
class MetricResult:
    key: str
    title: str
    target: float | None
    latest: float | None
    green: int
    amber: int
    red: int


@dataclass
class Record:
    """An annual objective's or breakthrough's real execution record for one year."""

    kind: str
    key: str
    title: str
    quarters: list[QuarterResult]
    metrics: list[MetricResult]
    mean_grade: float | None
    status: str
    decision: AnnualDecision | None = None
    annuals: list[str] = field(default_factory=list)  # for a breakthrough: its annuals


def _year_quarters(year: int) -> list[Cycle]:
    from hoshin.okrs.rules import fiscal_year_of
    from hoshin.org.models import Organization

    fy = Organization.current().fiscal_year_start
    return [c for c in Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
            .order_by("start") if fiscal_year_of(c.start, fy) == year]


def _serving_objectives(annual: AnnualObjective, cycles: list[Cycle]) -> list[Objective]:
    """Objectives of the year that serve an annual objective: directly, through one of its
    improvement priorities or a theme that names it, and the objectives below those."""
    priorities = PriorityCorrelation.objects.filter(annual_objective=annual).values("priority")
    level = list(Objective.objects.filter(
        Q(parent_annual=annual) | Q(parent_priority__in=priorities)
        | Q(parent_theme__annual_objectives=annual), cycle__in=cycles,
        archived_at__isnull=True).distinct())
    found = {o.pk: o for o in level}
    while level:
        level = [o for o in Objective.objects.filter(parent_objective__in=level,
                                                     archived_at__isnull=True)
                 if o.pk not in found]
        found.update({o.pk: o for o in level})
    return list(found.values())


def _metric_results(annual: AnnualObjective, year: int) -> list[MetricResult]:
    from hoshin.org.models import Organization

    fy = Organization.current().fiscal_year_start
    months = bowling.fiscal_months(year, fy)
    priorities = PriorityCorrelation.objects.filter(annual_objective=annual).values("priority")
    metric_ids = MetricCorrelation.objects.filter(priority__in=priorities).values("metric")
    results = []
    rows = MetricActual.objects.filter(metric__in=metric_ids, period__in=months).select_related(
        "metric").order_by("metric__key", "period")
    by_metric: dict[int, list[MetricActual]] = {}
    for row in rows:
        by_metric.setdefault(row.metric_id, []).append(row)
    for actuals in by_metric.values():
        metric = actuals[0].metric
        states = [bowling.cell_state(a.plan, a.actual, metric.direction) for a in actuals]
        latest = next((a.actual for a in reversed(actuals) if a.actual is not None), None)
        results.append(MetricResult(metric.key, metric.title, metric.target, latest,
                                    states.count(bowling.GREEN), states.count(bowling.AMBER),
                                    states.count(bowling.RED)))
    return results


@dataclass
class Year:
    """What the annual review reads about one fiscal year, read once: its quarters, each
    key result's final grade (or the grade its progress suggests), and the objective tree."""

    cycles: list[Cycle]
    graded: dict[int, float]
    fallback: dict[int, float]
    objectives: dict[int, tuple[int, int | None, int | None, int | None]]  # cycle, parents
    krs_of: dict[int, list[int]]

    def grade(self, kr_id: int) -> float:
        return self.graded.get(kr_id, self.fallback.get(kr_id, 0.0))

    def below(self, roots: set[int]) -> set[int]:
        """`roots` and every objective under them."""
        children: dict[int, list[int]] = {}
        for pk, (_, _, _, parent) in self.objectives.items():
            if parent is not None:
                children.setdefault(parent, []).append(pk)
        found, level = set(roots), list(roots)
        while level:
            level = [c for pk in level for c in children.get(pk, []) if c not in found]
            found.update(level)
        return found


def read_year(year: int, today: dt.date | None = None) -> Year:
    cycles = _year_quarters(year)
    fallback: dict[int, float] = {}
    for cycle in cycles:
        fallback.update(suggestions(cycle, today))
    graded = dict(Grade.objects.filter(key_result__objective__cycle__in=cycles)
                  .values_list("key_result_id", "grade"))
    objectives = {pk: (cycle, annual, priority, parent) for pk, cycle, annual, priority, parent in
                  Objective.objects.filter(cycle__in=cycles, archived_at__isnull=True)
                  .values_list("pk", "cycle_id", "parent_annual_id", "parent_priority_id",
                               "parent_objective_id")}
    krs_of: dict[int, list[int]] = {}
    for pk, objective in KeyResult.objects.filter(objective_id__in=list(objectives),
                                                  archived_at__isnull=True).values_list(
            "pk", "objective_id"):
        krs_of.setdefault(objective, []).append(pk)
    return Year(cycles, graded, fallback, objectives, krs_of)


def annual_records(year: int, today: dt.date | None = None,
                   data: Year | None = None) -> list[Record]:
    data = data or read_year(year, today)
    cycles = data.cycles
    grades_by_kr = data.graded
    fallback = data.fallback
    decisions = {(d.item_type, d.item_key): d for d in AnnualDecision.objects.filter(year=year)}
    records: list[Record] = []
    annual_grades: dict[str, list[float]] = {}
    for annual in AnnualObjective.objects.filter(year=year, archived_at__isnull=True).order_by(
            "key"):
        objectives = _serving_objectives(annual, cycles)
        quarters = []
        all_grades = []
        for cycle in cycles:
            objs = [o for o in objectives if o.cycle_id == cycle.pk]
            krs = [kr for o in objs for kr in data.krs_of.get(o.pk, [])]
            grades = [grades_by_kr.get(pk, fallback.get(pk, 0.0)) for pk in krs]
            graded = sum(1 for pk in krs if pk in grades_by_kr)
            all_grades += grades
            quarters.append(QuarterResult(cycle, len(objs), len(krs),
                                          sum(grades) / len(grades) if grades else None, graded))
        mean = sum(all_grades) / len(all_grades) if all_grades else None
        annual_grades[annual.key] = all_grades
        records.append(Record("annual", annual.key, annual.title, quarters,
                              _metric_results(annual, year), mean,
                              grading.status(None if mean is None else round(mean, 1)),
                              decisions.get(("annual", annual.key))))
    # Improvement priorities: a record of their own so the review can carry over, modify or
    # drop them too (next year's key results follow that decision across the year end).
    for priority in ImprovementPriority.objects.filter(year=year, archived_at__isnull=True
                                                       ).order_by("key"):
        found = data.below({pk for pk, (_, _, p, _) in data.objectives.items()
                            if p == priority.pk})
        grades = [data.grade(kr) for o in found for kr in data.krs_of.get(o, [])]
        mean = sum(grades) / len(grades) if grades else None
        records.append(Record("priority", priority.key, priority.title, [], [], mean,
                              grading.status(None if mean is None else round(mean, 1)),
                              decisions.get(("priority", priority.key))))
    for bt in Breakthrough.objects.filter(archived_at__isnull=True).order_by("key"):
        keys = list(BreakthroughCorrelation.objects.filter(
            breakthrough=bt, annual_objective__year=year).values_list(
            "annual_objective__key", flat=True))
        grades = [g for k in keys for g in annual_grades.get(k, [])]
        mean = sum(grades) / len(grades) if grades else None
        records.append(Record("breakthrough", bt.key, bt.title, [], [], mean,
                              grading.status(None if mean is None else round(mean, 1)),
                              decisions.get(("breakthrough", bt.key)), annuals=sorted(keys)))
    return records


@service
def decide_annual(actor: Person | None, *, year: int, item_type: str, item_key: str,
                  decision: str, rationale: str, new_title: str = "") -> AnnualDecision:
    """Record carry over / modify / drop for next year. Carrying over or modifying an annual
    objective creates next year's annual objective (same breakthroughs) as its seed; an
    improvement priority's creates next year's priority of the same unit. The decision
    keeps the link to the seed: key results carried into next year follow it."""
    permissions.require(permissions.can_edit_strategy(actor), "decide the annual review")
    errors = ErrorCollector()
    if decision not in AnnualDecision.Decision.values:
        errors.add("decision", "carry_over, modify or drop")
    if not (rationale or "").strip():
        errors.add("rationale", "the decision needs its rationale")
    if decision == AnnualDecision.Decision.MODIFY and not (new_title or "").strip():
        errors.add("new_title", "say how it changes (the new title)")
    model = {"annual": AnnualObjective, "priority": ImprovementPriority,
             "breakthrough": Breakthrough}.get(item_type)
    item = model.objects.filter(key=item_key).first() if model else None
    if item is None:
        errors.add("item_key", f'no {item_type} "{item_key}"')
    if AnnualDecision.objects.filter(year=year, item_type=item_type, item_key=item_key).exists():
        errors.add("decision", "already decided for this year")
    errors.raise_if_any()
    seeded = None
    if item_type == "annual" and decision != AnnualDecision.Decision.DROP:
        links = {c.breakthrough.key: c.strength
                 for c in item.breakthrough_correlations.select_related("breakthrough")}
        seeded = strategy.save_annual_objective(
            actor, year=year + 1, title=(new_title or item.title).strip(),
            description=item.description, owner=item.owner.email if item.owner else None,
            breakthroughs=links)
    seeded_priority = None
    if item_type == "priority" and decision != AnnualDecision.Decision.DROP:
        seeded_priority = _seed_priority(actor, item, year, new_title)
    if item_type == "breakthrough" and decision == AnnualDecision.Decision.MODIFY:
        strategy.save_breakthrough(actor, item, title=new_title.strip())
    return AnnualDecision.objects.create(
        year=year, item_type=item_type, item_key=item_key, decision=decision,
        rationale=rationale.strip(), new_title=(new_title or "").strip(), seeded=seeded,
        seeded_priority=seeded_priority, decided_by=actor, decided_at=clock.now())


def _seed_priority(actor: Person | None, priority: ImprovementPriority, year: int,
                   new_title: str) -> ImprovementPriority:
    """Next year's priority of the same unit, serving the successors of its annual
    objectives (those decided so far; the rest are linked when the office plans) with the
    same resources."""
    links = {}
    for corr in priority.annual_correlations.select_related("annual_objective"):
        successor, _ = counterpart(corr.annual_objective, year + 1)
        if successor is not None:
            links[successor.key] = corr.strength
    resources = {(r.person.email if r.person_id else r.unit.key): r.role
                 for r in priority.resources.select_related("person", "unit")}
    return strategy.save_improvement_priority(
        actor, year=year + 1, unit=priority.unit.key,
        title=(new_title or priority.title).strip(), description=priority.description,
        annual_objectives=links, resources=resources)


def annual_statuses(year: int, today: dt.date | None = None,
                    records: list[Record] | None = None,
                    data: Year | None = None) -> dict[str, str]:
    """Each annual objective's and improvement priority's status from the year's real
    results (final grades, else progress at each quarter's end), to colour the X-matrix."""
    from hoshin.strategy.models import ImprovementPriority

    data = data or read_year(year, today)
    records = records if records is not None else annual_records(year, today, data)
    statuses = {r.key: r.status for r in records if r.kind == "annual"}
    for priority_pk, key in ImprovementPriority.objects.filter(
            year=year, archived_at__isnull=True).values_list("pk", "key"):
        roots = {pk for pk, (_, _, p, _) in data.objectives.items() if p == priority_pk}
        found = data.below(roots)
        grades = [data.grade(kr) for o in found for kr in data.krs_of.get(o, [])]
        mean = sum(grades) / len(grades) if grades else None
        statuses[key] = grading.status(None if mean is None else round(mean, 1))
    return statuses
