"""Reads a plan file (SPEC §8) into the database, all or nothing.

The document is checked first (hoshin.planfile.checks); only a document without a
single error is written. Writing is the one sanctioned bulk path around the services: a
20,000-person plan has hundreds of thousands of rows, which one save() per row cannot
load in reasonable time. Every model that keeps history still gets its history rows, in
bulk.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from hoshin.core import clock
from hoshin.core.memory import no_cycle_collection
from hoshin.planfile import schema, scope

# Re-exported: callers import the whole plan-file workflow from here.
from hoshin.planfile.checks import (
    PARENT_KINDS,
    check,
    format_errors,
    validate,  # noqa: F401
)
from hoshin.planfile.loading import PlanFileError, load  # noqa: F401

Progress = Callable[[str, int, int], None]

CHANGE_REASON = "imported from plan file"
BATCH_SIZE = 2000
CHECKIN_BATCH_SIZE = 5000


def _plan_counts() -> dict[str, int]:
    from hoshin.okrs.models import Cycle, Objective
    from hoshin.org.models import Unit
    from hoshin.strategy.models import (
        AnnualObjective,
        Breakthrough,
        ImprovementPriority,
        Metric,
        Vision,
    )

    kinds = (("unit", "units", Unit), ("breakthrough", "breakthroughs", Breakthrough),
             ("annual objective", "annual objectives", AnnualObjective),
             ("improvement priority", "improvement priorities", ImprovementPriority),
             ("metric", "metrics", Metric), ("cycle", "cycles", Cycle),
             ("objective", "objectives", Objective), ("vision", "visions", Vision))
    counts = {}
    for one, many, model in kinds:
        n = model.objects.count()
        if n:
            counts[one if n == 1 else many] = n
    return counts


def import_plan(doc: dict, *, replace: bool = False, force: bool = False,
                progress: Progress | None = None) -> dict:
    """Check the whole document, then write all of it in one transaction; on any error raise
    PlanFileError with every error and write nothing.

    The database must hold no plan yet unless `replace`, in which case the plan data is
    deleted first in the same transaction. People are kept and updated by email either
    way (their passwords and API tokens survive). Replacing refuses, naming them, when it
    would delete execution records the plan file does not carry (reviews, catchball
    threads...), unless `force`. Returns how many of each kind were imported."""
    with no_cycle_collection():
        return _import(doc, replace, force, progress or (lambda stage, done, total: None))


def _import(doc: dict, replace: bool, force: bool, report: Progress) -> dict:
    from django.db import DatabaseError, transaction

    report("checking", 0, 1)
    plan, errors = check(doc)
    if not replace and (held := _plan_counts()):
        errors.insert(0, ("", "the database already holds a plan ("
                              + ", ".join(f"{n} {label}" for label, n in held.items())
                              + "); use --replace to replace it (people are kept)"))
    if errors:
        raise PlanFileError(format_errors(errors))
    report("checking", 1, 1)
    try:
        with transaction.atomic():
            if replace:
                _replace_plan_data(report, force)
            counts = _Writer(plan, report).write()
            # Written in bulk, without signals: the stored roll-up of the running quarters
            # is rebuilt once the import commits.
            from hoshin.okrs import rollups

            rollups.rebuild_on_commit()
            return counts
    except DatabaseError as exc:
        raise PlanFileError([f"the database refused the import, so nothing was imported: "
                             f"{exc}"]) from exc


def _replace_plan_data(report: Progress, force: bool) -> None:
    """Delete the plan; refuse (the caller's transaction rolls the deletion back) when that
    took execution records with it, unless forced. The deletion itself is the measure: the
    on_delete rules of every app decide what goes, so counting before and after is exact
    where a prediction would drift from them."""
    outside = [model for model in scope.records_outside_the_plan()
               if model._base_manager.exists()]
    before = {model: model._base_manager.count() for model in outside}
    _delete_plan_data(report)
    if force:
        return
    lost = [(model, n - model._base_manager.count()) for model, n in before.items()]
    lost = [(model, n) for model, n in lost if n > 0]
    if lost:
        named = ", ".join(
            f"{n} {model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural}"
            for model, n in lost)
        raise PlanFileError([f"replacing the plan would delete {named}, which a plan file "
                             "does not carry; nothing was changed. Run `hoshin backup` first, "
                             "then add --force"])


def _delete_plan_data(report: Progress) -> None:
    """Delete every plan element, recording each deletion in the history as a delete
    through the ORM would, but in bulk: one post_delete signal per row would take minutes
    for a large organisation. Rows elsewhere in the app that hang on the plan follow
    their own on_delete rules."""
    from django.apps import apps
    from django.db import connection
    from django.db.models import CASCADE, DO_NOTHING, PROTECT, RESTRICT, SET_NULL
    from simple_history.models import HistoricalChanges

    from hoshin.okrs.models import KeyResult

    # Children before parents.
    plan_models = scope.plan_models()
    plan_set = set(plan_models)

    def outside(model) -> bool:
        return model not in plan_set and not issubclass(model, HistoricalChanges)

    # Other parts of the app (reviews, catchball…) may protect plan elements; they are plan
    # data too, so they go first, through the ORM.
    dependents = [model for model in apps.get_models() if outside(model) and any(
        field.is_relation and field.related_model in plan_set
        and field.remote_field.on_delete in (PROTECT, RESTRICT)
        for field in model._meta.concrete_fields)]
    steps = len(dependents) + len(plan_models)
    for n, model in enumerate(dependents):
        report("deleting the old plan", n, steps)
        model._base_manager.all().delete()

    now = clock.now()
    reason = "replaced by a plan file import"
    KeyResult.objects.update(last_checkin=None)
    for n, model in enumerate(plan_models, start=len(dependents)):
        report("deleting the old plan", n, steps)
        unusual = False
        # Every relation that points here, a hidden one (related_name="+") included: the
        # raw DELETE below must leave no row of another table pointing at nothing.
        for rel in model._meta.get_fields(include_hidden=True):
            if not (rel.auto_created and not rel.concrete and rel.is_relation):
                continue  # a field of this model, not a relation from elsewhere
            if not outside(rel.related_model):
                continue
            if rel.many_to_many:
                rel.through._base_manager.all().delete()
            elif rel.on_delete in (CASCADE, PROTECT, RESTRICT):
                rel.related_model._base_manager.filter(
                    **{f"{rel.field.name}__isnull": False}).delete()
            elif rel.on_delete is SET_NULL:
                rel.related_model._base_manager.filter(
                    **{f"{rel.field.name}__isnull": False}).update(**{rel.field.name: None})
            elif rel.on_delete is not DO_NOTHING:
                unusual = True
        if unusual:
            # SET_DEFAULT, SET(...): let the ORM apply them, row by row.
            model._base_manager.all().delete()
            continue
        for m2m in model._meta.local_many_to_many:
            m2m.remote_field.through._base_manager.all().delete()
        if hasattr(model, "history"):
            history = model.history.model
            fields = [f.attname for f in history.tracked_fields]
            batch = []
            for obj in model._base_manager.order_by("pk").iterator(chunk_size=BATCH_SIZE):
                batch.append(history(history_date=now, history_type="-", history_user=None,
                                     history_change_reason=reason,
                                     **{name: getattr(obj, name) for name in fields}))
                if len(batch) >= BATCH_SIZE:
                    history.objects.bulk_create(batch)
                    batch = []
            history.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            # Plan elements refer to each other (a unit to its parent, an objective to its
            # parent objective); every one of them goes, so one statement per table leaves
            # nothing dangling when the deferred foreign-key checks run.
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    report("deleting the old plan", steps, steps)


def _levels(items: list, parent_of: Callable[[Any], str | None]) -> list[list]:
    """Items grouped by depth, so each group's parents are already written."""
    by_key = {item.id: item for item in items}
    depth: dict[str, int] = {}

    def depth_of(item) -> int:
        chain = []
        node = item
        while node is not None and node.id not in depth:
            chain.append(node)
            parent = parent_of(node)
            node = by_key.get(parent) if parent else None
        base = depth[node.id] if node is not None else -1
        for n in reversed(chain):
            base += 1
            depth[n.id] = base
        return depth[item.id]

    levels: list[list] = []
    for item in items:
        d = depth_of(item)
        while len(levels) <= d:
            levels.append([])
        levels[d].append(item)
    return levels


def _month(period: str) -> dt.date:
    year, month = period.split("-")
    return dt.date(int(year), int(month), 1)


class _Writer:
    def __init__(self, plan: schema.PlanFile, report: Progress):

        self.plan = plan
        self.report = report
        self.now = clock.now()
        self.counts: dict[str, int] = {}
        self.person_ids: dict[str, int] = {}
        self.ids: dict[str, dict[str, int]] = defaultdict(dict)

    def create(self, model, objs: list) -> list:
        """Insert with one history row each, as saving them one by one would."""
        from simple_history.utils import bulk_create_with_history

        if not objs:
            return []
        if hasattr(model, "history"):
            return bulk_create_with_history(objs, model, batch_size=BATCH_SIZE,
                                            default_change_reason=CHANGE_REASON,
                                            default_date=self.now)
        return model.objects.bulk_create(objs, batch_size=BATCH_SIZE)

    def archived(self, item) -> dt.datetime | None:
        return self.now if item.archived else None

    def person(self, email: str | None) -> int | None:
        return self.person_ids[email.lower()] if email else None

    @staticmethod
    def moment(value: dt.datetime | None) -> dt.datetime | None:
        # A time written without a zone is UTC, as the exporter writes every time.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value

    def write(self) -> dict[str, int]:
        self.write_organization()
        self.write_people()
        self.write_units()
        self.write_strategy()
        self.write_cycles()
        self.write_objectives()
        self.write_key_results()
        self.write_dependencies()
        self.write_trade_off_links()
        return self.counts

    def write_organization(self) -> None:
        from hoshin.org.models import Organization

        src = self.plan.organization
        org = Organization.objects.filter(pk=1).first() or Organization(pk=1)
        org.name = src.name
        org.fiscal_year_start = src.fiscal_year_start
        org.include_child_objectives = src.include_child_objectives
        # An imported plan is nobody's demo (`hoshin demo` marks its own after importing):
        # the login page must stop offering one-click personas.
        org.demo = False
        org._change_reason = CHANGE_REASON
        org.save()

    def write_people(self) -> None:
        from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
        from simple_history.utils import bulk_update_with_history

        from hoshin.org.models import Person, Role

        people = self.plan.people
        self.report("people", 0, len(people))
        existing = {p.email.lower(): p for p in Person.objects.all()}
        new, changed = [], []
        for p in people:
            email = p.email.lower()
            superuser = p.role == Role.ADMIN
            person = existing.get(email)
            if person is None:
                # An unusable password without hashing: people set theirs through a reset.
                new.append(Person(email=email, name=p.name, role=p.role, is_active=p.active,
                                  is_superuser=superuser, date_joined=self.now,
                                  password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)))
            elif (person.name, person.role, person.is_active, person.is_superuser) != (
                    p.name, p.role, p.active, superuser):
                person.name, person.role, person.is_active = p.name, p.role, p.active
                person.is_superuser = superuser
                changed.append(person)
        self.create(Person, new)
        admins = Person.objects.filter(role=Role.ADMIN, is_active=True)
        had_admin = bool(changed) and admins.exists()
        if changed:
            bulk_update_with_history(changed, Person,
                                     ["name", "role", "is_active", "is_superuser"],
                                     batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON,
                                     default_date=self.now)
        if had_admin and not admins.exists():
            # The last active admin may not be archived or demoted by a plan file either
            # (the API and the admin site refuse it too: org.services.check_not_last_admin).
            raise PlanFileError(["people: the plan archives or demotes every active admin, "
                                 "so nobody could manage the organisation; keep at least one "
                                 "active person with the admin role"])
        self.person_ids = {email.lower(): pk for pk, email in
                           Person.objects.values_list("id", "email")}
        self.counts["people"] = len(people)
        self.report("people", len(people), len(people))

    def write_units(self) -> None:
        from hoshin.org.models import Membership, Unit

        units = self.plan.units
        self.report("units", 0, len(units))
        ids = self.ids["unit"]
        done = 0
        for level in _levels(units, lambda u: u.parent):
            objs = [Unit(key=u.id, name=u.name, parent_id=ids.get(u.parent) if u.parent else None,
                         lead_id=self.person(u.lead), archived_at=self.archived(u),
                         created_at=self.now) for u in level]
            for obj in self.create(Unit, objs):
                ids[obj.key] = obj.pk
            done += len(level)
            self.report("units", done, len(units))
        members: dict[tuple[int, int], None] = {}
        for p in self.plan.people:
            for key in p.units:
                members[(self.person_ids[p.email.lower()], ids[key])] = None
        for u in units:
            if u.lead:
                members[(self.person(u.lead), ids[u.id])] = None
        self.create(Membership, [Membership(person_id=person_id, unit_id=unit_id)
                                 for person_id, unit_id in members])
        self.counts["units"] = len(units)

    def write_strategy(self) -> None:
        from hoshin.strategy.models import (
            AnnualObjective,
            Breakthrough,
            BreakthroughCorrelation,
            ImprovementPriority,
            Metric,
            MetricActual,
            MetricCorrelation,
            PriorityCorrelation,
            Resource,
            Vision,
        )

        plan = self.plan
        total = (len(plan.breakthroughs) + len(plan.annual_objectives)
                 + len(plan.improvement_priorities) + len(plan.metrics))
        self.report("strategy", 0, total)
        if plan.vision is not None:
            vision = Vision(pk=1, statement=plan.vision.statement.strip(),
                            horizon=plan.vision.horizon,
                            customer_ideal=plan.vision.customer_ideal)
            vision._change_reason = CHANGE_REASON
            vision.save()
        breakthroughs = self.ids["breakthrough"]
        for obj in self.create(Breakthrough, [
                Breakthrough(key=b.id, title=b.title, description=b.description,
                             horizon=b.horizon, owner_id=self.person(b.owner),
                             archived_at=self.archived(b), created_at=self.now)
                for b in plan.breakthroughs]):
            breakthroughs[obj.key] = obj.pk
        annuals = self.ids["annual"]
        for obj in self.create(AnnualObjective, [
                AnnualObjective(key=a.id, year=a.year, title=a.title, description=a.description,
                                owner_id=self.person(a.owner), archived_at=self.archived(a),
                                created_at=self.now)
                for a in plan.annual_objectives]):
            annuals[obj.key] = obj.pk
        self.create(BreakthroughCorrelation, [
            BreakthroughCorrelation(breakthrough_id=breakthroughs[key],
                                    annual_objective_id=annuals[a.id], strength=strength)
            for a in plan.annual_objectives for key, strength in a.breakthroughs.items()])
        self.report("strategy", len(plan.breakthroughs) + len(plan.annual_objectives), total)

        units = self.ids["unit"]
        priorities = self.ids["priority"]
        for obj in self.create(ImprovementPriority, [
                ImprovementPriority(key=p.id, year=p.year, unit_id=units[p.unit], title=p.title,
                                    description=p.description, archived_at=self.archived(p),
                                    created_at=self.now)
                for p in plan.improvement_priorities]):
            priorities[obj.key] = obj.pk
        self.create(PriorityCorrelation, [
            PriorityCorrelation(annual_objective_id=annuals[key], priority_id=priorities[p.id],
                                strength=strength)
            for p in plan.improvement_priorities for key, strength in p.annual_objectives.items()])
        self.create(Resource, [
            Resource(priority_id=priorities[p.id], role=role,
                     person_id=self.person(holder) if "@" in holder else None,
                     unit_id=None if "@" in holder else units[holder])
            for p in plan.improvement_priorities for holder, role in p.resources.items()])

        metrics = self.ids["metric"]
        for obj in self.create(Metric, [
                Metric(key=m.id, title=m.title, unit=m.unit, direction=m.direction,
                       baseline=m.baseline, target=m.target, owner_id=self.person(m.owner),
                       archived_at=self.archived(m), created_at=self.now)
                for m in plan.metrics]):
            metrics[obj.key] = obj.pk
        self.create(MetricCorrelation, [
            MetricCorrelation(priority_id=priorities[key], metric_id=metrics[m.id],
                              strength=strength)
            for m in plan.metrics for key, strength in m.priorities.items()])
        self.create(MetricActual, [
            MetricActual(metric_id=metrics[m.id], period=_month(a.period), plan=a.plan,
                         actual=a.actual)
            for m in plan.metrics for a in m.actuals])
        for label in ("breakthroughs", "annual_objectives", "improvement_priorities", "metrics"):
            self.counts[label] = len(getattr(plan, label))
        self.report("strategy", total, total)

    def write_cycles(self) -> None:
        from django.apps import apps

        from hoshin.okrs.models import Cycle, Theme, TradeOff
        from hoshin.planning.models import Brief

        plan = self.plan
        cycles = self.ids["cycle"]
        for obj in self.create(Cycle, [
                Cycle(key=c.id, name=c.name, kind=c.kind, start=c.start, end=c.end,
                      state=c.state, archived_at=self.archived(c), created_at=self.now)
                for c in plan.cycles]):
            cycles[obj.key] = obj.pk
        themes = self.ids["theme"]
        for obj in self.create(Theme, [
                Theme(key=t.id, cycle_id=cycles[t.cycle], title=t.title, success=t.success,
                      archived_at=self.archived(t), created_at=self.now)
                for t in plan.themes]):
            themes[obj.key] = obj.pk
        # A theme's history row also snapshots its annual objectives (m2m history). Ids are
        # read back rather than taken from bulk_create, which gives none on older SQLite.
        through = Theme.annual_objectives.through
        through.objects.bulk_create(
            [through(theme_id=themes[t.id], annualobjective_id=self.ids["annual"][key])
             for t in plan.themes for key in dict.fromkeys(t.annual_objectives)],
            batch_size=BATCH_SIZE)
        theme_ids = list(themes.values())
        history_of = dict(Theme.history.filter(id__in=theme_ids, history_date=self.now)
                          .values_list("id", "history_id"))
        m2m_history = apps.get_model("okrs", "HistoricalTheme_annual_objectives")
        m2m_history.objects.bulk_create(
            [m2m_history(id=pk, theme_id=theme_id, annualobjective_id=annual_id,
                         history_id=history_of[theme_id])
             for pk, theme_id, annual_id in through.objects.filter(theme_id__in=theme_ids)
             .order_by("id").values_list("id", "theme_id", "annualobjective_id")],
            batch_size=BATCH_SIZE)
        created = self.create(TradeOff, [
            TradeOff(cycle_id=cycles[t.cycle], title=t.title, kind=t.kind, reason=t.reason,
                     decided_by_id=self.person(t.decided_by),
                     decided_on=t.decided_on or (self.moment(t.created_at) or self.now).date(),
                     source=t.source, source_note=t.source_note,
                     unit_id=self.ids["unit"][t.unit] if t.unit else None,
                     created_at=self.moment(t.created_at) or self.now)
            for t in plan.trade_offs])
        # Read back in the file's order (bulk_create gives no ids on older SQLite); the
        # links to objectives, key results and initiatives follow once those exist.
        self.trade_off_ids = ([o.pk for o in created] if all(o.pk for o in created) else
                              list(TradeOff.objects.order_by("-id")
                                   .values_list("id", flat=True)[:len(created)])[::-1])
        self.create(Brief, [
            Brief(cycle_id=cycles[b.cycle], success=b.success, risks=b.risks,
                  constraints=b.constraints) for b in plan.briefs])
        for label in ("cycles", "briefs", "themes", "trade_offs"):
            self.counts[label] = len(getattr(plan, label))

    def write_objectives(self) -> None:
        from hoshin.okrs.models import Objective

        objectives = self.plan.objectives
        self.report("objectives", 0, len(objectives))
        kinds = {}
        for kind in PARENT_KINDS:
            for key in self.ids[kind]:
                kinds[key] = kind
        for o in objectives:
            kinds[o.id] = "objective"
        field_of = {"annual": "parent_annual_id", "priority": "parent_priority_id",
                    "theme": "parent_theme_id", "objective": "parent_objective_id"}
        ids = self.ids["objective"]
        done = 0
        for level in _levels(objectives, lambda o: o.parent if kinds.get(o.parent) ==
                             "objective" else None):
            objs = []
            for o in level:
                obj = Objective(key=o.id, cycle_id=self.ids["cycle"][o.cycle],
                                unit_id=self.ids["unit"][o.unit], title=o.title,
                                description=o.description, kind=o.kind,
                                archived_at=self.archived(o), created_at=self.now)
                if o.parent:
                    kind = kinds[o.parent]
                    setattr(obj, field_of[kind], self.ids[kind][o.parent])
                objs.append(obj)
            for obj in self.create(Objective, objs):
                ids[obj.key] = obj.pk
            done += len(level)
            self.report("objectives", done, len(objectives))
        self.counts["objectives"] = len(objectives)

    def write_key_results(self) -> None:
        from django.db.models import OuterRef, Subquery

        from hoshin.okrs.models import (
            CheckIn,
            Initiative,
            InitiativeLink,
            KeyResult,
            MilestoneStep,
            Phase,
        )

        pairs = [(o, kr) for o in self.plan.objectives for kr in o.key_results]
        self.report("key results", 0, len(pairs))
        objectives = self.ids["objective"]
        krs = self.ids["key_result"]
        for start in range(0, len(pairs), BATCH_SIZE):
            chunk = pairs[start:start + BATCH_SIZE]
            for obj in self.create(KeyResult, [
                    KeyResult(key=kr.id, objective_id=objectives[o.id], title=kr.title,
                              owner_id=self.person(kr.owner), kind=kr.kind, baseline=kr.baseline,
                              target=kr.target, unit=kr.unit, weight=kr.weight,
                              archived_at=self.archived(kr), created_at=self.now)
                    for o, kr in chunk]):
                krs[obj.key] = obj.pk
            self.report("key results", start + len(chunk), len(pairs))
        self.create(MilestoneStep, [
            MilestoneStep(key_result_id=krs[kr.id], key=s.id, title=s.title, weight=s.weight,
                          order=i)
            for _, kr in pairs for i, s in enumerate(kr.steps)])
        self.create(Phase, [Phase(key_result_id=krs[kr.id], date=p.date, target=p.target)
                            for _, kr in pairs for p in kr.phases])
        initiatives = [(kr, ini) for _, kr in pairs for ini in kr.initiatives]
        ini_ids = self.ids["initiative"]
        for obj in self.create(Initiative, [
                Initiative(key=ini.id, key_result_id=krs[kr.id], title=ini.title,
                           owner_id=self.person(ini.owner), status=ini.status, size=ini.size,
                           archived_at=self.archived(ini), created_at=self.now)
                for kr, ini in initiatives]):
            ini_ids[obj.key] = obj.pk
        self.create(InitiativeLink, [
            InitiativeLink(initiative_id=ini_ids[ini.id], url=link.url.strip(), title=link.title)
            for _, ini in initiatives for link in ini.links])
        self.counts["key_results"] = len(pairs)
        self.counts["initiatives"] = len(initiatives)

        # Check-ins have no history (the table is its own), and there are many: insert them
        # in batches without keeping them all in memory.
        total = sum(len(kr.checkins) for _, kr in pairs)
        self.report("check-ins", 0, total)
        batch: list = []
        done = 0
        for _, kr in pairs:
            kr_id = krs[kr.id]
            for c in kr.checkins:
                batch.append(CheckIn(key_result_id=kr_id, date=c.date, value=c.value,
                                     confidence=c.confidence, note=c.note, blockers=c.blockers,
                                     steps_done=list(c.steps_done), author_id=self.person(c.by),
                                     created_at=self.now))
            if len(batch) >= CHECKIN_BATCH_SIZE:
                CheckIn.objects.bulk_create(batch)
                done += len(batch)
                batch = []
                self.report("check-ins", done, total)
        if batch:
            CheckIn.objects.bulk_create(batch)
            done += len(batch)
        if total:
            latest = (CheckIn.objects.filter(key_result=OuterRef("pk"))
                      .order_by("-date", "-id").values("id")[:1])
            KeyResult.objects.update(last_checkin=Subquery(latest))
        self.counts["checkins"] = total
        self.report("check-ins", total, total)

    def write_trade_off_links(self) -> None:
        """Who was told, what each entry affects and which entry it supersedes. An entry's
        links are written with it and never changed, so they have no history of their own."""
        from hoshin.okrs.models import TradeOff

        entries = list(zip(self.plan.trade_offs, getattr(self, "trade_off_ids", []),
                           strict=True))
        if not entries:
            return
        by_number = {t.id: pk for t, pk in entries if t.id is not None}
        superseding = [(pk, by_number[t.supersedes]) for t, pk in entries
                       if t.supersedes is not None]
        for pk, old in superseding:
            TradeOff.objects.filter(pk=pk).update(supersedes_id=old)
            TradeOff.history.filter(id=pk).update(supersedes_id=old)
        kinds = {"objective": ("objectives", "objective_id"),
                 "key_result": ("key_results", "keyresult_id"),
                 "initiative": ("initiatives", "initiative_id"),
                 "annual": ("annual_objectives", "annualobjective_id")}
        links: dict[str, list] = defaultdict(list)
        for t, pk in entries:
            for key in dict.fromkeys(t.affects):
                for kind, (name, column) in kinds.items():
                    if key in self.ids[kind]:
                        through = getattr(TradeOff, name).through
                        links[name].append(through(tradeoff_id=pk,
                                                   **{column: self.ids[kind][key]}))
                        break
            people = getattr(TradeOff, "told_people").through
            links["told_people"] += [people(tradeoff_id=pk, person_id=self.person(email))
                                     for email in dict.fromkeys(e.lower()
                                                                for e in t.told_people)]
            units = getattr(TradeOff, "told_units").through
            links["told_units"] += [units(tradeoff_id=pk, unit_id=self.ids["unit"][key])
                                    for key in dict.fromkeys(t.told_units)]
        for name, rows in links.items():
            getattr(TradeOff, name).through.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    def write_dependencies(self) -> None:
        from hoshin.okrs.models import Dependency

        self.create(Dependency, [
            Dependency(key=d.id, key_result_id=self.ids["key_result"].get(d.key_result),
                       objective_id=self.ids["objective"].get(d.objective),
                       providing_unit_id=self.ids["unit"][d.providing_unit],
                       description=d.description, state=d.state, note=d.note,
                       deliverable=d.deliverable, due=d.due, delivered_on=d.delivered_on,
                       requested_by_id=self.person(d.requested_by),
                       requested_at=self.moment(d.requested_at) or self.now,
                       decided_by_id=self.person(d.decided_by),
                       decided_at=self.moment(d.decided_at), archived_at=self.archived(d),
                       created_at=self.now)
            for d in self.plan.dependencies])
        self.counts["dependencies"] = len(self.plan.dependencies)
