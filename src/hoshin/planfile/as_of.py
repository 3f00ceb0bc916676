"""The plan as it stood at a moment (SPEC §1: "what did the plan say on date X?").

Every plan model keeps its history (simple-history), so the plan at a moment is, for each
table, the latest historical row of each record dated on or before that moment, unless
that row records a deletion. Check-ins have no history table (they are append-only): the
ones recorded by the moment and dated on or before its day count. The rows come out in
the shape the exporter reads from the live tables (hoshin.planfile.exporter.COLUMNS), so
`hoshin export --as-of` is the exporter itself over another source; the alignment tree and
the API's objectives and key results as of a date are built here from the same rows, with
the same engine (progress, status and roll-up) and the same output shapes as their live
versions (tests compare the two on today's plan).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils import timezone

from hoshin.core.errors import DomainError, NotFound
from hoshin.planfile.exporter import (
    CHECKIN_COLUMNS,
    COLUMNS,
    THEME_ANNUAL_COLUMNS,
    PlanRows,
    _Builder,
)


class AsOfError(DomainError):
    """The moment asked for is not one the plan can be shown at."""


@dataclass(frozen=True)
class AsOf:
    """A moment to read the plan at, and how the person asking wrote it."""

    moment: dt.datetime  # aware; history dated up to and including it counts
    label: str

    @property
    def day(self) -> dt.date:
        """The day the moment falls on, in the configured time zone: check-ins up to it
        count, and status is judged on it."""
        return timezone.localtime(self.moment).date()


def parse(value: str, field: str = "as_of") -> AsOf:
    """A date (`2026-10-01`: the end of that day in the configured time zone) or a date-time
    (`2026-10-01T09:30:00Z`: that moment; without a zone, local time)."""
    text = (value or "").strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            # The last instant of the day: changes at 23:59:59.999 still count.
            moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
            moment = timezone.make_aware(moment) - dt.timedelta(microseconds=1)
        else:
            moment = dt.datetime.fromisoformat(text)
    except OverflowError:
        raise AsOfError.field(field, f'"{value}" is out of range') from None
    except ValueError:
        raise AsOfError.field(field, f'"{value}" is not a date (2026-10-01) or a date-time '
                                     "(2026-10-01T09:30:00Z)") from None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # Both must exist: the database compares in UTC, the day is the local one.
        moment.astimezone(dt.timezone.utc)
        timezone.localtime(moment)
    except OverflowError:
        raise AsOfError.field(field, f'"{value}" is out of range') from None
    return AsOf(moment, text)


def _history_models():
    from django.apps import apps

    return [apps.get_model(label).history.model for label in COLUMNS]


def first_change() -> dt.datetime | None:
    """When the earliest change to the plan was recorded."""
    from django.db.models import Min

    dates = [model.objects.aggregate(first=Min("history_date"))["first"]
             for model in _history_models()]
    dates = [d for d in dates if d is not None]
    return min(dates) if dates else None


class HistoryRows(PlanRows):
    """The plan's rows as they stood at `when.moment`."""

    def __init__(self, when: AsOf, key_results: set[int] | None = None):
        self.when = when
        # Only these key results' check-ins are read (a page about a few of them).
        self.key_results = key_results
        self._theme_history: dict[int, int] = {}
        self._checkins: list[dict] | None = None

    def rows(self, label: str) -> list[dict]:
        from django.apps import apps

        history = apps.get_model(label).history.model
        latest: dict[int, dict] = {}
        # Oldest first, ties in order of writing: several changes inside one simulated
        # moment (or one import) keep the last.
        for row in (history.objects.filter(history_date__lte=self.when.moment)
                    .order_by("history_date", "history_id")
                    .values(*COLUMNS[label], "history_id", "history_type")):
            latest[row["id"]] = row
        if label == "okrs.Theme":
            self._theme_history = {pk: row["history_id"] for pk, row in latest.items()
                                   if row["history_type"] != "-"}
        return [row for row in latest.values() if row["history_type"] != "-"]

    def theme_annuals(self) -> list[dict]:
        from django.apps import apps

        if not self._theme_history:
            self.rows("okrs.Theme")
        # Each historical row of a theme holds its annual objectives at that change.
        through = apps.get_model("okrs", "HistoricalTheme_annual_objectives")
        return list(through.objects.filter(history_id__in=list(self._theme_history.values()))
                    .order_by().values(*THEME_ANNUAL_COLUMNS))

    def checkins(self) -> Iterator[dict]:
        from hoshin.okrs.models import CheckIn

        if self._checkins is None:
            # Recorded by then, and about a day up to then (a check-in may be dated a day
            # ahead of when it is recorded).
            rows = CheckIn.objects.filter(date__lte=self.when.day,
                                          created_at__lte=self.when.moment)
            if self.key_results is not None:
                rows = rows.filter(key_result_id__in=self.key_results)
            self._checkins = list(rows.order_by().values(*CHECKIN_COLUMNS))
        return iter(self._checkins)


