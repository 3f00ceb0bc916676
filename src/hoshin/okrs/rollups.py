"""The stored roll-up: progress and status of every key result, objective, improvement
priority, theme, annual objective, breakthrough and the vision of each running quarter,
kept in `RollupRow` so whole-quarter pages read it instead of recomputing the cycle.

* **What it holds.** The figures `progress.alignment_tree(cycle, today)` computes (the
  same engine, `engine.progress.assess` and `engine.rollup.rollup`), for the day in the
  cycle's `RollupMark`. Rows are read only while that day is the cycle's day today
  (`progress.as_of`); otherwise readers compute live, as before, so a stale store is
  never shown.
* **Kept up to date incrementally.** A check-in (`CheckInRecorded`, after commit) and a
  change of the plan (post_save of key results, their steps and phases, objectives,
  themes, strategy items and their links; collected per transaction and applied once it
  commits) recompute only the chain they touch: the key result, its objective and the
  objectives above it, stopping where a figure does not change, then the strategy layer
  (a hundred or so items) from the stored top objectives.
* **The clock.** Expected pace and silence move with the date, so the daily job
  (`refresh-rollup`, web/jobs.py) rebuilds each running quarter for the new day, and a
  nightly check (`check-rollup`) compares every row with a full recomputation, logs
  and repairs any difference.
* **Rebuilt whole** by `hoshin rollup`, after a plan-file import (`import_plan`, so
  `hoshin import` and `hoshin demo`), after `hoshin restore`, when a quarter becomes
  active and when the organisation's roll-up settings or a cycle's dates change.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, F, Q

from hoshin.core import bulk, clock
from hoshin.engine.progress import assess
from hoshin.engine.rollup import rollup
from hoshin.engine.types import Node, Status
from hoshin.okrs.models import Cycle, KeyResult, Objective, RollupMark, RollupRow, Theme
from hoshin.okrs.progress import SNAPSHOT_FIELDS, KRState, SnapshotBuilder, alignment_tree, as_of
from hoshin.okrs.rules import fiscal_year_of
from hoshin.org.models import Organization
from hoshin.strategy.models import (
    STRENGTH_WEIGHT,
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
    PriorityCorrelation,
)

log = logging.getLogger(__name__)

K = RollupRow.Kind
FIGURES = ("weight", "progress", "expected", "status", "last_checkin", "confidence",
           "parent_kind", "parent_id")
# A change touching more than this many key results and objectives is applied by
# rebuilding the cycle: walking that many chains costs more than one pass.
REBUILD_ABOVE = 2000
UPPER = (K.PRIORITY, K.THEME, K.ANNUAL, K.BREAKTHROUGH, K.VISION)


def stored_cycles() -> list[Cycle]:
    """The cycles whose roll-up is kept: the running quarters."""
    return list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE,
                                     archived_at__isnull=True))


# Computing --------------------------------------------------------------------------------


def _place(parent_objective, priority, theme, annual, live: set[int]) -> tuple[str, int | None]:
    """Where an objective hangs, as progress._placement decides it."""
    if parent_objective in live:
        return K.OBJECTIVE, parent_objective
    if priority:
        return K.PRIORITY, priority
    if theme:
        return K.THEME, theme
    if annual:
        return K.ANNUAL, annual
    return "", None


def _kr_figures(key_results, cycle: Cycle, on: dt.date) -> dict[int, dict]:
    """Each key result's stored figures, in the few queries of a SnapshotBuilder."""
    builder = SnapshotBuilder(key_results)
    figures = {}
    for row in builder.key_results.values(*SNAPSHOT_FIELDS, "objective_id"):
        snap = builder.snapshot(row)
        result = assess(snap, cycle.start, cycle.end, on)
        figures[row["id"]] = {
            "parent_kind": K.OBJECTIVE, "parent_id": row["objective_id"],
            "weight": row["weight"], "progress": result.progress,
            "expected": result.expected, "status": str(result.status),
            "last_checkin": snap.last.date if snap.last else None,
            "confidence": snap.last.confidence if snap.last else None}
    return figures


def _objective_figures(children, child_weight: float) -> tuple[float | None, str]:
    """An objective from its children's rows: key results by their weight, child
    objectives by the organisation's child weight."""
    progress, status = rollup([(child["weight"] if child["kind"] == K.KEY_RESULT else child_weight,
                                child["progress"], Status(child["status"]))
                               for child in children])
    return progress, str(status)


