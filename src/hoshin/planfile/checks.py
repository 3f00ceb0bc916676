"""Checking a plan-file document before anything is written.

Every problem is reported at once with the path of the key that caused it
(`objectives[3].key_results[0].owner: unknown person "x@y"`), so a plan is fixed in one
pass rather than one error per attempt. The checks run over plain data and use the same
rule functions as the services (hoshin.okrs.rules), so an import refuses exactly what the
web, the API and the CLI refuse.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import types
import typing
from collections.abc import Iterable
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from hoshin.core import clock, limits
from hoshin.okrs import rules
from hoshin.planfile import schema

# Checked here because the schema is looser than the columns they land in.
MAX_UNIT_LENGTH = 40
MAX_CYCLE_NAME_LENGTH = 100
MAX_LINK_TITLE_LENGTH = 200

KIND_LABELS = {
    "unit": "unit", "breakthrough": "breakthrough", "annual": "annual objective",
    "priority": "improvement priority", "metric": "metric", "cycle": "cycle", "theme": "theme",
    "objective": "objective", "key_result": "key result", "initiative": "initiative",
    "dependency": "dependency",
}
PARENT_KINDS = ("annual", "priority", "theme", "objective")
# What a trade-off may name as affected.
AFFECTABLE = ("objective", "key_result", "initiative", "annual")
SECTION_KINDS = {
    "units": "unit", "breakthroughs": "breakthrough", "annual_objectives": "annual",
    "improvement_priorities": "priority", "metrics": "metric", "cycles": "cycle",
    "themes": "theme", "objectives": "objective", "dependencies": "dependency",
}
SECTIONS = list(schema.PlanFile.model_fields)


# Schema errors --------------------------------------------------------------------------


def _path(loc: Iterable) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unwrap(tp):
    while True:
        origin = get_origin(tp)
        if origin is typing.Annotated:
            tp = get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                return tp
        else:
            return tp


def _model_at(loc: tuple):
    """The schema model at `loc` in the document, if there is one."""
    tp: Any = schema.PlanFile
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(part, int):
            tp = get_args(tp)[0] if get_origin(tp) is list else None
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(part)
            tp = field.annotation if field else None
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _show(value) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def _scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, dt.date))


def _schema_message(err: dict, loc: tuple, path: str) -> str:
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        if close:
            return f'unknown key (did you mean "{close[0]}"?)'
        return f"unknown key (expected one of: {', '.join(allowed)})" if allowed else "unknown key"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if "@" in pattern:
            if re.search(r"key_results\[\d+\]\.owner$", path):
                return (f"{_show(value)} is not a person; a key result is owned by one person "
                        "(give their email)")
            return f"{_show(value)} is not an email address"
        if pattern.startswith("^\\d{4}"):
            return f"{_show(value)} is not a month like 2026-01"
        return (f"{_show(value)} is not a valid id: use letters, digits, '-', '_' or '.', "
                "starting with a letter or digit")
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "literal_error":
        if loc == ("hoshin",):
            return (f"unsupported format version {_show(value)} (this version of Hoshin reads "
                    f"version {schema.FORMAT_VERSION})")
        return f"unknown value {_show(value)} (expected {ctx.get('expected')})"
    if kind == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'must be text: write "{value}" in quotes'
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a mapping (key: value pairs)"
    if kind == "list_type":
        return "must be a list"
    if kind.startswith("datetime_"):
        return f"{_show(value)} is not a moment such as 2026-01-05T09:30:00Z"
    message = err["msg"].replace("Input should be", "must be")
    message = message[:1].lower() + message[1:]
    if _scalar(value):
        message += f" (got {_show(value)})"
    return message


def _schema_errors(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
            path = _path(loc)
            value = err.get("input")
            out.append((path, f"{_show(value)} is not a valid id: use letters, digits, '-', "
                              "'_' or '.', starting with a letter or digit"
                        if err["type"] == "string_pattern_mismatch"
                        else _schema_message(err, loc, path)))
            continue
        path = _path(loc)
        out.append((path, _schema_message(err, loc, path)))
    return out


_SECTION_ADAPTERS = {name: TypeAdapter(field.annotation)
                     for name, field in schema.PlanFile.model_fields.items()}
_ITEM_ADAPTERS = {name: TypeAdapter(get_args(field.annotation)[0])
                  for name, field in schema.PlanFile.model_fields.items()
                  if get_origin(field.annotation) is list}


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class _Unverifiable:
    """What a reference might point at inside parts of the document that did not pass the
    schema: a reference to them is not reported as unknown, since the real error is
    already reported where they are written."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.emails: set[str] = set()
        self.sections: set[str] = set()

    def collect(self, section: str, raw) -> None:
        if not isinstance(raw, dict):
            if section == "people":
                self.sections.add("people")
            return
        if section == "people":
            if isinstance(raw.get("email"), str):
                self.emails.add(raw["email"].strip().lower())
            else:
                self.sections.add("people")
            return
        if isinstance(raw.get("id"), str):
            self.ids.add(raw["id"].strip())
        elif section in SECTION_KINDS:
            self.sections.add(section)
        if section == "objectives":
            for kr in _dicts(raw.get("key_results")):
                if isinstance(kr.get("id"), str):
                    self.ids.add(kr["id"].strip())
                for ini in _dicts(kr.get("initiatives")):
                    if isinstance(ini.get("id"), str):
                        self.ids.add(ini["id"].strip())

    def id(self, key: str) -> bool:
        return key in self.ids or bool(self.sections & set(SECTION_KINDS))

    def email(self, email: str) -> bool:
        return email in self.emails or "people" in self.sections