class PlanAt:
    """The whole plan at one moment: the plan file, the alignment tree of a cycle, and the
    API's objectives and key results, each as its live counterpart would have shown it."""

    def __init__(self, when: AsOf, key_results: set[int] | None = None):
        """`key_results`: read the check-ins of these key results only (their states are
        all a caller about a few of them needs); the plan's tables are read whole."""
        first = first_change()
        if first is None or first > when.moment:
            since = ("nothing has been recorded yet" if first is None else
                     f"the earliest change is dated {timezone.localtime(first):%Y-%m-%d %H:%M}")
            raise AsOfError.field("as_of", f"the plan did not exist yet on {when.label} "
                                           f"({since})")
        self.when = when
        self.source = HistoryRows(when, key_results)
        self.builder = _Builder(self.source)
        t = self.builder.tables
        self.org = next((r for r in t["org.Organization"] if r["id"] == 1), None)
        self.cycle_rows = {r["id"]: r for r in t["okrs.Cycle"]}
        self.unit_rows = {r["id"]: r for r in t["org.Unit"]}
        self._checkins: dict[int, list[dict]] | None = None
        self._steps_by_kr: dict[int, list[dict]] | None = None
        self._phases_by_kr: dict[int, list[dict]] | None = None
        self._objectives_by_id: dict[int, dict] | None = None

    # The plan file

    def document(self) -> dict:
        return self.builder.document()

    # Engine inputs

    def checkins_of(self, kr_id: int) -> list[dict]:
        if self._checkins is None:
            self._checkins = defaultdict(list)
            for row in self.source.checkins():
                self._checkins[row["key_result_id"]].append(row)
        return self._checkins.get(kr_id, [])

    def snapshot(self, kr: dict):
        """The engine's view of one key result, as progress.SnapshotBuilder builds it from
        the live tables: latest check-in by (date, entry), stay_* counts, steps, phases."""
        from hoshin.engine.types import CheckInPoint, Kind, KRSnapshot, Phase, Step

        milestone = kr["kind"] == "milestone"
        readings = self.checkins_of(kr["id"])
        last = max(readings, key=lambda c: (c["date"], c["id"]), default=None)
        point = None
        if last is not None:
            point = CheckInPoint(
                date=last["date"], value=last["value"], confidence=last["confidence"],
                steps_done=frozenset(last["steps_done"] or ()) if milestone else frozenset(),
                has_blockers=bool(last["blockers"] and last["blockers"].strip()))
        n = in_zone = 0
        if kr["kind"] in ("stay_above", "stay_below") and readings:
            n = len(readings)
            target = kr["target"]
            above = kr["kind"] == "stay_above"
            in_zone = sum(1 for c in readings if c["value"] is not None and target is not None
                          and (c["value"] >= target if above else c["value"] <= target))
        elif point is not None:
            n = 1
        steps = ()
        if milestone:
            steps = tuple(Step(s["key"], s["weight"]) for s in self._steps(kr["id"]))
        phases = tuple(Phase(p["date"], p["target"]) for p in self._phases(kr["id"]))
        return KRSnapshot(kind=Kind(kr["kind"]), baseline=kr["baseline"], target=kr["target"],
                          weight=kr["weight"], steps=steps, phases=phases, last=point,
                          checkins=n, in_zone=in_zone)

    def _steps(self, kr_id: int) -> list[dict]:
        if self._steps_by_kr is None:
            self._steps_by_kr = defaultdict(list)
            for s in sorted(self.builder.tables["okrs.MilestoneStep"],
                            key=lambda s: (s["order"], s["id"])):
                self._steps_by_kr[s["key_result_id"]].append(s)
        return self._steps_by_kr.get(kr_id, [])

    def _phases(self, kr_id: int) -> list[dict]:
        if self._phases_by_kr is None:
            self._phases_by_kr = defaultdict(list)
            for p in sorted(self.builder.tables["okrs.Phase"], key=lambda p: p["date"]):
                self._phases_by_kr[p["key_result_id"]].append(p)
        return self._phases_by_kr.get(kr_id, [])

    def state(self, kr: dict):
        """Progress, expected progress and status of a key result on the day asked for."""
        from hoshin.okrs.progress import evaluate

        objective = self._objective_rows()[kr["objective_id"]]
        cycle = self.cycle_rows[objective["cycle_id"]]
        snap = self.snapshot(kr)
        return (evaluate(snap, SimpleNamespace(start=cycle["start"], end=cycle["end"]),
                         self.when.day), snap.last.value if snap.last else None)

    def _objective_rows(self) -> dict[int, dict]:
        if self._objectives_by_id is None:
            self._objectives_by_id = {r["id"]: r for r in self.builder.tables["okrs.Objective"]}
        return self._objectives_by_id

    # Lookups

    def cycle(self, key: str) -> dict:
        row = next((r for r in self.cycle_rows.values() if r["key"] == key), None)
        if row is None:
            raise NotFound.field("id", f'cycle "{key}" did not exist on {self.when.label}')
        return row

    def unit_ids_under(self, key: str) -> set[int]:
        children: dict[int | None, list[int]] = defaultdict(list)
        for r in self.unit_rows.values():
            children[r["parent_id"]].append(r["id"])
        stack = [r["id"] for r in self.unit_rows.values() if r["key"] == key]
        ids: set[int] = set()
        while stack:
            uid = stack.pop()
            if uid not in ids:
                ids.add(uid)
                stack.extend(children.get(uid, ()))
        return ids

    # The alignment tree

    def tree(self, cycle_key: str, unit_key: str | None = None) -> dict:
        """The alignment tree of a cycle as progress.alignment_tree_data gives it, as the
        plan stood then: the same placement, weights, pruning and roll-up."""
        from hoshin.engine.progress import assess
        from hoshin.engine.rollup import compute_tree, node_to_dict
        from hoshin.engine.types import Node
        from hoshin.okrs.progress import _prune, _round, _weighted_view
        from hoshin.okrs.rules import fiscal_year_of
        from hoshin.strategy.models import STRENGTH_WEIGHT

        t = self.builder.tables
        cycle = self.cycle(cycle_key)
        org = self.org or {"name": "My organisation", "fiscal_year_start": 1,
                           "include_child_objectives": True}
        year = fiscal_year_of(cycle["start"], org["fiscal_year_start"])
        vision = next((r for r in t["strategy.Vision"] if r["id"] == 1), None)
        root = Node(id="vision", type="vision",
                    title=vision["statement"] if vision else org["name"])

        units = self.unit_ids_under(unit_key) if unit_key else None
        # In the models' default orders, as the live tree reads them.
        objective_rows = sorted(
            (o for o in t["okrs.Objective"] if o["cycle_id"] == cycle["id"]
             and o["archived_at"] is None and (units is None or o["unit_id"] in units)),
            key=lambda o: (self.unit_rows[o["unit_id"]]["name"], o["key"]))
        objective_nodes: dict[int, Node] = {}
        for o in objective_rows:
            objective_nodes[o["id"]] = Node(
                id=o["key"], type="objective", title=o["title"],
                extra={"unit": self.builder.units.get(o["unit_id"]), "kind": o["kind"]})
        on = min(self.when.day, cycle["end"])
        for kr in sorted(t["okrs.KeyResult"], key=lambda r: r["id"]):
            if kr["objective_id"] not in objective_nodes or kr["archived_at"] is not None:
                continue
            snap = self.snapshot(kr)
            result = assess(snap, cycle["start"], cycle["end"], on)
            objective_nodes[kr["objective_id"]].children.append(Node(
                id=kr["key"], type="key_result", title=kr["title"], weight=kr["weight"],
                progress=result.progress, status=result.status, leaf=True,
                extra={"kind": kr["kind"], "owner": self.builder.email(kr["owner_id"]),
                       "expected": _round(result.expected),
                       "last_checkin": snap.last.date.isoformat() if snap.last else None}))

        by_parent: dict[tuple[str, int], list] = defaultdict(list)
        unlinked = []
        child_weight = 1.0 if org["include_child_objectives"] else 0.0
        for o in objective_rows:
            node = objective_nodes[o["id"]]
            # The same order of precedence as progress._placement.
            if o["parent_objective_id"] in objective_nodes:
                node.weight = child_weight
                objective_nodes[o["parent_objective_id"]].children.append(node)
            elif o["parent_priority_id"]:
                by_parent[("priority", o["parent_priority_id"])].append(node)
            elif o["parent_theme_id"]:
                by_parent[("theme", o["parent_theme_id"])].append(node)
            elif o["parent_annual_id"]:
                by_parent[("annual", o["parent_annual_id"])].append(node)
            else:
                unlinked.append(node)

        def live(rows, **match):
            return sorted((r for r in rows if r["archived_at"] is None
                           and all(r[k] == v for k, v in match.items())),
                          key=lambda r: r["key"])

        priority_nodes = {
            p["id"]: Node(id=p["key"], type="improvement_priority", title=p["title"],
                          children=by_parent.get(("priority", p["id"]), []),
                          extra={"unit": self.builder.units.get(p["unit_id"])})
            for p in live(t["strategy.ImprovementPriority"], year=year)}
        theme_nodes = {
            r["id"]: Node(id=r["key"], type="theme", title=r["title"],
                          children=by_parent.get(("theme", r["id"]), []))
            for r in live(t["okrs.Theme"], cycle_id=cycle["id"])}
        annual_nodes = {
            a["id"]: Node(id=a["key"], type="annual_objective", title=a["title"],
                          children=list(by_parent.get(("annual", a["id"]), [])))
            for a in live(t["strategy.AnnualObjective"], year=year)}
        linked_priorities: set[int] = set()
        for c in sorted(t["strategy.PriorityCorrelation"], key=lambda c: c["id"]):
            if c["annual_objective_id"] in annual_nodes and c["priority_id"] in priority_nodes:
                annual_nodes[c["annual_objective_id"]].children.append(_weighted_view(
                    priority_nodes[c["priority_id"]], STRENGTH_WEIGHT[c["strength"]]))
                linked_priorities.add(c["priority_id"])
        linked_themes: set[int] = set()
        for c in sorted(self.source.theme_annuals(),
                        key=lambda c: (c["theme_id"], c["annualobjective_id"])):
            if c["theme_id"] in theme_nodes and c["annualobjective_id"] in annual_nodes:
                annual_nodes[c["annualobjective_id"]].children.append(
                    _weighted_view(theme_nodes[c["theme_id"]], 1.0))
                linked_themes.add(c["theme_id"])
        linked_annuals: set[int] = set()
        breakthrough_nodes = {b["id"]: Node(id=b["key"], type="breakthrough", title=b["title"])
                              for b in live(t["strategy.Breakthrough"])}
        for c in sorted(t["strategy.BreakthroughCorrelation"], key=lambda c: c["id"]):
            if (c["breakthrough_id"] in breakthrough_nodes
                    and c["annual_objective_id"] in annual_nodes):
                breakthrough_nodes[c["breakthrough_id"]].children.append(_weighted_view(
                    annual_nodes[c["annual_objective_id"]], STRENGTH_WEIGHT[c["strength"]]))
                linked_annuals.add(c["annual_objective_id"])

        root.children.extend(breakthrough_nodes.values())
        root.children.extend(n for i, n in annual_nodes.items() if i not in linked_annuals)
        root.children.extend(n for i, n in priority_nodes.items() if i not in linked_priorities)
        root.children.extend(n for i, n in theme_nodes.items() if i not in linked_themes)
        root.children.extend(unlinked)
        if unit_key:
            _prune(root)
        compute_tree(root)
        return node_to_dict(root)

    # The API's objectives and key results

    def _kr_base(self, kr: dict) -> dict:
        return {"key": kr["key"], "title": kr["title"],
                "owner__email": self.builder.email(kr["owner_id"]), "kind": kr["kind"],
                "baseline": kr["baseline"], "target": kr["target"], "unit": kr["unit"],
                "weight": kr["weight"]}

    def objectives(self, *, cycle: str | None = None, unit: str | None = None,
                   owner: str | None = None, parent: str | None = None,
                   archived: bool = False, key: str | None = None) -> list[dict]:
        """Objectives as okrs.schemas.objective_dicts shows them, in the list's order."""
        from hoshin.engine.rollup import rollup
        from hoshin.okrs.progress import _round
        from hoshin.okrs.schemas import _kr_summary

        b = self.builder
        t = b.tables
        krs = sorted((kr for kr in t["okrs.KeyResult"] if kr["archived_at"] is None),
                     key=lambda kr: kr["id"])
        owned = {kr["objective_id"] for kr in krs
                 if owner and b.email(kr["owner_id"]) == owner.lower()}
        parents = (("parent_annual_id", b.annuals), ("parent_priority_id", b.priorities),
                   ("parent_theme_id", b.themes), ("parent_objective_id", b.objectives))
        rows = []
        for o in t["okrs.Objective"]:
            parent_key = next((keys[o[f]] for f, keys in parents if o[f] in keys), None)
            if ((key is not None and o["key"] != key)
                    or (key is None and not archived and o["archived_at"] is not None)
                    or (cycle and b.cycles.get(o["cycle_id"]) != cycle)
                    or (unit and b.units.get(o["unit_id"]) != unit)
                    or (owner and o["id"] not in owned)
                    or (parent and parent not in {keys.get(o[f]) for f, keys in parents})):
                continue
            rows.append((o, parent_key))
        rows.sort(key=lambda r: (self.cycle_rows[r[0]["cycle_id"]]["start"],
                                 self.unit_rows[r[0]["unit_id"]]["name"], r[0]["key"]))
        wanted = {o["id"] for o, _ in rows}
        summaries: dict[int, list[dict]] = defaultdict(list)
        rolled: dict[int, list[tuple]] = defaultdict(list)
        for kr in krs:
            if kr["objective_id"] not in wanted:
                continue
            state, value = self.state(kr)
            summaries[kr["objective_id"]].append(_kr_summary(self._kr_base(kr), state, value))
            rolled[kr["objective_id"]].append((kr["weight"], state.progress, state.status))
        out = []
        for o, parent_key in rows:
            progress, status = rollup(rolled.get(o["id"], []))
            out.append({"id": o["key"], "cycle": b.cycles.get(o["cycle_id"]),
                        "unit": b.units.get(o["unit_id"]), "title": o["title"],
                        "description": o["description"], "kind": o["kind"],
                        "parent": parent_key, "progress": _round(progress),
                        "status": status.value, "key_results": summaries.get(o["id"], []),
                        "archived_at": o["archived_at"]})
        return out

    def key_results(self, *, cycle: str | None = None, unit: str | None = None,
                    owner: str | None = None, objective: str | None = None,
                    archived: bool = False, key: str | None = None) -> list[dict]:
        """Key results as okrs.schemas.key_result_dicts shows them, in the list's order."""
        from hoshin.okrs.schemas import _kr_summary

        b = self.builder
        objectives = self._objective_rows()
        rows = []
        for kr in b.tables["okrs.KeyResult"]:
            o = objectives.get(kr["objective_id"])
            if o is None:
                continue
            if ((key is not None and kr["key"] != key)
                    or (key is None and not archived and kr["archived_at"] is not None)
                    or (cycle and b.cycles.get(o["cycle_id"]) != cycle)
                    or (unit and b.units.get(o["unit_id"]) != unit)
                    or (owner and b.email(kr["owner_id"]) != owner.lower())
                    or (objective and o["key"] != objective)):
                continue
            rows.append((kr, o))
        rows.sort(key=lambda r: (self.cycle_rows[r[1]["cycle_id"]]["start"], r[1]["key"],
                                 r[0]["id"]))
        out = []
        for kr, o in rows:
            state, value = self.state(kr)
            out.append({**_kr_summary(self._kr_base(kr), state, value), "objective": o["key"],
                        "steps": [{"id": s["key"], "title": s["title"], "weight": s["weight"]}
                                  for s in self._steps(kr["id"])],
                        "phases": [{"date": p["date"], "target": p["target"]}
                                   for p in self._phases(kr["id"])],
                        "archived_at": kr["archived_at"]})
        return out

    def one(self, kind: str, key: str) -> dict:
        """One objective or key result by id, or a 404 saying it did not exist then."""
        found = (self.objectives if kind == "objective" else self.key_results)(key=key)
        if not found:
            label = "objective" if kind == "objective" else "key result"
            raise NotFound.field("id", f'{label} "{key}" did not exist on {self.when.label}')
        return found[0]


def plan_at(value: str | AsOf) -> PlanAt:
    """The plan at a moment given as text (see `parse`) or as an AsOf."""
    return PlanAt(parse(value) if isinstance(value, str) else value)


class Items:
    """Items already built, paged like a queryset by the API's pagination."""

    def __init__(self, items: list[dict]):
        self.items = items

    def __getitem__(self, index):
        return self.items[index]

    def count(self) -> int:
        return len(self.items)