def _upper(cycle: Cycle, tops: list[dict], org: Organization) -> dict[tuple[str, int], dict]:
    """Priorities, themes, annual objectives, breakthroughs and the vision from the top
    objectives' figures, exactly as alignment_tree hangs and weighs them."""
    year = fiscal_year_of(cycle.start, org.fiscal_year_start)
    under: dict[tuple[str, int | None], list] = defaultdict(list)
    for top in tops:
        under[(top["parent_kind"], top["parent_id"])].append(
            (1.0, top["progress"], Status(top["status"])))
    out: dict[tuple[str, int], dict] = {}

    def put(kind, item_id, children, parent_kind="", parent_id=None):
        progress, status = rollup(children)
        out[(kind, item_id)] = {"progress": progress, "status": Status(status),
                                "parent_kind": parent_kind, "parent_id": parent_id}
        return progress, Status(status)

    priorities = {pid: put(K.PRIORITY, pid, under[(K.PRIORITY, pid)]) for pid in
                  ImprovementPriority.objects.filter(year=year, archived_at__isnull=True)
                  .values_list("id", flat=True)}
    themes = {tid: put(K.THEME, tid, under[(K.THEME, tid)]) for tid in
              Theme.objects.filter(cycle=cycle, archived_at__isnull=True)
              .values_list("id", flat=True)}
    annual_ids = list(AnnualObjective.objects.filter(year=year, archived_at__isnull=True)
                      .values_list("id", flat=True))
    annual_children = {aid: list(under[(K.ANNUAL, aid)]) for aid in annual_ids}
    linked: set[tuple[str, int]] = set()
    for annual_id, priority_id, strength in PriorityCorrelation.objects.filter(
            annual_objective_id__in=annual_ids, priority_id__in=priorities).values_list(
            "annual_objective_id", "priority_id", "strength"):
        annual_children[annual_id].append((STRENGTH_WEIGHT[strength], *priorities[priority_id]))
        linked.add((K.PRIORITY, priority_id))
    for theme_id, annual_id in Theme.annual_objectives.through.objects.filter(
            theme_id__in=themes, annualobjective_id__in=annual_ids).values_list(
            "theme_id", "annualobjective_id"):
        annual_children[annual_id].append((1.0, *themes[theme_id]))
        linked.add((K.THEME, theme_id))
    annuals = {aid: put(K.ANNUAL, aid, children) for aid, children in annual_children.items()}
    breakthrough_children: dict[int, list] = {
        bid: [] for bid in Breakthrough.objects.filter(archived_at__isnull=True)
        .values_list("id", flat=True)}
    for b_id, a_id, strength in BreakthroughCorrelation.objects.filter(
            breakthrough_id__in=breakthrough_children, annual_objective_id__in=annuals
    ).values_list("breakthrough_id", "annual_objective_id", "strength"):
        breakthrough_children[b_id].append((STRENGTH_WEIGHT[strength], *annuals[a_id]))
        linked.add((K.ANNUAL, a_id))
    top_level = [(1.0, *put(K.BREAKTHROUGH, bid, children))
                 for bid, children in breakthrough_children.items()]
    for kind, figures in ((K.ANNUAL, annuals), (K.PRIORITY, priorities), (K.THEME, themes)):
        top_level.extend((1.0, *value) for item_id, value in figures.items()
                         if (kind, item_id) not in linked)
    top_level.extend(under[("", None)])
    put(K.VISION, 0, top_level)
    return out


