"""What the board pack says, read from the database into plain data (render.py lays it out).

Every section is bounded: a board reads pages, not the whole organisation, and a pack for
20,000 people must take the time one for 150 does. So each list keeps its worst or latest
few (the constants below) and counts the rest, and progress and status come from the
stored roll-up (okrs/rollups.py) when it holds the quarter's figures for today, else from
one full recomputation (`rollups.compute`, a closed or stale quarter), never per item.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from hoshin.core import clock
from hoshin.core.errors import NotFound
from hoshin.flags.models import LABELS as FLAG_LABELS
from hoshin.flags.services import open_flags
from hoshin.okrs import charts, dependencies, rollups
from hoshin.okrs.models import (
    CheckIn,
    Cycle,
    Dependency,
    KeyResult,
    Objective,
    RollupRow,
    Theme,
    TradeOff,
)
from hoshin.okrs.progress import as_of
from hoshin.okrs.rows import STATUS_LABELS, STATUSES
from hoshin.okrs.rules import fiscal_year_of
from hoshin.org.models import Organization
from hoshin.reviews.models import Decision
from hoshin.strategy import xmatrix
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    ImprovementPriority,
    PriorityCorrelation,
    Vision,
)
from hoshin.strategy.views.xmatrix import xmatrix_data
from hoshin.web.strategy.timeline import timeline

K = RollupRow.Kind
# Worst first: what a board must look at comes first in every list.
STATUS_ORDER = {"off_track": 0, "at_risk": 1, "no_data": 2, "on_track": 3}

OBJECTIVES_PER_THEME = 8   # the top objectives shown under each theme, worst first
CHARTS_PER_OBJECTIVE = 4   # key results drawn as sparklines under each shown objective
DECISIONS_SHOWN = 20       # the quarter's latest review decisions
FLAGS_SHOWN = 15           # open flags listed (all are counted by kind)
DEPENDENCIES_SHOWN = 15    # late dependencies listed


def pct(progress: float | None) -> str:
    return "–" if progress is None else f"{round(progress * 100)} %"


@dataclass
class Figure:
    """Progress and status of one item, in numbers and in words."""

    progress: float | None
    status: str

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def pct(self) -> str:
        return pct(self.progress)

    @property
    def bar(self) -> int:
        return 0 if self.progress is None else max(0, min(100, round(self.progress * 100)))


NO_FIGURE = Figure(None, "no_data")


@dataclass
class Chart:
    key: str
    title: str
    status: str
    svg: str
    value: str
    goal: str

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class ObjectiveLine:
    key: str
    title: str
    unit: str
    figure: Figure
    key_results: int
    charts: list[Chart] = field(default_factory=list)


@dataclass
class ThemeSection:
    key: str
    title: str
    success: str
    figure: Figure | None
    objectives: list[ObjectiveLine]
    more: int  # top objectives under it not listed


@dataclass
class Pack:
    organization: str
    cycle: Cycle
    year: int
    made_on: dt.date
    figures_on: dt.date
    from_store: bool
    vision: Vision | None
    breakthroughs: list
    annuals: list[tuple[AnnualObjective, Figure | None]]
    themes: list[ThemeSection]
    xmatrix_svg: str
    status_counts: list[tuple[str, str, int]]
    objective_count: int
    trade_offs: list
    decisions: list
    decision_count: int   # key decisions (all but "continue")
    continued: int        # items decided "continue as planned"
    flag_counts: list[tuple[str, int]]
    flags: list
    flag_count: int
    late: list            # (late dependency, the unit relying on it)
    late_count: int
    record: list          # timeline bands
    record_quarters: list


def find_cycle(key: str | None) -> Cycle:
    """The quarter `key` names; without one, the running quarter (the latest if several)."""
    quarters = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
    cycle = (quarters.filter(key=key).first() if key else
             quarters.filter(state=Cycle.State.ACTIVE).order_by("-start").first())
    if cycle is None:
        raise NotFound.field("cycle", f'no quarter "{key}"' if key else
                             "no quarter is running; name one")
    return cycle


def figures(cycle: Cycle, today: dt.date) -> tuple[dict[tuple[str, int], dict], bool]:
    """{(kind, id): {"progress", "status", "parent_kind", "parent_id", ...}} of the whole
    quarter: the stored roll-up's rows when they hold today's figures (one query), else
    one full recomputation. The flag says which."""
    stored = {(row["kind"], row["item_id"]): row for row in RollupRow.objects.filter(
        cycle=cycle, cycle__rollup_mark__as_of=as_of(cycle, today)).values(
        "kind", "item_id", "progress", "status", "parent_kind", "parent_id", "weight")}
    if (K.VISION, 0) in stored:
        return stored, True
    return rollups.compute(cycle, today), False


def _figure(found: dict | None) -> Figure | None:
    return None if found is None else Figure(found["progress"], str(found["status"]))


@dataclass
class _Card:
    """What okrs.charts.small_multiples reads of a row: the key result and its status."""

    kr: KeyResult
    status: str


def _themes(cycle: Cycle, figs: dict, today: dt.date) -> list[ThemeSection]:
    """The quarter's themes, each with the top objectives serving it (worst first) and
    their key results' sparklines; then the top objectives that serve no theme."""
    themes = list(Theme.objects.filter(cycle=cycle, archived_at__isnull=True).order_by("key"))
    # A top objective serves a theme when it hangs under it, or under an annual objective
    # the theme names (directly or through an improvement priority), as the brief links them.
    themes_of_annual: dict[int, set[int]] = defaultdict(set)
    for theme_id, annual_id in Theme.annual_objectives.through.objects.filter(
            theme__in=themes).values_list("theme_id", "annualobjective_id"):
        themes_of_annual[annual_id].add(theme_id)
    themes_of_priority: dict[int, set[int]] = defaultdict(set)
    for priority_id, annual_id in PriorityCorrelation.objects.filter(
            annual_objective_id__in=list(themes_of_annual)).values_list(
            "priority_id", "annual_objective_id"):
        themes_of_priority[priority_id] |= themes_of_annual[annual_id]
    tops: dict[int | None, list[int]] = defaultdict(list)  # theme id (None: no theme)
    for (kind, item_id), f in figs.items():
        if kind != K.OBJECTIVE or f["parent_kind"] == K.OBJECTIVE:
            continue
        served = ({f["parent_id"]} if f["parent_kind"] == K.THEME else
                  themes_of_annual.get(f["parent_id"], set()) if f["parent_kind"] == K.ANNUAL
                  else themes_of_priority.get(f["parent_id"], set())
                  if f["parent_kind"] == K.PRIORITY else set())
        for theme_id in served or {None}:
            tops[theme_id].append(item_id)
    wanted: dict[int | None, list[int]] = {}
    for place, ids in tops.items():
        ids.sort(key=lambda i: (STATUS_ORDER.get(str(figs[(K.OBJECTIVE, i)]["status"]), 9), i))
        wanted[place] = ids[:OBJECTIVES_PER_THEME]
    shown_ids = [i for ids in wanted.values() for i in ids]
    objectives = Objective.objects.select_related("unit").in_bulk(shown_ids)
    krs: dict[int, list[KeyResult]] = defaultdict(list)
    counts = Counter(KeyResult.objects.filter(objective_id__in=shown_ids,
                                              archived_at__isnull=True)
                     .values_list("objective_id", flat=True))
    for kr in (KeyResult.objects.filter(objective_id__in=shown_ids, archived_at__isnull=True)
               .only("id", "key", "title", "kind", "baseline", "target", "unit", "objective_id")
               .prefetch_related("steps").order_by("key")):
        if len(krs[kr.objective_id]) < CHARTS_PER_OBJECTIVE:
            krs[kr.objective_id].append(kr)
    drawn = [kr.pk for group in krs.values() for kr in group]
    readings: dict[int, list[CheckIn]] = defaultdict(list)
    for c in (CheckIn.objects.filter(key_result_id__in=drawn, date__lte=as_of(cycle, today))
              .only("id", "key_result_id", "date", "value", "steps_done", "confidence", "note")
              .order_by("date", "id")):
        readings[c.key_result_id].append(c)

    def line(oid: int) -> ObjectiveLine:
        o = objectives[oid]
        cards = [_Card(kr, str(figs.get((K.KEY_RESULT, kr.pk), {}).get("status", "no_data")))
                 for kr in krs[oid]]
        multiples = charts.small_multiples(
            cards, lambda kr: cycle, lambda kr: readings[kr.pk],
            steps_of=lambda kr: list(kr.steps.all()), today=min(today, cycle.end))
        return ObjectiveLine(o.key, o.title, o.unit.name, _figure(figs[(K.OBJECTIVE, oid)]),
                             counts[oid], [Chart(m.row.kr.key, m.row.kr.title, m.row.status,
                                                 m.svg, m.value, m.goal) for m in multiples])

    sections = []
    for theme in themes:
        sections.append(ThemeSection(theme.key, theme.title, theme.success,
                                     _figure(figs.get((K.THEME, theme.pk))),
                                     [line(i) for i in wanted.get(theme.pk, [])],
                                     len(tops.get(theme.pk, [])) - len(wanted.get(theme.pk, []))))
    if tops.get(None):
        sections.append(ThemeSection("", "Under no theme of the quarter",
                                     "Objectives that serve an annual objective or an "
                                     "improvement priority no theme names.", None,
                                     [line(i) for i in wanted[None]],
                                     len(tops[None]) - len(wanted[None])))
    return sections


