"""Progress and status read from the database: builds the engine's plain inputs with a
fixed number of queries (never one per key result) and returns plain results."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from hoshin.core import clock
from hoshin.core.memory import no_cycle_collection
from hoshin.engine.progress import assess
from hoshin.engine.rollup import compute_tree, node_to_dict, rollup
from hoshin.engine.types import CheckInPoint, Kind, KRSnapshot, Node, Phase, Status, Step
from hoshin.okrs.models import CheckIn, Cycle, KeyResult, MilestoneStep, Objective, Theme
from hoshin.okrs.models import Phase as PhaseRow
from hoshin.okrs.rules import fiscal_year_of
from hoshin.org.models import Organization, Unit
from hoshin.org.selectors import subtree_ids
from hoshin.strategy.models import (
    STRENGTH_WEIGHT,
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
    PriorityCorrelation,
    Vision,
)

STAY_KINDS = (KeyResult.Kind.STAY_ABOVE, KeyResult.Kind.STAY_BELOW)


@dataclass(frozen=True)
class KRState:
    progress: float | None  # unclamped, as shown to people
    expected: float | None
    status: Status
    last_checkin: dt.date | None
    confidence: int | None


def active_key_results(today: dt.date) -> QuerySet:
    """The live key results of the active quarters that run on `today`."""
    cycles = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE,
                                  start__lte=today, end__gte=today, archived_at__isnull=True)
    return KeyResult.objects.filter(objective__cycle__in=cycles, archived_at__isnull=True,
                                    objective__archived_at__isnull=True)


def as_of(cycle: Cycle, today: dt.date | None = None) -> dt.date:
    """Status of a finished cycle is read at its end, not against today's calendar."""
    today = today or clock.today()
    return min(today, cycle.end)


# The key-result columns every snapshot needs; callers may ask for more in the same query.
SNAPSHOT_FIELDS = ("id", "kind", "baseline", "target", "weight", "last_checkin__date",
                   "last_checkin__value", "last_checkin__confidence", "last_checkin__blockers")
_KINDS = {kind.value: kind for kind in Kind}
_NONE = ()
# Up to this many key results are passed to later queries as a list of ids, well under
# SQLite's limit on query parameters.
MATERIALIZE_LIMIT = 5000


class SnapshotBuilder:
    """What the engine needs beyond a key result's own row, for a whole queryset of key
    results at once: check-in counts of the stay_* kinds, milestone steps and the steps
    done at the latest check-in, phased targets. Four queries, whatever the size."""

    def __init__(self, key_results: QuerySet, materialize: bool = True):
        # The models' default ordering joins cycles and units only to sort; nothing here
        # needs an order but the steps'. A small selection is read once as ids: its filter
        # (often an OR no index serves) then runs once instead of in every query below.
        key_results = key_results.order_by()
        if materialize:
            ids = list(key_results.values_list("id", flat=True))
            if len(ids) <= MATERIALIZE_LIMIT:
                key_results = KeyResult.objects.filter(id__in=ids).order_by()
        self.key_results = key_results
        self.counts = {
            r["key_result_id"]: r for r in CheckIn.objects
            .filter(key_result__in=key_results.filter(kind__in=STAY_KINDS).values("id"))
            .order_by().values("key_result_id")
            .annotate(n=Count("id"),
                      above=Count("id", filter=Q(value__gte=F("key_result__target"))),
                      below=Count("id", filter=Q(value__lte=F("key_result__target"))))
        }
        milestones = key_results.filter(kind=KeyResult.Kind.MILESTONE)
        self.steps: dict[int, list[Step]] = defaultdict(list)
        for kr_id, key, weight in (MilestoneStep.objects
                                   .filter(key_result__in=milestones.values("id"))
                                   .order_by("key_result_id", "order", "id")
                                   .values_list("key_result_id", "key", "weight")):
            self.steps[kr_id].append(Step(key, weight))
        # Only milestones look at the steps done; decoding that JSON for every key result
        # would cost more than the rest of the row.
        self.steps_done = dict(milestones.filter(last_checkin__isnull=False)
                               .values_list("id", "last_checkin__steps_done"))
        self.phases: dict[int, list[Phase]] = defaultdict(list)
        for kr_id, day, target in (PhaseRow.objects.filter(key_result__in=key_results.values("id"))
                                   .order_by("key_result_id", "date")
                                   .values_list("key_result_id", "date", "target")):
            self.phases[kr_id].append(Phase(day, target))

    def snapshot(self, row: dict) -> KRSnapshot:
        """The engine's view of one key result from a row with SNAPSHOT_FIELDS."""
        kr_id = row["id"]
        last = None
        if row["last_checkin__date"] is not None:
            last = CheckInPoint(
                date=row["last_checkin__date"], value=row["last_checkin__value"],
                confidence=row["last_checkin__confidence"],
                steps_done=frozenset(self.steps_done.get(kr_id) or _NONE),
                has_blockers=bool(row["last_checkin__blockers"] and
                                  row["last_checkin__blockers"].strip()))
        count = self.counts.get(kr_id)
        n = in_zone = 0
        if count:
            n = count["n"]
            in_zone = count["above"] if row["kind"] == KeyResult.Kind.STAY_ABOVE else count["below"]
        elif last is not None:
            n = 1
        return KRSnapshot(
            kind=_KINDS[row["kind"]], baseline=row["baseline"], target=row["target"],
            weight=row["weight"], steps=tuple(self.steps.get(kr_id, _NONE)),
            phases=tuple(self.phases.get(kr_id, _NONE)), last=last, checkins=n, in_zone=in_zone)


