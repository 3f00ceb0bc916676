"""Reads a plan file (SPEC §8) into the database, all or nothing.

The whole document is checked before anything is written, and every problem is
reported at once with the path of the key that caused it
(`objectives[3].key_results[0].owner: unknown person "x@y"`), so a plan is fixed in one
pass rather than one error per attempt. The checks run over plain data and use the same
rule functions as the services (hoshin.okrs.rules), so an import refuses exactly what the
web, the API and the CLI refuse.

Writing is the one sanctioned bulk path around the services: a 20,000-person plan has
hundreds of thousands of rows, which one save() per row cannot load in reasonable time.
Every model that keeps history still gets its history rows, in bulk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import gc
import json
import math
import pathlib
import re
import secrets
import types
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from hoshin.okrs import rules
from hoshin.planfile import schema

Progress = Callable[[str, int, int], None]

CHANGE_REASON = "imported from plan file"
BATCH_SIZE = 2000
CHECKIN_BATCH_SIZE = 5000

# Checked here because the schema is looser than the columns they land in.
MAX_UNIT_LENGTH = 40
MAX_CYCLE_NAME_LENGTH = 100
MAX_LINK_TITLE_LENGTH = 200

KIND_LABELS = {
    "unit": "unit", "breakthrough": "breakthrough", "annual": "annual objective",
    "priority": "improvement priority", "metric": "metric", "cycle": "cycle", "theme": "theme",
    "objective": "objective", "key_result": "key result", "initiative": "initiative",
}
PARENT_KINDS = ("annual", "priority", "theme", "objective")
SECTION_KINDS = {
    "units": "unit", "breakthroughs": "breakthrough", "annual_objectives": "annual",
    "improvement_priorities": "priority", "metrics": "metric", "cycles": "cycle",
    "themes": "theme", "objectives": "objective",
}
SECTIONS = list(schema.PlanFile.model_fields)


@contextlib.contextmanager
def no_cycle_collection():
    """Building a big plan makes millions of objects and no reference cycles worth
    collecting; the cyclic garbage collector would rescan them all again and again (a
    20,000-person plan parses three times faster without it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class PlanFileError(Exception):
    """A plan file that cannot be imported. `errors` holds one "path: message" per problem."""

    def __init__(self, errors: Iterable[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# Loading --------------------------------------------------------------------------------

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_DEFAULT_TAGS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _MergeKey:
    """The `<<` key of a YAML merge (`<<: *defaults`)."""


class _Frame:
    """A mapping or sequence being built."""

    __slots__ = ("value", "mapping", "key", "has_key", "key_mark", "start_mark", "merges")

    def __init__(self, value, start_mark):
        self.value = value
        self.mapping = isinstance(value, dict)
        self.has_key = False
        self.key = self.key_mark = None
        self.start_mark = start_mark
        self.merges: list = []

    def put(self, value, mark) -> None:
        if not self.mapping:
            self.value.append("<<" if value is _MergeKey else value)
        elif not self.has_key:
            self.key, self.key_mark, self.has_key = value, mark, True
        else:
            key, self.has_key = self.key, False
            if key is _MergeKey:
                self.merges.append((value, self.key_mark))
                return
            try:
                exists = key in self.value
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", self.start_mark, "found an unhashable key",
                    self.key_mark) from None
            if exists:
                # PyYAML would silently keep the last one; a plan file must never drop
                # what someone wrote.
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", self.start_mark,
                    f'found the key "{key}" twice', self.key_mark)
            self.value[key] = "<<" if value is _MergeKey else value

    def finish(self):
        if self.merges:
            merged: dict = {}
            for source, mark in self.merges:
                for part in source if isinstance(source, list) else [source]:
                    if not isinstance(part, dict):
                        raise yaml.constructor.ConstructorError(
                            "while constructing a mapping", self.start_mark,
                            "expected a mapping or a list of mappings to merge", mark)
                    for key, value in part.items():
                        merged.setdefault(key, value)
            merged.update(self.value)
            self.value.clear()
            self.value.update(merged)
        return self.value


def _load_yaml(text: str):
    """Safe YAML, built straight from the parser's events.

    PyYAML's own loader first builds a node for every scalar, then the data: for a
    30 MB plan that is over a gigabyte of nodes and twice the time. Tags and plain
    scalars resolve exactly as with yaml.safe_load."""
    loader = _Loader(text)
    try:
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # document start
        value = _build(loader)
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream", None,
                "but found another document", loader.get_event().start_mark)
        return value
    finally:
        loader.dispose()


