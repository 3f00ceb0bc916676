"""Reading the portfolio: the open initiatives, each with its latest score, ranked by WSJF
across the organisation, within a unit's subtree or under one annual objective."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from hoshin.core import clock
from hoshin.core.errors import NotFound
from hoshin.okrs.models import Cycle, Initiative, Objective, Theme
from hoshin.org.models import Unit
from hoshin.org.selectors import subtree_ids
from hoshin.portfolio import flow, tracked, wsjf
from hoshin.portfolio.models import InitiativeScore, WipLimit
from hoshin.strategy.models import AnnualObjective, PriorityCorrelation

# Initiatives still to be done or being done; finished and cancelled work has no cost of
# delay left to weigh.
OPEN_STATUSES = (Initiative.Status.NOT_STARTED, Initiative.Status.IN_PROGRESS,
                 Initiative.Status.BLOCKED)


# Started and not finished: what a WIP limit counts (blocked work still holds people).
WIP_STATUSES = (Initiative.Status.IN_PROGRESS, Initiative.Status.BLOCKED)


@dataclass
class Row:
    """One ranked initiative. Ranking reads plain values (a few hundred are scored at
    20,000 people, and building each one's initiative, key result, objective, unit, cycle
    and owner was most of the page's time); `initiative` is read whole only when asked
    for, for every row not yet read at once (`Portfolio.read_whole`)."""

    rank: int
    pk: int
    key: str
    title: str
    status: str
    key_result_key: str
    objective_id: int
    unit_key: str
    unit_name: str
    score: wsjf.Score
    tie_break: str
    scored_on: dt.datetime
    annual_objectives: list[str] = field(default_factory=list)
    whole: Initiative | None = field(default=None, repr=False, compare=False)
    portfolio: Portfolio | None = field(default=None, repr=False, compare=False)

    @property
    def initiative(self) -> Initiative:
        if self.whole is None:
            self.portfolio.read_whole()
        return self.whole

    def as_dict(self, tracked_work: dict | None = None) -> dict:
        """The row for the API and the CLI; `tracked_work` is its tracked work's figures
        (`Portfolio.tracked`), null when nothing tracks it."""
        return {"id": self.key, "title": self.title,
                "unit": self.unit_key, "cod": self.score.cost_of_delay,
                "size": self.score.job_size, "wsjf": round(self.score.wsjf, 4),
                "rank": self.rank, "business_value": self.score.business_value,
                "time_criticality": self.score.time_criticality,
                "risk_reduction": self.score.risk_reduction, "status": self.status,
                "key_result": self.key_result_key,
                "annual_objectives": self.annual_objectives,
                "scored_on": self.scored_on.date().isoformat(),
                "tie_break": self.tie_break, "tracked": tracked_work}


class Portfolio:
    """The ranked rows, and the open initiatives not scored yet. The unscored are many in a
    large organisation (4,359 of 4,596 at 20,000 people) and a page shows a hundred, so
    they are counted by the database and read only when asked for: `unscored_first`
    (the page), `unscored_keys` (the API), `unscored` (every one, with its unit: exports,
    the CLI)."""

    PAGE = 100

    def __init__(self, rows: list[Row], unscored_query):
        self.rows = rows
        self._unscored_query = unscored_query
        for row in rows:
            row.portfolio = self

    def read_whole(self, rows: Iterable[Row] | None = None) -> None:
        """Read the initiatives of `rows` (every row by default) whole, with their key
        result, objective, unit, quarter and owner, in one query."""
        pending = {r.pk: r for r in (self.rows if rows is None else rows) if r.whole is None}
        if not pending:
            return
        for initiative in Initiative.objects.filter(pk__in=list(pending)).select_related(
                "owner", "key_result__objective__unit", "key_result__objective__cycle"):
            pending[initiative.pk].whole = initiative

    @cached_property
    def unscored_count(self) -> int:
        return self._unscored_query.count()

    @cached_property
    def unscored(self) -> list[Initiative]:
        return list(self._unscored_query)

    @cached_property
    def unscored_first(self) -> list[Initiative]:
        return list(self._unscored_query[:self.PAGE])

    @cached_property
    def _unscored_ids_and_keys(self) -> list[tuple[int, str]]:
        # One reading of the unscored for the API's keys, the tracked work and its keys:
        # each was its own query over the open initiatives (35-45 ms apiece on SQLite at
        # 20,000 people).
        return list(self._unscored_query.values_list("pk", "key"))

    @cached_property
    def unscored_keys(self) -> list[str]:
        return [key for _pk, key in self._unscored_ids_and_keys]

    @cached_property
    def tracked(self) -> dict[int, dict | None]:
        """The figures of each open initiative's tracked work (ranked and unscored, by id;
        None for one nobody tracks): every provider asked once (portfolio/tracked.py)."""
        ids = [r.pk for r in self.rows]
        ids += [pk for pk, _key in self._unscored_ids_and_keys]
        return tracked.counts_of(ids)

    def ranked_dicts(self) -> list[dict]:
        return [r.as_dict(self.tracked.get(r.pk)) for r in self.rows]

    @cached_property
    def unscored_tracked(self) -> dict[str, dict]:
        """The unscored initiatives that have tracked work: their figures, by key."""
        keys = dict(self._unscored_ids_and_keys)
        return {keys[pk]: figures for pk, figures in self.tracked.items()
                if figures is not None and pk in keys}


def open_initiatives(*, unit: Unit | None = None, cycle: Cycle | None = None):
    query = (Initiative.objects.filter(archived_at__isnull=True, status__in=OPEN_STATUSES,
                                       key_result__archived_at__isnull=True,
                                       key_result__objective__archived_at__isnull=True)
             .select_related("owner", "key_result__objective__unit",
                             "key_result__objective__cycle"))
    if cycle is not None:
        query = query.filter(key_result__objective__cycle=cycle)
    else:
        query = query.exclude(key_result__objective__cycle__state=Cycle.State.CLOSED)
    if unit is not None:
        query = query.filter(key_result__objective__unit_id__in=subtree_ids(unit))
    return query.order_by("key")


def latest_scores(initiative_ids) -> dict[int, InitiativeScore]:
    """Each initiative's score from the latest session that scored it."""
    latest: dict[int, InitiativeScore] = {}
    scores = (InitiativeScore.objects.filter(initiative_id__in=list(initiative_ids))
              .select_related("session").order_by("-session__held_at", "-session_id"))
    for s in scores:
        latest.setdefault(s.initiative_id, s)
    return latest


