"""Puts a goal list read from a spreadsheet (hoshin.planfile.spreadsheet, pure) into the
plan, all or nothing.

Two steps, as on the page: `plan_goals` reads the database only (people, units, cycles,
parents named in the file) and turns the rows into the plan file's own structure
(SPEC §8: `objectives` with their `key_results`, `checkins` and `initiatives`, plus the
`people` and `units` to create), every problem named by row and column; nothing is
written, so a preview never holds the database's write lock. `import_goals` then checks
every row with the rules the services apply (`_Prepared`, still reading only: a dry run
reports every refusal an import would meet) and writes it all in one short transaction,
in bulk (`_write`, as the Markdown import does), or nothing.

Matching: an owner is a person's e-mail (a person not known yet is created, with an
unusable password: they set one through a reset) or their exact name; a unit is its id or
name (a unit not known yet is created under the default unit); a quarter is its id or name,
else the quarter holding the row's due date, else the default quarter. A parent row id the
file does not define may be the id of an element already in the plan (annual objective,
priority, theme or objective), as Peoplebox's "Parent Goal IDs" are.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from dataclasses import dataclass, field


from hoshin.core import bulk, clock, events, limits
from hoshin.core.errors import DomainError, FieldError
from hoshin.core.history import service
from hoshin.core.keys import key_owner, plan_element_models
from hoshin.core.models import new_key
from hoshin.okrs import rules
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, Cycle, Initiative, KeyResult, Objective, Theme
from hoshin.org import permissions
from hoshin.org import services as org
from hoshin.org.models import Organization, Person, Role, Unit
from hoshin.planfile import bulk_write
from hoshin.planfile import spreadsheet as sheet
from hoshin.planfile.markdown import slug
from hoshin.planfile.markdown_import import _length_problems
from hoshin.strategy.models import AnnualObjective, ImprovementPriority

log = logging.getLogger("hoshin.planfile.spreadsheet_import")


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
            parent = item.parent.ident
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
        entry = {"id": item.ident, "row": item.row, "title": item.title,
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
        kr = {"id": item.ident, "row": item.row, "title": item.title, "owner": owner,
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
                    "id": child.ident, "row": child.row, "title": child.title,
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
    stored. A dry run applies every rule the import would, writing nothing."""
    goals = sheet.read_goals(table, mapping)
    report = plan_goals(actor, goals, filename=filename, cycle=cycle, unit=unit, owner=owner)
    if report.problems:
        raise SpreadsheetImportError(report)
    started = time.perf_counter()
    prepared = _Prepared(actor, report)
    if report.problems:
        raise SpreadsheetImportError(report)
    if dry_run:
        return report
    report.dry_run = False
    try:
        _write(actor, prepared)
    except _Refused:
        raise SpreadsheetImportError(report) from None
    _publish_checkins(actor, prepared)
    # The write transaction's length is what others may wait for (SQLite: its one write
    # lock).
    log.info("goal list %s: %d objectives, %d key results, %d check-ins, %d initiatives; "
             "read and checked in %.2f s, written in %.3f s", filename,
             *(report.counts[k] for k in ("objectives", "key_results", "checkins",
                                          "initiatives")),
             prepared.began - started, prepared.written - prepared.began)
    return report


# Writing ---------------------------------------------------------------------------------
#
# As the Markdown import (planfile/markdown_import.py): every rule the services apply is
# applied while preparing, reading only, and every row is converted for the database then
# (core/bulk.py); the write transaction only creates the few new people and units through
# org's services (audit entries, an e-mail taken meanwhile refused there) and inserts
# objectives, key results, check-ins and initiatives with one statement per table, with
# their history rows credited to the actor. A sheet of thousands of rows holds SQLite's
# write lock for a fraction of a second instead of the seconds the services took per
# thousand rows.

# Which column a rule's field belongs to.
_COLUMN_OF = {"title": "title", "owner": "owner", "unit": "unit", "cycle": "cycle",
              "baseline": "baseline", "target": "target", "parent": "parent_row",
              "value": "current", "date": "current", "weight": "weight", "status": "status",
              "description": "description", "kind": "measure"}


class _Refused(Exception):
    """The write met a conflict (said in the report's problems); nothing stays written."""


