"""While `hoshin.analyzer.text` (the text rules, another engineer's module) is not there
yet, a minimal stand-in with the agreed interface lets the core's tests run. Once the real
module exists it is used, and these tests check the core against it."""

import importlib.util
import re
import sys
import types
from dataclasses import dataclass

if importlib.util.find_spec("hoshin.analyzer.text") is None:  # pragma: no cover
    fake = types.ModuleType("hoshin.analyzer.text")

    @dataclass(frozen=True)
    class TextVerdict:
        code: str
        reason: str

    @dataclass(frozen=True)
    class TextItem:
        id: str
        group: str
        text: str
        kind: str | None = None

    def clean(text):
        return text

    def kr_verdicts(title, *, kind=None, baseline=None, target=None, has_steps=False):
        out = []
        if re.match(r"\s*(launch|ship|hire|hold)\b", title, re.I):
            out.append(TextVerdict("output-kr", f'"{title.split()[0]}" is an activity; '
                                                "state the outcome it should cause."))
        if kind == "milestone" and not has_steps and not re.search(r"\d", title):
            out.append(TextVerdict("unmeasurable-kr", "no verifiable done-state."))
        return out

    def objective_verdicts(title):
        if title.strip().lower() in {"be better", "excellence"}:
            return [TextVerdict("vague-objective", "too abstract to guide action.")]
        return []

    def copies_parent(child, parent):
        if child.strip().lower() == parent.strip().lower():
            return TextVerdict("fake-cascade", "the child repeats the parent word for word.")
        return None

    def overlapping_pairs(items, threshold=None):
        seen, out = {}, []
        for item in items:
            key = item.text.strip().lower()
            other = seen.get(key)
            if other is not None and other.group != item.group:
                out.append((other.id, item.id, 1.0, "the same words."))
            seen.setdefault(key, item)
        return out

    def _measure(text):
        return re.sub(r"^\w+ | from .*$", "", text.lower())

    def contradicting_pairs(items):
        out = []
        for a in items:
            for b in items:
                if (a.id < b.id and {a.kind, b.kind} == {"increase", "decrease"}
                        and _measure(a.text) == _measure(b.text)):
                    out.append((a.id, b.id, "opposite directions on the same measure."))
        return out

    for name, value in list(locals().items()):
        if name in {"TextVerdict", "TextItem", "clean", "kr_verdicts", "objective_verdicts",
                    "copies_parent", "overlapping_pairs", "contradicting_pairs"}:
            setattr(fake, name, value)
    sys.modules["hoshin.analyzer.text"] = fake
    import hoshin.analyzer

    hoshin.analyzer.text = fake