def compute(cycle: Cycle, today: dt.date | None = None) -> dict[tuple[str, int], dict]:
    """Every item's figures for the cycle, computed from the plan: {(kind, id): figures}."""
    on = as_of(cycle, today)
    org = Organization.current()
    child_weight = 1.0 if org.include_child_objectives else 0.0
    objectives_qs = Objective.objects.filter(cycle=cycle, archived_at__isnull=True)
    rows = list(objectives_qs.order_by().values_list(
        "id", "parent_objective_id", "parent_priority_id", "parent_theme_id", "parent_annual_id"))
    live = {row[0] for row in rows}
    out: dict[tuple[str, int], dict] = {}
    children: dict[int, list[dict]] = defaultdict(list)
    krs = KeyResult.objects.filter(objective__in=objectives_qs.values("id"),
                                   archived_at__isnull=True)
    for kr_id, figures in _kr_figures(krs, cycle, on).items():
        figures["kind"] = K.KEY_RESULT
        out[(K.KEY_RESULT, kr_id)] = figures
        children[figures["parent_id"]].append(figures)
    placed = {}
    child_objectives: dict[int, list[int]] = defaultdict(list)
    for oid, *parents in rows:
        placed[oid] = _place(*parents, live)
        if placed[oid][0] == K.OBJECTIVE:
            child_objectives[placed[oid][1]].append(oid)
    for top in rows:
        # Post-order without recursion: a cascade of objectives may be deep.
        stack = [(top[0], False)]
        while stack:
            oid, expanded = stack.pop()
            if expanded:
                progress, status = _objective_figures(
                    children[oid] + [out[(K.OBJECTIVE, c)] for c in child_objectives[oid]],
                    child_weight)
                out[(K.OBJECTIVE, oid)] = {
                    "kind": K.OBJECTIVE, "parent_kind": placed[oid][0],
                    "parent_id": placed[oid][1], "weight": 1.0, "progress": progress,
                    "status": status}
            elif (K.OBJECTIVE, oid) not in out:
                stack.append((oid, True))
                stack.extend((c, False) for c in child_objectives[oid])
    tops = [f for (kind, _), f in out.items()
            if kind == K.OBJECTIVE and f["parent_kind"] != K.OBJECTIVE]
    out.update(_upper(cycle, tops, org))
    return out


# Writing ----------------------------------------------------------------------------------


def _row(cycle: Cycle, kind: str, item_id: int, figures: dict) -> RollupRow:
    return RollupRow(cycle=cycle, kind=kind, item_id=item_id,
                     **{name: figures.get(name, RollupRow._meta.get_field(name).get_default())
                        for name in FIGURES})


def _upsert(cycle: Cycle, items: dict[tuple[str, int], dict]) -> None:
    if items:
        RollupRow.objects.bulk_create(
            [_row(cycle, kind, item_id, f) for (kind, item_id), f in items.items()],
            batch_size=500, update_conflicts=True, unique_fields=["cycle", "kind", "item_id"],
            update_fields=list(FIGURES))


def _prepared(cycle: Cycle, items: dict[tuple[str, int], dict]) -> bulk.Insert:
    rows = bulk.Insert(RollupRow)
    for (kind, item_id), f in items.items():
        rows.add(_row(cycle, kind, item_id, f))
    return rows


def _stamp() -> tuple[int, ...]:
    """The newest check-in and the newest history row of everything else the roll-up
    reads (every save of a key result, objective, step, phase, theme, strategy item, link,
    cycle or the organisation writes one): a change since shows as a larger id."""
    from django.db.models import Max

    from hoshin.okrs.models import CheckIn, MilestoneStep, Phase

    models = (KeyResult, Objective, MilestoneStep, Phase, Theme, ImprovementPriority,
              AnnualObjective, Breakthrough, PriorityCorrelation, BreakthroughCorrelation,
              Cycle, Organization)
    return (CheckIn.objects.aggregate(m=Max("id"))["m"] or 0,
            *(model.history.aggregate(m=Max("history_id"))["m"] or 0 for model in models))


def rebuild(cycle: Cycle, today: dt.date | None = None) -> int:
    """Recompute and store the whole roll-up of a cycle; returns the number of rows.

    On SQLite the figures are computed, and converted for the database, before the
    transaction: it holds SQLite's one write lock, and a quarter of ten thousand key
    results takes seconds to compute, during which every check-in would wait (issue #13).
    What committed meanwhile shows in `_stamp`: check-ins have their chains applied on
    top of the new rows; any other change is computed again inside, as on PostgreSQL
    (whose transactions lock only the mark, and whose ids may commit out of order, so
    the stamp could miss a change there)."""
    early = connection.vendor == "sqlite" and not transaction.get_connection().in_atomic_block
    started = time.perf_counter()
    before = _stamp() if early else None
    items = compute(cycle, today) if early else None
    rows = _prepared(cycle, items) if early else None
    locked = time.perf_counter()
    with transaction.atomic():
        mark, _ = RollupMark.objects.select_for_update().get_or_create(
            cycle=cycle, defaults={"as_of": as_of(cycle, today)})
        after = _stamp() if early else None
        if not early or after[1:] != before[1:]:
            items = compute(cycle, today)
            rows = _prepared(cycle, items)
        RollupRow.objects.filter(cycle=cycle).delete()
        rows.write()
        mark.as_of = as_of(cycle, today)
        mark.built_at = clock.now()
        mark.save()
        if early and after[0] != before[0] and after[1:] == before[1:]:
            from hoshin.okrs.models import CheckIn

            checked = set(CheckIn.objects.filter(
                id__gt=before[0], id__lte=after[0],
                key_result__objective__cycle=cycle).values_list("key_result_id", flat=True))
            if checked:
                _Chain(cycle, mark.as_of).run(checked, set(), False)
    log.info("roll-up of %s rebuilt: %d rows; computed in %.2f s, written in %.3f s",
             cycle.key, len(items), locked - started, time.perf_counter() - locked)
    return len(items)


