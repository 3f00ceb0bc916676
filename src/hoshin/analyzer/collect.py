"""Reads cycles from the database into the analyzer's plain plan data.

A fixed number of queries whatever the plan's size: each table is read once with
`values()` (no model instances), filtered by cycle in the database, never by long id lists.

`collect_near` reads, for the live check of a draft, only the part of a quarter the draft
is compared with: its unit's objectives, the items that share words with it (for overlap
and contradiction), its owners' key results, its parent and the dependencies on it. It
picks them from a per-process index of the quarter (`QuarterIndex`), kept until the plan
changes, instead of searching every title in the database on every typing pause.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import defaultdict
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Count, Q
from django.db.models.signals import post_migrate

from hoshin.analyzer import plan as p
from hoshin.core.errors import NotFound
from hoshin.okrs.models import Cycle, Dependency, KeyResult, MilestoneStep, Objective, Theme
from hoshin.okrs.rules import fiscal_year_of
from hoshin.org.models import Organization, Person, Unit
from hoshin.portfolio.selectors import loads as wip_loads
from hoshin.strategy.models import (
    AnnualObjective,
    ImprovementPriority,
    MetricCorrelation,
    PriorityCorrelation,
)

LIVE = Q(archived_at__isnull=True)
_OBJECTIVE_FIELDS = ("key", "title", "unit__key", "cycle__key", "kind", "parent_annual__key",
                     "parent_priority__key", "parent_theme__key", "parent_objective__key")


def cycles_to_check(key: str | None = None) -> list[Cycle]:
    """The named cycle, or else the current plan: every quarter in planning or active
    (or, when none is, the latest quarter)."""
    if key:
        cycle = Cycle.objects.filter(key=key).first()
        if cycle is None:
            known = ", ".join(Cycle.objects.filter(LIVE).values_list("key", flat=True))
            raise NotFound.field("cycle", f'unknown cycle "{key}"'
                                 + (f" (cycles: {known})" if known else " (there are none yet)"))
        return [cycle]
    quarters = Cycle.objects.filter(LIVE, kind=Cycle.Kind.QUARTER)
    current = list(quarters.filter(state__in=[Cycle.State.PLANNING, Cycle.State.ACTIVE]))
    if current:
        return current
    latest = quarters.order_by("-start").first()
    return [latest] if latest else []


def _objective(row: dict) -> p.Objective:
    parent = (row["parent_annual__key"] or row["parent_priority__key"]
              or row["parent_theme__key"] or row["parent_objective__key"])
    return p.Objective(id=row["key"], title=row["title"], unit=row["unit__key"],
                       cycle=row["cycle__key"], parent=parent, kind=row["kind"])


def collect(cycles: list[Cycle]) -> p.Plan:
    """The plan of these cycles: their objectives and key results with everything the
    rules compare them against (units, the brief, the year's strategy, dependencies)."""
    fy_start = Organization.current().fiscal_year_start
    plan = p.Plan(cycles=[p.Cycle(id=c.key, title=c.name or c.key,
                                  fiscal_year=fiscal_year_of(c.start, fy_start)) for c in cycles])
    years = sorted({c.fiscal_year for c in plan.cycles})
    cycle_ids = [c.pk for c in cycles]
    for key, name, parent in Unit.objects.filter(LIVE).values_list("key", "name", "parent__key"):
        plan.units[key] = p.Unit(id=key, name=name, parent=parent)

    objectives: dict[int, p.Objective] = {}
    for row in (Objective.objects.filter(LIVE, cycle_id__in=cycle_ids)
                .order_by("cycle__start", "unit__key", "key").values("id", *_OBJECTIVE_FIELDS)):
        objectives[row["id"]] = _objective(row)
    plan.objectives = list(objectives.values())

    kr_rows = (KeyResult.objects.filter(LIVE, objective__archived_at__isnull=True,
                                        objective__cycle_id__in=cycle_ids)
               .order_by("objective_id", "id")
               .values_list("id", "key", "title", "objective_id", "owner__email", "owner__name",
                            "kind", "baseline", "target"))
    steps = dict(MilestoneStep.objects.filter(key_result__objective__cycle_id__in=cycle_ids,
                                              key_result__kind=KeyResult.Kind.MILESTONE)
                 .values("key_result_id").annotate(n=Count("id"))
                 .values_list("key_result_id", "n"))
    for kr_id, key, title, objective_id, email, name, kind, baseline, target in kr_rows:
        objective = objectives.get(objective_id)
        if objective is None:
            continue
        owner = p.Owner(id=email, name=name) if email else None
        objective.key_results.append(p.KeyResult(
            id=key, title=title, objective=objective.id, owner=owner, kind=kind,
            baseline=baseline, target=target, steps=steps.get(kr_id, 0)))

    # Parents outside these cycles (a year's objectives), for parent chains.
    known = {o.id for o in plan.objectives}
    parent_objectives = {o.parent for o in plan.objectives} - known - {None}
    if parent_objectives:
        outside = (Objective.objects.filter(child_objectives__cycle_id__in=cycle_ids)
                   .exclude(cycle_id__in=cycle_ids).distinct().values(*_OBJECTIVE_FIELDS))
        for row in outside:
            plan.outside_objectives[row["key"]] = _objective(row)

    themes = {key: p.Theme(id=key, title=title, cycle=cycle) for key, title, cycle in
              Theme.objects.filter(LIVE, cycle_id__in=cycle_ids)
              .values_list("key", "title", "cycle__key")}
    for theme, annual in (Theme.annual_objectives.through.objects
                          .filter(theme__cycle_id__in=cycle_ids)
                          .values_list("theme__key", "annualobjective__key")):
        if theme in themes:
            themes[theme].annual_objectives.append(annual)
    plan.themes = sorted(themes.values(), key=lambda t: (t.cycle, t.id))

    plan.annual_objectives = [
        p.AnnualObjective(id=key, title=title, year=year) for key, title, year in
        AnnualObjective.objects.filter(LIVE, year__in=years).order_by("key")
        .values_list("key", "title", "year")]
    priorities = {key: p.Priority(id=key, title=title, year=year, unit=unit) for
                  key, title, year, unit in
                  ImprovementPriority.objects.filter(LIVE, year__in=years).order_by("key")
                  .values_list("key", "title", "year", "unit__key")}
    for priority, annual in (PriorityCorrelation.objects.filter(priority__year__in=years)
                             .values_list("priority__key", "annual_objective__key")):
        if priority in priorities:
            priorities[priority].annual_objectives.append(annual)
    plan.priorities = list(priorities.values())

    metrics: dict[str, p.Metric] = {}
    for metric, title, priority in (MetricCorrelation.objects
                                    .filter(priority__year__in=years, metric__archived_at=None)
                                    .values_list("metric__key", "metric__title",
                                                 "priority__key")):
        metrics.setdefault(metric, p.Metric(id=metric, title=title)).priorities.append(priority)
    plan.metrics = list(metrics.values())

    plan.dependencies = [
        p.Dependency(id=key, key_result=kr, objective=obj, providing_unit=unit,
                     description=description, state=state)
        for key, kr, obj, unit, description, state in
        Dependency.objects.filter(LIVE).filter(Q(key_result__objective__cycle_id__in=cycle_ids)
                                               | Q(objective__cycle_id__in=cycle_ids))
        .order_by("id").values_list("key", "key_result__key", "objective__key",
                                    "providing_unit__key", "description", "state")]
    plan.wip = [p.UnitWip(unit=load.unit.key, limit=load.limit,
                          initiatives=[(i.key, i.title) for i in load.initiatives])
                for load in wip_loads(cycle_ids=cycle_ids, limited_only=True)]
    return plan



# The draft check ------------------------------------------------------------------------

# Characters outside ASCII whose lower case holds an ASCII letter (KELVIN SIGN -> "k",
# LATIN CAPITAL LETTER I WITH DOT ABOVE -> "i" + a combining dot): a title with one of them
# can hold a word the database's ASCII-only case folding does not see, so it is always read.
_FOLDS_TO_ASCII = ("\u0130", "\u212a")


def _sharing_two(field: str, word_sets: list[set[str]]) -> Q:
    """Rows whose `field` contains (as text, ignoring case) two words of one of the sets: a
    superset of the rows that share two of those words, which the rules then pick exactly.
    Written as "a and (b or c …)" per word so that a row holding none of the words costs
    one comparison per distinct word."""
    partners: dict[str, set[str]] = defaultdict(set)
    for words in word_sets:
        ordered = sorted(words)
        for i, word in enumerate(ordered):
            partners[word].update(ordered[i + 1:])
    terms = [Q(**{f"{field}__icontains": word})
             & reduce(or_, (Q(**{f"{field}__icontains": w}) for w in sorted(others)))
             for word, others in sorted(partners.items()) if others]
    if not terms:
        return Q(pk__in=[])
    return reduce(or_, terms + [Q(**{f"{field}__contains": c}) for c in _FOLDS_TO_ASCII])


def collect_near(cycle: Cycle, *, unit: str, texts: list[str], owners: list[str],
                 editing: str | None = None, subjects: set[str] = frozenset(),
                 parent: str | None = None) -> p.Plan:
    """The part of a cycle's plan that a draft objective of `unit` is judged against (see
    `collect_near_from_database` for what it holds), picked from the quarter's index
    (`QuarterIndex`) when one is current, else searched in the database. Both give the
    same plan, in the same order (tests/analyzer/test_speed_equivalence.py)."""
    index = quarter_index(cycle)
    if index is None:
        return collect_near_from_database(cycle, unit=unit, texts=texts, owners=owners,
                                          editing=editing, subjects=subjects, parent=parent)
    return index.near(cycle, unit=unit, texts=texts, owners=owners, editing=editing,
                      subjects=subjects, parent=parent)


def collect_near_from_database(cycle: Cycle, *, unit: str, texts: list[str],
                               owners: list[str], editing: str | None = None,
                               subjects: set[str] = frozenset(),
                               parent: str | None = None) -> p.Plan:
    """The part of a cycle's plan that a draft objective of `unit` is judged against, in
    the order and shape `collect` gives it, so that the rules (run with the draft's ids as
    focus) find exactly what they find on the whole cycle:

    * the unit's objectives (too-many-objectives) and the objective being edited
      (`editing`) with its key results;
    * the objectives and key results whose titles share two words of four or more letters
      with one of `texts` (the draft's titles: overlap, contradiction, see
      `rules.near_words`), found in the database without reading the others;
    * the key results owned by `owners` (overloaded-owner; emails, any case);
    * `parent`, as the whole cycle's plan would name it (fake-cascade);
    * the dependencies on `subjects` (the draft's stored ids: missing-dependency).

    Every unit is read (names and the tree: shared-owner, missing-dependency). About ten
    queries, whatever the quarter's size; the text search reads each title once in the
    database."""
    from hoshin.analyzer.rules import is_near, near_words

    fy_start = Organization.current().fiscal_year_start
    year = fiscal_year_of(cycle.start, fy_start)
    plan = p.Plan(cycles=[p.Cycle(id=cycle.key, title=cycle.name or cycle.key,
                                  fiscal_year=year)])
    for key, name, parent_unit in Unit.objects.filter(LIVE).values_list("key", "name",
                                                                        "parent__key"):
        plan.units[key] = p.Unit(id=key, name=name, parent=parent_unit)

    word_sets = [w for w in (near_words(t) for t in texts) if len(w) >= 2]
    union = frozenset().union(*word_sets)
    owners = {o.strip().lower() for o in owners if o and o.strip()}
    kr_wanted = _sharing_two("title", word_sets)
    # Every alternative reads the key result's own columns (subqueries run once), so that
    # the database tests them before joining the owner.
    if owners:
        # Stored emails are lower case (Person.save, the plan-file importer).
        kr_wanted |= Q(owner_id__in=Person.objects.filter(email__in=sorted(owners))
                       .values("id"))
    if editing:
        kr_wanted |= Q(objective_id__in=Objective.objects.filter(key=editing).values("id"))
    if subjects:
        kr_wanted |= Q(key__in=sorted(subjects))
    # The database's match is a superset (words as substrings); keep the rows the rules
    # would keep, and those wanted for another reason.
    kr_rows = [row for row in KeyResult.objects.filter(
                   LIVE, kr_wanted, objective__archived_at__isnull=True,
                   objective__cycle_id=cycle.pk)
               .order_by("objective_id", "id")
               .values_list("id", "key", "title", "objective_id", "owner__email",
                            "owner__name", "kind", "baseline", "target", "objective__key")
               if is_near(row[2], word_sets, union) or row[9] == editing or row[1] in subjects
               or (row[4] or "").lower() in owners]
    objective_wanted = Q(unit__key=unit) | _sharing_two("title", word_sets)
    if editing:
        objective_wanted |= Q(key=editing)
    needed_set = {row[3] for row in kr_rows}
    needed = sorted(needed_set)
    if len(needed) > 20_000:  # beyond what a database takes as parameters of one query
        objective_wanted |= Q(id__in=KeyResult.objects.filter(
            LIVE, kr_wanted, objective__cycle_id=cycle.pk).values("objective_id"))
    elif needed:
        objective_wanted |= Q(id__in=needed)
    objectives: dict[int, p.Objective] = {}
    for (pk, key, title, unit_key, cycle_key, kind, annual, priority, theme,
         parent_objective) in (Objective.objects.filter(LIVE, objective_wanted, cycle_id=cycle.pk)
                               .order_by("cycle__start", "unit__key", "key")
                               .values_list("id", *_OBJECTIVE_FIELDS)):
        if unit_key == unit or key == editing or pk in needed_set or is_near(title, word_sets, union):
            objectives[pk] = p.Objective(
                id=key, title=title, unit=unit_key, cycle=cycle_key, kind=kind,
                parent=annual or priority or theme or parent_objective)
    plan.objectives = list(objectives.values())
    steps = _steps_of(editing)
    for kr_id, key, title, objective_id, email, name, kind, baseline, target, _ in kr_rows:
        objective = objectives.get(objective_id)
        if objective is not None:
            owner = p.Owner(id=email, name=name) if email else None
            objective.key_results.append(p.KeyResult(
                id=key, title=title, objective=objective.id, owner=owner, kind=kind,
                baseline=baseline, target=target, steps=steps.get(kr_id, 0)))

    _parent_as_collected(plan, cycle, year, parent, editing)
    plan.dependencies = _dependencies_on(cycle, subjects)
    return plan


def _steps_of(editing: str | None) -> dict[int, int]:
    """Key result id -> its milestone steps, for the objective being edited (the only
    stored key results whose steps a draft check reads)."""
    if not editing:
        return {}
    return dict(MilestoneStep.objects.filter(key_result__objective__key=editing,
                                             key_result__kind=KeyResult.Kind.MILESTONE)
                .values("key_result_id").annotate(n=Count("id"))
                .values_list("key_result_id", "n"))


def _dependencies_on(cycle: Cycle, subjects) -> list[p.Dependency]:
    if not subjects:
        return []
    return [
        p.Dependency(id=key, key_result=kr, objective=obj, providing_unit=unit_key,
                     description=description, state=state)
        for key, kr, obj, unit_key, description, state in
        Dependency.objects.filter(LIVE)
        .filter(Q(key_result__objective__cycle_id=cycle.pk) | Q(objective__cycle_id=cycle.pk))
        .filter(Q(key_result__key__in=sorted(subjects)) | Q(objective__key__in=sorted(subjects)))
        .order_by("id").values_list("key", "key_result__key", "objective__key",
                                    "providing_unit__key", "description", "state")]


def _parent_as_collected(plan: p.Plan, cycle: Cycle, year: int, key: str | None,
                         editing: str | None) -> None:
    """Put the draft's parent where the whole cycle's plan has it: a live objective of the
    cycle, or an objective outside it that one of the cycle's objectives serves; else the
    cycle's theme, the year's annual objective or improvement priority; else any objective
    of that key (as `report` adds an outside parent)."""
    if not key:
        return
    in_plan = {o.id for o in plan.objectives}
    row = (Objective.objects.filter(key=key)
           .values("id", "archived_at", "cycle_id", *_OBJECTIVE_FIELDS).first())
    if row is not None:
        if row["cycle_id"] == cycle.pk:
            found = row["archived_at"] is None and key != editing
        else:
            found = Objective.objects.filter(parent_objective_id=row["id"],
                                             cycle_id=cycle.pk).exists()
        if found:
            if key not in in_plan:
                plan.outside_objectives[key] = _objective(row)
            return
    theme = (Theme.objects.filter(LIVE, key=key, cycle_id=cycle.pk)
             .values_list("title", flat=True).first())
    if theme is not None:
        plan.themes = [p.Theme(id=key, title=theme, cycle=cycle.key)]
        return
    annual = (AnnualObjective.objects.filter(LIVE, key=key, year=year)
              .values_list("title", flat=True).first())
    if annual is not None:
        plan.annual_objectives = [p.AnnualObjective(id=key, title=annual, year=year)]
        return
    priority = (ImprovementPriority.objects.filter(LIVE, key=key, year=year)
                .values_list("title", "unit__key").first())
    if priority is not None:
        plan.priorities = [p.Priority(id=key, title=priority[0], year=year, unit=priority[1])]
        return
    if row is not None:
        plan.outside_objectives[key] = _objective(row)


# The quarter's index for draft checks ------------------------------------------------------

# Plan changes are read from the history tables: every save and delete of these models
# writes a row there (check-ins write none: they update `last_checkin` in place), so their
# largest history ids change exactly when what the index holds may have. People are kept
# apart: each login writes a history row for its person, and a rebuild per login would
# make the index useless at 20,000 people; their names and addresses are re-read instead
# for the few whose history moved (`QuarterIndex.refresh_people`).
_STAMPED = (Organization, Cycle, Objective, KeyResult, Unit, Theme, AnnualObjective,
            ImprovementPriority)
# PostgreSQL hands out history ids when a row is written, not when its transaction commits:
# a change committed after a later one hides behind that one's id. The index is therefore
# read anew after this many seconds whatever the stamp says (on SQLite as well: writers
# commit one at a time there, but a restored backup can bring back an old stamp).
INDEX_SECONDS = 60.0

_indexes: dict[tuple, QuarterIndex] = {}
_indexes_lock = threading.Lock()


_stamp_sql: dict[str, str] = {}


def _stamp() -> tuple[tuple, int]:
    """The largest history id of each model the index reads (one query), and of people."""
    sql = _stamp_sql.get(connection.vendor)
    if sql is None:
        # Made once: each `Model.history` builds its manager class anew.
        tables = [connection.ops.quote_name(m.history.model._meta.db_table)
                  for m in (*_STAMPED, Person)]
        sql = _stamp_sql[connection.vendor] = "SELECT " + ", ".join(
            f"(SELECT MAX(history_id) FROM {t})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = tuple(cursor.fetchone())
    return row[:-1], row[-1]


def quarter_index(cycle: Cycle) -> QuarterIndex | None:
    """The index of `cycle` for this process, rebuilt when the plan changed. None inside a
    transaction that the index is not current for: what such a transaction sees may be
    its own uncommitted changes, which must never be kept for other requests."""
    plan_stamp, people_stamp = _stamp()
    key = (connection.alias, connection.settings_dict.get("NAME"), cycle.pk)
    with _indexes_lock:
        index = _indexes.get(key)
        if (index is not None and index.stamp == plan_stamp
                and time.monotonic() - index.built < INDEX_SECONDS):
            return index if index.refresh_people(people_stamp) else None
        if connection.in_atomic_block:
            return None
        index = _indexes[key] = QuarterIndex(cycle, plan_stamp, people_stamp)
        return index


def forget_indexes(**_kwargs) -> None:
    """Drop every quarter index (a flushed or migrated database starts its ids again)."""
    with _indexes_lock:
        _indexes.clear()


post_migrate.connect(forget_indexes, dispatch_uid="hoshin.analyzer.collect.forget_indexes")


def _postings(titles) -> dict[str, set[int]]:
    """word (`rules.near_words`) -> the positions of the titles that hold it."""
    from hoshin.analyzer.rules import near_words

    postings: dict[str, set[int]] = defaultdict(set)
    for position, title in enumerate(titles):
        for word in near_words(title):
            postings[word].add(position)
    return dict(postings)


def sharing_two(postings: dict[str, set[int]], word_sets) -> set[int]:
    """The positions whose title shares two words of one of the sets: exactly those for
    which `rules.is_near` holds, found from the words' postings (a position shares two
    words of a set when it is in the postings of both)."""
    found: set[int] = set()
    for words in word_sets:
        lists = sorted((postings[w] for w in words if w in postings), key=len)
        for i, smaller in enumerate(lists):
            for larger in lists[i + 1:]:
                found |= smaller & larger
    return found


class QuarterIndex:
    """One quarter's live objectives and key results as `collect_near_from_database` reads
    them (same columns, same order), every unit, the people who own key results, and the
    words of every title, so that a draft check picks its neighbours in memory.

    Built from four queries (at 20,000 people 0.15-0.2 s of CPU and about 30 MB with the
    word caches); `collect_near` then costs a few small queries whatever the size (the
    stamp, the edited objective's steps, the parent, the dependencies on the draft)."""

    def __init__(self, cycle: Cycle, stamp: tuple, people_stamp: int | None):
        self.stamp = stamp
        self.built = time.monotonic()
        self.year = fiscal_year_of(cycle.start, Organization.current().fiscal_year_start)
        # Units and stored key results go into every draft's plan as these same objects:
        # the rules and `report.check_draft` read them and never change them.
        self.units = {key: p.Unit(id=key, name=name, parent=parent) for key, name, parent
                      in Unit.objects.filter(LIVE).values_list("key", "name", "parent__key")}
        self.objectives = list(
            Objective.objects.filter(LIVE, cycle_id=cycle.pk)
            .order_by("cycle__start", "unit__key", "key").values_list("id", *_OBJECTIVE_FIELDS))
        rows = (KeyResult.objects.filter(LIVE, objective__archived_at__isnull=True,
                                         objective__cycle_id=cycle.pk)
                .order_by("objective_id", "id")
                .values_list("id", "key", "title", "objective_id", "owner_id", "kind",
                             "baseline", "target", "objective__key", "owner__email",
                             "owner__name"))
        people: dict[int, tuple[str, str]] = {}
        self.key_results = []
        for row in rows:
            if row[4] is not None:
                people[row[4]] = row[9:]
            self.key_results.append(row[:9])
        self.objective_words = _postings(row[2] for row in self.objectives)
        self.kr_words = _postings(row[2] for row in self.key_results)
        self.objectives_of_unit: dict[str, list[int]] = defaultdict(list)
        self.objective_at: dict[str, int] = {}
        self.objective_position: dict[int, int] = {}
        for position, row in enumerate(self.objectives):
            self.objectives_of_unit[row[3]].append(position)
            self.objective_at[row[1]] = position
            self.objective_position[row[0]] = position
        self.krs_of_objective: dict[str, list[int]] = defaultdict(list)
        self.krs_of_owner: dict[int, list[int]] = defaultdict(list)
        self.kr_at: dict[str, int] = {}
        for position, row in enumerate(self.key_results):
            self.krs_of_objective[row[8]].append(position)
            if row[4] is not None:
                self.krs_of_owner[row[4]].append(position)
            self.kr_at[row[1]] = position
        self.people_stamp = people_stamp
        self.kr_objects: list[p.KeyResult] = []
        self._set_people(people, range(len(self.key_results)))

    def _set_people(self, people: dict[int, tuple[str, str]], positions) -> None:
        """Owners' names and addresses, and the key results at `positions` made anew with
        them. Replaced, never changed in place: another thread may be reading the old."""
        by_email: dict[str, list[int]] = defaultdict(list)
        for pk, (email, _name) in people.items():
            by_email[(email or "").lower()].append(pk)
        objects = list(self.kr_objects) or [None] * len(self.key_results)
        owners: dict[int, p.Owner | None] = {}
        for i in positions:
            _id, key, title, _objective, owner_id, kind, baseline, target, objective = \
                self.key_results[i]
            if owner_id not in owners:
                email, name = people.get(owner_id, (None, None))
                owners[owner_id] = p.Owner(id=email, name=name) if email else None
            objects[i] = p.KeyResult(id=key, title=title, objective=objective,
                                     owner=owners[owner_id], kind=kind, baseline=baseline,
                                     target=target)
        self.people, self.ids_of_email, self.kr_objects = people, by_email, objects

    def refresh_people(self, stamp: int | None) -> bool:
        """Re-read the owners whose history moved since the index last looked (a login, a
        new name or address): their key results are the same rows. False inside a
        transaction, which may see its own uncommitted changes."""
        if stamp == self.people_stamp:
            return True
        if connection.in_atomic_block:
            return False
        changed = set(Person.history.filter(history_id__gt=self.people_stamp or 0)
                      .values_list("id", flat=True)) & set(self.krs_of_owner)
        if changed:
            people = dict(self.people)
            for pk in changed:
                people.pop(pk, None)
            people.update({pk: (email, name) for pk, email, name in
                           Person.objects.filter(id__in=sorted(changed)).order_by()
                           .values_list("id", "email", "name")})
            self._set_people(people, sorted(i for pk in changed for i in self.krs_of_owner[pk]))
        self.people_stamp = stamp
        return True

    def near(self, cycle: Cycle, *, unit: str, texts: list[str], owners: list[str],
             editing: str | None, subjects, parent: str | None) -> p.Plan:
        """What `collect_near_from_database` gives for these arguments."""
        from hoshin.analyzer.rules import near_words

        plan = p.Plan(cycles=[p.Cycle(id=cycle.key, title=cycle.name or cycle.key,
                                      fiscal_year=self.year)])
        plan.units = dict(self.units)
        word_sets = [w for w in (near_words(t) for t in texts) if len(w) >= 2]
        owners = {o.strip().lower() for o in owners if o and o.strip()}

        krs = sharing_two(self.kr_words, word_sets)
        for email in owners:
            for person in self.ids_of_email.get(email, ()):
                krs.update(self.krs_of_owner.get(person, ()))
        if editing:
            krs.update(self.krs_of_objective.get(editing, ()))
        for key in subjects:
            if key in self.kr_at:
                krs.add(self.kr_at[key])
        kr_positions = sorted(krs)

        chosen = sharing_two(self.objective_words, word_sets)
        chosen.update(self.objectives_of_unit.get(unit, ()))
        if editing in self.objective_at:
            chosen.add(self.objective_at[editing])
        chosen.update(self.objective_position[self.key_results[i][3]] for i in kr_positions)
        objectives: dict[int, p.Objective] = {}
        for i in sorted(chosen):
            (pk, key, title, unit_key, cycle_key, kind, annual, priority, theme,
             parent_objective) = self.objectives[i]
            objectives[pk] = p.Objective(
                id=key, title=title, unit=unit_key, cycle=cycle_key, kind=kind,
                parent=annual or priority or theme or parent_objective)
        plan.objectives = list(objectives.values())

        steps = _steps_of(editing)
        rows, stored = self.key_results, self.kr_objects
        for i in kr_positions:
            objective = objectives.get(rows[i][3])
            if objective is None:
                continue
            kr = stored[i]
            if steps.get(rows[i][0]):
                kr = dataclasses.replace(kr, steps=steps[rows[i][0]])
            objective.key_results.append(kr)

        _parent_as_collected(plan, cycle, self.year, parent, editing)
        plan.dependencies = _dependencies_on(cycle, subjects)
        return plan