class _Prepared:
    """The goal list checked against the services' rules and converted into rows, before
    the write transaction opens; problems go to the report by row and column."""

    def __init__(self, actor, report: SpreadsheetReport):
        self.actor, self.report = actor, report
        self.headers = {fld: report.headers[i] for i, fld in report.mapping.items()}
        plan = report.plan
        user_id = actor.pk if actor is not None else None
        now = clock.now()
        self.today = clock.today()
        self.objectives = bulk.Insert(Objective, history_user_id=user_id, history_date=now)
        self.key_results = bulk.Insert(KeyResult, history_user_id=user_id, history_date=now)
        self.checkins = bulk.Insert(CheckIn)
        self.initiatives = bulk.Insert(Initiative, history_user_id=user_id, history_date=now)
        self.new_people = {p["email"]: None for p in plan.get("people", [])}  # → Person
        self.new_units = {u["id"]: None for u in plan.get("units", [])}  # → Unit
        self.keys: dict[str, str] = {}  # row id → key given
        self.checkin_rows: list[int] = []  # rows of self.checkins, in order
        emails = {kr["owner"] for o in plan.get("objectives", []) for kr in o["key_results"]}
        emails |= {i["owner"] for o in plan.get("objectives", []) for kr in o["key_results"]
                   for i in kr["initiatives"]}
        emails -= {None, *self.new_people}
        self.people = {p.email: p for p in Person.objects.filter(email__in=emails)}
        objectives = plan.get("objectives", [])
        self.units = {u.key: u for u in Unit.objects.filter(
            key__in={o["unit"] for o in objectives} - {None, *self.new_units})}
        self.cycles = {c.key: c for c in Cycle.objects.filter(
            key__in={o["cycle"] for o in objectives})}
        self.fiscal_year_start = Organization.current().fiscal_year_start
        self._keys(objectives)
        rows = {o["id"]: o for o in objectives}
        objective_rows: dict[str, int] = {}
        # Parents first: an objective under another row refers to that row's id.
        pending = list(objectives)
        waiting = {o["id"] for o in pending}
        while pending:
            ready = [o for o in pending if o["parent"] not in waiting]
            if not ready:
                break  # a loop of parent rows
            for o in ready:
                waiting.discard(o["id"])
                self.objective(o, rows, objective_rows)
            pending = [o for o in pending if o["id"] in waiting]
        for o in pending:
            self.problem(o["row"], "parent", "its parent row could not be imported")
        report.problems.sort(key=lambda p: (p.row or 0, p.column or ""))

    def problem(self, row: int | None, fld: str, message: str) -> None:
        column = self.headers.get(_COLUMN_OF.get(fld, ""))
        self.report.problems.append(sheet.Problem(row, column, message if column is not None
                                                  else f"{fld}: {message}"))

    def _keys(self, objectives: list[dict]) -> None:
        """A new key for every objective, key result and initiative, none already in use
        (plan keys and unit ids share one namespace): a few queries per 500 keys."""
        taken = set(self.new_units)

        def draw(prefix: str) -> str:
            while (key := new_key(prefix)) in taken:
                pass
            taken.add(key)
            return key

        wanted: dict[str, str] = {}
        for o in objectives:
            wanted[o["id"]] = draw(Objective.KEY_PREFIX)
            for kr in o["key_results"]:
                wanted[kr["id"]] = draw(KeyResult.KEY_PREFIX)
                for ini in kr["initiatives"]:
                    wanted[ini["id"]] = draw(Initiative.KEY_PREFIX)
        used: set[str] = set()
        keys = sorted(wanted.values())
        for start in range(0, len(keys), 500):
            for model in plan_element_models():
                used.update(model.objects.filter(key__in=keys[start:start + 500])
                            .values_list("key", flat=True))
        taken |= used
        for row_id, key in wanted.items():
            if key in used:
                wanted[row_id] = draw(key.split("-")[0])
        self.keys = wanted

    def _texts(self, row: int, **texts: str) -> bool:
        problems = _length_problems(**texts)
        for fld, message in problems:
            self.problem(row, fld, message)
        return not problems

    def objective(self, o: dict, rows: dict, objective_rows: dict[str, int]) -> None:
        # save_objective's rules. The right to edit each unit's plan needs no check per row:
        # importing needs the strategy office's right, which covers every unit.
        ok = True
        cycle = self.cycles.get(o["cycle"])
        if cycle is None:
            self.problem(o["row"], "cycle", "is required" if not o["cycle"]
                         else f'unknown cycle "{o["cycle"]}"')
            return
        if cycle.kind != Cycle.Kind.QUARTER:
            ok = False
            self.problem(o["row"], "cycle", f'"{cycle.key}" is a year; OKR objectives belong '
                                            "to a quarter")
        if cycle.state == Cycle.State.CLOSED:
            ok = False
            self.problem(o["row"], "cycle", f'cycle "{cycle.key}" is closed and read-only')
        unit = self.units.get(o["unit"])
        if unit is None and o["unit"] not in self.new_units:
            self.problem(o["row"], "unit", "is required" if not o["unit"]
                         else f'unknown unit "{o["unit"]}"')
            ok = False
        title = (o["title"] or "").strip()
        if not title:
            ok = False
            self.problem(o["row"], "title", "must not be empty")
        ok = self._texts(o["row"], title=title, description=o["description"] or "") and ok
        row = Objective(key=self.keys[o["id"]], cycle=cycle, unit_id=unit.pk if unit else None,
                        title=title, description=o["description"] or "", kind=o["kind"])
        late = {}
        if unit is None:
            late["unit_id"] = lambda key=o["unit"]: self.new_units[key].pk
        parent = o["parent"]
        if parent and parent.startswith("row-"):
            if parent not in objective_rows:
                self.problem(o["row"], "parent", "its parent row could not be imported")
                return
            above = self.cycles.get(rows[parent]["cycle"])
            if above is not None and not above.encloses(cycle):
                ok = False
                self.problem(o["row"], "parent", f'the objective of row {rows[parent]["row"]} '
                                                 f'is in cycle "{above.key}", which does not '
                                                 f'enclose "{cycle.key}"')
            late["parent_objective_id"] = _id_in(self.objectives, objective_rows[parent])
        elif parent:
            try:
                stored = okrs.resolve_parent(parent, "parent")
            except DomainError as exc:
                for e in exc.errors:
                    self.problem(o["row"], e.field, e.message)
                return
            if error := okrs.parent_error(stored, cycle, self.fiscal_year_start):
                ok = False
                self.problem(o["row"], "parent", error)
            setattr(row, _PARENT_FIELD[type(stored)], stored.pk)
        if not ok:
            return
        objective_rows[o["id"]] = index = self.objectives.add(row, **late)
        self.keys_made(o)
        for kr in o["key_results"]:
            self.key_result(kr, cycle, index)

    def keys_made(self, item: dict) -> None:
        self.report.created[item["id"]] = self.keys[item["id"]]

    def person(self, email: str | None, row: int, fld: str) -> tuple[Person | None, object]:
        """The stored person, or None and the late value of a person the import adds."""
        if email in self.new_people:
            return None, (lambda: self.new_people[email].pk)
        found = self.people.get(email)
        if found is None:
            self.problem(row, fld, f'unknown person "{email}"' if email else
                         "a key result needs exactly one owner: a person")
        return found, None

    def key_result(self, kr: dict, cycle: Cycle, objective_row: int) -> None:
        # save_key_result's rules.
        owner, new_owner = self.person(kr["owner"], kr["row"], "owner")
        if owner is None and new_owner is None:
            return
        ok = True
        if owner is not None and (error := okrs.owner_error(owner)):
            ok = False
            self.problem(kr["row"], "owner", error)
        title = (kr["title"] or "").strip()
        if not title:
            ok = False
            self.problem(kr["row"], "title", "must not be empty")
        for e in rules.key_result_errors(kr["kind"], kr["baseline"], kr["target"], [],
                                         kr["weight"]):
            ok = False
            self.problem(kr["row"], e.field, e.message)
        ok = self._texts(kr["row"], title=title) and ok
        if len(kr["unit"] or "") > limits.LABEL_LENGTH:
            ok = False
            self.problem(kr["row"], "unit", "a unit of measure is at most "
                                            f"{limits.LABEL_LENGTH} characters")
        for fld, value in (("baseline", kr["baseline"]), ("target", kr["target"]),
                           ("weight", kr["weight"])):
            if value is not None and not (math.isfinite(value)
                                          and abs(value) <= limits.MEASURE_LIMIT):
                ok = False
                self.problem(kr["row"], fld, f"must be a finite number within "
                                             f"±{limits.MEASURE_LIMIT:g}")
        checkins = []
        for checkin in kr["checkins"]:
            # record_checkin's rules (the planner takes a value only in an active quarter).
            day = dt.date.fromisoformat(checkin["date"])
            problems = [(e.field, e.message) for e in rules.checkin_errors(
                kr["kind"], checkin["value"], None, [], [])]
            if error := rules.checkin_date_error(day, cycle.start, cycle.end):
                problems.append(("date", error))
            if day > self.today + dt.timedelta(days=1):
                problems.append(("date", "a check-in cannot be in the future"))
            if cycle.state != Cycle.State.ACTIVE:
                problems.append(("value", f'cycle "{cycle.key}" is {cycle.state}; check-ins '
                                          "are taken only while a cycle is active"))
            if checkin["value"] is not None and not (
                    math.isfinite(checkin["value"])
                    and abs(checkin["value"]) <= limits.MEASURE_LIMIT):
                problems.append(("value", f"must be a finite number within "
                                          f"±{limits.MEASURE_LIMIT:g}"))
            for fld, message in problems:
                ok = False
                self.problem(kr["row"], fld, message)
            checkins.append((day, checkin["value"]))
        initiatives = [self.initiative(i) for i in kr["initiatives"]]
        if not ok or None in initiatives:
            return
        late = {"objective_id": _id_in(self.objectives, objective_row)}
        if new_owner is not None:
            late["owner_id"] = new_owner
        if checkins:
            # The latest reading is the key result's last check-in (a sheet gives one).
            last = len(self.checkins.rows) + len(checkins) - 1
            late["last_checkin_id"] = _id_in(self.checkins, last)
        kr_row = self.key_results.add(
            KeyResult(key=self.keys[kr["id"]], title=title, owner_id=owner.pk if owner else None,
                      kind=kr["kind"], baseline=kr["baseline"], target=kr["target"],
                      unit=kr["unit"] or "", weight=kr["weight"]), **late)
        self.keys_made(kr)
        for day, value in checkins:
            self.checkin_rows.append(self.checkins.add(
                CheckIn(date=day, value=value, author_id=self.actor.pk if self.actor else None,
                        created_at=clock.now()),
                key_result_id=_id_in(self.key_results, kr_row)))
        for ini, (row, late) in zip(kr["initiatives"], initiatives, strict=True):
            self.initiatives.add(row, key_result_id=_id_in(self.key_results, kr_row), **late)
            self.keys_made(ini)

    def initiative(self, ini: dict):
        # save_initiative's rules. A cancelled row never gets here (the planner leaves stopped
        # work to the trade-off register), so no status change needs a reason.
        ok = True
        title = (ini["title"] or "").strip()
        if not title:
            ok = False
            self.problem(ini["row"], "title", "must not be empty")
        ok = self._texts(ini["row"], title=title) and ok
        if ini["status"] not in Initiative.Status.values or (
                ini["status"] == Initiative.Status.CANCELLED):
            ok = False
            self.problem(ini["row"], "status", "must be one of " + ", ".join(
                s for s in Initiative.Status.values if s != Initiative.Status.CANCELLED))
        owner, new_owner = (self.person(ini["owner"], ini["row"], "owner") if ini["owner"]
                            else (None, None))
        if ini["owner"] and owner is None and new_owner is None:
            ok = False
        if not ok:
            return None
        late = {"owner_id": new_owner} if new_owner is not None else {}
        return Initiative(key=self.keys[ini["id"]], title=title, status=ini["status"],
                          owner_id=owner.pk if owner else None), late