def rebuild_all(today: dt.date | None = None) -> dict[str, int]:
    """Rebuild every running quarter and forget the roll-up of every other cycle."""
    cycles = stored_cycles()
    RollupMark.objects.exclude(cycle__in=cycles).delete()
    RollupRow.objects.exclude(cycle__in=cycles).delete()
    return {cycle.key: rebuild(cycle, today) for cycle in cycles}


def refresh(today: dt.date | None = None) -> list[str]:
    """The daily tick: rebuild each running quarter whose stored day is no longer today's
    (expected pace and silence moved); returns the keys rebuilt."""
    today = today or clock.today()
    cycles = stored_cycles()
    RollupMark.objects.exclude(cycle__in=cycles).delete()
    RollupRow.objects.exclude(cycle__in=cycles).delete()
    marks = dict(RollupMark.objects.values_list("cycle_id", "as_of"))
    done = []
    for cycle in cycles:
        if marks.get(cycle.pk) != as_of(cycle, today):
            rebuild(cycle, today)
            done.append(cycle.key)
    return done


def _same(a: dict, b: dict) -> bool:
    return all(a.get(name) == b.get(name) for name in ("progress", "status", "expected",
                                                       "parent_kind", "parent_id", "weight"))


def apply(cycle_id: int, key_results=(), objectives=(), upper: bool = False) -> bool:
    """Bring the stored roll-up of one cycle up to date after a change to the given key
    results and objectives (and, with `upper`, to the strategy layer): only their chains
    are recomputed. Does nothing (False) when the cycle's roll-up is not stored or is
    not today's, which the daily refresh rebuilds whole."""
    # On SQLite, looked at first outside a transaction: every transaction there takes the
    # one write lock, and a change to a cycle not stored, or not yet refreshed today, has
    # nothing to do. A rebuild that commits meanwhile applies what committed before it
    # (`rebuild`'s stamp). Not on PostgreSQL: there a rebuild computes while it holds the
    # mark, and a change committed meanwhile must wait for the mark to be applied after.
    if connection.vendor == "sqlite":
        mark = RollupMark.objects.select_related("cycle").filter(cycle_id=cycle_id).first()
        if mark is None or mark.as_of != as_of(mark.cycle):
            return False
    with transaction.atomic():
        mark = (RollupMark.objects.select_for_update().select_related("cycle")
                .filter(cycle_id=cycle_id).first())
        if mark is None:
            return False
        cycle = mark.cycle
        on = as_of(cycle)
        if mark.as_of != on:
            return False
        _Chain(cycle, on).run(set(key_results), set(objectives), upper)
        return True