def snapshots(key_results: QuerySet) -> dict[int, KRSnapshot]:
    """Engine inputs for every key result in the queryset, in five queries."""
    builder = SnapshotBuilder(key_results)
    return {row["id"]: builder.snapshot(row)
            for row in builder.key_results.values(*SNAPSHOT_FIELDS)}


def evaluate(snapshot: KRSnapshot, cycle: Cycle, today: dt.date | None = None) -> KRState:
    result = assess(snapshot, cycle.start, cycle.end, as_of(cycle, today))
    return KRState(
        progress=result.progress,
        expected=result.expected,
        status=result.status,
        last_checkin=snapshot.last.date if snapshot.last else None,
        confidence=snapshot.last.confidence if snapshot.last else None,
    )


def key_result_states(key_results: QuerySet, today: dt.date | None = None) -> dict[int, KRState]:
    """Progress and status of each key result in the queryset (any mix of cycles)."""
    builder = SnapshotBuilder(key_results)
    rows = list(builder.key_results.values(*SNAPSHOT_FIELDS, "objective__cycle_id"))
    cycles = {c.pk: c for c in Cycle.objects.filter(
        id__in={row["objective__cycle_id"] for row in rows})}
    return {row["id"]: evaluate(builder.snapshot(row), cycles[row["objective__cycle_id"]], today)
            for row in rows}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@no_cycle_collection()
def alignment_tree(cycle: Cycle, today: dt.date | None = None, unit: Unit | None = None, *,
                   live: bool = False) -> Node:
    """The whole chain of a cycle: vision → breakthroughs → annual objectives →
    improvement priorities and themes → objectives → key results, with progress and
    status rolled up at every node. With `unit`, only that unit's (and its sub-units')
    objectives are kept, and branches left empty are pruned. The whole cycle's key results
    are read from the stored roll-up (okrs/rollups.py) when it holds today's figures,
    unless `live` (the full recomputation the store is checked against)."""
    return _tree(cycle, today, unit, live=live)


BRANCH_TYPES = ("annual_objective", "improvement_priority", "theme", "objective")