@dataclass(frozen=True)
class LatestScore:
    business_value: int
    time_criticality: int
    risk_reduction: int
    job_size: int
    held_at: dt.datetime


def latest_score_values(initiative_ids) -> dict[int, LatestScore]:
    """`latest_scores` as plain values, for ranking many without building each score and
    its session."""
    latest: dict[int, LatestScore] = {}
    for pk, *values in (InitiativeScore.objects.filter(initiative_id__in=list(initiative_ids))
                        .order_by("-session__held_at", "-session_id")
                        .values_list("initiative_id", "business_value", "time_criticality",
                                     "risk_reduction", "job_size", "session__held_at")):
        if pk not in latest:
            latest[pk] = LatestScore(*values)
    return latest


def annual_objectives_of(objectives) -> dict[int, list[str]]:
    """The keys of the annual objectives each objective serves, through its chain of
    parent objectives and the priority or theme at the top of it (the annual objectives
    okrs.selectors.chains names, which tests/portfolio checks). Read as ids only: chains
    builds every level's elements and links, which for the thousands of objectives of a
    large organisation cost seconds the ranking does not need."""
    return annual_objectives_by_id(o.pk for o in objectives)


def annual_objectives_by_id(objective_ids) -> dict[int, list[str]]:
    wanted = set(objective_ids)
    parents: dict[int, tuple] = {}
    pending = set(wanted)
    while pending:  # one query per level of objective nesting
        found = Objective.objects.filter(pk__in=pending).values_list(
            "pk", "parent_objective_id", "parent_theme_id", "parent_priority_id",
            "parent_annual_id")
        for pk, *up in found:
            parents[pk] = tuple(up)
        pending = {up[0] for up in parents.values() if up[0]} - parents.keys()
    theme_ids = {up[1] for up in parents.values() if up[1]}
    prio_ids = {up[2] for up in parents.values() if up[2]}
    of_theme: dict[int, set[int]] = defaultdict(set)
    for theme_id, annual_id in Theme.annual_objectives.through.objects.filter(
            theme_id__in=theme_ids).values_list("theme_id", "annualobjective_id"):
        of_theme[theme_id].add(annual_id)
    of_prio: dict[int, set[int]] = defaultdict(set)
    for prio_id, annual_id in PriorityCorrelation.objects.filter(
            priority_id__in=prio_ids).values_list("priority_id", "annual_objective_id"):
        of_prio[prio_id].add(annual_id)
    annual_ids = ({up[3] for up in parents.values() if up[3]}
                  | {a for ids in of_theme.values() for a in ids}
                  | {a for ids in of_prio.values() for a in ids})
    keys = dict(AnnualObjective.objects.filter(pk__in=annual_ids).values_list("pk", "key"))
    result = {}
    for pk in wanted:
        node, seen = pk, {pk}
        while parents.get(node, (None,))[0] and parents[node][0] not in seen:
            node = parents[node][0]
            seen.add(node)
        _, theme, prio, annual = parents.get(node, (None, None, None, None))
        if theme:
            ids = of_theme[theme]
        elif prio:
            ids = of_prio[prio]
        else:
            ids = {annual} if annual else set()
        result[pk] = sorted(keys[a] for a in ids if a in keys)
    return result