def build(cycle_key: str | None = None, today: dt.date | None = None) -> Pack:
    """Everything the pack shows for the quarter `cycle_key` (the running one by default),
    in a fixed number of queries whatever the size of the organisation."""
    cycle = find_cycle(cycle_key)
    today = today or clock.today()
    org = Organization.current()
    year = fiscal_year_of(cycle.start, org.fiscal_year_start)
    figs, from_store = figures(cycle, today)

    annual_list = list(AnnualObjective.objects.filter(year=year, archived_at__isnull=True)
                       .select_related("owner").order_by("key"))
    annuals = [(a, _figure(figs.get((K.ANNUAL, a.pk)))) for a in annual_list]
    # The X-matrix tinted by the quarter's figures (SPEC §3.8), as its page tints it.
    statuses = {a.key: str(f["status"]) for a, f in
                ((a, figs.get((K.ANNUAL, a.pk))) for a in annual_list) if f}
    statuses.update({key: str(figs[(K.PRIORITY, pk)]["status"]) for pk, key in
                     ImprovementPriority.objects.filter(year=year, archived_at__isnull=True)
                     .values_list("id", "key") if (K.PRIORITY, pk) in figs})
    svg, _ = xmatrix.build_svg(xmatrix_data(year, statuses), f"{org.name} · X-matrix {year}")

    kr_status = Counter(str(f["status"]) for (kind, _), f in figs.items()
                        if kind == K.KEY_RESULT)
    # Key decisions: what changed course. "Continue" (most items of a weekly review) is
    # counted, not listed.
    all_decisions = Decision.objects.filter(item__review__cycle=cycle)
    decisions_qs = (all_decisions.exclude(kind=Decision.Kind.CONTINUE)
                    .select_related("item__review", "item__key_result", "decided_by")
                    .order_by("-decided_at", "-id"))
    flags_qs = open_flags(cycle=cycle)
    flag_counts = Counter(flags_qs.order_by().values_list("code", flat=True))
    flags = list(flags_qs[:FLAGS_SHOWN])  # in the Flags page's order: by unit, key result
    # Late: accepted, past its due date, not delivered (Dependency.is_late), in the query.
    late_qs = dependencies.in_cycle(cycle).filter(
        state=Dependency.State.ACCEPTED, due__lt=min(today, cycle.end),
        delivered_on__isnull=True).order_by("due", "id")
    bands, quarters = timeline([year])

    return Pack(
        organization=org.name, cycle=cycle, year=year, made_on=today,
        figures_on=as_of(cycle, today), from_store=from_store,
        vision=Vision.objects.filter(pk=1).first(),
        breakthroughs=list(Breakthrough.objects.filter(archived_at__isnull=True)
                           .order_by("key")),
        annuals=annuals, themes=_themes(cycle, figs, today), xmatrix_svg=svg,
        status_counts=[(s, label, kr_status[s]) for s, label in STATUSES],
        objective_count=sum(1 for kind, _ in figs if kind == K.OBJECTIVE),
        trade_offs=list(TradeOff.objects.filter(cycle=cycle).select_related("decided_by")
                        .order_by("created_at", "id")),
        decisions=list(decisions_qs[:DECISIONS_SHOWN]), decision_count=decisions_qs.count(),
        continued=all_decisions.filter(kind=Decision.Kind.CONTINUE).count(),
        flag_counts=[(FLAG_LABELS.get(code, code), n) for code, n in flag_counts.most_common()],
        flags=flags, flag_count=sum(flag_counts.values()),
        late=[(d, dependencies.consumer_of(d)) for d in late_qs[:DEPENDENCIES_SHOWN]],
        late_count=late_qs.count(),
        record=bands, record_quarters=quarters)
