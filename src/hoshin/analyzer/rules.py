"""The analyzer's rules (SPEC §4): a linter for strategy. Pure Python, no Django.

Every rule has a stable code (a contract: add rules, never rename one), one severity and
a description in `RULES`. Severities mean:

* ``error``: the plan breaks the OKR model itself (no parent, no single owner, nothing to
  measure, KRs pulling against each other). `hoshin check` exits with 1 when any exists.
* ``warning``: a known failure mode (outputs, BAU, focus limits, gaps, overlaps, vague or
  copied wording, dependencies nobody committed to). Fix before the quarter starts.
* ``info``: a pattern worth a look in the alignment session, often legitimate (silos).

Text rules (output-kr, bau-okr, vague-objective, ...) are judged by `analyzer.text`; this
module decides which items they read, adds the structural part and shapes the findings.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from hoshin.analyzer.plan import (
    DRAFT_PREFIX,
    ERROR,
    INFO,
    WARNING,
    Finding,
    Item,
    KeyResult,
    Limits,
    Objective,
    Owner,
    Plan,
)


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    description: str


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule("orphan-objective", ERROR, "An objective with no parent: not traceable to strategy, "
         "so it is business-as-usual or operating-plan work, not an OKR."),
    Rule("missing-owner", ERROR, "A key result with no owner."),
    Rule("shared-owner", ERROR, "A key result owned by a group or team (or several people) "
         "instead of one person."),
    Rule("unmeasurable-kr", ERROR, "A key result with no number, baseline, target or "
         "verifiable done-state."),
    Rule("output-kr", WARNING, "A key result that states an activity or deliverable "
         "(launch, ship, hold meetings, hire) instead of an outcome."),
    Rule("bau-okr", WARNING, "Routine work repackaged as an OKR (maintain weekly reporting, "
         "run governance meetings, keep X up to date)."),
    Rule("kpi-in-disguise", WARNING, "A key result that only holds a level: a health metric "
         "belongs in the KPIs unless the quarter changes it."),
    Rule("vague-objective", WARNING, "An objective too abstract to guide action (generic "
         "words, no subject or direction)."),
    Rule("overspecified-objective", WARNING, "An objective that is really a task or a metric."),
    Rule("fake-cascade", WARNING, "A child objective or key result that copies its parent's "
         "wording instead of contributing from its own position."),
    Rule("overlap", WARNING, "Two units' objectives or key results that pursue the same "
         "outcome (duplication)."),
    Rule("contradiction", ERROR, "Key results that pull the same measure in opposite "
         "directions, or whose targets are incompatible."),
    Rule("gap", WARNING, "A theme, annual objective or improvement priority that no OKR of "
         "the quarter serves, directly or through child objectives."),
    Rule("too-many-objectives", WARNING, "A unit with more objectives in a quarter than the "
         "limit (default 3)."),
    Rule("too-many-krs", WARNING, "An objective with more key results than the limit "
         "(default 5)."),
    Rule("overloaded-owner", WARNING, "A person owning more key results in a quarter than the "
         "limit (default 5)."),
    Rule("too-many-themes", WARNING, "More strategic themes in a quarter than the limit "
         "(default 3)."),
    Rule("missing-dependency", WARNING, "A key result that relies on another unit's work with "
         "no commitment from that unit (a dependency requested but not accepted, or the text "
         "names another unit or a dependency and none is recorded)."),
    Rule("silos", INFO, "A department whose OKRs share no parent or metric with any other "
         "department."),
    Rule("wip-over-limit", WARNING, "A unit with more initiatives in progress (or blocked) "
         "than its WIP limit."),
)}


def _text():
    # Imported late: the text module loads word lists, which the CLI's --rules or --help
    # never need.
    from hoshin.analyzer import text

    return text


# Items ----------------------------------------------------------------------------------


def objective_item(o: Objective) -> Item:
    return Item("objective", o.id, o.title)


def kr_item(kr: KeyResult) -> Item:
    return Item("key_result", kr.id, kr.title)


def _quote(title: str, limit: int = 80) -> str:
    title = " ".join(title.split())
    return f'"{title if len(title) <= limit else title[:limit - 1] + "…"}"'


def _name(item) -> str:
    # A draft's items have no id yet worth showing; their titles name them.
    if item.id.startswith(DRAFT_PREFIX):
        return _quote(item.title)
    return f"{item.id} {_quote(item.title)}"


def finding(code: str, message: str, items: Iterable[Item]) -> Finding:
    return Finding(code, RULES[code].severity, message, tuple(items))


class Context:
    """Indexes over the plan that several rules share."""

    def __init__(self, plan: Plan, limits: Limits, focus: set[str] | None):
        self.plan = plan
        self.limits = limits
        self.focus = focus
        self.objectives = {o.id: o for o in plan.objectives}
        self.all_objectives = {**plan.outside_objectives, **self.objectives}
        self.themes = {t.id: t for t in plan.themes}
        self.annual = {a.id: a for a in plan.annual_objectives}
        self.priorities = {p.id: p for p in plan.priorities}
        self.cycles = {c.id: c for c in plan.cycles}
        # Per-run memos of the text rules: a plan repeats titles (copied key results, a
        # parent read by each of its children), and a title's verdicts depend only on
        # what the key is made of.
        self.memo: dict[tuple, object] = {}
        self._text_items = None
        self._focus_objectives: list[Objective] | None = None

    def objectives_in_focus(self) -> list[Objective]:
        """The objectives a per-item rule must look at: all of them, or with a focus only
        those that are in it or hold a key result in it (a draft check's plan holds
        thousands of stored items around the draft's few)."""
        if self.focus is None:
            return self.plan.objectives
        if self._focus_objectives is None:
            focus = self.focus
            self._focus_objectives = [
                o for o in self.plan.objectives
                if o.id in focus or any(kr.id in focus for kr in o.key_results)]
        return self._focus_objectives

    def in_focus(self, *ids: str) -> bool:
        focus = self.focus
        if focus is None:
            return True
        for i in ids:
            if i in focus:
                return True
        return False

    def parent_item(self, key: str) -> Item | None:
        if key in self.all_objectives:
            return objective_item(self.all_objectives[key])
        for kind, index in (("theme", self.themes), ("annual_objective", self.annual),
                            ("improvement_priority", self.priorities)):
            if key in index:
                return Item(kind, key, index[key].title)
        return None

    def chain(self, objective: Objective) -> list[str]:
        """The keys above an objective: parent objectives up to the strategy element."""
        keys: list[str] = []
        seen = {objective.id}
        key = objective.parent
        while key and key not in seen:
            keys.append(key)
            seen.add(key)
            parent = self.all_objectives.get(key)
            key = parent.parent if parent else None
        return keys

    def unit_title(self, unit_id: str) -> str:
        unit = self.plan.units.get(unit_id)
        return unit.name if unit else unit_id


# Structure ------------------------------------------------------------------------------


def orphan_objective(ctx: Context) -> Iterator[Finding]:
    for o in ctx.plan.objectives:
        if not o.parent and ctx.in_focus(o.id):
            yield finding("orphan-objective",
                          f"Objective {_name(o)} has no parent, so nothing traces it to the "
                          "strategy: it is business-as-usual or operating-plan work, not an OKR. "
                          "Link it to a theme, annual objective, improvement priority or parent "
                          "objective, or move it to the operating plan.", [objective_item(o)])


GROUP_WORDS = {"team", "teams", "group", "squad", "crew", "department", "dept", "division",
               "committee", "tribe", "guild", "everyone", "all", "staff", "leadership",
               "taskforce", "unit", "board"}
_SEVERAL = re.compile(r"\s*(?:,|;|&|\+|/|\band\b)\s*", re.IGNORECASE)
_WORDS = re.compile(r"[a-z0-9]+")


def group_owner_reason(owner: Owner, unit_names: dict[str, str]) -> str | None:
    """Why an owner is a group rather than one person, or None.

    A group is recognised by (1) several names in one owner ("Ana and Raj", "Ana, Raj",
    "Ana/Raj"), (2) a group word in the name or the email's local part ("Sales Team",
    "growth-squad@"), or (3) a name or local part that is a unit's id or name
    ("sales@acme.test", "Operations")."""
    text = (owner.id or "").strip()
    local = text.split("@", 1)[0].lower() if "@" in text else ""
    labels = [s for s in (owner.name.strip(), "" if local else text) if s]
    for label in labels:
        parts = [p for p in _SEVERAL.split(label) if p.strip()]
        if len(parts) > 1:
            return f'"{label}" names {len(parts)} owners'
    for label in [*labels, local]:
        words = _WORDS.findall(label.lower())
        if GROUP_WORDS & set(words):
            return f'"{label}" names a group, not a person'
        normal = " ".join(words)
        if normal and normal in unit_names:
            return f'"{label}" is the unit {unit_names[normal]}, not a person'
    return None


@lru_cache(maxsize=65_536)  # units' names and ids, read for every key result's owner
def _label_words(label: str) -> tuple[str, ...]:
    return tuple(_WORDS.findall(label.lower()))


def owners(ctx: Context) -> Iterator[Finding]:
    unit_names: dict[str, str] = {}
    for unit in ctx.plan.units.values():
        unit_names.setdefault(" ".join(_label_words(unit.id)), unit.name)
        unit_names.setdefault(" ".join(_label_words(unit.name)), unit.name)
    unit_names.pop("", None)
    for kr in (kr for o in ctx.objectives_in_focus() for kr in o.key_results):
        if not ctx.in_focus(kr.id):
            continue
        if kr.owner is None or not (kr.owner.id or "").strip():
            yield finding("missing-owner",
                          f"Key result {_name(kr)} has no owner: nobody checks it in or answers "
                          "for it. Give it exactly one owner, a person.", [kr_item(kr)])
            continue
        reason = group_owner_reason(kr.owner, unit_names)
        if reason:
            yield finding("shared-owner",
                          f"Key result {_name(kr)} is owned by a group: {reason}. When everyone "
                          "owns it, nobody does; name the one person who answers for it (others "
                          "can own its initiatives).",
                          [kr_item(kr), Item("person", kr.owner.id, kr.owner.name or kr.owner.id)])


def _missing_measure(kr: KeyResult) -> str | None:
    if kr.kind in ("increase", "decrease"):
        missing = [n for n, v in (("baseline", kr.baseline), ("target", kr.target)) if v is None]
        if missing:
            return (f"an {kr.kind} key result needs a baseline and a target, and it has no "
                    f"{' and no '.join(missing)}")
    elif kr.kind in ("stay_above", "stay_below") and kr.target is None:
        return f"a {kr.kind.replace('_', ' ')} key result needs the threshold to hold (target)"
    return None


def key_result_text(ctx: Context) -> Iterator[Finding]:
    text = _text()
    for o in ctx.objectives_in_focus():
        # A held threshold beside a key result that moves something is its counter-metric.
        moves = any(k.kind in ("increase", "decrease", "milestone") for k in o.key_results)
        for kr in o.key_results:
            if not ctx.in_focus(kr.id):
                continue
            missing = _missing_measure(kr)
            if missing:
                yield finding("unmeasurable-kr",
                              f"Key result {_name(kr)} cannot be measured: {missing}. Add the "
                              "number where it starts and where it should end.", [kr_item(kr)])
            guardrail = moves and kr.kind in ("stay_above", "stay_below")
            key = ("kr", kr.title, kr.kind, kr.baseline, kr.target, kr.steps > 0, guardrail)
            verdicts = ctx.memo.get(key)
            if verdicts is None:
                verdicts = ctx.memo[key] = text.kr_verdicts(
                    kr.title, kind=kr.kind, baseline=kr.baseline, target=kr.target,
                    has_steps=kr.steps > 0, guardrail=guardrail)
            for verdict in verdicts:
                if verdict.code not in RULES or (missing and verdict.code == "unmeasurable-kr"):
                    continue
                yield finding(verdict.code, f"Key result {_name(kr)}: {verdict.reason}",
                              [kr_item(kr)])


def objective_text(ctx: Context) -> Iterator[Finding]:
    text = _text()
    for o in ctx.objectives_in_focus():
        if not ctx.in_focus(o.id):
            continue
        key = ("objective", o.title)
        verdicts = ctx.memo.get(key)
        if verdicts is None:
            verdicts = ctx.memo[key] = text.objective_verdicts(o.title)
        for verdict in verdicts:
            if verdict.code in RULES:
                yield finding(verdict.code, f"Objective {_name(o)}: {verdict.reason}",
                              [objective_item(o)])


_UNSEEN = object()


def _copies_parent(ctx: Context, child: str, parent: str):
    key = ("cascade", child, parent)
    verdict = ctx.memo.get(key, _UNSEEN)
    if verdict is _UNSEEN:
        verdict = ctx.memo[key] = _text().copies_parent(child, parent)
    return verdict


def _measures(kr) -> bool:
    return kr.kind in ("increase", "decrease", "stay_above", "stay_below") and kr.target is not None


def fake_cascade(ctx: Context) -> Iterator[Finding]:
    for o in ctx.objectives_in_focus():
        if o.parent and ctx.in_focus(o.id):
            parent = ctx.parent_item(o.parent)
            if parent is not None and (verdict := _copies_parent(ctx, o.title, parent.title)):
                yield finding("fake-cascade", f"Objective {_name(o)} and its parent "
                              f"{_name(parent)}: {verdict.reason}", [objective_item(o), parent])
        for kr in o.key_results:
            # A key result that names a measure with a target ("K2 units built per week",
            # 12 -> 40, under "Ramp the K2 line to 40 a week") measures its objective:
            # repeating the objective's words is how it says what it counts. Only a key result
            # with no measure (a milestone, an imported or drafted text) can merely restate it.
            if not ctx.in_focus(kr.id) or _measures(kr):
                continue
            if verdict := _copies_parent(ctx, kr.title, o.title):
                yield finding("fake-cascade", f"Key result {_name(kr)} and its objective "
                              f"{_name(o)}: {verdict.reason}", [kr_item(kr), objective_item(o)])


# Text similarity across units -------------------------------------------------------------


def _elements(ctx: Context):
    """Every objective and key result with its unit, in the plan's order, and by id (the
    later of two equal ids wins, as it always did). Built once a run."""
    if ctx._text_items is None:
        elements, by_id = [], _ItemsById()
        for o in ctx.plan.objectives:
            elements.append((o, o.unit))
            by_id[o.id] = o
            for kr in o.key_results:
                elements.append((kr, o.unit))
                by_id[kr.id] = kr
        ctx._text_items = elements, by_id
    return ctx._text_items


class _ItemsById(dict):
    """id -> the plan's objective or key result; `item(id)` its finding item, made only
    for the few items a finding names."""

    def item(self, key: str) -> Item:
        element = self[key]
        return objective_item(element) if isinstance(element, Objective) else kr_item(element)


def _pair_items(ctx: Context, key_results_only: bool):
    """The `TextItem`s the pairwise rules compare (key results only for contradiction) and
    the elements by id. For a draft: only the focus items and the stored items that share
    two or more words (`near_words`) with one of them, so the pairwise rules read dozens of
    items, not thousands."""
    memo_key = ("pair items", key_results_only)
    if memo_key in ctx.memo:
        return ctx.memo[memo_key]
    if key_results_only:
        # The same items as the rule over both kinds, without the objectives: filtered once.
        items, by_id = _pair_items(ctx, key_results_only=False)
        items = [i for i in items if isinstance(by_id[i.id], KeyResult)]
        ctx.memo[memo_key] = items, by_id
        return items, by_id
    text = _text()
    elements, by_id = _elements(ctx)
    focus = ctx.focus
    if focus is not None:
        words = [near_words(e.title) for e, _ in elements if e.id in focus]
        union = frozenset().union(*words)
        elements = [(e, u) for e, u in elements
                    if e.id in focus or is_near(e.title, words, union)]
    items = [text.TextItem(id=e.id, group=u, text=e.title, kind=e.kind)
             if isinstance(e, KeyResult) else text.TextItem(id=e.id, group=u, text=e.title)
             for e, u in elements]
    ctx.memo[memo_key] = items, by_id
    return items, by_id


_TOKEN = re.compile(r"[a-z][a-z0-9]{3,}")


@lru_cache(maxsize=65_536)  # a worker reads the same stored titles for draft after draft
def near_words(title: str) -> frozenset[str]:
    """The words by which a draft's item finds the stored items it is compared with:
    those of four or more letters (`collect.collect_near` searches the database for them)."""
    return frozenset(_TOKEN.findall(title.lower()))


def is_near(title: str, word_sets, union: frozenset[str] | None = None) -> bool:
    """Whether a title shares two words (`near_words`) with one of the sets. `union`, the
    sets' words together, lets a caller testing many titles reject most of them with one
    intersection instead of one per set."""
    words = near_words(title)
    if union is not None and len(words & union) < 2:
        return False
    return any(len(words & w) >= 2 for w in word_sets)


def overlap(ctx: Context) -> Iterator[Finding]:
    text = _text()
    items, by_id = _pair_items(ctx, key_results_only=False)
    unit_of = {i.id: i.group for i in items}
    for a, b, _score, reason in text.overlapping_pairs(items, ctx.limits.overlap_threshold):
        if not ctx.in_focus(a, b):
            continue
        ua, ub = ctx.unit_title(unit_of[a]), ctx.unit_title(unit_of[b])
        ia, ib = by_id.item(a), by_id.item(b)
        yield finding("overlap", f"{_name(ia)} ({ua}) and {_name(ib)} ({ub}) pursue "
                      f"the same outcome: {reason} Merge them, or agree which unit owns the "
                      "outcome and let the other contribute to it.", [ia, ib])


def contradiction(ctx: Context) -> Iterator[Finding]:
    text = _text()
    items, by_id = _pair_items(ctx, key_results_only=True)
    for a, b, reason in text.contradicting_pairs(items):
        if ctx.in_focus(a, b):
            ia, ib = by_id.item(a), by_id.item(b)
            yield finding("contradiction", f"{_name(ia)} and {_name(ib)} pull against "
                          f"each other: {reason} Decide which way the measure should move, then "
                          "change or drop one of them.", [ia, ib])


# Strategy coverage ----------------------------------------------------------------------


def gap(ctx: Context) -> Iterator[Finding]:
    if ctx.focus is not None:
        return
    for cycle in ctx.plan.cycles:
        served: set[str] = set()
        for o in ctx.plan.objectives:
            if o.cycle == cycle.id:
                served.update(ctx.chain(o))
        for key in list(served):
            if key in ctx.themes:
                served.update(ctx.themes[key].annual_objectives)
            elif key in ctx.priorities:
                served.update(ctx.priorities[key].annual_objectives)
        elements = ([("theme", "Theme", t) for t in ctx.plan.themes if t.cycle == cycle.id]
                    + [("annual_objective", "Annual objective", a)
                       for a in ctx.plan.annual_objectives if a.year == cycle.fiscal_year]
                    + [("improvement_priority", "Improvement priority", p)
                       for p in ctx.plan.priorities if p.year == cycle.fiscal_year])
        for kind, label, element in elements:
            if element.id not in served:
                yield finding("gap", f"{label} {_name(element)} is served by no OKR in "
                              f"{cycle.id}: if every team delivers, it still does not move. Let "
                              "a unit take it on (an objective with it as parent), or record it "
                              "as a trade-off if it waits this quarter.",
                              [Item(kind, element.id, element.title),
                               Item("cycle", cycle.id, cycle.title)])


# Focus limits ---------------------------------------------------------------------------


def too_many_objectives(ctx: Context) -> Iterator[Finding]:
    limit = ctx.limits.max_objectives
    groups: dict[tuple[str, str], list[Objective]] = defaultdict(list)
    for o in ctx.plan.objectives:
        groups[(o.cycle, o.unit)].append(o)
    for (cycle, unit), objectives in groups.items():
        if len(objectives) > limit and ctx.in_focus(*(o.id for o in objectives)):
            yield finding("too-many-objectives",
                          f"{ctx.unit_title(unit)} has {len(objectives)} objectives in {cycle} "
                          f"(limit {limit}): too much at once, and nothing gets full attention. "
                          f"Keep the {limit} that matter most; move the rest to the operating "
                          "plan or a later quarter.",
                          [Item("unit", unit, ctx.unit_title(unit)),
                           *(objective_item(o) for o in objectives)])


def too_many_krs(ctx: Context) -> Iterator[Finding]:
    limit = ctx.limits.max_krs
    for o in ctx.objectives_in_focus():
        if len(o.key_results) > limit and ctx.in_focus(o.id, *(k.id for k in o.key_results)):
            yield finding("too-many-krs",
                          f"Objective {_name(o)} has {len(o.key_results)} key results "
                          f"(limit {limit}): a long list measures activity, not the few outcomes "
                          f"that prove the objective. Keep the {limit} strongest; health measures "
                          "belong in the KPIs.",
                          [objective_item(o), *(kr_item(k) for k in o.key_results)])


def overloaded_owner(ctx: Context) -> Iterator[Finding]:
    limit = ctx.limits.max_owner_krs
    groups: dict[tuple[str, str], list[KeyResult]] = defaultdict(list)
    names: dict[str, str] = {}
    wanted = None  # with a focus, only the groups of its key results' owners can be reported
    if ctx.focus is not None:
        wanted = {kr.owner.id.lower() for kr in ctx.plan.key_results()
                  if kr.id in ctx.focus and kr.owner is not None and kr.owner.id}
    for o in ctx.plan.objectives:
        for kr in o.key_results:
            if kr.owner is not None and kr.owner.id and (
                    wanted is None or kr.owner.id.lower() in wanted):
                groups[(o.cycle, kr.owner.id.lower())].append(kr)
                names.setdefault(kr.owner.id.lower(), kr.owner.name or kr.owner.id)
    for (cycle, owner), krs in groups.items():
        if len(krs) > limit and ctx.in_focus(*(k.id for k in krs)):
            yield finding("overloaded-owner",
                          f"{names[owner]} owns {len(krs)} key results in {cycle} (limit "
                          f"{limit}): weekly check-ins and real attention do not stretch that "
                          "far. Hand some to colleagues or drop the least important.",
                          [Item("person", owner, names[owner]), *(kr_item(k) for k in krs)])


def too_many_themes(ctx: Context) -> Iterator[Finding]:
    if ctx.focus is not None:
        return
    limit = ctx.limits.max_themes
    for cycle in ctx.plan.cycles:
        themes = [t for t in ctx.plan.themes if t.cycle == cycle.id]
        if len(themes) > limit:
            yield finding("too-many-themes",
                          f"{cycle.id} has {len(themes)} strategic themes (limit {limit}): a "
                          "brief that names everything sets no direction. Keep the few that "
                          "matter most this quarter and write the rest down as trade-offs.",
                          [Item("cycle", cycle.id, cycle.title),
                           *(Item("theme", t.id, t.title) for t in themes)])


# Between units --------------------------------------------------------------------------


def _depths(plan: Plan) -> dict[str, list[str]]:
    """Each unit's path from the root (root first), computed once per unit (and once for
    the same tree: each draft check reads the units anew). Read it, never change it."""
    return _depths_of(tuple((uid, unit.parent) for uid, unit in plan.units.items()))


@lru_cache(maxsize=4)
def _depths_of(tree: tuple[tuple[str, str | None], ...]) -> dict[str, list[str]]:
    parent_of = dict(tree)
    paths: dict[str, list[str]] = {}
    for uid, _parent in tree:
        chain: list[str] = []
        seen: set[str] = set()
        node = uid
        while node and node in parent_of and node not in seen:
            if node in paths:
                chain.extend(reversed(paths[node]))
                break
            chain.append(node)
            seen.add(node)
            node = parent_of[node]
        paths[uid] = chain[::-1]
    return paths


def silos(ctx: Context) -> Iterator[Finding]:
    if ctx.focus is not None:
        return
    paths = _depths(ctx.plan)
    depth = ctx.limits.department_depth
    metrics_of: dict[str, set[str]] = defaultdict(set)
    for m in ctx.plan.metrics:
        for p in m.priorities:
            metrics_of[p].add(m.id)
    for cycle in ctx.plan.cycles:
        departments: dict[str, list[Objective]] = defaultdict(list)
        anchors: dict[str, set[str]] = defaultdict(set)
        for o in ctx.plan.objectives:
            path = paths.get(o.unit)
            if o.cycle != cycle.id or not path or len(path) < 2:
                continue  # the company's own objectives are nobody's department
            dept = path[min(depth, len(path) - 1)]
            departments[dept].append(o)
            keys = {o.id, *ctx.chain(o)}
            for key in list(keys):
                if key in ctx.themes:
                    keys.update(ctx.themes[key].annual_objectives)
                elif key in ctx.priorities:
                    keys.update(ctx.priorities[key].annual_objectives)
                    keys.update(metrics_of[key])
            anchors[dept] |= keys
        if len(departments) < 2:
            continue
        spread = Counter(key for keys in anchors.values() for key in keys)
        for dept, objectives in departments.items():
            if all(spread[key] == 1 for key in anchors[dept]):
                name = ctx.unit_title(dept)
                yield finding("silos",
                              f"{name}'s OKRs in {cycle.id} share no parent and no metric with "
                              "any other department: it works toward goals nobody else shares. "
                              "Check in the alignment session whether it should serve a common "
                              "annual objective or priority, or share a measure with a partner "
                              "department.",
                              [Item("unit", dept, name), *(objective_item(o) for o in objectives)])


_RELIANCE = re.compile(
    r"\b(depends? on|dependent on|dependency on|dependencies|relies on|relying on|blocked by|"
    r"waiting (?:on|for)|with (?:the )?help (?:of|from)|in partnership with|jointly with|"
    r"together with|hand-?off (?:to|from)|handover (?:to|from))\b", re.IGNORECASE)
_BEFORE_UNIT = {"with", "from", "by", "alongside", "via", "on", "and"}
_SKIP = {"the", "our", "a"}


def _unit_mentions(title: str, names: dict[tuple[str, ...], str], longest: int) -> set[str]:
    words = _WORDS.findall(title.lower())
    found: set[str] = set()
    for i, word in enumerate(words):
        if word not in _BEFORE_UNIT:
            continue
        j = i + 1
        while j < len(words) and words[j] in _SKIP:
            j += 1
        for n in range(min(longest, len(words) - j), 0, -1):
            unit = names.get(tuple(words[j:j + n]))
            if unit:
                found.add(unit)
                break
    for i, word in enumerate(words):
        if word in ("team", "teams") and i:
            for n in range(min(longest, i), 0, -1):
                unit = names.get(tuple(words[i - n:i]))
                if unit:
                    found.add(unit)
                    break
    return found


def missing_dependency(ctx: Context) -> Iterator[Finding]:
    recorded: set[str] = set()
    # With a focus, a dependency is reported only when its subject is in focus, and so is
    # a key result read for reliance: the objectives in focus hold all of them.
    krs = {kr.id: (kr, o) for o in ctx.objectives_in_focus() for kr in o.key_results}
    for dep in ctx.plan.dependencies:
        subject = dep.key_result or dep.objective
        recorded.add(subject or "")
        if dep.state == "accepted" or not ctx.in_focus(subject or ""):
            continue
        if dep.key_result in krs:
            item = kr_item(krs[dep.key_result][0])
        elif dep.objective in ctx.objectives:
            item = objective_item(ctx.objectives[dep.objective])
        else:
            continue
        provider = ctx.unit_title(dep.providing_unit)
        what = (f"{provider} declined it" if dep.state == "declined"
                else f"{provider} has not accepted it yet")
        yield finding("missing-dependency",
                      f"{item.id} {_quote(item.title)} relies on {provider} "
                      f"({_quote(dep.description)}), but {what}: a dependency is not real until "
                      f"the other unit commits. Agree it with {provider}'s lead, or change the "
                      "plan so it does not rely on them.",
                      [item, Item("unit", dep.providing_unit, provider),
                       Item("dependency", dep.id, dep.description)])
    if not any(ctx.in_focus(kr.id) for kr, _o in krs.values()):
        return
    names: dict[tuple[str, ...], str] = {}
    for unit in ctx.plan.units.values():
        for label in (unit.name, unit.id):
            words = _label_words(label)
            if words:
                names.setdefault(words, unit.id)
    longest = max((len(k) for k in names), default=0)
    paths = _depths(ctx.plan)
    for kr, o in krs.values():
        if kr.id in recorded or o.id in recorded or not ctx.in_focus(kr.id):
            continue
        own = set(paths.get(o.unit, [o.unit]))
        others = sorted(u for u in _unit_mentions(kr.title, names, longest) if u not in own)
        reliance = _RELIANCE.search(kr.title)
        if not others and not reliance:
            continue
        if others:
            who = ", ".join(ctx.unit_title(u) for u in others)
            why = f"it names {who}"
        else:
            who = "another unit"
            why = f'it says "{reliance.group(0)}"'
        yield finding("missing-dependency",
                      f"Key result {_name(kr)} seems to rely on {who} ({why}) but no dependency "
                      "is recorded: a dependency is not real until the other unit accepts it. "
                      "Request it from that unit so they can commit (or decline) in time.",
                      [kr_item(kr), *(Item("unit", u, ctx.unit_title(u)) for u in others)])


def wip_over_limit(ctx: Context) -> Iterator[Finding]:
    for load in ctx.plan.wip:
        if len(load.initiatives) <= load.limit:
            continue
        name = ctx.unit_title(load.unit)
        yield finding("wip-over-limit",
                      f"{name} has {len(load.initiatives)} initiatives in progress or blocked, "
                      f"over its WIP limit of {load.limit}: starting more than a unit can "
                      "finish makes every one of them take longer (Little's law). Finish or "
                      "stop some before starting others, or raise the limit if the unit can "
                      "carry more.",
                      [Item("unit", load.unit, name),
                       *(Item("initiative", key, title) for key, title in load.initiatives)])


# Running --------------------------------------------------------------------------------

RuleFunction = Callable[[Context], Iterable[Finding]]
# Each function reports one or more codes (the text ones those `analyzer.text` returns).
RUNNERS: list[tuple[tuple[str, ...], RuleFunction]] = [
    (("orphan-objective",), orphan_objective),
    (("missing-owner", "shared-owner"), owners),
    (("unmeasurable-kr", "output-kr", "bau-okr", "kpi-in-disguise"), key_result_text),
    (("vague-objective", "overspecified-objective", "bau-okr"), objective_text),
    (("fake-cascade",), fake_cascade),
    (("overlap",), overlap),
    (("contradiction",), contradiction),
    (("gap",), gap),
    (("too-many-objectives",), too_many_objectives),
    (("too-many-krs",), too_many_krs),
    (("overloaded-owner",), overloaded_owner),
    (("too-many-themes",), too_many_themes),
    (("missing-dependency",), missing_dependency),
    (("silos",), silos),
    (("wip-over-limit",), wip_over_limit),
]
_ORDER = {code: i for i, code in enumerate(RULES)}


def analyze(plan: Plan, limits: Limits | None = None, *, codes: Iterable[str] | None = None,
            focus: set[str] | None = None) -> list[Finding]:
    """Every finding of the plan, in the rule table's order.

    `codes` limits the run to those rules; `focus` (the ids of a draft's items) reports
    only findings that involve one of them, and spares the work that cannot."""
    limits = limits or Limits()
    wanted = set(codes) if codes is not None else set(RULES)
    ctx = Context(plan, limits, focus)
    findings: list[Finding] = []
    for rule_codes, run in RUNNERS:
        if wanted & set(rule_codes):
            try:
                findings.extend(f for f in run(ctx) if f.code in wanted)
            except ModuleNotFoundError as exc:
                # An installation without the text module still gets the structural rules.
                if exc.name != "hoshin.analyzer.text":
                    raise
    if focus is not None:
        findings = [f for f in findings if any(i.id in focus for i in f.items)]
    findings.sort(key=lambda f: (_ORDER[f.code], [i.id for i in f.items]))
    return findings


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    tally = Counter(f.severity for f in findings)
    return {severity: tally.get(severity, 0) for severity in (ERROR, WARNING, INFO)}