def _serving(query, annual_objective: str | None):
    """The initiatives of `query` whose objective serves the annual objective (all of them
    when none is given)."""
    if not annual_objective:
        return query
    objective_ids = set(query.values_list("key_result__objective_id", flat=True))
    serving = [pk for pk, keys in annual_objectives_by_id(objective_ids).items()
               if annual_objective in keys]
    return query.filter(key_result__objective_id__in=serving)


def initiatives_with_status(status: str, *, unit: Unit | None = None,
                            annual_objective: str | None = None):
    """Every initiative of the organisation (or of a unit's subtree, or serving an annual
    objective) with this status, or with any ("all"): finished and stopped work too, and
    that of closed quarters, which the ranking leaves out. Archived ones are not listed,
    nor those under an archived key result or objective. Newest quarter first."""
    query = (Initiative.objects.filter(archived_at__isnull=True,
                                       key_result__archived_at__isnull=True,
                                       key_result__objective__archived_at__isnull=True)
             .select_related("owner", "key_result__objective__unit",
                             "key_result__objective__cycle"))
    if status != "all":
        query = query.filter(status=status)
    if unit is not None:
        query = query.filter(key_result__objective__unit_id__in=subtree_ids(unit))
    return _serving(query, annual_objective).order_by("-key_result__objective__cycle__start",
                                                      "key")


def portfolio(*, unit: Unit | None = None, annual_objective: str | None = None,
              cycle: Cycle | None = None) -> Portfolio:
    """Scored open initiatives ranked; the unscored counted. Only the scored are read
    whole: in a large organisation most open initiatives were never scored."""
    query = _serving(open_initiatives(unit=unit, cycle=cycle), annual_objective)
    # Every initiative ever scored, not only those in scope: a small table, so the database
    # looks the scored up by id instead of matching the open initiatives' join against
    # itself (78 -> 1 ms on SQLite at 20,000 people, when few are scored).
    scored_ids = InitiativeScore.objects.values("initiative_id")
    ranked_fields = ("pk", "key", "title", "status", "key_result__key",
                     "key_result__objective_id", "key_result__objective__unit__key",
                     "key_result__objective__unit__name")
    scored = {values[0]: values
              for values in query.filter(pk__in=scored_ids).values_list(*ranked_fields)}
    latest = latest_score_values(scored)
    serves = annual_objectives_by_id({values[5] for values in scored.values()})
    by_key = {values[1]: values for values in scored.values()}
    scores = [wsjf.Score(key=values[1], business_value=s.business_value,
                         time_criticality=s.time_criticality,
                         risk_reduction=s.risk_reduction, job_size=s.job_size)
              for pk, values in scored.items() if (s := latest.get(pk))]
    rows = []
    for r in wsjf.rank(scores):
        pk, key, title, status, kr_key, objective_id, unit_key, unit_name = by_key[r.score.key]
        rows.append(Row(rank=r.rank, pk=pk, key=key, title=title, status=status,
                        key_result_key=kr_key, objective_id=objective_id, unit_key=unit_key,
                        unit_name=unit_name, score=r.score, tie_break=r.tie_break,
                        scored_on=latest[pk].held_at, annual_objectives=serves[objective_id]))
    return Portfolio(rows=rows, unscored_query=query.exclude(pk__in=scored_ids))


# Work in progress ------------------------------------------------------------------------


@dataclass
class Load:
    """A unit's work in progress against its limit."""

    unit: Unit
    limit: int | None
    initiatives: list[Initiative]

    @property
    def in_progress(self) -> int:
        return len(self.initiatives)

    @property
    def over(self) -> bool:
        return flow.over_limit(self.in_progress, self.limit)

    @property
    def over_by(self) -> int:
        return self.in_progress - self.limit if self.over else 0

    def as_dict(self) -> dict:
        return {"unit": self.unit.key, "name": self.unit.name, "limit": self.limit,
                "in_progress": self.in_progress, "over_limit": self.over,
                "initiatives": [{"id": i.key, "title": i.title, "status": i.status}
                                for i in self.initiatives]}


