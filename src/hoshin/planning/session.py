"""The alignment session's view of the analyzer report: each finding under one of the four
questions the leaders answer together (SPEC §3.3), and the fingerprint that recognises a
finding again after the plan changes and the analyzer runs anew. Plain data, no Django.

Where a rule could fit two questions it goes where the usual decision lives:
* `bau-okr` goes under "what to remove" (routine work leaves the OKR set, into KPIs);
* `gap` of a theme goes under "supports the themes?", of an annual objective or an
  improvement priority under "moves the business?", of anything else under "overlaps, gaps
  and contradictions";
* owners (`missing-owner`, `shared-owner`) go under "moves the business?": a key result
  nobody owns moves nothing;
* a code this module does not know (a rule added later) goes under "overlaps, gaps and
  contradictions", so no finding is ever left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

THEMES = "themes"
BUSINESS = "business"
CONFLICTS = "conflicts"
REMOVE = "remove"

QUESTIONS: dict[str, str] = {
    THEMES: "Does it support the themes?",
    BUSINESS: "Does it move the business?",
    CONFLICTS: "Overlaps, gaps and contradictions",
    REMOVE: "What to remove?",
}

BY_CODE: dict[str, str] = {
    "orphan-objective": THEMES,
    "fake-cascade": THEMES,
    "too-many-themes": THEMES,
    "output-kr": BUSINESS,
    "kpi-in-disguise": BUSINESS,
    "unmeasurable-kr": BUSINESS,
    "vague-objective": BUSINESS,
    "overspecified-objective": BUSINESS,
    "missing-owner": BUSINESS,
    "shared-owner": BUSINESS,
    "overlap": CONFLICTS,
    "contradiction": CONFLICTS,
    "silos": CONFLICTS,
    "missing-dependency": CONFLICTS,
    "too-many-objectives": REMOVE,
    "too-many-krs": REMOVE,
    "overloaded-owner": REMOVE,
    "bau-okr": REMOVE,
}
GAP_BY_ITEM = {"theme": THEMES, "annual_objective": BUSINESS, "improvement_priority": BUSINESS}

# Findings at these severities must each have a decision before the session closes.
BLOCKING = ("error", "warning")
# A decided finding the latest run no longer reports (its change took effect).
RESOLVED = "resolved"


def question_of(code: str, item_types: list[str]) -> str:
    if code == "gap":
        return GAP_BY_ITEM.get(item_types[0] if item_types else "", CONFLICTS)
    return BY_CODE.get(code, CONFLICTS)


def fingerprint(code: str, item_ids: Iterable[str]) -> str:
    """The same problem with the same items is the same finding, whatever its wording."""
    return f"{code}:{','.join(sorted(set(item_ids)))}"


@dataclass
class Entry:
    fingerprint: str
    code: str
    severity: str
    message: str
    items: list[dict]              # {type, id, title}
    decision: object | None = None  # whatever the caller matched by fingerprint

    @property
    def blocking(self) -> bool:
        return self.severity in BLOCKING and self.decision is None


@dataclass
class Group:
    key: str
    question: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Agenda:
    groups: list[Group]

    @property
    def entries(self) -> list[Entry]:
        return [e for g in self.groups for e in g.entries]

    @property
    def decided(self) -> int:
        return sum(e.decision is not None for e in self.entries)

    @property
    def blocking(self) -> list[Entry]:
        return [e for e in self.entries if e.blocking]


def group(findings: Iterable[dict], decisions: dict | None = None) -> Agenda:
    """Findings as dicts ({code, severity, message, items}), grouped in question order;
    `decisions` maps fingerprints to decisions."""
    decisions = decisions or {}
    groups = {key: Group(key, text) for key, text in QUESTIONS.items()}
    seen: set[str] = set()
    for f in findings:
        items = list(f.get("items") or [])
        mark = fingerprint(f["code"], [i["id"] for i in items])
        if mark in seen:  # two identical findings need one decision
            continue
        seen.add(mark)
        entry = Entry(mark, f["code"], f["severity"], f["message"], items, decisions.get(mark))
        groups[question_of(f["code"], [i["type"] for i in items])].entries.append(entry)
    return Agenda(list(groups.values()))