def _parse(doc) -> tuple[schema.PlanFile | None, list[tuple[str, str]], _Unverifiable]:
    """The validated document, or as much of it as is valid (invalid items become None)."""
    unverifiable = _Unverifiable()
    try:
        return schema.PlanFile.model_validate(doc), [], unverifiable
    except ValidationError as exc:
        errors = _schema_errors(exc)
    if not isinstance(doc, dict):
        return None, errors, unverifiable
    parts: dict[str, Any] = {}
    for name, field in schema.PlanFile.model_fields.items():
        if name not in doc:
            parts[name] = None if field.is_required() else field.get_default(
                call_default_factory=True)
            continue
        raw = doc[name]
        try:
            parts[name] = _SECTION_ADAPTERS[name].validate_python(raw)
            continue
        except ValidationError:
            pass
        if name in _ITEM_ADAPTERS and isinstance(raw, list):
            items = []
            for item in raw:
                try:
                    items.append(_ITEM_ADAPTERS[name].validate_python(item))
                except ValidationError:
                    items.append(None)
                    unverifiable.collect(name, item)
            parts[name] = items
        else:
            parts[name] = [] if name in _ITEM_ADAPTERS else None
            unverifiable.sections.add(name)
    return schema.PlanFile.model_construct(**parts), errors, unverifiable


# Reference and rule checks ----------------------------------------------------------------


def _sort_key(path: str) -> tuple:
    match = re.match(r"(\w+)(?:\[(\d+)\])?", path)
    if not match or match.group(1) not in SECTIONS:
        return (-1, -1)
    return (SECTIONS.index(match.group(1)), int(match.group(2) or -1))


