"""Puts OKRs read from a Markdown page (hoshin.planfile.markdown, pure) into an existing cycle,
with the rules the services apply, all or nothing.

In two steps, so that no write transaction is open for long (issue #13: an 818 KB page
held SQLite's one write lock for 110 s and every check-in failed meanwhile): `_Planner`
reads and checks everything and decides every row, writing nothing; `_write` then stores
it in one short transaction, in bulk (people and units through org's services, objectives
and key results with their history rows), checking again what may have changed since.

People named on the page are matched by email (handle@domain), name or handle, and
created when missing (with an unusable password: they set one through a reset). Units
come from the page's department headings, matched by id or name, created when missing.
Objectives with no department heading above them go to `unit`, else to the
organisation's root unit (the one unit with no parent). A dry run is the first step alone:
its report says what an import would do, errors included, and it writes nothing.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from hoshin.core import bulk, clock, limits
from hoshin.core.errors import DomainError, FieldError, NotFound
from hoshin.core.history import service
from hoshin.core.keys import KEY_PATTERN, key_owner, plan_element_models
from hoshin.core.models import KEY_MAX_LENGTH, new_key
from hoshin.engine.okr_text import show
from hoshin.okrs import rules
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult, Objective, Theme
from hoshin.org import permissions
from hoshin.org import services as org
from hoshin.org.models import Organization, Person, Role, Unit
from hoshin.planfile import bulk_write
from hoshin.planfile import markdown as md
from hoshin.strategy.models import AnnualObjective, ImprovementPriority

DEFAULT_EMAIL_DOMAIN = "imported.invalid"

log = logging.getLogger("hoshin.planfile.markdown_import")


class MarkdownImportError(DomainError):
    """The page could not be imported; nothing was stored. Carries the full report."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__([FieldError(e["field"], e["message"]) for e in report.errors],
                         f"{len(report.errors)} error{'s' if len(report.errors) != 1 else ''}, "
                         "nothing was imported")