@no_cycle_collection()
def alignment_branch(cycle: Cycle, node_type: str, key: str, today: dt.date | None = None,
                     unit: Unit | None = None) -> Node | None:
    """One branch of `alignment_tree(cycle, today, unit)` (its first place in reading
    order), with the same progress and status, reading only the key results under it:
    opening a branch of a large map costs what the branch holds, not the whole cycle.
    None when the cycle's tree has no such branch."""
    root = _tree(cycle, today, unit, branch=(node_type, key))
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == node_type and node.id == key:
            return node
        stack.extend(reversed(node.children))
    return None


def _placement(row: dict, in_cycle) -> tuple[str, int] | None:
    """Where an objective hangs in the tree, in this order of precedence: under its parent
    objective of the same cycle, else its priority, theme or annual objective."""
    if row["parent_objective_id"] in in_cycle:
        return ("objective", row["parent_objective_id"])
    if row["parent_priority_id"]:
        return ("priority", row["parent_priority_id"])
    if row["parent_theme_id"]:
        return ("theme", row["parent_theme_id"])
    if row["parent_annual_id"]:
        return ("annual", row["parent_annual_id"])
    return None


def _branch_objectives(branch: tuple[str, str], rows: list[dict], places: dict, year: int,
                       cycle: Cycle) -> set[int] | None:
    """Ids of the objectives inside a branch (None: the whole cycle's)."""
    node_type, key = branch
    tops: set[tuple[str, int]] = set()
    if node_type == "objective":
        tops = {("objective-itself", o["id"]) for o in rows if o["key"] == key}
    elif node_type == "improvement_priority":
        tops = {("priority", pk) for pk in ImprovementPriority.objects.filter(
            key=key, year=year, archived_at__isnull=True).values_list("id", flat=True)}
    elif node_type == "theme":
        tops = {("theme", pk) for pk in Theme.objects.filter(
            key=key, cycle=cycle, archived_at__isnull=True).values_list("id", flat=True)}
    elif node_type == "annual_objective":
        annual = AnnualObjective.objects.filter(key=key, year=year, archived_at__isnull=True)
        tops = {("annual", pk) for pk in annual.values_list("id", flat=True)}
        tops |= {("priority", pk) for pk in PriorityCorrelation.objects.filter(
            annual_objective__in=annual).values_list("priority_id", flat=True)}
        tops |= {("theme", pk) for pk in Theme.annual_objectives.through.objects.filter(
            annualobjective__in=annual).values_list("theme_id", flat=True)}
    else:
        return None
    children: dict[int, list[int]] = defaultdict(list)
    stack = []
    for o in rows:
        place = places[o["id"]]
        if place is not None and place[0] == "objective":
            children[place[1]].append(o["id"])
        if place in tops or ("objective-itself", o["id"]) in tops:
            stack.append(o["id"])
    ids: set[int] = set()
    while stack:
        oid = stack.pop()
        if oid not in ids:
            ids.add(oid)
            stack.extend(children.get(oid, ()))
    return ids


def _stored_leaves(cycle: Cycle, today: dt.date | None, krs_qs: QuerySet) -> list[Node] | None:
    """The key-result nodes of the whole cycle, in the order `_tree` makes them, from the
    stored roll-up: no snapshots, no engine. None unless it holds today's figures of every
    key result."""
    from hoshin.okrs import rollups

    figures = rollups.key_result_figures(cycle, today)
    if figures is None:
        return None
    rows = list(krs_qs.order_by("id").values("id", "key", "title", "weight", "kind",
                                             "objective_id", "owner__email"))
    if any(kr["id"] not in figures for kr in rows):
        return None  # changed in this very transaction: computed instead
    leaves = []
    for kr in rows:
        progress, expected, status, last = figures[kr["id"]]
        leaves.append((kr["objective_id"], Node(
            id=kr["key"], type="key_result", title=kr["title"], weight=kr["weight"],
            progress=progress, status=status, leaf=True,
            extra={"kind": kr["kind"], "owner": kr["owner__email"],
                   "expected": _round(expected),
                   "last_checkin": last.isoformat() if last else None})))
    return leaves