def _build(loader) -> Any:
    ScalarEvent, AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
    MappingStart, SequenceStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    constructors = loader.yaml_constructors
    get_event, resolve = loader.get_event, loader.resolve
    anchors: dict[str, Any] = {}
    stack: list[_Frame] = []
    while True:
        event = get_event()
        kind = type(event)
        mark = event.start_mark
        if kind is ScalarEvent:
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == _STR:
                value = event.value
            elif tag == _MERGE:
                value = _MergeKey
            else:
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                       event.style)
                value = (constructors.get(tag) or constructors[None])(loader, node)
            if event.anchor:
                anchors[event.anchor] = value
        elif kind is MappingStart or kind is SequenceStart:
            if event.tag not in _DEFAULT_TAGS:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the tag {event.tag} is not supported in a plan file", mark)
            value = {} if kind is MappingStart else []
            if event.anchor:
                anchors[event.anchor] = value
            stack.append(_Frame(value, mark))
            continue
        elif kind in ends:
            frame = stack.pop()
            value, mark = frame.finish(), frame.start_mark
        elif kind is AliasEvent:
            if event.anchor not in anchors:
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {event.anchor}", mark)
            value = anchors[event.anchor]
        else:
            raise yaml.composer.ComposerError(None, None, f"unexpected {kind.__name__}", mark)
        if not stack:
            return value
        stack[-1].put(value, mark)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f'the key "{key}" is given twice in one object')
        out[key] = value
    return out