@dataclass
class ImportReport:
    cycle: str
    dry_run: bool
    title: str = ""
    people_created: list[dict] = field(default_factory=list)
    people_matched: list[dict] = field(default_factory=list)
    units_created: list[dict] = field(default_factory=list)
    units_matched: list[dict] = field(default_factory=list)
    objectives: list[dict] = field(default_factory=list)
    assumptions: list[dict] = field(default_factory=list)
    not_understood: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # headings, prose, code: furniture
    items_seen: int = 0  # list items, table rows and objective lines a reader sees
    errors: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "objectives": len(self.objectives),
            "key_results": sum(len(o["key_results"]) for o in self.objectives),
            "people_created": len(self.people_created),
            "units_created": len(self.units_created),
            "not_understood": len(self.not_understood),
        }

    def as_dict(self) -> dict:
        return {"cycle": self.cycle, "dry_run": self.dry_run, "title": self.title,
                "counts": self.counts, "people_created": self.people_created,
                "people_matched": self.people_matched, "units_created": self.units_created,
                "units_matched": self.units_matched, "objectives": self.objectives,
                "assumptions": self.assumptions, "not_understood": self.not_understood,
                "skipped": self.skipped, "items_seen": self.items_seen, "errors": self.errors}

    def text(self) -> str:
        """The report as people read it at the end of a CLI run."""
        c = self.counts
        if self.errors:
            head = "Nothing was imported: the page has errors."
        elif self.dry_run:
            head = "Dry run: nothing was stored. An import would create:"
        else:
            head = "Imported:"
        lines = [f'Markdown page{f" {self.title!r}" if self.title else ""} into cycle '
                 f"{self.cycle}", head,
                 f"  {c['objectives']} objectives, {c['key_results']} key results, "
                 f"{c['people_created']} new people, {c['units_created']} new units; "
                 f"{c['not_understood']} lines not understood"]
        if self.errors:
            lines.append(f"Errors ({len(self.errors)}):")
            lines += [f"  line {e['line']}: {e['field']}: {e['message']}" if e.get("line")
                      else f"  {e['field']}: {e['message']}" for e in self.errors]
        if self.units_created or self.units_matched:
            lines.append("Units:")
            lines += [f"  + {u['id']}  {u['name']}" + (f"  (in {u['parent']})" if u["parent"]
                                                        else "") for u in self.units_created]
            lines += [f"  = {u['id']}  {u['name']}" for u in self.units_matched]
        if self.people_created or self.people_matched:
            lines.append("People:")
            lines += [f"  + {p['email']}  {p['name']}" for p in self.people_created]
            lines += [f"  = {p['email']}  {p['name']}" for p in self.people_matched]
        if self.objectives:
            lines.append("Objectives:")
            by_line = {o["line"]: o for o in self.objectives}
            for o in self.objectives:
                depth, parent = 0, o["parent_line"]
                while parent in by_line:
                    depth, parent = depth + 1, by_line[parent]["parent_line"]
                pad = "  " * (depth + 1)
                key = "" if self.dry_run else f"{o['id']}  "
                lines.append(f"{pad}{key}line {o['line']}  [{o['unit']}] {o['title']}")
                for kr in o["key_results"]:
                    key = "" if self.dry_run else f"{kr['id']}  "
                    due = f"  (due: {kr['due']})" if kr.get("due") else ""
                    lines.append(f"{pad}  - {key}line {kr['line']}  {_measure(kr)}  "
                                 f"{kr['owner']}  {kr['title']}{due}")
        if self.assumptions:
            lines.append(f"Read with assumptions ({len(self.assumptions)}):")
            lines += [f"  line {a['line']}: {a['text']}" for a in self.assumptions]
        if self.not_understood:
            lines.append(f"Not understood ({len(self.not_understood)}):")
            lines += [f"  line {u['line']}: {u['why']}\n      {_short(u['text'])}"
                      for u in self.not_understood]
        if self.skipped:
            lines.append(f"Skipped as the page's prose, headings and code ({len(self.skipped)} "
                         f"lines): {_ranges([u['line'] for u in self.skipped])}")
        return "\n".join(lines)


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7, 9, 10] → "1-3, 7, 9-10"."""
    out: list[str] = []
    for n in sorted(numbers):
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in out)


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _measure(kr: dict) -> str:
    unit = kr["unit"] or ""
    if kr["kind"] in ("increase", "decrease"):
        return f"{kr['kind']} {show(kr['baseline'], unit)} → {show(kr['target'], unit)}"
    if kr["kind"] in ("stay_above", "stay_below"):
        return f"{kr['kind']} {show(kr['target'], unit)}"
    return "milestone"


@dataclass
class _NewPerson:
    email: str
    name: str
    person: Person | None = None  # once written


@dataclass
class _NewObjective:
    index: int  # in the page's objectives
    line: int
    key: str
    unit: Unit  # stored, or one of the planned units (unsaved)
    title: str
    description: str
    parent: object | None  # a stored plan element (the `parent` option) or a _NewObjective
    key_results: list[_NewKeyResult] = field(default_factory=list)


@dataclass
class _NewKeyResult:
    line: int
    key: str
    title: str
    owner: Person | _NewPerson
    kind: str
    baseline: float | None
    target: float | None
    unit: str


class _Planner:
    """Reads what the page needs from the database and decides everything an import would
    write, applying the services' rules, without writing anything: no write transaction is
    open while it works (it is most of the import's time: about 5 ms an element through
    the services, 110 s for an 818 KB page, during which SQLite's one write lock was held
    and every check-in waited). `_write` then stores the plan in one short transaction."""

    def __init__(self, actor, page: md.ParsedPage, report: ImportReport, *, cycle: Cycle,
                 parent: str | None, unit: str | None, owner: str | None, email_domain: str):
        self.actor = actor
        self.page, self.report, self.cycle = page, report, cycle
        self.parent_key, self.default_unit, self.default_owner = parent, unit, owner
        self.domain = email_domain
        self.people: dict[str, Person | _NewPerson | None] = {}  # handle → who
        self.new_people: dict[str, _NewPerson] = {}  # email → planned person
        self.units: dict[str, Unit] = {}  # page unit name → Unit (stored or planned)
        self.new_units: list[Unit] = []  # planned, unsaved, parents first
        self.objectives: list[_NewObjective] = []
        self.keys: set[str] = set()  # keys given in this plan
        self.default_unit_obj: Unit | None = None

    def error(self, line: int | None, fld: str, message: str) -> None:
        self.report.errors.append({"line": line, "field": fld, "message": message})

    def new_key(self, prefix: str) -> str:
        while (key := new_key(prefix)) in self.keys:
            pass
        self.keys.add(key)
        return key

    # people

    def person(self, handle: str) -> Person | _NewPerson | None:
        if handle in self.people:
            return self.people[handle]
        who = next(p for p in self.page.people if p.handle == handle)
        email = f"{handle}@{self.domain}".lower()
        found = (self.new_people.get(email)
                 or Person.objects.filter(email__iexact=email).first()
                 or _only(Person.objects.filter(name__iexact=who.name))
                 or _only(Person.objects.filter(email__istartswith=f"{handle}@")))
        if not found:
            # "Ops: …" names a team: its lead owns the team's key results, rather than a
            # made-up person standing for the whole team.
            unit = (self.units.get(who.name) or self.unit_named(who.name)
                    or self.unit_keyed(handle))
            found = unit.lead if unit is not None and unit.lead_id else None
        if isinstance(found, _NewPerson):
            pass  # a second handle for someone this page adds: reported once
        elif found:
            self.report.people_matched.append({"email": found.email, "name": found.name,
                                               "as": who.name})
        else:
            # What org.services.create_person would refuse, refused here (the import
            # creates people as the system or as the admin importing, who may add people).
            problems = []
            try:
                validate_email(email)
            except DjangoValidationError:
                problems.append(("email", f'"{email}" is not a valid email address'))
            if not who.name.strip():
                problems.append(("name", "must not be empty"))
            problems += _length_problems(email=email, name=who.name)
            for fld, message in problems:
                self.error(None, fld, message)
            if problems:
                found = None
            else:
                found = self.new_people[email] = _NewPerson(email=email, name=who.name.strip())
                self.report.people_created.append({"email": email, "name": found.name})
        self.people[handle] = found
        return found

    # units

    def unit_named(self, name: str) -> Unit | None:
        """The one unit of that name, stored or planned (never a guess between two)."""
        planned = [u for u in self.new_units if u.name.lower() == name.strip().lower()]
        stored = list(Unit.objects.filter(name__iexact=name)[:2])
        found = planned + stored
        return found[0] if len(found) == 1 else None

    def unit_keyed(self, key: str) -> Unit | None:
        planned = next((u for u in self.new_units if u.key.lower() == key.lower()), None)
        return planned or Unit.objects.filter(key__iexact=key).first()

    def free_key(self, base: str) -> str:
        key, n = base, 1
        while key.lower() in {k.lower() for k in self.keys} or key_owner(key):
            n += 1
            key = f"{base}-{n}"
        return key

    def resolve_units(self) -> None:
        if self.default_unit and not Unit.objects.filter(key=self.default_unit).exists():
            self.error(None, "unit", f'unknown unit "{self.default_unit}"')
            self.default_unit = None
        elif not self.default_unit:
            # No --unit: the organisation's root unit, when there is exactly one.
            root = _only(Unit.objects.filter(parent__isnull=True))
            self.default_unit = root.key if root else None
        default = Unit.objects.filter(key=self.default_unit).first() if self.default_unit else None
        for unit in self.page.units:
            found = self.unit_keyed(md.slug(unit.name)) or self.unit_named(unit.name)
            if found is not None and found.pk:
                self.report.units_matched.append({"id": found.key, "name": found.name})
                self.units[unit.name] = found
                continue
            if found is not None:  # a second heading naming a unit this page adds
                self.units[unit.name] = found
                continue
            parent = self.units.get(unit.parent) if unit.parent else None
            parent = parent or default
            problems = [] if unit.name.strip() else [("name", "must not be empty")]
            problems += _length_problems(name=unit.name)
            if problems:
                for fld, message in problems:
                    self.error(unit.line, fld, message)
                continue
            key = self.free_key(md.slug(unit.name))
            if len(key) > KEY_MAX_LENGTH or not KEY_PATTERN.match(key):
                self.error(unit.line, "key", f'"{unit.name}" gives no usable id ("{key}")')
                continue
            self.keys.add(key)
            created = Unit(key=key, name=unit.name.strip(), parent=parent)
            self.new_units.append(created)
            self.units[unit.name] = created
            self.report.units_created.append({"id": key, "name": created.name,
                                              "parent": parent.key if parent else None})

    def unit_for(self, obj: md.Objective, owner_name: str | None) -> Unit | None:
        if obj.unit and obj.unit in self.units:
            return self.units[obj.unit]
        if owner_name:
            match = (self.units.get(owner_name) or self.unit_named(owner_name)
                     or self.unit_keyed(md.slug(owner_name)))
            if match:
                return match
        if self.default_unit and self.default_unit_obj is None:
            self.default_unit_obj = Unit.objects.filter(key=self.default_unit).first()
        return self.default_unit_obj

    # objectives and key results

    def stored_parent(self):
        """The `parent` option, checked as save_objective checks a parent."""
        if not self.parent_key:
            return None
        try:
            parent = okrs.resolve_parent(self.parent_key, "parent")
        except DomainError as exc:
            for e in exc.errors:
                self.error(None, e.field, e.message)
            return None
        if error := okrs.parent_error(parent, self.cycle,
                                      Organization.current().fiscal_year_start):
            self.error(None, "parent", error)
            return None
        return parent

    def run(self) -> None:
        self.resolve_units()
        top_parent = self.stored_parent()
        planned: dict[int, _NewObjective] = {}
        lines = {i: o.line for i, o in enumerate(self.page.objectives)}
        names = {p.handle: p.name for p in self.page.people}
        for i, obj in enumerate(self.page.objectives):
            if obj.parent is not None and obj.parent not in planned:
                self.error(obj.line, "parent", "its parent objective "
                           f"(line {lines[obj.parent]}) could not be imported")
                continue
            unit = self.unit_for(obj, names.get(obj.owner))
            if unit is None:
                self.error(obj.line, "unit", f'objective "{_short(obj.title, 60)}" has no unit: '
                           "no department heading above it, its owner names no unit, and "
                           "the organisation has no single root unit; give a default unit")
                continue
            # save_objective's rules. The right to edit the unit's plan needs no check per
            # objective: importing needs the strategy office's right, which covers every unit.
            title = (obj.title or "").strip()
            description = self.description(obj)
            problems = [] if title else [("title", "must not be empty")]
            problems += _length_problems(title=title, description=description)
            if problems:
                for fld, message in problems:
                    self.error(obj.line, fld, message)
                continue
            created = _NewObjective(
                index=i, line=obj.line, key=self.new_key(Objective.KEY_PREFIX), unit=unit,
                title=title, description=description,
                parent=planned[obj.parent] if obj.parent is not None else top_parent)
            planned[i] = created
            self.objectives.append(created)
            entry = {"id": created.key, "line": obj.line, "title": created.title,
                     "unit": unit.key, "owner": names.get(obj.owner),
                     "parent_line": lines.get(obj.parent), "key_results": []}
            self.report.objectives.append(entry)
            for kr in obj.key_results:
                self.key_result(i, kr, created, entry)

    def description(self, obj: md.Objective) -> str:
        # Check-ins need a value, and a page's "=> result" notes are free text, so they are
        # kept where people read them: in the objective's description.
        parts = [obj.description] if obj.description else []
        if obj.note:
            parts.append(f"Result noted on the page: {obj.note}")
        notes = [f"- {kr.title}: {kr.note}" for kr in obj.key_results if kr.note]
        if notes:
            parts.append("Key result notes from the page:\n" + "\n".join(notes))
        return "\n\n".join(parts)

    def owner_of(self, index: int, kr: md.KeyResult, objective: _NewObjective
                 ) -> tuple[Person | _NewPerson | None, str]:
        handle = kr.owner
        node = index
        while handle is None and node is not None:
            handle = self.page.objectives[node].owner
            node = self.page.objectives[node].parent
        if handle:
            return self.person(handle), "named on the page"
        unit = objective.unit
        if unit.lead_id:
            return unit.lead, f'lead of unit "{unit.key}"'
        if self.default_owner:
            person = Person.objects.filter(email__iexact=self.default_owner).first()
            if person is None:
                return None, f'unknown person "{self.default_owner}" (default owner)'
            return person, "the default owner"
        # A unit made from a heading has no lead yet: the nearest lead above it.
        above, seen = unit.parent, set()
        while above is not None and id(above) not in seen:
            seen.add(id(above))
            if above.lead_id:
                return above.lead, f'lead of unit "{above.key}", above "{unit.key}"'
            above = above.parent
        return None, ""

    def key_result(self, index: int, kr: md.KeyResult, objective: _NewObjective,
                   entry: dict) -> None:
        owner, how = self.owner_of(index, kr, objective)
        if owner is None:
            self.error(kr.line, "owner", how or f'key result "{_short(kr.title, 60)}" has no '
                       "owner: none is named on the page, its unit has no lead, and no "
                       "default owner was given")
            return
        # save_key_result's rules.
        title = (kr.title or "").strip()
        problems = [] if title else [("title", "must not be empty")]
        if isinstance(owner, Person) and (error := okrs.owner_error(owner)):
            problems.append(("owner", error))
        problems += [(e.field, e.message) for e in
                     rules.key_result_errors(kr.kind, kr.baseline, kr.target)]
        problems += _length_problems(title=title)
        if len(kr.unit or "") > limits.LABEL_LENGTH:
            problems.append(("unit", f"a unit of measure is at most {limits.LABEL_LENGTH} "
                                     "characters"))
        for fld, value in (("baseline", kr.baseline), ("target", kr.target)):
            if value is not None and not (math.isfinite(value)
                                          and abs(value) <= limits.MEASURE_LIMIT):
                problems.append((fld, f"must be a finite number within "
                                      f"±{limits.MEASURE_LIMIT:g}"))
        if problems:
            for fld, message in problems:
                self.error(kr.line, fld, message)
            return
        created = _NewKeyResult(line=kr.line, key=self.new_key(KeyResult.KEY_PREFIX),
                                title=title, owner=owner, kind=kr.kind, baseline=kr.baseline,
                                target=kr.target, unit=kr.unit or "")
        objective.key_results.append(created)
        for text in kr.assumptions:
            self.report.assumptions.append({"line": kr.line, "text": text})
        entry["key_results"].append({
            "id": created.key, "line": kr.line, "title": created.title, "owner": owner.email,
            "owner_from": how, "kind": created.kind, "baseline": created.baseline,
            "target": created.target, "unit": created.unit, "note": kr.note, "due": kr.due})

def _length_problems(**texts: str) -> list[tuple[str, str]]:
    """The limits every way in applies to text (hoshin.core.limits), by field name."""
    out = []
    for name, text in texts.items():
        if problem := limits.text_problem(text):
            out.append((name, problem))
        elif len(text) > (most := limits.length_of(name)):
            out.append((name, f"is {len(text):,} characters long; at most {most:,}"))
    return out


class _Prepared:
    """The rows of an import, converted for the database before its transaction opens
    (hoshin.core.bulk): inside it only ids and references are filled in."""

    def __init__(self, actor, planner: _Planner):
        self.planner = planner
        user_id = actor.pk if actor is not None else None
        now = clock.now()
        self.units = bulk.Insert(Unit, history_user_id=user_id, history_date=now)
        self.objectives = bulk.Insert(Objective, history_user_id=user_id, history_date=now)
        self.key_results = bulk.Insert(KeyResult, history_user_id=user_id, history_date=now)
        unit_rows: dict[int, int] = {}  # id() of a planned unit → its row
        for unit in planner.new_units:
            late = {}
            if unit.parent is not None and unit.parent.pk is None:
                late["parent_id"] = self._id_in(self.units, unit_rows[id(unit.parent)])
            unit_rows[id(unit)] = self.units.add(unit, **late)
        objective_rows: dict[int, int] = {}  # page index → row
        parent_field = {AnnualObjective: "parent_annual_id",
                        ImprovementPriority: "parent_priority_id", Theme: "parent_theme_id",
                        Objective: "parent_objective_id"}
        for o in planner.objectives:
            row = Objective(key=o.key, cycle=planner.cycle, unit_id=o.unit.pk, title=o.title,
                            description=o.description)
            late = {}
            if o.unit.pk is None:
                late["unit_id"] = self._id_in(self.units, unit_rows[id(o.unit)])
            if isinstance(o.parent, _NewObjective):
                late["parent_objective_id"] = self._id_in(self.objectives,
                                                          objective_rows[o.parent.index])
            elif o.parent is not None:
                setattr(row, parent_field[type(o.parent)], o.parent.pk)
            objective_rows[o.index] = self.objectives.add(row, **late)
            for kr in o.key_results:
                late = {"objective_id": self._id_in(self.objectives, objective_rows[o.index])}
                owner_id = None
                if isinstance(kr.owner, _NewPerson):
                    late["owner_id"] = (lambda new=kr.owner: new.person.pk)
                else:
                    owner_id = kr.owner.pk
                self.key_results.add(
                    KeyResult(key=kr.key, title=kr.title, owner_id=owner_id, kind=kr.kind,
                              baseline=kr.baseline, target=kr.target, unit=kr.unit), **late)

    @staticmethod
    def _id_in(insert: bulk.Insert, row: int):
        return lambda: insert.id_of(row)


@service
def _write(actor, prepared: _Prepared) -> None:
    """Store the prepared import in one transaction: a few statements per table, so
    SQLite's write lock is held for a fraction of a second even for a page of a million
    characters (bench/contention.py). What the planner read may have changed since (the
    cycle closed, a person or a unit id added): each is checked again here, and any
    conflict refuses the whole import."""
    planner = prepared.planner
    report = planner.report

    def refuse(line, exc: DomainError):
        for e in exc.errors:
            report.errors.append({"line": line, "field": e.field, "message": e.message})
        raise MarkdownImportError(report)

    prepared.began = time.perf_counter()
    state = Cycle.objects.filter(pk=planner.cycle.pk).values_list("state", flat=True).first()
    if state is None or state == Cycle.State.CLOSED:
        refuse(None, DomainError.field("cycle", f'cycle "{planner.cycle.key}" is closed and '
                                                "read-only"))
    unit_keys = [u.key for u in planner.new_units]
    for model in plan_element_models() if unit_keys else ():
        if taken := list(model.objects.filter(key__in=unit_keys).values_list("key", flat=True)):
            refuse(None, DomainError.field("unit", f'"{taken[0]}" became the id of a '
                                                   f"{model._meta.verbose_name} meanwhile; "
                                                   "import the page again"))
    # New people go through org's service (a page names a few; each is an audit entry, and
    # an email taken meanwhile is refused there). Adding people is an admin's right; the
    # strategy office imports a page of OKRs with the people it names, so that part runs
    # as the system once the actor's right to import has been checked.
    org_actor = actor if permissions.is_admin(actor) else None
    for new in planner.new_people.values():
        try:
            new.person = org.create_person(org_actor, email=new.email, name=new.name,
                                           role=Role.MEMBER)
        except DomainError as exc:
            refuse(None, exc)
    try:
        bulk_write.write_rows(prepared.units, prepared.objectives, prepared.key_results,
                              objectives=prepared.objectives, key_results=prepared.key_results)
    except bulk_write.IdTaken as exc:
        refuse(None, DomainError.field("page", f"the database refused the import ({exc}); "
                                               "nothing was imported: import the page again"))
    prepared.written = time.perf_counter()
    # The report gives the stored keys (the planned ones, unchanged).


def _settle_keys(planner: _Planner) -> None:
    """Draw again any planned key already in use (keys of plan elements share one
    namespace): a few queries per 500 keys, before the write transaction opens."""
    items = [*planner.objectives, *(kr for o in planner.objectives for kr in o.key_results)]
    wanted = {item.key for item in items}
    taken: set[str] = set()
    chunk = sorted(wanted)
    for start in range(0, len(chunk), 500):
        part = chunk[start:start + 500]
        for model in plan_element_models():
            taken.update(model.objects.filter(key__in=part).values_list("key", flat=True))
    if not taken:
        return
    renamed = {}
    for item in items:
        if item.key in taken:
            prefix = item.key.split("-")[0]
            item.key = renamed[item.key] = planner.new_key(prefix)
    for entry in planner.report.objectives:
        entry["id"] = renamed.get(entry["id"], entry["id"])
        for kr in entry["key_results"]:
            kr["id"] = renamed.get(kr["id"], kr["id"])


def _only(queryset):
    """The one match, or None when there are none or several (never guess between two)."""
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None


def import_markdown(actor, text: str, *, cycle: str, parent: str | None = None,
                    unit: str | None = None, owner: str | None = None,
                    email_domain: str = DEFAULT_EMAIL_DOMAIN,
                    dry_run: bool = False) -> ImportReport:
    """Import the OKRs of a Markdown page into `cycle`. Raises MarkdownImportError (with
    the report) when anything fails; then nothing is stored. A dry run stores nothing
    either way and returns the report of what an import would do."""
    permissions.require(permissions.can_edit_strategy(actor), "import OKRs")
    page = md.parse(text)
    report = ImportReport(cycle=cycle, dry_run=dry_run, title=page.title)
    report.not_understood = [{"line": u.line_no, "text": u.text, "why": u.why}
                             | ({"end": u.end} if u.end and u.end != u.line_no else {})
                             for u in page.unparsed]
    report.skipped = [{"line": u.line_no, "text": u.text, "why": u.why} for u in page.skipped]
    report.items_seen = len(page.items)
    cycle_obj = Cycle.objects.filter(key=cycle).first()
    if cycle_obj is None:
        raise NotFound.field("cycle", f'unknown cycle "{cycle}"')
    if cycle_obj.state == Cycle.State.CLOSED:
        raise DomainError.field("cycle", f'cycle "{cycle}" is closed and read-only')
    if cycle_obj.kind != Cycle.Kind.QUARTER:
        raise DomainError.field("cycle", f'"{cycle}" is a year; OKR objectives belong to a '
                                         "quarter")
    if not page.objectives:
        report.errors.append({"line": None, "field": "page",
                              "message": "no objectives found on the page"})
        raise MarkdownImportError(report)
    started = time.perf_counter()
    planner = _Planner(actor, page, report, cycle=cycle_obj, parent=parent, unit=unit,
                       owner=owner, email_domain=email_domain)
    planner.run()
    if not report.errors:
        _settle_keys(planner)
    if dry_run:
        return report
    if report.errors:
        raise MarkdownImportError(report)
    prepared = _Prepared(actor, planner)
    _write(actor, prepared)
    # The write transaction's length is what others may wait for (SQLite: its one write
    # lock); the roll-up's update after the commit logs its own.
    log.info("markdown import into %s: %d objectives, %d key results; read and checked in "
             "%.2f s, written in %.3f s", cycle, report.counts["objectives"],
             report.counts["key_results"], prepared.began - started,
             prepared.written - prepared.began)
    return report