@dataclass
class _Chain:
    cycle: Cycle
    on: dt.date
    walk: set[int] = field(default_factory=set)  # objectives to recompute from their children
    upper: bool = False
    org: Organization = field(default_factory=Organization.current)

    def rows(self, **filters):
        return RollupRow.objects.filter(cycle=self.cycle, **filters)

    def lift(self, parent_kind: str, parent_id: int | None) -> None:
        if parent_kind == K.OBJECTIVE:
            self.walk.add(parent_id)
        else:
            self.upper = True

    def run(self, key_results: set[int], objectives: set[int], upper: bool) -> None:
        self.upper = upper
        live_objectives = Objective.objects.filter(cycle=self.cycle, archived_at__isnull=True)
        if key_results:
            for parent_id in self.rows(kind=K.KEY_RESULT, item_id__in=key_results) \
                    .values_list("parent_id", flat=True):
                self.walk.add(parent_id)
            figures = _kr_figures(
                KeyResult.objects.filter(id__in=key_results, archived_at__isnull=True,
                                         objective__in=live_objectives.values("id")),
                self.cycle, self.on)
            if gone := key_results - figures.keys():
                self.rows(kind=K.KEY_RESULT, item_id__in=gone).delete()
            _upsert(self.cycle, {(K.KEY_RESULT, pk): f for pk, f in figures.items()})
            self.walk.update(f["parent_id"] for f in figures.values())
        if objectives:
            self.objectives(objectives, live_objectives)
        self.walk_up()
        if self.upper:
            self.strategy()

    def objectives(self, ids: set[int], live_objectives) -> None:
        """Objectives created, changed, moved or archived: their rows, their key results'
        rows, where their child objectives now hang; their old and new parents recomputed."""
        for parent_kind, parent_id in self.rows(kind=K.OBJECTIVE, item_id__in=ids) \
                .values_list("parent_kind", "parent_id"):
            self.lift(parent_kind, parent_id)
        present = {row[0]: row[1:] for row in live_objectives.filter(id__in=ids).values_list(
            "id", "parent_objective_id", "parent_priority_id", "parent_theme_id",
            "parent_annual_id")}
        gone = ids - present.keys()
        if gone:
            self.rows(kind=K.OBJECTIVE, item_id__in=gone).delete()
            self.rows(kind=K.KEY_RESULT, parent_kind=K.OBJECTIVE, parent_id__in=gone).delete()
        # Their child objectives may hang elsewhere now (under the vision once their
        # parent is archived, back under it when it returns).
        children = dict(live_objectives.filter(parent_objective_id__in=ids).values_list(
            "id", "parent_objective_id"))
        moved = {**present, **{c: (p, None, None, None) for c, p in children.items()}}
        parents = {p[0] for p in moved.values() if p[0]}
        live = set(live_objectives.filter(id__in=parents).values_list("id", flat=True))
        stored = {row[0]: row[1:] for row in self.rows(
            kind=K.OBJECTIVE, item_id__in=list(moved)).values_list("item_id", "parent_kind",
                                                              "parent_id")}
        if present:
            krs = _kr_figures(KeyResult.objects.filter(objective_id__in=present,
                                                       archived_at__isnull=True),
                              self.cycle, self.on)
            self.rows(kind=K.KEY_RESULT, parent_kind=K.OBJECTIVE, parent_id__in=list(present)) \
                .exclude(item_id__in=list(krs)).delete()
            _upsert(self.cycle, {(K.KEY_RESULT, pk): f for pk, f in krs.items()})
        placed = {}
        for oid, parents_of in moved.items():
            place = _place(*parents_of, live)
            old = stored.get(oid)
            if old is None or tuple(old) != place:
                placed[oid] = place
                if old is not None:
                    self.lift(*old)
                self.lift(*place)
        for oid, (kind, pid) in placed.items():
            if oid in stored:
                self.rows(kind=K.OBJECTIVE, item_id=oid).update(parent_kind=kind, parent_id=pid)
            else:
                RollupRow.objects.create(cycle=self.cycle, kind=K.OBJECTIVE, item_id=oid,
                                         parent_kind=kind, parent_id=pid,
                                         status=str(Status.NO_DATA))
        self.walk.update(present)

    def walk_up(self) -> None:
        """Recompute the objectives to walk from their children's rows, then their parents,
        stopping where nothing changes."""
        child_weight = 1.0 if self.org.include_child_objectives else 0.0
        while self.walk:
            batch, self.walk = self.walk, set()
            children: dict[int, list[dict]] = defaultdict(list)
            for row in self.rows(parent_kind=K.OBJECTIVE, parent_id__in=batch).values(
                    "kind", "parent_id", "weight", "progress", "status"):
                children[row["parent_id"]].append(row)
            for row in self.rows(kind=K.OBJECTIVE, item_id__in=batch).values(
                    "id", "item_id", "parent_kind", "parent_id", "progress", "status"):
                progress, status = _objective_figures(children[row["item_id"]], child_weight)
                if progress == row["progress"] and status == row["status"]:
                    continue
                RollupRow.objects.filter(pk=row["id"]).update(progress=progress, status=status)
                self.lift(row["parent_kind"], row["parent_id"])

    def strategy(self) -> None:
        tops = list(self.rows(kind=K.OBJECTIVE).exclude(parent_kind=K.OBJECTIVE).values(
            "parent_kind", "parent_id", "progress", "status"))
        items = _upper(self.cycle, tops, self.org)
        stored = {(row["kind"], row["item_id"]): row for row in self.rows(kind__in=UPPER).values(
            "kind", "item_id", *FIGURES)}
        changed = {key: f for key, f in items.items()
                   if key not in stored or not _same({**stored[key], "status": Status(
                       stored[key]["status"])}, {**f, "weight": 1.0, "expected": None})}
        for kind, item_id in stored.keys() - items.keys():
            self.rows(kind=kind, item_id=item_id).delete()
        _upsert(self.cycle, {key: {**f, "status": str(f["status"])} for key, f in changed.items()})