def _format_of(name: str, text: str) -> str:
    suffix = pathlib.PurePath(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def load(source: str | pathlib.Path, text: str | None = None) -> dict:
    """Parse a plan file. YAML or JSON is chosen by the file's extension, else by its
    content. `text`, when given, is parsed instead of reading `source` (then only a name)."""
    name = str(source)
    if text is None:
        try:
            text = pathlib.Path(source).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise PlanFileError([f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) \
                from None
        except OSError as exc:
            raise PlanFileError([f"{name}: cannot read the file ({exc.strerror})"]) from None
    if _format_of(name, text) == "json":
        try:
            with no_cycle_collection():
                doc = json.loads(text, object_pairs_hook=_json_pairs)
        except json.JSONDecodeError as exc:
            raise PlanFileError([f"{name}: line {exc.lineno}, column {exc.colno}: "
                                 f"invalid JSON: {exc.msg}"]) from None
        except ValueError as exc:
            raise PlanFileError([f"{name}: invalid JSON: {exc}"]) from None
    else:
        try:
            with no_cycle_collection():
                doc = _load_yaml(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            what = " ".join(part for part in (exc.context, exc.problem) if part)
            raise PlanFileError([f"{name}: {where}invalid YAML: {what}"]) from None
        except yaml.YAMLError as exc:
            raise PlanFileError([f"{name}: invalid YAML: {exc}"]) from None
    if not isinstance(doc, dict):
        raise PlanFileError([f"{name}: a plan file is a mapping that starts with "
                             "`hoshin: 1` and `organization:`"])
    return doc


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
        for i, c in enumerate(self.plan.cycles or []):
            if c is None:
                continue
            self.text(f"cycles[{i}].name", c.name, MAX_CYCLE_NAME_LENGTH)
            if c.end < c.start:
                self.add(f"cycles[{i}].end", "must not be before start")
        for i, t in enumerate(self.plan.themes or []):
            if t is None:
                continue
            self.ref(f"themes[{i}].cycle", t.cycle, "cycle")
            for j, key in enumerate(t.annual_objectives):
                self.ref(f"themes[{i}].annual_objectives[{j}]", key, "annual")
        for i, t in enumerate(self.plan.trade_offs or []):
            if t is None:
                continue
            self.ref(f"trade_offs[{i}].cycle", t.cycle, "cycle")
            self.person(f"trade_offs[{i}].decided_by", t.decided_by)

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
            self.person(f"{ipath}.owner", ini.owner)
            self.number(f"{ipath}.size", ini.size)
            for n, link in enumerate(ini.links):
                if not link.url.strip().startswith(("http://", "https://")):
                    self.add(f"{ipath}.links[{n}].url", "must be an http(s) address")
                self.text(f"{ipath}.links[{n}].title", link.title, MAX_LINK_TITLE_LENGTH)

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


def _format(errors: list[tuple[str, str]]) -> list[str]:
    return [f"{path}: {message}" if path else message for path, message in errors]


def _known_people() -> dict[str, str]:
    from hoshin.org.models import Person

    return {email.lower(): role for email, role in Person.objects.values_list("email", "role")}


def validate(doc: Any) -> list[str]:
    """Every error in `doc` as "path: message" (empty when it can be imported)."""
    plan, errors, unverifiable = _parse(doc)
    if plan is not None:
        errors += _Checker(plan, unverifiable, _known_people()).run()
    return _format(sorted(errors, key=lambda e: _sort_key(e[0])))


# Writing --------------------------------------------------------------------------------


def _plan_counts() -> dict[str, int]:
    from hoshin.okrs.models import Cycle, Objective
    from hoshin.org.models import Unit
    from hoshin.strategy.models import (
        AnnualObjective, Breakthrough, ImprovementPriority, Metric, Vision,
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


def import_plan(doc: dict, *, replace: bool = False, progress: Progress | None = None) -> dict:
    """Check the whole document, then write all of it in one transaction; on any error raise
    PlanFileError with every error and write nothing.

    The database must hold no plan yet unless `replace`, in which case the plan data is
    deleted first in the same transaction. People are kept and updated by email either
    way (their passwords and API tokens survive). Returns how many of each kind were
    imported."""
    with no_cycle_collection():
        return _import(doc, replace, progress or (lambda stage, done, total: None))


def _import(doc: dict, replace: bool, report: Progress) -> dict:
    from django.db import DatabaseError, transaction

    report("checking", 0, 1)
    plan, errors, unverifiable = _parse(doc)
    if plan is not None:
        errors += _Checker(plan, unverifiable, _known_people()).run()
    errors = sorted(errors, key=lambda e: _sort_key(e[0]))
    if not replace and (held := _plan_counts()):
        errors.insert(0, ("", "the database already holds a plan ("
                              + ", ".join(f"{n} {label}" for label, n in held.items())
                              + "); use --replace to replace it (people are kept)"))
    if errors:
        raise PlanFileError(_format(errors))
    report("checking", 1, 1)
    try:
        with transaction.atomic():
            if replace:
                _delete_plan_data(report)
            return _Writer(plan, report).write()
    except DatabaseError as exc:
        raise PlanFileError([f"the database refused the import, so nothing was imported: "
                             f"{exc}"]) from exc


def _delete_plan_data(report: Progress) -> None:
    """Delete every plan element, recording each deletion in the history as a delete
    through the ORM would, but in bulk: one post_delete signal per row would take minutes
    for a large organisation. Rows elsewhere in the app that hang on the plan follow
    their own on_delete rules."""
    from django.apps import apps
    from django.db import connection
    from django.db.models import CASCADE, DO_NOTHING, PROTECT, RESTRICT, SET_NULL
    from django.utils import timezone
    from simple_history.models import HistoricalChanges

    from hoshin.okrs.models import (
        CheckIn, Cycle, Initiative, InitiativeLink, KeyResult, MilestoneStep, Objective, Phase,
        Theme, TradeOff,
    )
    from hoshin.org.models import Membership, Unit
    from hoshin.strategy.models import (
        AnnualObjective, Breakthrough, BreakthroughCorrelation, ImprovementPriority, Metric,
        MetricActual, MetricCorrelation, PriorityCorrelation, Resource, Vision,
    )

    # Children before parents.
    plan_models = [CheckIn, InitiativeLink, Initiative, Phase, MilestoneStep, KeyResult,
                   Objective, TradeOff, Theme, Cycle, MetricActual, MetricCorrelation, Resource,
                   PriorityCorrelation, BreakthroughCorrelation, Metric, ImprovementPriority,
                   AnnualObjective, Breakthrough, Vision, Membership, Unit]
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

    now = timezone.now()
    reason = "replaced by a plan file import"
    KeyResult.objects.update(last_checkin=None)
    for n, model in enumerate(plan_models, start=len(dependents)):
        report("deleting the old plan", n, steps)
        unusual = False
        for rel in model._meta.related_objects:
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
        from django.utils import timezone

        self.plan = plan
        self.report = report
        self.now = timezone.now()
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

    def write(self) -> dict[str, int]:
        self.write_organization()
        self.write_people()
        self.write_units()
        self.write_strategy()
        self.write_cycles()
        self.write_objectives()
        self.write_key_results()
        return self.counts

    def write_organization(self) -> None:
        from hoshin.org.models import Organization

        src = self.plan.organization
        org = Organization.objects.filter(pk=1).first() or Organization(pk=1)
        org.name = src.name
        org.fiscal_year_start = src.fiscal_year_start
        org.include_child_objectives = src.include_child_objectives
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
        if changed:
            bulk_update_with_history(changed, Person,
                                     ["name", "role", "is_active", "is_superuser"],
                                     batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON,
                                     default_date=self.now)
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
            AnnualObjective, Breakthrough, BreakthroughCorrelation, ImprovementPriority, Metric,
            MetricActual, MetricCorrelation, PriorityCorrelation, Resource, Vision,
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

        plan = self.plan
        cycles = self.ids["cycle"]
        for obj in self.create(Cycle, [
                Cycle(key=c.id, name=c.name, kind=c.kind, start=c.start, end=c.end,
                      state=c.state, created_at=self.now)
                for c in plan.cycles]):
            cycles[obj.key] = obj.pk
        themes = self.ids["theme"]
        for obj in self.create(Theme, [
                Theme(key=t.id, cycle_id=cycles[t.cycle], title=t.title, success=t.success,
                      created_at=self.now) for t in plan.themes]):
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
        self.create(TradeOff, [
            TradeOff(cycle_id=cycles[t.cycle], title=t.title, kind=t.kind, reason=t.reason,
                     decided_by_id=self.person(t.decided_by), created_at=self.now)
            for t in plan.trade_offs])
        for label in ("cycles", "themes", "trade_offs"):
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
            CheckIn, Initiative, InitiativeLink, KeyResult, MilestoneStep, Phase,
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
