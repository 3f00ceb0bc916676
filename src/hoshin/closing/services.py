"""Closing a quarter (grade, reflect, carry over or drop, close) and the annual review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from hoshin.closing import grading
from hoshin.closing.models import AnnualDecision, CarryOver, Grade, QuarterClose, Retrospective
from hoshin.core import clock, events, gates
from hoshin.core.errors import DomainError, ErrorCollector
from hoshin.core.history import service
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult, Objective
from hoshin.okrs.progress import as_of, key_result_states
from hoshin.org import permissions
from hoshin.org.models import Person, Unit
from hoshin.strategy import bowling
from hoshin.strategy import services as strategy
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
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
        from hoshin.pdca.services import create_learning

        create_learning(actor, title=f"{unit.name}, {cycle.name or cycle.key}: retrospective",
                        worked=retro.worked, did_not_work=retro.did_not_work,
                        tags=["retrospective", cycle.key], unit=unit.key,
                        source="retrospective", reference=f"Retrospective {cycle.key}")
    return retro


def next_quarter(cycle: Cycle) -> Cycle | None:
    return (Cycle.objects.filter(kind=Cycle.Kind.QUARTER, start__gt=cycle.end,
                                 archived_at__isnull=True)
            .exclude(state=Cycle.State.CLOSED).order_by("start").first())


def _carried_parent(objective: Objective, into: Cycle) -> str | None:
    """The parent the copy can keep: strategy items stay (if still in their year); themes
    and objectives of the old quarter do not carry."""
    if objective.parent_annual_id:
        return objective.parent_annual.key
    if objective.parent_priority_id:
        return objective.parent_priority.key
    return None


@service
def decide_carry_over(actor: Person | None, kr: KeyResult, *, decision: str, reason: str,
                      into: str | None = None, today: dt.date | None = None) -> CarryOver:
    """Carry an unfinished key result into the next quarter (a copy that starts from where
    it ended, under a copy of its objective) or drop it, with the reason."""
    kr = KeyResult.objects.select_related("objective__cycle", "objective__unit",
                                          "objective__parent_annual",
                                          "objective__parent_priority", "owner",
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
    target_cycle = None
    if decision == CarryOver.Decision.CARRY_OVER:
        target_cycle = (Cycle.objects.filter(key=into).first() if into
                        else next_quarter(objective.cycle))
        if target_cycle is None:
            errors.add("into", "create the next quarter first (nothing to carry into)")
        elif target_cycle.start <= objective.cycle.end:
            errors.add("into", "carry over into a later quarter")
    if hasattr(kr, "carry_over"):
        errors.add("decision", f"already decided: {kr.carry_over.get_decision_display()}")
    errors.raise_if_any()
    copy = None
    if target_cycle is not None:
        twin = Objective.objects.filter(cycle=target_cycle, unit=objective.unit,
                                        title=objective.title, archived_at__isnull=True).first()
        if twin is None:
            twin = okrs.save_objective(actor, cycle=target_cycle.key, unit=objective.unit.key,
                                       title=objective.title, description=objective.description,
                                       kind=objective.kind,
                                       parent=_carried_parent(objective, target_cycle))
        last = kr.last_checkin.value if kr.last_checkin else None
        baseline = last if kr.kind in ("increase", "decrease") and last is not None \
            else kr.baseline
        steps = [{"key": s.key, "title": s.title, "weight": s.weight} for s in kr.steps.all()]
        copy = okrs.save_key_result(actor, objective=twin.key, title=kr.title,
                                    owner=kr.owner.email, kind=kr.kind, baseline=baseline,
                                    target=kr.target, unit=kr.unit, weight=kr.weight,
                                    steps=steps or None)
    return CarryOver.objects.create(key_result=kr, decision=decision, reason=reason.strip(),
                                    carried_to=copy, decided_by=actor)


@dataclass
class CloseCheck:
    ungraded: list[KeyResult] = field(default_factory=list)
    undecided: list[KeyResult] = field(default_factory=list)  # unfinished, no carry/drop
    missing_retrospectives: list[Unit] = field(default_factory=list)

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
    check = CloseCheck()
    for kr in krs:
        if kr.pk not in grades:
            check.ungraded.append(kr)
        elif grades[kr.pk] < 1.0 and kr.pk not in decided:
            check.undecided.append(kr)
    units = {kr.objective.unit for kr in krs}
    written = set(Retrospective.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
    check.missing_retrospectives = sorted((u for u in units if u.pk not in written),
                                          key=lambda u: u.name)
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
    objective creates next year's annual objective (same breakthroughs) as its seed."""
    permissions.require(permissions.can_edit_strategy(actor), "decide the annual review")
    errors = ErrorCollector()
    if decision not in AnnualDecision.Decision.values:
        errors.add("decision", "carry_over, modify or drop")
    if not (rationale or "").strip():
        errors.add("rationale", "the decision needs its rationale")
    if decision == AnnualDecision.Decision.MODIFY and not (new_title or "").strip():
        errors.add("new_title", "say how it changes (the new title)")
    model = {"annual": AnnualObjective, "breakthrough": Breakthrough}.get(item_type)
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
    if item_type == "breakthrough" and decision == AnnualDecision.Decision.MODIFY:
        strategy.save_breakthrough(actor, item, title=new_title.strip())
    return AnnualDecision.objects.create(
        year=year, item_type=item_type, item_key=item_key, decision=decision,
        rationale=rationale.strip(), new_title=(new_title or "").strip(), seeded=seeded,
        decided_by=actor)


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