# Collecting changes per transaction ---------------------------------------------------------


@dataclass
class _Pending:
    key_results: set[int] = field(default_factory=set)
    objectives: set[int] = field(default_factory=set)
    upper: bool = False
    rebuild: bool = False
    done: bool = False

    def run(self) -> None:
        self.done = True
        try:
            if self.rebuild or len(self.key_results) + len(self.objectives) > REBUILD_ABOVE:
                rebuild_all()
                return
            for cycle_id in RollupMark.objects.values_list("cycle_id", flat=True):
                apply(cycle_id, self.key_results, self.objectives, self.upper)
        except Exception:
            # The change itself has committed; the nightly check repairs the roll-up.
            log.exception("stored roll-up: update failed")


def _pending() -> _Pending:
    """This transaction's collected changes, applied once it commits (at once outside a
    transaction)."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_hoshin_rollup", None)
    if pending is not None and not pending.done and any(
            func == pending.run for _, func, _ in connection.run_on_commit):
        return pending
    pending = _Pending()
    connection._hoshin_rollup = pending
    transaction.on_commit(pending.run)
    return pending


def _collect(note) -> None:
    if not transaction.get_connection().in_atomic_block:
        pending = _Pending()
        note(pending)
        pending.run()
    else:
        note(_pending())


def key_results_changed(*ids: int) -> None:
    _collect(lambda pending: pending.key_results.update(ids))


def objectives_changed(*ids: int) -> None:
    _collect(lambda pending: pending.objectives.update(ids))


def strategy_changed() -> None:
    _collect(lambda pending: setattr(pending, "upper", True))


def rebuild_on_commit() -> None:
    """Rebuild every running quarter once the transaction commits (after a bulk import,
    which sends no signals)."""
    _collect(lambda pending: setattr(pending, "rebuild", True))


# Checking ---------------------------------------------------------------------------------


def _tree_figures(cycle: Cycle, today: dt.date | None) -> dict[tuple[str, str], tuple]:
    """(type, key) → (progress, status) of every item of the live alignment tree."""
    figures: dict[tuple[str, str], tuple] = {}
    stack: list[Node] = [alignment_tree(cycle, today, live=True)]
    while stack:
        node = stack.pop()
        figures[(node.type, node.id)] = (node.progress, str(node.status))
        stack.extend(node.children)
    return figures


TREE_TYPES = {K.KEY_RESULT: "key_result", K.OBJECTIVE: "objective",
              K.PRIORITY: "improvement_priority", K.THEME: "theme",
              K.ANNUAL: "annual_objective", K.BREAKTHROUGH: "breakthrough", K.VISION: "vision"}
KEYED = {K.KEY_RESULT: KeyResult, K.OBJECTIVE: Objective, K.PRIORITY: ImprovementPriority,
         K.THEME: Theme, K.ANNUAL: AnnualObjective, K.BREAKTHROUGH: Breakthrough}


def differences(cycle: Cycle, today: dt.date | None = None) -> list[str]:
    """Where the stored roll-up of a cycle differs from a full recomputation: the stored
    rows against `compute`, and the items the live alignment tree shows against them."""
    today = today or clock.today()
    mark = RollupMark.objects.filter(cycle=cycle).first()
    if mark is None:
        return [f"{cycle.key}: not stored"]
    problems = []
    if mark.as_of != as_of(cycle, today):
        problems.append(f"{cycle.key}: stored for {mark.as_of}, not {as_of(cycle, today)}")
    stored = {(row["kind"], row["item_id"]): row
              for row in RollupRow.objects.filter(cycle=cycle).values("kind", "item_id", *FIGURES)}
    fresh = compute(cycle, today)
    for key in sorted(stored.keys() | fresh.keys()):
        a, b = stored.get(key), fresh.get(key)
        if a is None or b is None:
            problems.append(f"{cycle.key}: {key[0]} {key[1]} {'missing' if a is None else 'extra'}")
            continue
        for name in ("progress", "status", "expected", "parent_kind", "parent_id", "weight",
                     "last_checkin", "confidence"):
            if name in b and str(a[name]) != str(b[name]):
                problems.append(f"{cycle.key}: {key[0]} {key[1]} {name} {a[name]!r}, "
                                f"recomputed {b[name]!r}")
    # The independent reference: the alignment tree the pages showed before.
    keys = {kind: dict(model.objects.filter(id__in=[i for k, i in stored if k == kind])
                       .values_list("id", "key")) for kind, model in KEYED.items()}
    tree = _tree_figures(cycle, today)
    for (kind, item_id), row in stored.items():
        key = "vision" if kind == K.VISION else keys[kind].get(item_id)
        shown = tree.get((TREE_TYPES[kind], key))
        if shown is None:
            continue  # hangs nowhere in the tree (under an archived priority, say)
        if shown != (row["progress"], row["status"]):
            problems.append(f"{cycle.key}: {kind} {key} {row['progress']!r} {row['status']} "
                            f"in store, {shown[0]!r} {shown[1]} in the tree")
    return problems


def check(today: dt.date | None = None, repair: bool = True) -> list[str]:
    """The nightly check: every running quarter's stored roll-up against a full
    recomputation; differences are logged and, with `repair`, the cycle is rebuilt."""
    problems = []
    for cycle in stored_cycles():
        found = differences(cycle, today)
        for line in found:
            log.warning("stored roll-up differs: %s", line)
        if found and repair:
            rebuild(cycle, today)
        problems.extend(found)
    return problems


# Reading ----------------------------------------------------------------------------------


def with_mark(cycles):
    """A cycle queryset that reads the day each cycle's store holds in the same query
    (`stored_day`), so a reader of one request knows without another query whether the
    store holds today's figures."""
    return cycles.annotate(stored_day=F("rollup_mark__as_of"))