_PARENT_FIELD = {AnnualObjective: "parent_annual_id", ImprovementPriority: "parent_priority_id",
                 Theme: "parent_theme_id", Objective: "parent_objective_id"}


def _id_in(insert: bulk.Insert, row: int):
    return lambda: insert.id_of(row)


@service
def _write(actor, prepared: _Prepared) -> None:
    """Store the prepared goal list in one short transaction. What was read while preparing
    may have changed since (a quarter closed, an e-mail or an id taken): each is checked
    again here, and any conflict refuses the whole import."""
    report = prepared.report
    prepared.began = time.perf_counter()

    def refuse(row, exc: DomainError):
        for e in exc.errors:
            prepared.problem(row, e.field, e.message)
        raise _Refused

    closed = list(Cycle.objects.filter(pk__in=[c.pk for c in prepared.cycles.values()],
                                       state=Cycle.State.CLOSED).values_list("key", flat=True))
    if closed:
        refuse(None, DomainError.field("cycle", f'cycle "{closed[0]}" is closed and read-only'))
    # Creating people and units is an admin's right; the strategy office imports goals with
    # the people and teams they name, so that part runs as the system once the actor's
    # right to edit the plan has been checked (as the Markdown import does).
    org_actor = actor if permissions.is_admin(actor) else None
    for person in report.plan.get("people", []):
        try:
            prepared.new_people[person["email"]] = org.create_person(
                org_actor, email=person["email"], name=person["name"], role=Role.MEMBER)
        except DomainError as exc:
            refuse(None, exc)
    for unit in report.plan.get("units", []):
        try:
            prepared.new_units[unit["id"]] = org.create_unit(
                org_actor, name=unit["name"], key=unit["id"], parent=unit["parent"])
        except DomainError as exc:
            refuse(None, exc)
    try:
        bulk_write.write_rows(prepared.objectives, prepared.key_results, prepared.checkins,
                              prepared.initiatives, objectives=prepared.objectives,
                              key_results=prepared.key_results)
    except bulk_write.IdTaken as exc:
        refuse(None, DomainError.field("file", f"the database refused the import ({exc}); "
                                               "nothing was imported: import it again"))
    prepared.written = time.perf_counter()


def _publish_checkins(actor, prepared: _Prepared) -> None:
    """Tell the apps above about the imported check-ins, as record_checkin does (flags are
    judged, webhooks told), once the import has committed: in production each only
    queues work for the worker, and thousands of them inside the write transaction would
    hold the lock as the services did."""
    if not prepared.checkin_rows:
        return
    ids = [prepared.checkins.id_of(i) for i in prepared.checkin_rows]
    today = clock.today()
    for checkin in CheckIn.objects.filter(pk__in=ids).select_related("key_result"):
        events.publish(events.CheckInRecorded(actor, checkin.key_result, checkin, today))
