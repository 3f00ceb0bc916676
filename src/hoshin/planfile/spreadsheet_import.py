"""Puts a goal list read from a spreadsheet (hoshin.planfile.spreadsheet, pure) into the
plan, all or nothing.

Two steps, as on the page: `plan_goals` reads the database only (people, units, cycles,
parents named in the file) and turns the rows into the plan file's own structure
(SPEC §8: `objectives` with their `key_results`, `checkins` and `initiatives`, plus the
`people` and `units` to create), every problem named by row and column; nothing is
written, so a preview never holds the database's write lock. `import_goals` then writes
that structure in one transaction through the same services the web and the API use
(permission checks as the person importing), and rolls all of it back on any error.

Matching: an owner is a person's e-mail (a person not known yet is created, with an
unusable password: they set one through a reset) or their exact name; a unit is its id or
name (a unit not known yet is created under the default unit); a quarter is its id or name,
else the quarter holding the row's due date, else the default quarter. A parent row id the
file does not define may be the id of an element already in the plan (annual objective,
priority, theme or objective), as Peoplebox's "Parent Goal IDs" are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from hoshin.core import clock
from hoshin.core.errors import DomainError, FieldError
from hoshin.core.keys import key_owner
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle
from hoshin.org import permissions
from hoshin.org import services as org
from hoshin.org.models import Person, Role, Unit
from hoshin.planfile import spreadsheet as sheet
from hoshin.planfile.markdown import slug


class SpreadsheetImportError(DomainError):
    """The goal list could not be imported; nothing was stored. Carries the report."""

    def __init__(self, report: SpreadsheetReport):
        self.report = report
        n = len(report.problems)
        super().__init__([FieldError(p.column or "file", p.text()) for p in report.problems],
                         f"{n} error{'s' if n != 1 else ''}, nothing was imported")


@dataclass
class SpreadsheetReport:
    filename: str
    dry_run: bool
    headers: list[str]
    mapping: dict[int, str]
    plan: dict = field(default_factory=dict)  # the plan-file structure the import writes
    problems: list[sheet.Problem] = field(default_factory=list)
    notes: list[sheet.Problem] = field(default_factory=list)  # taken, with a word
    created: dict[str, str] = field(default_factory=dict)  # row id in the plan → key given

    @property
    def counts(self) -> dict[str, int]:
        objectives = self.plan.get("objectives", [])
        krs = [kr for o in objectives for kr in o["key_results"]]
        return {"objectives": len(objectives), "key_results": len(krs),
                "initiatives": sum(len(kr["initiatives"]) for kr in krs),
                "checkins": sum(len(kr["checkins"]) for kr in krs),
                "people_created": len(self.plan.get("people", [])),
                "units_created": len(self.plan.get("units", []))}

    def columns(self) -> list[dict]:
        return [{"index": i, "column": h, "field": self.mapping.get(i, sheet.IGNORE)}
                for i, h in enumerate(self.headers)]

    def as_dict(self) -> dict:
        return {"file": self.filename, "dry_run": self.dry_run, "counts": self.counts,
                "columns": self.columns(), "plan": self.plan,
                "errors": [p.as_dict() for p in self.problems],
                "notes": [p.as_dict() for p in self.notes], "created": self.created}

    def text(self) -> str:
        c = self.counts
        lines = [f"Goal list {self.filename}"]
        lines.append("Columns: " + "; ".join(
            f"{col['column'] or '(no header)'} → {col['field']}" for col in self.columns()))
        if self.problems:
            lines.append(f"Nothing was imported: {len(self.problems)} error"
                         f"{'s' if len(self.problems) != 1 else ''}.")
            lines += [f"  {p.text()}" for p in self.problems]
            return "\n".join(lines)
        lines.append("Dry run: nothing was stored. An import would create:" if self.dry_run
                     else "Imported:")
        lines.append(f"  {c['objectives']} objectives, {c['key_results']} key results, "
                     f"{c['initiatives']} initiatives, {c['checkins']} check-ins, "
                     f"{c['people_created']} new people, {c['units_created']} new units")
        for unit in self.plan.get("units", []):
            lines.append(f"  + unit {unit['id']}  {unit['name']}  (in {unit['parent']})")
        for person in self.plan.get("people", []):
            lines.append(f"  + person {person['email']}  {person['name']}")
        for o in self.plan.get("objectives", []):
            key = self.created.get(o["id"], "")
            lines.append(f"  row {o['row']}  {key + '  ' if key else ''}[{o['cycle']} "
                         f"{o['unit']}] {o['title']}")
            for kr in o["key_results"]:
                key = self.created.get(kr["id"], "")
                lines.append(f"    - row {kr['row']}  {key + '  ' if key else ''}"
                             f"{_measure(kr)}  {kr['owner']}  {kr['title']}")
                for ini in kr["initiatives"]:
                    lines.append(f"        · row {ini['row']}  {ini['title']} ({ini['status']})")
        if self.notes:
            lines.append(f"Notes ({len(self.notes)}):")
            lines += [f"  {p.text()}" for p in self.notes]
        return "\n".join(lines)


def _measure(kr: dict) -> str:
    unit = kr.get("unit") or ""

    def show(v):
        return "?" if v is None else f"{v:g}{unit}"

    if kr["kind"] in ("increase", "decrease"):
        return f"{kr['kind']} {show(kr['baseline'])} → {show(kr['target'])}"
    if kr["kind"] in ("stay_above", "stay_below"):
        return f"{kr['kind']} {show(kr['target'])}"
    return "milestone"


def _only(queryset):
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None


def _free_key(base: str, taken: set[str]) -> str:
    key, n = base, 1
    while key in taken or key_owner(key):
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key


class _Planner:
    """Reads the database to turn the goal list into the plan structure; writes nothing."""

    def __init__(self, goals: sheet.GoalList, report: SpreadsheetReport, *, cycle: str | None,
                 unit: str | None, owner: str | None):
        self.goals, self.report = goals, report
        self.problems = report.problems
        self.default_cycle: Cycle | None = None
        self.default_unit: Unit | None = None
        self.default_owner: Person | None = None
        self.people: dict[str, dict] = {}  # what the file wrote → {"email", "name", "new"}
        self.units: dict[str, dict] = {}  # what the file wrote → {"id", "name", "new"}
        self.new_people: list[dict] = []
        self.new_units: list[dict] = []
        self.taken_keys: set[str] = set()
        self.quarters = list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER,
                                                  archived_at__isnull=True).order_by("start"))
        self._defaults(cycle, unit, owner)

    def error(self, item: sheet.Item | None, fld: str | None, message: str) -> None:
        column = item.columns.get(fld) if item is not None and fld else None
        self.problems.append(sheet.Problem(item.row if item else None, column, message))

    def note(self, item: sheet.Item, fld: str | None, message: str) -> None:
        self.report.notes.append(sheet.Problem(item.row, item.columns.get(fld) if fld else None,
                                               message))

    def _defaults(self, cycle: str | None, unit: str | None, owner: str | None) -> None:
        if cycle:
            self.default_cycle = self._cycle_named(cycle)
            if self.default_cycle is None:
                self.problems.append(sheet.Problem(None, None, f'cycle: unknown quarter "{cycle}"'))
        if unit:
            self.default_unit = (Unit.objects.filter(key__iexact=unit).first()
                                 or _only(Unit.objects.filter(name__iexact=unit)))
            if self.default_unit is None:
                self.problems.append(sheet.Problem(None, None, f'unit: unknown unit "{unit}"'))
        else:
            self.default_unit = _only(Unit.objects.filter(parent__isnull=True,
                                                          archived_at__isnull=True))
        if owner:
            self.default_owner = Person.objects.filter(email__iexact=owner.strip()).first()
            if self.default_owner is None:
                self.problems.append(sheet.Problem(None, None,
                                                   f'owner: unknown person "{owner}"'))

    def _cycle_named(self, text: str) -> Cycle | None:
        text = text.strip()
        for c in self.quarters:
            if c.key.lower() == text.lower() or (c.name and c.name.lower() == text.lower()):
                return c
        return None

    # what each row names

    def cycle_for(self, item: sheet.Item) -> Cycle | None:
        if self.default_cycle is not None:
            return self.default_cycle
        if item.cycle:
            found = self._cycle_named(item.cycle)
            if found is None:
                self.error(item, "cycle", f'no quarter is called "{item.cycle}" (the quarters: '
                                          f"{', '.join(c.key for c in self.quarters[-6:])})")
            return found
        days = [d for d in (item.due, item.start_date) if d] + [
            d for child in item.children for d in (child.due,) if d]
        for day in days:
            for c in self.quarters:
                if c.start <= day <= c.end:
                    return c
        if days:
            self.error(item, "due" if item.due else "start_date",
                       f"no quarter holds {days[0].isoformat()}; add the quarter or give a "
                       "cycle")
            return None
        from hoshin.okrs.selectors import quarter_or_current

        found = quarter_or_current(None)
        if found is None:
            self.error(item, None, "no quarter to import into: there are none; add one first")
        return found

    def unit_for(self, item: sheet.Item) -> str | None:
        if item.unit:
            name = item.unit.split(",")[0].split("\n")[0].strip()
            if name in self.units:
                return self.units[name]["id"]
            found = (Unit.objects.filter(key__iexact=name).first()
                     or _only(Unit.objects.filter(name__iexact=name)))
            if found is not None:
                self.units[name] = {"id": found.key, "name": found.name}
                return found.key
            if self.default_unit is None:
                self.error(item, "unit", f'no unit is called "{name}", and there is no default '
                                         "unit to create it under; give one")
                return None
            new = {"id": _free_key(slug(name), self.taken_keys), "name": name,
                   "parent": self.default_unit.key}
            self.new_units.append(new)
            self.units[name] = new
            return new["id"]
        owner = self.person_for(item, "owner", quiet=True) if item.owner else None
        if owner and owner.get("unit"):
            return owner["unit"]
        if self.default_unit is not None:
            return self.default_unit.key
        self.error(item, "unit", "is empty and there is no default unit (the organisation has "
                                 "no single top unit); give a unit")
        return None

    def person_for(self, item: sheet.Item, fld: str, quiet: bool = False) -> dict | None:
        text = (getattr(item, fld) or "").split(",")[0].split(";")[0].split("\n")[0].strip()
        if not text:
            return None
        if text in self.people:
            return self.people[text]
        if "@" in text:
            found = Person.objects.filter(email__iexact=text).first()
            if found is None:
                entry = {"email": text.lower(), "name": _name_from_email(text), "new": True}
                self.new_people.append({"email": entry["email"], "name": entry["name"]})
                self.people[text] = entry
                return entry
        else:
            found = _only(Person.objects.filter(name__iexact=text, is_active=True))
            if found is None:
                if not quiet:
                    many = Person.objects.filter(name__iexact=text).count()
                    self.error(item, fld, f'{many} people are called "{text}"; write the '
                                          "owner's e-mail" if many > 1 else
                                          f'no person is called "{text}"; write their e-mail '
                                          "(a new person is created from an e-mail)")
                return None
        if not found.is_active:
            if not quiet:
                self.error(item, fld, f"{found.email} is archived; a key result's owner must be "
                                      "an active person")
            return None
        membership = found.memberships.select_related("unit").order_by("pk").first()
        entry = {"email": found.email, "name": found.name,
                 "unit": membership.unit.key if membership else None}
        self.people[text] = entry
        return entry

    def owner_email(self, item: sheet.Item, objective: sheet.Item | None,
                    unit_key: str | None) -> str | None:
        for who, fld in ((item, "owner"), (objective, "owner")):
            if who is not None and who.owner:
                found = self.person_for(who, fld, quiet=who is not item)
                if found:
                    return found["email"]
                if who is item:
                    return None  # the error is said
        if unit_key:
            unit = Unit.objects.filter(key=unit_key).select_related("lead").first()
            if unit is not None and unit.lead_id:
                self.note(item, "owner", f"no owner given: the lead of {unit.key}, "
                                         f"{unit.lead.email}, owns it")
                return unit.lead.email
        if self.default_owner is not None:
            return self.default_owner.email
        self.error(item, "owner", "is empty; name the owner (e-mail or name), or give a "
                                  "default owner")
        return None

    # the plan structure

    def run(self) -> dict:
        objectives = []
        rows = {}
        for item in self.goals.objectives:
            o = self.objective(item, rows)
            if o is not None:
                objectives.append(o)
                rows[id(item)] = o
        for item in self.goals.items:
            if item.type == "key_result" and item.parent is None and item.parent_row:
                self.error(item, "parent_row", f'no row of the file has the id '
                                               f'"{item.parent_row}"; a key result hangs under '
                                               "an objective of the file")
        return {"people": self.new_people, "units": self.new_units, "objectives": objectives}

    def objective(self, item: sheet.Item, rows: dict) -> dict | None:
        cycle = self.cycle_for(item)
        unit = self.unit_for(item)
        parent = None
        if item.parent is not None:
            parent = f"row-{item.parent.row}"
        elif item.parent_row:
            from hoshin.okrs.services import resolve_parent

            try:
                found = resolve_parent(item.parent_row)
            except DomainError:
                self.error(item, "parent_row", f'no row of the file has the id '
                                               f'"{item.parent_row}", and no annual objective, '
                                               "priority, theme or objective here has that id")
                found = None
            parent = found.key if found is not None else None
        if cycle is not None:
            if cycle.state == Cycle.State.CLOSED:
                self.error(item, "cycle", f'quarter "{cycle.key}" is closed and read-only')
            if item.due and not cycle.start <= item.due <= cycle.end:
                self.note(item, "due", f"{item.due.isoformat()} is outside {cycle.key} "
                                       f"({cycle.start} to {cycle.end})")
        if item.target is not None or item.direction:
            self.note(item, "target", "an objective carries no values in Hoshin; its key "
                                      "results do (the values of this row are left out)")
        entry = {"id": f"row-{item.row}", "row": item.row, "title": item.title,
                 "description": item.description, "cycle": cycle.key if cycle else None,
                 "unit": unit, "parent": parent, "kind": "committed", "key_results": []}
        for child in item.children:
            if child.type == "key_result":
                kr = self.key_result(child, item, unit, cycle)
                if kr is not None:
                    entry["key_results"].append(kr)
        return entry

    def key_result(self, item: sheet.Item, objective: sheet.Item, unit: str | None,
                   cycle: Cycle | None) -> dict | None:
        owner = self.owner_email(item, objective, unit)
        kind = item.kind
        kr = {"id": f"row-{item.row}", "row": item.row, "title": item.title, "owner": owner,
              "kind": kind, "baseline": item.baseline if kind in ("increase", "decrease")
              else None, "target": item.target if kind != "milestone" else None,
              "unit": item.measure, "weight": item.weight if item.weight is not None else 1.0,
              "checkins": [], "initiatives": []}
        if kind == "milestone" and (item.baseline is not None or item.target is not None):
            self.note(item, "target", "a milestone has no values; they are left out")
        if item.current is not None:
            if kind == "milestone":
                self.note(item, "current", "a milestone is checked in by its steps; the value "
                                           "is left out")
            elif cycle is not None and cycle.state == Cycle.State.ACTIVE:
                kr["checkins"].append({"date": min(clock.today(), cycle.end).isoformat(),
                                       "value": item.current})
            elif cycle is not None:
                self.note(item, "current", f'quarter "{cycle.key}" is {cycle.state}; check-ins '
                                           "are taken only while a quarter is active, so the "
                                           "current value is left out")
        for child in item.children:
            if child.type == "initiative" and child.status == "cancelled":
                # Stopping work is a trade-off written with its reason, who decided and who
                # was told (okrs.save_initiative); a goal list carries none of that, so the
                # stopped work stays out rather than arriving stopped without a why.
                self.note(child, "status", f'"{child.title}" is not imported: it is '
                                           "cancelled, and stopped work goes to the trade-off "
                                           "register with its reason (stop it on the "
                                           "portfolio's flow page if the plan needs it)")
                continue
            if child.type == "initiative":
                who = self.person_for(child, "owner") if child.owner else None
                kr["initiatives"].append({
                    "id": f"row-{child.row}", "row": child.row, "title": child.title,
                    "owner": who["email"] if who else owner,
                    "status": child.status or "not_started"})
        return kr


def _name_from_email(email: str) -> str:
    local = email.split("@")[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").replace("-", ".")
                    .split(".") if part) or email


def plan_goals(actor, goals: sheet.GoalList, *, filename: str = "", cycle: str | None = None,
               unit: str | None = None, owner: str | None = None) -> SpreadsheetReport:
    """The plan structure the goal list makes, with every problem; reads only."""
    permissions.require(permissions.can_edit_strategy(actor), "import goals")
    report = SpreadsheetReport(filename=filename, dry_run=True, headers=goals.headers,
                               mapping=goals.mapping, problems=list(goals.problems))
    if not goals.items and not report.problems:
        report.problems.append(sheet.Problem(None, None, "the file has no goals under its "
                                                         "header row"))
    if goals.items:
        report.plan = _Planner(goals, report, cycle=cycle, unit=unit, owner=owner).run()
    report.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return report


def import_goals(actor, table: sheet.Table, mapping: dict[int, str], *, filename: str = "",
                 cycle: str | None = None, unit: str | None = None, owner: str | None = None,
                 dry_run: bool = False) -> SpreadsheetReport:
    """Read, check and (unless `dry_run`) write the goal list. Raises
    SpreadsheetImportError with the report when anything is wrong; then nothing is
    stored."""
    goals = sheet.read_goals(table, mapping)
    report = plan_goals(actor, goals, filename=filename, cycle=cycle, unit=unit, owner=owner)
    if report.problems:
        raise SpreadsheetImportError(report)
    if dry_run:
        return report
    report.dry_run = False
    write_plan(actor, report)
    if report.problems:
        raise SpreadsheetImportError(report)
    return report


# Writing ---------------------------------------------------------------------------------

# Which column a service's field error belongs to.
_COLUMN_OF = {"title": "title", "owner": "owner", "unit": "unit", "cycle": "cycle",
              "baseline": "baseline", "target": "target", "parent": "parent_row",
              "value": "current", "date": "current", "weight": "weight", "status": "status"}


def write_plan(actor, report: SpreadsheetReport) -> None:
    """Write the plan structure in one transaction through the okrs and org services;
    on any refusal, every problem is added to the report and nothing stays written."""
    plan = report.plan
    headers = {fld: report.headers[i] for i, fld in report.mapping.items()}
    # Creating people and units is an admin's right; the strategy office imports goals with
    # the people and teams they name, so that part runs as the system once the actor's
    # right to edit the plan has been checked (as the Markdown import does).
    org_actor = actor if permissions.is_admin(actor) else None
    keys: dict[str, str] = {}

    def fail(row: int | None, exc: DomainError) -> None:
        for e in exc.errors:
            column = headers.get(_COLUMN_OF.get(e.field, ""), None)
            report.problems.append(sheet.Problem(row, column, f"{e.field}: {e.message}"
                                                 if column is None else e.message))

    with transaction.atomic():
        for person in plan.get("people", []):
            try:
                org.create_person(org_actor, email=person["email"], name=person["name"],
                                  role=Role.MEMBER)
            except DomainError as exc:
                fail(None, exc)
        for unit in plan.get("units", []):
            try:
                org.create_unit(org_actor, name=unit["name"], key=unit["id"],
                                parent=unit["parent"])
            except DomainError as exc:
                fail(None, exc)
        pending = list(plan.get("objectives", []))
        # Parents first: an objective under another row waits for that row's key.
        while pending:
            ready = [o for o in pending
                     if not (o["parent"] or "").startswith("row-") or o["parent"] in keys]
            if not ready:
                for o in pending:
                    report.problems.append(sheet.Problem(o["row"], headers.get("parent_row"),
                                                         "its parent row could not be "
                                                         "imported"))
                break
            for o in ready:
                pending.remove(o)
                _write_objective(actor, o, keys, fail, report)
        if report.problems:
            transaction.set_rollback(True)
            return
    report.created = keys


def _write_objective(actor, o: dict, keys: dict, fail, report: SpreadsheetReport) -> None:
    parent = keys.get(o["parent"], o["parent"]) if o["parent"] else None
    if (parent or "").startswith("row-"):
        return
    try:
        objective = okrs.save_objective(actor, cycle=o["cycle"], unit=o["unit"],
                                        title=o["title"], description=o["description"],
                                        kind=o["kind"], parent=parent)
    except DomainError as exc:
        fail(o["row"], exc)
        return
    keys[o["id"]] = objective.key
    for kr in o["key_results"]:
        try:
            created = okrs.save_key_result(actor, objective=objective.key, title=kr["title"],
                                           owner=kr["owner"], kind=kr["kind"],
                                           baseline=kr["baseline"], target=kr["target"],
                                           unit=kr["unit"], weight=kr["weight"])
        except DomainError as exc:
            fail(kr["row"], exc)
            continue
        keys[kr["id"]] = created.key
        for checkin in kr["checkins"]:
            try:
                okrs.record_checkin(actor, created, value=checkin["value"],
                                    date=dt.date.fromisoformat(checkin["date"]))
            except DomainError as exc:
                fail(kr["row"], exc)
        for ini in kr["initiatives"]:
            try:
                made = okrs.save_initiative(actor, key_result=created.key, title=ini["title"],
                                            owner=ini["owner"], status=ini["status"])
            except DomainError as exc:
                fail(ini["row"], exc)
                continue
            keys[ini["id"]] = made.key