def _fresh(cycle: Cycle, today: dt.date | None):
    """The cycle's rows, empty unless they hold today's figures (the readers then compute
    live). No query is spent when the cycle was read `with_mark` and the store is stale."""
    day = as_of(cycle, today)
    if hasattr(cycle, "stored_day"):
        if cycle.stored_day != day:
            return RollupRow.objects.none()
        return RollupRow.objects.filter(cycle=cycle)
    return RollupRow.objects.filter(cycle=cycle, cycle__rollup_mark__as_of=day)


def strategy_figures(cycle: Cycle, today: dt.date | None = None) -> dict | None:
    """{(kind, id): (progress, status)} of the strategy layer and the vision, from the
    store; None when it does not hold today's figures. One query."""
    rows = {(kind, item_id): (progress, Status(status)) for kind, item_id, progress, status in
            _fresh(cycle, today).filter(kind__in=UPPER).values_list(
                "kind", "item_id", "progress", "status")}
    return rows if (K.VISION, 0) in rows else None


def strategy_statuses(cycle: Cycle, today: dt.date | None = None) -> dict[str, Status]:
    """`progress.strategy_statuses` read from the store when it holds today's figures."""
    from hoshin.okrs.progress import strategy_statuses as live

    figures = strategy_figures(cycle, today)
    if figures is None:
        return live(cycle, today)
    org = Organization.current()
    year = fiscal_year_of(cycle.start, org.fiscal_year_start)
    statuses: dict[str, Status] = {}
    for kind, model in ((K.PRIORITY, ImprovementPriority), (K.ANNUAL, AnnualObjective)):
        for pk, key in model.objects.filter(year=year, archived_at__isnull=True).values_list(
                "id", "key"):
            if (kind, pk) not in figures:  # added in this very transaction
                return live(cycle, today)
            statuses[key] = figures[(kind, pk)][1]
    return statuses