def _live_leaves(cycle: Cycle, on: dt.date, krs_qs: QuerySet, objective_nodes: dict,
                 wanted: set[int] | None) -> None:
    """The key-result nodes computed from their snapshots, hung under their objectives."""
    builder = SnapshotBuilder(krs_qs, materialize=False)
    # In id order, as the default ordering lists each objective's key results.
    for kr in krs_qs.order_by("id").values(*SNAPSHOT_FIELDS, "key", "title", "objective_id",
                                           "owner__email"):
        if wanted is not None and kr["objective_id"] not in wanted:
            continue
        snap = builder.snapshot(kr)
        result = assess(snap, cycle.start, cycle.end, on)
        node = Node(
            id=kr["key"], type="key_result", title=kr["title"], weight=kr["weight"],
            progress=result.progress, status=result.status, leaf=True,
            extra={"kind": kr["kind"], "owner": kr["owner__email"],
                   "expected": _round(result.expected),
                   "last_checkin": snap.last.date.isoformat() if snap.last else None})
        objective_nodes[kr["objective_id"]].children.append(node)


def _tree(cycle: Cycle, today: dt.date | None, unit: Unit | None,
          branch: tuple[str, str] | None = None, live: bool = False) -> Node:
    """The alignment tree; with `branch`, key results are read only inside that branch
    (every other node's figures are then incomplete: callers keep the branch only)."""
    org = Organization.current()
    year = fiscal_year_of(cycle.start, org.fiscal_year_start)
    vision = Vision.objects.filter(pk=1).first()
    root = Node(id="vision", type="vision",
                title=vision.statement if vision else org.name)

    objectives_qs = Objective.objects.filter(cycle=cycle, archived_at__isnull=True)
    if unit is not None:
        objectives_qs = objectives_qs.filter(unit_id__in=subtree_ids(unit))
    krs_qs = KeyResult.objects.filter(objective__in=objectives_qs.values("id"),
                                      archived_at__isnull=True)

    objective_nodes: dict[int, Node] = {}
    objective_rows = list(objectives_qs.values(
        "id", "key", "title", "kind", "unit__key", "parent_annual_id", "parent_priority_id",
        "parent_theme_id", "parent_objective_id"))
    for o in objective_rows:
        objective_nodes[o["id"]] = Node(id=o["key"], type="objective", title=o["title"],
                                        extra={"unit": o["unit__key"], "kind": o["kind"]})
    places = {o["id"]: _placement(o, objective_nodes) for o in objective_rows}
    wanted = None
    if branch is not None:
        wanted = _branch_objectives(branch, objective_rows, places, year, cycle)
        if wanted is not None and len(wanted) <= MATERIALIZE_LIMIT:
            krs_qs = krs_qs.filter(objective_id__in=wanted)
    on = as_of(cycle, today)
    stored = None if live or unit is not None or branch is not None else \
        _stored_leaves(cycle, today, krs_qs)
    for objective_id, node in stored or ():
        objective_nodes[objective_id].children.append(node)
    if stored is None:
        _live_leaves(cycle, on, krs_qs, objective_nodes, wanted)

    by_parent: dict[tuple[str, int], list[Node]] = defaultdict(list)
    unlinked: list[Node] = []
    child_weight = 1.0 if org.include_child_objectives else 0.0
    for o in objective_rows:
        node = objective_nodes[o["id"]]
        place = places[o["id"]]
        if place is None:
            unlinked.append(node)
            continue
        if place[0] == "objective":
            node.weight = child_weight
            objective_nodes[place[1]].children.append(node)
        else:
            by_parent[place].append(node)

    priority_nodes = {}
    for p in ImprovementPriority.objects.filter(year=year, archived_at__isnull=True).values(
            "id", "key", "title", "unit__key"):
        priority_nodes[p["id"]] = Node(id=p["key"], type="improvement_priority", title=p["title"],
                                       children=by_parent.get(("priority", p["id"]), []),
                                       extra={"unit": p["unit__key"]})
    theme_nodes = {}
    for t in Theme.objects.filter(cycle=cycle, archived_at__isnull=True).values(
            "id", "key", "title"):
        theme_nodes[t["id"]] = Node(id=t["key"], type="theme", title=t["title"],
                                    children=by_parent.get(("theme", t["id"]), []))
    annual_nodes = {}
    for a in AnnualObjective.objects.filter(year=year, archived_at__isnull=True).values(
            "id", "key", "title"):
        annual_nodes[a["id"]] = Node(id=a["key"], type="annual_objective", title=a["title"],
                                     children=list(by_parent.get(("annual", a["id"]), [])))
    linked_priorities: set[int] = set()
    for annual_id, priority_id, strength in PriorityCorrelation.objects.filter(
            annual_objective_id__in=annual_nodes, priority_id__in=priority_nodes).values_list(
            "annual_objective_id", "priority_id", "strength"):
        # A priority serving two annual objectives shows under both, weighted by strength.
        shared = priority_nodes[priority_id]
        annual_nodes[annual_id].children.append(_weighted_view(shared, STRENGTH_WEIGHT[strength]))
        linked_priorities.add(priority_id)
    linked_themes: set[int] = set()
    for theme_id, annual_id in Theme.annual_objectives.through.objects.filter(
            theme_id__in=theme_nodes, annualobjective_id__in=annual_nodes).values_list(
            "theme_id", "annualobjective_id"):
        annual_nodes[annual_id].children.append(_weighted_view(theme_nodes[theme_id], 1.0))
        linked_themes.add(theme_id)

    linked_annuals: set[int] = set()
    breakthrough_nodes = {}
    for b in Breakthrough.objects.filter(archived_at__isnull=True).values("id", "key", "title"):
        breakthrough_nodes[b["id"]] = Node(id=b["key"], type="breakthrough", title=b["title"])
    for b_id, a_id, strength in BreakthroughCorrelation.objects.filter(
            breakthrough_id__in=breakthrough_nodes, annual_objective_id__in=annual_nodes
    ).values_list("breakthrough_id", "annual_objective_id", "strength"):
        breakthrough_nodes[b_id].children.append(
            _weighted_view(annual_nodes[a_id], STRENGTH_WEIGHT[strength]))
        linked_annuals.add(a_id)

    root.children.extend(breakthrough_nodes.values())
    # Whatever is not linked upward still shows, at the top, so gaps are visible.
    root.children.extend(n for i, n in annual_nodes.items() if i not in linked_annuals)
    root.children.extend(n for i, n in priority_nodes.items() if i not in linked_priorities)
    root.children.extend(n for i, n in theme_nodes.items() if i not in linked_themes)
    root.children.extend(unlinked)
    if unit is not None:
        _prune(root)
    compute_tree(root)
    return root


