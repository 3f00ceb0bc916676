"""The strategic timeline: for each breakthrough and its annual objectives, the quarterly
objectives that served them, quarter by quarter (closed, running and drafted), with their
results. The Hoshin view across time that the X-matrix, one year at a time, cannot show."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import F, Sum
from django.shortcuts import render

from hoshin.closing.grading import status as grade_status
from hoshin.closing.models import Grade
from hoshin.okrs.models import Cycle, Objective
from hoshin.okrs.rows import STATUS_LABELS
from hoshin.okrs.selectors import chains
from hoshin.strategy.models import AnnualObjective, Breakthrough, BreakthroughCorrelation
from hoshin.web.strategy.elements import objective_figures

# A cell lists this many objectives and counts the rest: at 20,000 people an annual
# objective is served by hundreds each quarter.
SHOWN = 6


@dataclass
class Result:
    objective: Objective
    status: str           # on_track, at_risk, off_track, no_data, or "drafted"
    words: str            # "grade 0.7", "64 %", "drafted"

    @property
    def label(self) -> str:
        return "Drafted" if self.status == "drafted" else STATUS_LABELS.get(self.status, "")


@dataclass
class Cell:
    cycle: Cycle
    results: list[Result] = field(default_factory=list)

    @property
    def shown(self) -> list[Result]:
        return self.results[:SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.results) - SHOWN)

    @property
    def counts(self) -> dict[str, int]:
        tally: dict[str, int] = defaultdict(int)
        for r in self.results:
            tally[r.status] += 1
        return dict(tally)


@dataclass
class Row:
    annual: AnnualObjective
    cells: list[Cell]


@dataclass
class Band:
    breakthrough: Breakthrough | None
    rows: list[Row]


def _graded(objectives: list[Objective]) -> dict[int, float]:
    """Each graded objective's grade: its key results' grades weighted as its progress is."""
    rows = (Grade.objects.filter(key_result__objective__in=objectives,
                                 key_result__archived_at__isnull=True)
            .values("key_result__objective_id")
            .annotate(weighted=Sum(F("grade") * F("key_result__weight")),
                      weights=Sum("key_result__weight")))
    return {r["key_result__objective_id"]: r["weighted"] / r["weights"]
            for r in rows if r["weights"]}


def result_of(objective: Objective, grades: dict[int, float],
              live: dict[int, tuple[float | None, str]]) -> Result:
    state = objective.cycle.state
    if state in (Cycle.State.DRAFT, Cycle.State.PLANNING):
        return Result(objective, "drafted", "drafted")
    if objective.pk in grades:
        grade = round(grades[objective.pk], 1)
        return Result(objective, grade_status(grade, objective.kind), f"grade {grade:.1f}")
    progress, status = live.get(objective.pk, (None, "no_data"))
    words = "no data" if progress is None else f"{round(progress * 100)} %"
    return Result(objective, status, words)


def timeline(years: list[int] | None = None) -> tuple[list[Band], list[Cycle]]:
    annuals = list(AnnualObjective.objects.filter(archived_at__isnull=True)
                   .order_by("year", "key"))
    if years:
        annuals = [a for a in annuals if a.year in years]
    quarters = list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
                    .order_by("start"))
    objectives = list(Objective.objects.filter(cycle__in=quarters, archived_at__isnull=True)
                      .select_related("unit", "cycle").order_by("unit__name", "key"))
    served = {pk: [item["key"] for level in levels for item in level
                   if item["kind"] == "Annual objective"]
              for pk, levels in chains(objectives).items()}
    wanted = {a.key for a in annuals}
    objectives = [o for o in objectives if wanted & set(served[o.pk])]
    serving_quarters = {o.cycle_id for o in objectives}
    used_quarters = [q for q in quarters if q.pk in serving_quarters]
    graded = _graded([o for o in objectives if o.cycle.state == Cycle.State.CLOSED])
    live = objective_figures([o for o in objectives if o.cycle.state in (Cycle.State.ACTIVE,
                                                              Cycle.State.CLOSED)
                  and o.pk not in graded])
    cells: dict[tuple[str, int], Cell] = {}
    for o in objectives:
        for key in served[o.pk]:
            if key in wanted:
                cells.setdefault((key, o.cycle_id), Cell(o.cycle)).results.append(
                    result_of(o, graded, live))
    links = defaultdict(list)
    for annual_id, breakthrough in (BreakthroughCorrelation.objects
                                    .filter(annual_objective__in=annuals)
                                    .select_related("breakthrough")
                                    .order_by("breakthrough__key")
                                    .values_list("annual_objective_id", "breakthrough")):
        links[annual_id].append(breakthrough)
    breakthroughs = Breakthrough.objects.in_bulk({b for ids in links.values() for b in ids})
    bands: dict[int | None, Band] = {}
    for annual in annuals:
        row = Row(annual, [cells.get((annual.key, q.pk), Cell(q)) for q in used_quarters])
        for b_id in links.get(annual.pk) or [None]:
            band = bands.setdefault(b_id, Band(breakthroughs.get(b_id), []))
            band.rows.append(row)
    ordered = sorted(bands.values(), key=lambda b: (b.breakthrough is None,
                                                    b.breakthrough.key if b.breakthrough else ""))
    return ordered, used_quarters


@login_required
def timeline_page(request):
    year = request.GET.get("year") or ""
    years = [int(year)] if year.isdigit() else None
    bands, quarters = timeline(years)
    all_years = sorted(set(AnnualObjective.objects.filter(archived_at__isnull=True)
                           .values_list("year", flat=True)))
    return render(request, "web/timeline.html", {
        "nav": "strategy", "bands": bands, "quarters": quarters, "year": year,
        "years": all_years})