def key_result_status_counts(cycle: Cycle, figures: dict) -> dict[str, int]:
    """How many of the cycle's key results the alignment tree shows in each status (each
    once), from the store, given its fresh `strategy_figures`."""
    rows = RollupRow.objects.filter(cycle=cycle)
    counts = dict(rows.filter(kind=K.KEY_RESULT).order_by().values_list("status")
                  .annotate(n=Count("id")))
    # Objectives hung under an item the tree does not show (an archived priority, one of
    # another year) are not in the tree, nor their key results: rare, so counted apart.
    shown = Q()
    for kind in (K.PRIORITY, K.THEME, K.ANNUAL):
        shown |= Q(parent_kind=kind, parent_id__in=[i for k, i in figures if k == kind])
    lost = list(rows.filter(kind=K.OBJECTIVE).exclude(parent_kind__in=("", K.OBJECTIVE))
                .exclude(shown).values_list("item_id", flat=True))
    while lost:
        for status, n in rows.filter(kind=K.KEY_RESULT, parent_kind=K.OBJECTIVE,
                                     parent_id__in=lost).order_by().values_list("status") \
                .annotate(n=Count("id")):
            counts[status] -= n
        lost = list(rows.filter(kind=K.OBJECTIVE, parent_kind=K.OBJECTIVE,
                                parent_id__in=lost).values_list("item_id", flat=True))
    return counts


def key_result_figures(cycle: Cycle, today: dt.date | None = None) -> dict[int, tuple] | None:
    """{key result id: (progress, expected, status, last check-in)} of the cycle from the
    store; None when it does not hold today's figures. One query."""
    rows = list(_fresh(cycle, today).filter(kind__in=(K.KEY_RESULT, K.VISION)).values_list(
        "kind", "item_id", "progress", "expected", "status", "last_checkin"))
    if not any(row[0] == K.VISION for row in rows):
        return None
    return {item_id: (progress, expected, Status(status), last)
            for kind, item_id, progress, expected, status, last in rows
            if kind == K.KEY_RESULT}


def key_result_states(cycle: Cycle, today: dt.date | None = None) -> dict[int, KRState] | None:
    """Every live key result's state in the cycle, as `progress.key_result_states` gives
    it, from the store; None when it does not hold today's figures."""
    rows = list(_fresh(cycle, today).filter(kind__in=(K.KEY_RESULT, K.VISION)).values_list(
        "kind", "item_id", "progress", "expected", "status", "last_checkin", "confidence"))
    if not any(row[0] == K.VISION for row in rows):
        return None
    return {item_id: KRState(progress, expected, Status(status), last, confidence)
            for kind, item_id, progress, expected, status, last, confidence in rows
            if kind == K.KEY_RESULT}


# What changes the roll-up -------------------------------------------------------------------


def _key_result_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        key_results_changed(instance.pk)


def _objective_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        objectives_changed(instance.pk)


def _strategy_saved(sender, raw=False, **kwargs):
    if not raw:
        strategy_changed()


def _rebuild(sender, raw=False, **kwargs):
    if not raw:
        rebuild_on_commit()


def _checked_in(event) -> None:
    key_results_changed(event.key_result.pk)


def connect() -> None:
    """Subscribe to what changes the roll-up (OkrsConfig.ready). Hard deletes of key results
    and objectives are not watched (the plan archives; the importer rebuilds): a receiver
    would make every bulk delete fetch its rows one by one."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from hoshin.core import events

    events.subscribe(events.CheckInRecorded, _checked_in)
    post_save.connect(_key_result_saved, sender=KeyResult, dispatch_uid="rollup-kr")
    post_save.connect(_objective_saved, sender=Objective, dispatch_uid="rollup-objective")
    for model in (Theme, ImprovementPriority, AnnualObjective, Breakthrough,
                  PriorityCorrelation, BreakthroughCorrelation):
        post_save.connect(_strategy_saved, sender=model, dispatch_uid=f"rollup-{model.__name__}")
    for model in (PriorityCorrelation, BreakthroughCorrelation):
        post_delete.connect(_strategy_saved, sender=model,
                            dispatch_uid=f"rollup-delete-{model.__name__}")
    m2m_changed.connect(_strategy_saved, sender=Theme.annual_objectives.through,
                        dispatch_uid="rollup-theme-links")
    # The cycle's dates and state, the organisation's roll-up settings: everything moves.
    post_save.connect(_rebuild, sender=Cycle, dispatch_uid="rollup-cycle")
    post_save.connect(_rebuild, sender=Organization, dispatch_uid="rollup-organization")