@no_cycle_collection()
def strategy_statuses(cycle: Cycle, today: dt.date | None = None) -> dict[str, Status]:
    """Status of each annual objective and improvement priority of the cycle's fiscal year,
    the same as in `alignment_tree(cycle, today)`, without building the tree: no titles,
    keys or owners of the thousands of objectives and key results, no nodes, only the
    numbers the roll-up needs (SPEC §3.8, the X-matrix tints). A fixed number of queries."""
    org = Organization.current()
    year = fiscal_year_of(cycle.start, org.fiscal_year_start)
    child_weight = 1.0 if org.include_child_objectives else 0.0
    objectives_qs = Objective.objects.filter(cycle=cycle, archived_at__isnull=True)
    rows = list(objectives_qs.order_by().values_list(
        "id", "parent_objective_id", "parent_priority_id", "parent_theme_id", "parent_annual_id"))
    in_cycle = {row[0] for row in rows}
    child_objectives: dict[int, list[int]] = defaultdict(list)
    by_priority: dict[int, list[int]] = defaultdict(list)
    by_theme: dict[int, list[int]] = defaultdict(list)
    by_annual: dict[int, list[int]] = defaultdict(list)
    for oid, parent_objective, priority, theme, annual in rows:
        # The same placement, in the same order of precedence, as alignment_tree.
        if parent_objective in in_cycle:
            child_objectives[parent_objective].append(oid)
        elif priority:
            by_priority[priority].append(oid)
        elif theme:
            by_theme[theme].append(oid)
        elif annual:
            by_annual[annual].append(oid)

    krs_qs = KeyResult.objects.filter(objective__in=objectives_qs.values("id"),
                                      archived_at__isnull=True)
    builder = SnapshotBuilder(krs_qs, materialize=False)
    on = as_of(cycle, today)
    kr_children: dict[int, list[tuple[float, float | None, Status]]] = defaultdict(list)
    for row in krs_qs.order_by().values(*SNAPSHOT_FIELDS, "objective_id"):
        result = assess(builder.snapshot(row), cycle.start, cycle.end, on)
        kr_children[row["objective_id"]].append((row["weight"], result.progress, result.status))

    done: dict[int, tuple[float | None, Status]] = {}

    def objective_result(top: int) -> tuple[float | None, Status]:
        # Post-order without recursion: a cascade of objectives may be deep.
        stack = [(top, False)]
        while stack:
            oid, expanded = stack.pop()
            if expanded:
                children = list(kr_children.get(oid, ()))
                children.extend((child_weight, *done[c]) for c in child_objectives.get(oid, ()))
                done[oid] = rollup(children)
            elif oid not in done:
                stack.append((oid, True))
                stack.extend((c, False) for c in child_objectives.get(oid, ()))
        return done[top]

    def under(objective_ids: list[int]) -> list[tuple[float, float | None, Status]]:
        return [(1.0, *objective_result(o)) for o in objective_ids]

    statuses: dict[str, Status] = {}
    priorities: dict[int, tuple[float | None, Status]] = {}
    for pid, key in ImprovementPriority.objects.filter(
            year=year, archived_at__isnull=True).values_list("id", "key"):
        priorities[pid] = rollup(under(by_priority.get(pid, [])))
        statuses[key] = priorities[pid][1]
    themes = {tid: rollup(under(by_theme.get(tid, []))) for tid in Theme.objects.filter(
        cycle=cycle, archived_at__isnull=True).values_list("id", flat=True)}
    annuals = dict(AnnualObjective.objects.filter(year=year, archived_at__isnull=True)
                   .values_list("id", "key"))
    annual_children = {aid: under(by_annual.get(aid, [])) for aid in annuals}
    for annual_id, priority_id, strength in PriorityCorrelation.objects.filter(
            annual_objective_id__in=annuals, priority_id__in=priorities).values_list(
            "annual_objective_id", "priority_id", "strength"):
        annual_children[annual_id].append((STRENGTH_WEIGHT[strength], *priorities[priority_id]))
    for theme_id, annual_id in Theme.annual_objectives.through.objects.filter(
            theme_id__in=themes, annualobjective_id__in=annuals).values_list(
            "theme_id", "annualobjective_id"):
        annual_children[annual_id].append((1.0, *themes[theme_id]))
    for aid, key in annuals.items():
        statuses[key] = rollup(annual_children[aid])[1]
    return statuses


@no_cycle_collection()
def alignment_tree_data(cycle: Cycle, today: dt.date | None = None,
                        unit: Unit | None = None, *, live: bool = False) -> dict:
    """The alignment tree as nested {"id", "type", "title", "progress", "status",
    "children"} dicts, ready for JSON (the API, `hoshin tree --format json`)."""
    return node_to_dict(alignment_tree(cycle, today, unit, live=live))


def _weighted_view(node: Node, weight: float) -> Node:
    """The same subtree seen under another parent with its own correlation weight."""
    view = Node(id=node.id, type=node.type, title=node.title, weight=weight,
                children=node.children, extra=node.extra)
    return view


def _prune(node: Node) -> bool:
    """Drop branches without objectives; True when the node should stay."""
    if node.type in ("objective", "key_result"):
        return True
    node.children = [c for c in node.children if _prune(c)]
    return bool(node.children) or node.type == "vision"