def work_in_progress(*, unit_ids: Iterable[int] | None = None, cycle_ids: Iterable[int] | None = None):
    """Initiatives in progress or blocked, live, of the quarters not closed (or of the
    given cycles), of their objective's own unit."""
    query = (Initiative.objects.filter(archived_at__isnull=True, status__in=WIP_STATUSES,
                                       key_result__archived_at__isnull=True,
                                       key_result__objective__archived_at__isnull=True)
             .select_related("key_result__objective__unit"))
    if cycle_ids is not None:
        query = query.filter(key_result__objective__cycle_id__in=list(cycle_ids))
    else:
        query = query.exclude(key_result__objective__cycle__state=Cycle.State.CLOSED)
    if unit_ids is not None:
        query = query.filter(key_result__objective__unit_id__in=list(unit_ids))
    return query.order_by("key")


def loads(*, units: Iterable[Unit] | None = None, cycle_ids: Iterable[int] | None = None,
          limited_only: bool = False) -> list[Load]:
    """Each unit's work in progress with its limit: the given units, else every unit with a
    limit or with work in progress. Two queries."""
    limits = dict(WipLimit.objects.values_list("unit_id", "limit"))
    unit_list = list(units) if units is not None else None
    ids = [u.pk for u in unit_list] if unit_list is not None else None
    if limited_only and ids is None:
        ids = list(limits)  # only the work of units with a limit needs reading
    by_unit: dict[int, list[Initiative]] = defaultdict(list)
    for i in work_in_progress(unit_ids=ids, cycle_ids=cycle_ids):
        by_unit[i.key_result.objective.unit_id].append(i)
    if unit_list is None:
        wanted = set(limits) | set(by_unit)
        unit_list = list(Unit.objects.filter(pk__in=wanted, archived_at__isnull=True))
    found = [Load(unit=u, limit=limits.get(u.pk), initiatives=by_unit.get(u.pk, []))
             for u in unit_list]
    if limited_only:
        found = [load for load in found if load.limit is not None]
    return sorted(found, key=lambda load: (not load.over, load.unit.name))


def load_of(unit: Unit) -> Load:
    return loads(units=[unit])[0]


# Flow ------------------------------------------------------------------------------------


def timelines(unit: Unit | None = None) -> list[flow.Timeline]:
    """Every initiative's status history (of the unit's own objectives, or of the whole
    organisation), read from django-simple-history in one query."""
    initiatives = Initiative.objects.all()
    if unit is not None:
        initiatives = initiatives.filter(key_result__objective__unit=unit)
    archived = ExpressionWrapper(Q(archived_at__isnull=False), output_field=BooleanField())
    rows = (Initiative.history.filter(id__in=initiatives.values("id"))
            .order_by("id", "history_date", "history_id")
            .annotate(archived=archived)
            .values_list("id", "key", "history_date", "status", "archived", "history_type"))
    zone = timezone.get_current_timezone()
    found: dict[int, flow.Timeline] = {}
    for pk, key, when, status, archived, kind in rows:
        t = found.get(pk)
        if t is None:
            t = found[pk] = flow.Timeline(key=key, changes=[])
        day = when.astimezone(zone).date() if when.tzinfo is not None else when.date()
        t.changes.append(flow.Change(day, flow.GONE if archived or kind == "-" else status))
    return list(found.values())


@dataclass
class FlowReport:
    unit: Unit | None
    cycle: Cycle
    flow: flow.Flow | None  # None before the quarter begins
    limit: int | None


def flow_of(unit: Unit | None, cycle: Cycle, today: dt.date) -> FlowReport:
    limit = None
    if unit is not None:
        limit = WipLimit.objects.filter(unit=unit).values_list("limit", flat=True).first()
    if today < cycle.start:
        return FlowReport(unit=unit, cycle=cycle, flow=None, limit=limit)
    end = min(cycle.end, today)
    return FlowReport(unit=unit, cycle=cycle, flow=flow.measure(timelines(unit), cycle.start, end),
                      limit=limit)


def quarters() -> list[Cycle]:
    return list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
                .order_by("-start"))


def pick_quarter(key: str | None, today: dt.date, cycles: list[Cycle] | None = None) -> Cycle | None:
    """The named quarter, else the one today falls in, else the latest that has begun."""
    cycles = quarters() if cycles is None else cycles
    if key:
        return next((c for c in cycles if c.key == key), None)
    return (next((c for c in cycles if c.start <= today <= c.end), None)
            or next((c for c in cycles if c.start <= today), None)
            or (cycles[-1] if cycles else None))


def flow_dict(unit: Unit | None, cycle_key: str | None) -> dict:
    today = clock.today()
    cycle = pick_quarter(cycle_key, today)
    if cycle is None:
        raise NotFound.field("cycle", f'no quarter "{cycle_key}"' if cycle_key else "no quarter yet")
    report = flow_of(unit, cycle, today)
    out = {"unit": unit.key if unit else None, "cycle": cycle.key, "wip_limit": report.limit}
    if report.flow is not None:
        out.update(report.flow.as_dict())
    return out
