"""Puts OKRs read from a Markdown page (hoshin.planfile.markdown, pure) into an existing cycle,
through the same services the web and the API use, in one transaction: all or nothing.

People named on the page are matched by email (handle@domain), name or handle, and
created when missing (with an unusable password: they set one through a reset). Units
come from the page's department headings, matched by id or name, created when missing.
Objectives with no department heading above them go to `unit`, else to the
organisation's root unit (the one unit with no parent). A dry run does all of it and rolls
it back, so its report says exactly what an import would do, errors included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from hoshin.core.errors import DomainError, FieldError, NotFound
from hoshin.core.keys import key_owner
from hoshin.engine.okr_text import show
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle
from hoshin.org import permissions
from hoshin.org import services as org
from hoshin.org.models import Person, Role, Unit
from hoshin.planfile import markdown as md

DEFAULT_EMAIL_DOMAIN = "imported.invalid"


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


class _Importer:
    def __init__(self, actor, page: md.ParsedPage, report: ImportReport, *, cycle: Cycle,
                 parent: str | None, unit: str | None, owner: str | None, email_domain: str):
        self.actor = actor
        # Creating people and units is an admin's right; the strategy office imports a page
        # of OKRs with the people it names, so that part runs as the system once the
        # actor's right to edit the plan has been checked.
        self.org_actor = actor if permissions.is_admin(actor) else None
        self.page, self.report, self.cycle = page, report, cycle
        self.parent, self.default_unit, self.default_owner = parent, unit, owner
        self.domain = email_domain
        self.people: dict[str, Person] = {}
        self.units: dict[str, Unit] = {}  # page unit name → Unit

    def error(self, line: int | None, fld: str, message: str) -> None:
        self.report.errors.append({"line": line, "field": fld, "message": message})

    def domain_error(self, line: int | None, exc: DomainError) -> None:
        for e in exc.errors:
            self.error(line, e.field, e.message)

    # people

    def person(self, handle: str) -> Person | None:
        if handle in self.people:
            return self.people[handle]
        who = next(p for p in self.page.people if p.handle == handle)
        email = f"{handle}@{self.domain}".lower()
        found = (Person.objects.filter(email__iexact=email).first()
                 or _only(Person.objects.filter(name__iexact=who.name))
                 or _only(Person.objects.filter(email__istartswith=f"{handle}@")))
        if not found:
            # "Ops: …" names a team: its lead owns the team's key results, rather than a
            # made-up person standing for the whole team.
            unit = (self.units.get(who.name) or _only(Unit.objects.filter(name__iexact=who.name))
                    or Unit.objects.filter(key__iexact=handle).first())
            found = unit.lead if unit is not None and unit.lead_id else None
        if found:
            self.report.people_matched.append({"email": found.email, "name": found.name,
                                               "as": who.name})
        else:
            try:
                found = org.create_person(self.org_actor, email=email, name=who.name,
                                          role=Role.MEMBER)
            except DomainError as exc:
                self.domain_error(None, exc)
                found = None
            else:
                self.report.people_created.append({"email": found.email, "name": found.name})
        self.people[handle] = found
        return found

    # units

    def resolve_units(self) -> None:
        if self.default_unit and not Unit.objects.filter(key=self.default_unit).exists():
            self.error(None, "unit", f'unknown unit "{self.default_unit}"')
            self.default_unit = None
        elif not self.default_unit:
            # No --unit: the organisation's root unit, when there is exactly one.
            root = _only(Unit.objects.filter(parent__isnull=True))
            self.default_unit = root.key if root else None
        for unit in self.page.units:
            found = (Unit.objects.filter(key__iexact=md.slug(unit.name)).first()
                     or _only(Unit.objects.filter(name__iexact=unit.name)))
            if found:
                self.report.units_matched.append({"id": found.key, "name": found.name})
                self.units[unit.name] = found
                continue
            parent = self.units.get(unit.parent) if unit.parent else None
            parent_key = parent.key if parent else self.default_unit
            try:
                created = org.create_unit(self.org_actor, name=unit.name,
                                          key=_free_key(md.slug(unit.name)), parent=parent_key)
            except DomainError as exc:
                self.domain_error(unit.line, exc)
                continue
            self.units[unit.name] = created
            self.report.units_created.append({"id": created.key, "name": created.name,
                                              "parent": parent_key})

    def unit_for(self, obj: md.Objective, owner_name: str | None) -> str | None:
        if obj.unit and obj.unit in self.units:
            return self.units[obj.unit].key
        if owner_name:
            match = (self.units.get(owner_name)
                     or _only(Unit.objects.filter(name__iexact=owner_name))
                     or Unit.objects.filter(key__iexact=md.slug(owner_name)).first())
            if match:
                return match.key
        return self.default_unit

    # objectives and key results

    def run(self) -> None:
        self.resolve_units()
        keys: dict[int, str] = {}
        lines = {i: o.line for i, o in enumerate(self.page.objectives)}
        names = {p.handle: p.name for p in self.page.people}
        for i, obj in enumerate(self.page.objectives):
            if obj.parent is not None and obj.parent not in keys:
                self.error(obj.line, "parent", "its parent objective "
                           f"(line {lines[obj.parent]}) could not be imported")
                continue
            unit = self.unit_for(obj, names.get(obj.owner))
            if unit is None:
                self.error(obj.line, "unit", f'objective "{_short(obj.title, 60)}" has no unit: '
                           "no department heading above it, its owner names no unit, and "
                           "the organisation has no single root unit; give a default unit")
                continue
            try:
                created = okrs.save_objective(
                    self.actor, cycle=self.cycle.key, unit=unit, title=obj.title,
                    description=self.description(obj),
                    parent=keys[obj.parent] if obj.parent is not None else self.parent)
            except DomainError as exc:
                self.domain_error(obj.line, exc)
                continue
            keys[i] = created.key
            entry = {"id": created.key, "line": obj.line, "title": created.title,
                     "unit": unit, "owner": names.get(obj.owner),
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

    def owner_of(self, index: int, kr: md.KeyResult, objective) -> tuple[Person | None, str]:
        handle = kr.owner
        node = index
        while handle is None and node is not None:
            handle = self.page.objectives[node].owner
            node = self.page.objectives[node].parent
        if handle:
            return self.person(handle), "named on the page"
        if objective.unit.lead_id:
            return objective.unit.lead, f'lead of unit "{objective.unit.key}"'
        if self.default_owner:
            person = Person.objects.filter(email__iexact=self.default_owner).first()
            if person is None:
                return None, f'unknown person "{self.default_owner}" (default owner)'
            return person, "the default owner"
        # A unit made from a heading has no lead yet: the nearest lead above it.
        unit, seen = objective.unit.parent, set()
        while unit is not None and unit.pk not in seen:
            seen.add(unit.pk)
            if unit.lead_id:
                return unit.lead, f'lead of unit "{unit.key}", above "{objective.unit.key}"'
            unit = unit.parent
        return None, ""

    def key_result(self, index: int, kr: md.KeyResult, objective, entry: dict) -> None:
        owner, how = self.owner_of(index, kr, objective)
        if owner is None:
            self.error(kr.line, "owner", how or f'key result "{_short(kr.title, 60)}" has no '
                       "owner: none is named on the page, its unit has no lead, and no "
                       "default owner was given")
            return
        try:
            created = okrs.save_key_result(
                self.actor, objective=objective.key, title=kr.title, owner=owner.email,
                kind=kr.kind, baseline=kr.baseline, target=kr.target, unit=kr.unit)
        except DomainError as exc:
            self.domain_error(kr.line, exc)
            return
        for text in kr.assumptions:
            self.report.assumptions.append({"line": kr.line, "text": text})
        entry["key_results"].append({
            "id": created.key, "line": kr.line, "title": created.title, "owner": owner.email,
            "owner_from": how, "kind": created.kind, "baseline": created.baseline,
            "target": created.target, "unit": created.unit, "note": kr.note, "due": kr.due})


def _only(queryset):
    """The one match, or None when there are none or several (never guess between two)."""
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None


def _free_key(base: str) -> str:
    key, n = base, 1
    while key_owner(key):
        n += 1
        key = f"{base}-{n}"
    return key


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
    with transaction.atomic():
        _Importer(actor, page, report, cycle=cycle_obj, parent=parent, unit=unit,
                  owner=owner, email_domain=email_domain).run()
        if report.errors or dry_run:
            transaction.set_rollback(True)
    if report.errors and not dry_run:
        raise MarkdownImportError(report)
    return report