class _Checker:
    """Every reference and domain rule over the parsed document, collecting all errors."""

    def __init__(self, plan: schema.PlanFile, unverifiable: _Unverifiable,
                 known_people: dict[str, str]):
        self.plan = plan
        self.unverifiable = unverifiable
        self.errors: list[tuple[str, str]] = []
        # key -> (kind, path, item); one namespace for every kind of plan element.
        self.ids: dict[str, tuple[str, str, Any]] = {}
        # email -> role; people already in the database count, the file's role wins.
        self.people: dict[str, str] = dict(known_people)
        org = plan.organization
        self.fiscal_year_start = org.fiscal_year_start if org is not None else None

    def add(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    # References

    def ref(self, path: str, key: str | None, kind: str) -> Any:
        """The item `key` names if it is a `kind`; otherwise reports why not."""
        if not key:
            return None
        entry = self.ids.get(key)
        if entry is not None and entry[0] == kind:
            return entry[2]
        if entry is not None:
            self.add(path, f'"{key}" is {_a(KIND_LABELS[entry[0]])}, not {_a(KIND_LABELS[kind])}')
        elif not self.unverifiable.id(key):
            self.add(path, f'unknown {KIND_LABELS[kind]} "{key}"')
        return None

    def person(self, path: str, email: str | None) -> str | None:
        """The role of the person `email` names, if known; otherwise reports it."""
        if not email:
            return None
        role = self.people.get(email.lower())
        if role is None and not self.unverifiable.email(email.lower()):
            self.add(path, f'unknown person "{email}"')
        return role

    def number(self, path: str, value) -> None:
        if value is not None and not math.isfinite(value):
            self.add(path, "must be a finite number")

    def text(self, path: str, value: str, limit: int) -> None:
        if value and len(value) > limit:
            self.add(path, f"must be at most {limit} characters")

    def year(self, path: str, value: int | None, low: int, high: int, example: int) -> None:
        if value is not None and not low <= value <= high:
            self.add(path, f"must be a year such as {example}")

    # The passes

    def run(self) -> list[tuple[str, str]]:
        self.register_ids()
        self.register_people()
        self.check_people()
        self.check_units()
        self.check_strategy()
        self.check_cycles()
        self.check_objectives()
        self.check_dependencies()
        self.check_trade_off_affects()
        return sorted(self.errors, key=lambda e: _sort_key(e[0]))

    def claim(self, key: str, kind: str, path: str, item) -> None:
        if key in self.ids:
            self.add(f"{path}.id", f'"{key}" is already the id of {self.ids[key][1]} '
                                   "(ids are unique across the whole plan)")
        else:
            self.ids[key] = (kind, path, item)

    def register_ids(self) -> None:
        for section, kind in SECTION_KINDS.items():
            for i, item in enumerate(getattr(self.plan, section) or []):
                if item is None:
                    continue
                path = f"{section}[{i}]"
                self.claim(item.id, kind, path, item)
                if section != "objectives":
                    continue
                for j, kr in enumerate(item.key_results):
                    kpath = f"{path}.key_results[{j}]"
                    self.claim(kr.id, "key_result", kpath, kr)
                    for k, ini in enumerate(kr.initiatives):
                        self.claim(ini.id, "initiative", f"{kpath}.initiatives[{k}]", ini)

    def register_people(self) -> None:
        seen: dict[str, str] = {}
        for i, p in enumerate(self.plan.people or []):
            if p is None:
                continue
            email = p.email.lower()
            if email in seen:
                self.add(f"people[{i}].email",
                         f'"{p.email}" is already the email of {seen[email]}')
                continue
            seen[email] = f"people[{i}]"
            self.people[email] = p.role

    def check_people(self) -> None:
        from django.core.exceptions import ValidationError as DjangoValidationError
        from django.core.validators import validate_email

        for i, p in enumerate(self.plan.people or []):
            if p is None:
                continue
            try:
                validate_email(p.email)
            except DjangoValidationError:
                self.add(f"people[{i}].email", f'"{p.email}" is not a valid email address')
            for j, key in enumerate(p.units):
                self.ref(f"people[{i}].units[{j}]", key, "unit")

    def check_units(self) -> None:
        edges: dict[str, str | None] = {}
        for i, u in enumerate(self.plan.units or []):
            if u is None:
                continue
            path = f"units[{i}]"
            if self.ref(f"{path}.parent", u.parent, "unit") is not None:
                edges.setdefault(u.id, u.parent)
            self.person(f"{path}.lead", u.lead)
        reported: set[frozenset] = set()
        for i, u in enumerate(self.plan.units or []):
            if u is None or u.id not in edges:
                continue
            loop = rules.find_cycle(edges, u.id)
            if loop and frozenset(loop) not in reported:
                reported.add(frozenset(loop))
                self.add(f"units[{i}].parent",
                         "would make a loop in the unit tree: " + " → ".join(loop))

    def check_strategy(self) -> None:
        plan = self.plan
        if plan.vision is not None:
            if not plan.vision.statement.strip():
                self.add("vision.statement", "must not be empty")
            if plan.vision.horizon is not None and not 0 <= plan.vision.horizon <= 9999:
                self.add("vision.horizon", "must be a year such as 2030")
        for i, b in enumerate(plan.breakthroughs or []):
            if b is None:
                continue
            if b.horizon is not None and not 0 <= b.horizon <= 9999:
                self.add(f"breakthroughs[{i}].horizon", "must be a year such as 2030")
            self.person(f"breakthroughs[{i}].owner", b.owner)
        for i, a in enumerate(plan.annual_objectives or []):
            if a is None:
                continue
            path = f"annual_objectives[{i}]"
            self.year(f"{path}.year", a.year, 1900, 2200, 2026)
            self.person(f"{path}.owner", a.owner)
            for key in a.breakthroughs:
                self.ref(f"{path}.breakthroughs.{key}", key, "breakthrough")
        for i, p in enumerate(plan.improvement_priorities or []):
            if p is None:
                continue
            path = f"improvement_priorities[{i}]"
            self.year(f"{path}.year", p.year, 1900, 2200, 2026)
            self.ref(f"{path}.unit", p.unit, "unit")
            for key in p.annual_objectives:
                self.ref(f"{path}.annual_objectives.{key}", key, "annual")
            self.check_resources(path, p.resources)
        for i, m in enumerate(plan.metrics or []):
            if m is None:
                continue
            path = f"metrics[{i}]"
            self.text(f"{path}.unit", m.unit, MAX_UNIT_LENGTH)
            self.number(f"{path}.baseline", m.baseline)
            self.number(f"{path}.target", m.target)
            self.person(f"{path}.owner", m.owner)
            for key in m.priorities:
                self.ref(f"{path}.priorities.{key}", key, "priority")
            periods: dict[str, int] = {}
            for j, actual in enumerate(m.actuals):
                apath = f"{path}.actuals[{j}]"
                if actual.period in periods:
                    self.add(f"{apath}.period", f'"{actual.period}" is already given at '
                                                f"{path}.actuals[{periods[actual.period]}]")
                periods.setdefault(actual.period, j)
                self.number(f"{apath}.plan", actual.plan)
                self.number(f"{apath}.actual", actual.actual)

    def check_resources(self, path: str, resources: dict[str, str]) -> None:
        primaries = [holder for holder, role in resources.items() if role == "primary"]
        if len(primaries) > 1:
            self.add(f"{path}.resources", "an improvement priority has exactly one primary "
                                          f"resource (found {len(primaries)}: "
                                          f"{', '.join(primaries)})")
        seen: set[str] = set()
        for holder in resources:
            hpath = f"{path}.resources.{holder}"
            if "@" in holder:
                self.person(hpath, holder)
                if holder.lower() in seen:
                    self.add(hpath, f'"{holder}" is listed twice')
                seen.add(holder.lower())
            else:
                self.ref(hpath, holder, "unit")

    def check_cycles(self) -> None:
        cycles = [c for c in self.plan.cycles or [] if c is not None]
        today = clock.today()
        for i, c in enumerate(self.plan.cycles or []):
            if c is None:
                continue
            self.text(f"cycles[{i}].name", c.name, MAX_CYCLE_NAME_LENGTH)
            if c.end < c.start:
                self.add(f"cycles[{i}].end", "must not be before start")
                continue
            # The same window and lengths as a cycle saved through the services.
            others = [o for o in cycles if o is not c]
            window = limits.cycle_window(today, min((o.start for o in others), default=None),
                                         max((o.end for o in others), default=None))
            for field, message in limits.cycle_problems(c.kind, c.start, c.end, window):
                self.add(f"cycles[{i}].{field}", message)
        briefs: dict[str, int] = {}
        for i, b in enumerate(self.plan.briefs or []):
            if b is None:
                continue
            cycle = self.ref(f"briefs[{i}].cycle", b.cycle, "cycle")
            if cycle is not None and cycle.kind != "quarter":
                self.add(f"briefs[{i}].cycle",
                         f'"{cycle.id}" is a year; a strategic brief belongs to a quarter')
            if b.cycle in briefs:
                self.add(f"briefs[{i}].cycle", f'"{b.cycle}" already has its brief at '
                                               f"briefs[{briefs[b.cycle]}]")
            briefs.setdefault(b.cycle, i)
        for i, t in enumerate(self.plan.themes or []):
            if t is None:
                continue
            self.ref(f"themes[{i}].cycle", t.cycle, "cycle")
            for j, key in enumerate(t.annual_objectives):
                self.ref(f"themes[{i}].annual_objectives[{j}]", key, "annual")
        for i, t in enumerate(self.plan.trade_offs or []):
            if t is None:
                continue
            path = f"trade_offs[{i}]"
            self.ref(f"{path}.cycle", t.cycle, "cycle")
            self.person(f"{path}.decided_by", t.decided_by)
            self.ref(f"{path}.unit", t.unit, "unit")
            for j, email in enumerate(t.told_people):
                self.person(f"{path}.told_people[{j}]", email)
            for j, key in enumerate(t.told_units):
                self.ref(f"{path}.told_units[{j}]", key, "unit")
        self.check_trade_off_links()

    def check_trade_off_links(self) -> None:
        """What an entry affects, once every objective, key result and initiative is
        claimed; `supersedes` names another entry's id, each entry replaced at most once."""
        numbers: dict[int, int] = {}
        for i, t in enumerate(self.plan.trade_offs or []):
            if t is not None and t.id is not None:
                if t.id in numbers:
                    self.add(f"trade_offs[{i}].id", f"{t.id} is also trade_offs[{numbers[t.id]}]")
                numbers.setdefault(t.id, i)
        replaced: dict[int, int] = {}
        for i, t in enumerate(self.plan.trade_offs or []):
            if t is None:
                continue
            path = f"trade_offs[{i}]"
            if t.supersedes is not None:
                if t.supersedes not in numbers:
                    self.add(f"{path}.supersedes", f"no trade-off has id {t.supersedes}")
                elif t.supersedes == t.id:
                    self.add(f"{path}.supersedes", "an entry cannot supersede itself")
                elif t.supersedes in replaced:
                    self.add(f"{path}.supersedes", f"{t.supersedes} is already superseded by "
                                                   f"trade_offs[{replaced[t.supersedes]}]")
                replaced.setdefault(t.supersedes, i)
            if t.kind == "resumed" and t.supersedes is None:
                self.add(f"{path}.kind", "resumed only supersedes an entry")

    def check_trade_off_affects(self) -> None:
        for i, t in enumerate(self.plan.trade_offs or []):
            if t is None:
                continue
            for j, key in enumerate(t.affects):
                entry = self.ids.get(key)
                if entry is None:
                    if not self.unverifiable.id(key):
                        self.add(f"trade_offs[{i}].affects[{j}]", f'unknown item "{key}"')
                elif entry[0] not in AFFECTABLE:
                    self.add(f"trade_offs[{i}].affects[{j}]",
                             f'"{key}" is {_a(KIND_LABELS[entry[0]])}, not an objective, key '
                             "result, initiative or annual objective")

    def check_objectives(self) -> None:
        edges: dict[str, str] = {}
        for i, o in enumerate(self.plan.objectives or []):
            if o is None:
                continue
            path = f"objectives[{i}]"
            cycle = self.ref(f"{path}.cycle", o.cycle, "cycle")
            if cycle is not None and cycle.kind != "quarter":
                self.add(f"{path}.cycle",
                         f'"{cycle.id}" is a year; OKR objectives belong to a quarter')
            self.ref(f"{path}.unit", o.unit, "unit")
            if self.check_parent(f"{path}.parent", o, cycle) == "objective":
                edges[o.id] = o.parent
            for j, kr in enumerate(o.key_results):
                self.check_key_result(f"{path}.key_results[{j}]", kr, cycle)
        reported: set[frozenset] = set()
        for i, o in enumerate(self.plan.objectives or []):
            if o is None or o.id not in edges:
                continue
            loop = rules.find_cycle(edges, o.id)
            if loop and frozenset(loop) not in reported:
                reported.add(frozenset(loop))
                self.add(f"objectives[{i}].parent",
                         "would make a loop of objectives: " + " → ".join(loop))

    def check_parent(self, path: str, o: schema.Objective,
                     cycle: schema.Cycle | None) -> str | None:
        """Reports a parent that does not exist or is not in the objective's period; returns
        the kind of a parent that exists."""
        key = o.parent
        if not key:
            return None
        entry = self.ids.get(key)
        if entry is None:
            if not self.unverifiable.id(key):
                self.add(path, f'unknown parent "{key}" (expected the id of an annual '
                               "objective, improvement priority, theme or objective)")
            return None
        kind, _, parent = entry
        if kind not in PARENT_KINDS:
            self.add(path, f'"{key}" is {_a(KIND_LABELS[kind])}; a parent is an annual '
                           "objective, improvement priority, theme or objective")
            return None
        if cycle is None:
            return kind
        if kind in ("annual", "priority"):
            if self.fiscal_year_start is not None:
                fiscal_year = rules.fiscal_year_of(cycle.start, self.fiscal_year_start)
                if parent.year != fiscal_year:
                    self.add(path, f'"{key}" is for {parent.year}, but cycle "{cycle.id}" '
                                   f"is in fiscal year {fiscal_year}")
        elif kind == "theme":
            if parent.cycle != cycle.id:
                self.add(path, f'theme "{key}" belongs to cycle "{parent.cycle}", '
                               f'not "{cycle.id}"')
        else:
            parent_cycle = self.ids.get(parent.cycle)
            if parent_cycle is not None and parent_cycle[0] == "cycle":
                pc = parent_cycle[2]
                if not (pc.start <= cycle.start and cycle.end <= pc.end):
                    self.add(path, f'objective "{key}" is in cycle "{pc.id}", which does not '
                                   f'enclose "{cycle.id}"')
        return kind

    def check_key_result(self, path: str, kr: schema.KeyResult,
                         cycle: schema.Cycle | None) -> None:
        for err in rules.key_result_errors(kr.kind, kr.baseline, kr.target,
                                           [(s.id, s.weight) for s in kr.steps], kr.weight,
                                           prefix=path):
            self.add(err.field, err.message)
        self.number(f"{path}.baseline", kr.baseline)
        self.number(f"{path}.target", kr.target)
        self.number(f"{path}.weight", kr.weight)
        self.text(f"{path}.unit", kr.unit, MAX_UNIT_LENGTH)
        self.check_owner(f"{path}.owner", kr)
        dates: dict[dt.date, int] = {}
        for k, phase in enumerate(kr.phases):
            if phase.date in dates:
                self.add(f"{path}.phases[{k}].date", f"{phase.date.isoformat()} is already "
                                                     f"given at {path}.phases[{dates[phase.date]}]")
            dates.setdefault(phase.date, k)
            self.number(f"{path}.phases[{k}].target", phase.target)
        step_keys = [s.id for s in kr.steps]
        for k, c in enumerate(kr.checkins):
            cpath = f"{path}.checkins[{k}]"
            for err in rules.checkin_errors(kr.kind, c.value, c.confidence, c.steps_done,
                                            step_keys, prefix=cpath):
                self.add(err.field, err.message)
            self.number(f"{cpath}.value", c.value)
            if cycle is not None and cycle.end >= cycle.start:
                if error := rules.checkin_date_error(c.date, cycle.start, cycle.end):
                    self.add(f"{cpath}.date", error)
            self.person(f"{cpath}.by", c.by)
        for k, ini in enumerate(kr.initiatives):
            ipath = f"{path}.initiatives[{k}]"
            if ini.status == "cancelled" and ini.id not in self.stopped_in_register():
                # Stopped work is a trade-off however it gets into the plan: the file that
                # says an initiative is cancelled carries the register's entry saying why.
                self.add(f"{ipath}.status",
                         f'"{ini.id}" is cancelled: stopping work is a trade-off, so the file '
                         f"needs its entry in trade_offs (kind: stopped, affects: [{ini.id}], "
                         "with the reason, who decided and who was told)")
            self.person(f"{ipath}.owner", ini.owner)
            self.number(f"{ipath}.size", ini.size)
            for n, link in enumerate(ini.links):
                if not link.url.strip().startswith(("http://", "https://")):
                    self.add(f"{ipath}.links[{n}].url", "must be an http(s) address")
                self.text(f"{ipath}.links[{n}].title", link.title, MAX_LINK_TITLE_LENGTH)

    def stopped_in_register(self) -> set[str]:
        """The ids that an entry of kind "stopped" in the file's register affects."""
        if not hasattr(self, "_stopped"):
            self._stopped = {key for t in self.plan.trade_offs or []
                             if t is not None and t.kind == "stopped" for key in t.affects}
        return self._stopped

    def check_dependencies(self) -> None:
        for i, d in enumerate(self.plan.dependencies or []):
            if d is None:
                continue
            path = f"dependencies[{i}]"
            if not d.key_result and not d.objective:
                self.add(f"{path}.key_result", "give the key result (or else the objective) "
                                               "that relies on the other unit")
            self.ref(f"{path}.key_result", d.key_result, "key_result")
            self.ref(f"{path}.objective", d.objective, "objective")
            self.ref(f"{path}.providing_unit", d.providing_unit, "unit")
            self.person(f"{path}.requested_by", d.requested_by)
            self.person(f"{path}.decided_by", d.decided_by)

    def check_owner(self, path: str, kr: schema.KeyResult) -> None:
        # The same rules as okrs.services._resolve_owner / owner_error, over plain data.
        if not kr.owner:
            self.add(path, "a key result needs exactly one owner: a person")
            return
        role = self.person(path, kr.owner)
        # Viewers are refused as owners when a key result is made or a person demoted,
        # except for archived key results, so those must import as they were exported.
        if role == "viewer" and not kr.archived:
            self.add(path, f'"{kr.owner}" is a viewer; viewers cannot own key results')


def _a(label: str) -> str:
    return ("an " if label[0] in "aeio" else "a ") + label


def format_errors(errors: list[tuple[str, str]]) -> list[str]:
    return [f"{path}: {message}" if path else message for path, message in errors]


def _known_people() -> dict[str, str]:
    from hoshin.org.models import Person

    return {email.lower(): role for email, role in Person.objects.values_list("email", "role")}


def check(doc: Any) -> tuple[schema.PlanFile | None, list[tuple[str, str]]]:
    """The parsed plan (None when its shape is wrong) and every (path, message) found,
    in document order."""
    plan, errors, unverifiable = _parse(doc)
    if plan is not None:
        errors += _Checker(plan, unverifiable, _known_people()).run()
    return plan, sorted(errors, key=lambda e: _sort_key(e[0]))


def validate(doc: Any) -> list[str]:
    """Every error in `doc` as "path: message" (empty when it can be imported)."""
    return format_errors(check(doc)[1])
