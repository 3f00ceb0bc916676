"""Reading a plan file's text into plain data: YAML (through libyaml's events, so a key
given twice is an error instead of silently overwriting the first) or JSON."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Iterable
from typing import Any

import yaml

from hoshin.core import limits
from hoshin.core.memory import no_cycle_collection


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


class _TooDeep(Exception):
    def __init__(self, line: int):
        self.line = line
        super().__init__(line)


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
            if len(stack) >= limits.PLAN_FILE_DEPTH:
                raise _TooDeep(mark.line + 1)
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
    too_big = (f"{name}: the file is larger than the "
               f"{limits.describe_bytes(limits.PLAN_FILE_BYTES)} a plan file may be")
    if text is None:
        try:
            if pathlib.Path(source).stat().st_size > limits.PLAN_FILE_BYTES:
                raise PlanFileError([too_big])
            text = pathlib.Path(source).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise PlanFileError([f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) \
                from None
        except OSError as exc:
            raise PlanFileError([f"{name}: cannot read the file ({exc.strerror})"]) from None
    elif len(text) > limits.PLAN_FILE_BYTES:
        raise PlanFileError([too_big])
    if _format_of(name, text) == "json":
        # Measured before parsing: a 100,000-deep document would overflow the parser.
        if limits.json_depth(text, limits.PLAN_FILE_DEPTH) > limits.PLAN_FILE_DEPTH:
            raise PlanFileError([f"{name}: nests deeper than {limits.PLAN_FILE_DEPTH} levels"])
        try:
            with no_cycle_collection():
                doc = json.loads(text, object_pairs_hook=_json_pairs)
        except json.JSONDecodeError as exc:
            raise PlanFileError([f"{name}: line {exc.lineno}, column {exc.colno}: "
                                 f"invalid JSON: {exc.msg}"]) from None
        except (ValueError, RecursionError) as exc:
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
        except _TooDeep as exc:
            raise PlanFileError([f"{name}: line {exc.line}: nests deeper than "
                                 f"{limits.PLAN_FILE_DEPTH} levels"]) from None
    if not isinstance(doc, dict):
        raise PlanFileError([f"{name}: a plan file is a mapping that starts with "
                             "`hoshin: 1` and `organization:`"])
    # Text no database can store (NUL, invalid Unicode), named by its place in the file.
    problems = [f"{name}: {field}: {message}" for field, message
                in limits.data_problems(doc, limits.PLAN_FILE_DEPTH)]
    if problems:
        raise PlanFileError(problems[:20])
    return doc
