"""Writes the whole organisation as a plan file (SPEC §8).

The output is deterministic so that export → import → export is byte-identical and a
plan kept in version control diffs cleanly: keys in the schema's field order, items
sorted by id (numbers inside ids in numeric order, so O2 comes before O10), people by
email, check-ins by (date, id), actuals by period, and fields equal to their schema
default left out. Whole floats are written as integers (`target: 35`, not `35.0`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import yaml

from hoshin.core.memory import no_cycle_collection
from hoshin.planfile import schema

_NUMBER = re.compile(r"(\d+)")


def natural(key: str) -> tuple:
    """Sort key for ids: "O2" before "O10"; the id itself breaks ties ("O01" vs "O1")."""
    parts = _NUMBER.split(key)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), key


def _fields(model: type[schema.Strict]) -> list[tuple[str, bool, Any]]:
    return [(name, field.is_required(), None if field.is_required() else field.get_default(
        call_default_factory=True)) for name, field in model.model_fields.items()]


_FIELDS: dict[type, list[tuple[str, bool, Any]]] = {}


def _number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def item(model: type[schema.Strict], values: dict) -> dict:
    """`values` in the schema's field order, without the fields equal to their default."""
    fields = _FIELDS.get(model)
    if fields is None:
        fields = _FIELDS[model] = _fields(model)
    out = {}
    for name, required, default in fields:
        value = values.get(name)
        if (not required and value == default
                and isinstance(value, bool) == isinstance(default, bool)):
            continue
        out[name] = _number(value)
    return out


def export_plan(rows: PlanRows | None = None) -> dict:
    """The whole organisation as a plan-file document (plain dicts, lists and dates).

    `rows` is where the plan is read from: the live tables by default, or the plan as it
    stood at some moment (hoshin.planfile.as_of), which yields rows of the same shape."""
    with no_cycle_collection():
        return _export(rows or LiveRows())


# Where the plan is read from ------------------------------------------------------------

# The columns read from each plan table, by model label. The historical tables of
# simple-history have the same columns (foreign keys as ids), so the plan as of a date is
# read with the same names and written by the same code below.
COLUMNS: dict[str, tuple[str, ...]] = {
    "org.Organization": ("id", "name", "fiscal_year_start", "include_child_objectives"),
    "org.Person": ("id", "email", "name", "role", "is_active"),
    "org.Membership": ("id", "person_id", "unit_id"),
    "org.Unit": ("id", "key", "name", "parent_id", "lead_id", "archived_at"),
    "strategy.Vision": ("id", "statement", "horizon", "customer_ideal"),
    "strategy.Breakthrough": ("id", "key", "title", "horizon", "description", "owner_id",
                              "archived_at"),
    "strategy.AnnualObjective": ("id", "key", "year", "title", "description", "owner_id",
                                 "archived_at"),
    "strategy.BreakthroughCorrelation": ("id", "breakthrough_id", "annual_objective_id",
                                         "strength"),
    "strategy.ImprovementPriority": ("id", "key", "year", "unit_id", "title", "description",
                                     "archived_at"),
    "strategy.PriorityCorrelation": ("id", "annual_objective_id", "priority_id", "strength"),
    "strategy.Resource": ("id", "priority_id", "person_id", "unit_id", "role"),
    "strategy.Metric": ("id", "key", "title", "unit", "direction", "baseline", "target",
                        "owner_id", "archived_at"),
    "strategy.MetricCorrelation": ("id", "priority_id", "metric_id", "strength"),
    "strategy.MetricActual": ("id", "metric_id", "period", "plan", "actual"),
    "okrs.Cycle": ("id", "key", "start", "end", "kind", "name", "state", "archived_at"),
    "planning.Brief": ("id", "cycle_id", "success", "risks", "constraints"),
    "okrs.Theme": ("id", "key", "cycle_id", "title", "success", "archived_at"),
    "okrs.TradeOff": ("id", "cycle_id", "title", "reason", "kind", "decided_by_id",
                      "decided_on", "source", "source_note", "unit_id", "supersedes_id",
                      "created_at"),
    "okrs.Objective": ("id", "key", "cycle_id", "unit_id", "title", "description", "kind",
                       "archived_at", "parent_annual_id", "parent_priority_id",
                       "parent_theme_id", "parent_objective_id"),
    "okrs.KeyResult": ("id", "key", "objective_id", "title", "owner_id", "kind", "baseline",
                       "target", "unit", "weight", "archived_at"),
    "okrs.MilestoneStep": ("id", "key_result_id", "key", "title", "weight", "order"),
    "okrs.Phase": ("id", "key_result_id", "date", "target"),
    "okrs.Initiative": ("id", "key", "key_result_id", "title", "owner_id", "status", "size",
                        "archived_at"),
    "okrs.InitiativeLink": ("id", "initiative_id", "url", "title"),
    "okrs.Dependency": ("id", "key", "key_result_id", "objective_id", "providing_unit_id",
                        "description", "state", "note", "deliverable", "due", "delivered_on",
                        "requested_by_id", "requested_at", "decided_by_id", "decided_at",
                        "archived_at"),
}
CHECKIN_COLUMNS = ("id", "key_result_id", "date", "value", "confidence", "note", "blockers",
                   "steps_done", "author_id")
THEME_ANNUAL_COLUMNS = ("theme_id", "annualobjective_id")


class PlanRows:
    """The plan's rows as plain dicts, table by table (see COLUMNS)."""

    def rows(self, label: str) -> list[dict]:
        raise NotImplementedError

    def theme_annuals(self) -> list[dict]:
        """The annual objectives each theme serves: {theme_id, annualobjective_id}."""
        raise NotImplementedError

    def checkins(self) -> Iterator[dict]:
        """Every check-in (CHECKIN_COLUMNS), in any order."""
        raise NotImplementedError

    def trade_off_links(self) -> dict[int, dict[str, list]]:
        """Per trade-off id: the emails told, the units told and the keys it affects.
        An entry is written once and never changed, so its links as they are now are
        its links at any moment it existed (the plan as of a date reads them too)."""
        from hoshin.okrs.models import TradeOff

        out: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        reads = (("told_people", "told_people", "person__email"),
                 ("told_units", "told_units", "unit__key"),
                 ("objectives", "affects", "objective__key"),
                 ("key_results", "affects", "keyresult__key"),
                 ("initiatives", "affects", "initiative__key"),
                 ("annual_objectives", "affects", "annualobjective__key"))
        for name, into, column in reads:
            through = getattr(TradeOff, name).through
            for trade_off_id, value in through.objects.order_by().values_list("tradeoff_id",
                                                                               column):
                out[trade_off_id][into].append(value)
        return out


class LiveRows(PlanRows):
    """The plan as it is now."""

    def rows(self, label: str) -> list[dict]:
        from django.apps import apps

        return list(apps.get_model(label).objects.order_by().values(*COLUMNS[label]))

    def theme_annuals(self) -> list[dict]:
        from hoshin.okrs.models import Theme

        return list(Theme.annual_objectives.through.objects.order_by()
                    .values(*THEME_ANNUAL_COLUMNS))

    def checkins(self) -> Iterator[dict]:
        from hoshin.okrs.models import CheckIn

        return CheckIn.objects.order_by().values(*CHECKIN_COLUMNS).iterator(chunk_size=10000)


# Building the document -------------------------------------------------------------------


def moment(value: dt.datetime | None) -> str | None:
    """A stored moment as the plan file writes it: UTC, to the second."""
    if value is None:
        return None
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _keys(rows: list[dict], field: str = "key") -> dict[int, str]:
    return {r["id"]: r[field] for r in rows}


def _by_key(rows) -> list[dict]:
    return sorted(rows, key=lambda r: natural(r["key"]))


def _links(pairs) -> dict[int, dict[str, str]]:
    """Correlations grouped by the item that lists them, ordered by the other side's id."""
    grouped: dict[int, list] = defaultdict(list)
    for owner_id, key, strength in pairs:
        if key is not None:
            grouped[owner_id].append((key, strength))
    return {pk: dict(sorted(items, key=lambda p: natural(p[0])))
            for pk, items in grouped.items()}


class _Builder:
    """The plan-file document from a PlanRows source, with ids resolved to keys."""

    def __init__(self, source: PlanRows):
        self.source = source
        self.tables = {label: source.rows(label) for label in COLUMNS}
        t = self.tables
        self.emails = _keys(t["org.Person"], "email")
        self.units = _keys(t["org.Unit"])
        self.breakthroughs = _keys(t["strategy.Breakthrough"])
        self.annuals = _keys(t["strategy.AnnualObjective"])
        self.priorities = _keys(t["strategy.ImprovementPriority"])
        self.cycles = _keys(t["okrs.Cycle"])
        self.themes = _keys(t["okrs.Theme"])
        self.objectives = _keys(t["okrs.Objective"])
        self.key_results = _keys(t["okrs.KeyResult"])

    def email(self, person_id: int | None) -> str | None:
        return self.emails.get(person_id) if person_id else None

    def document(self) -> dict:
        from hoshin.org.models import Organization

        org = next((r for r in self.tables["org.Organization"] if r["id"] == 1), None)
        if org is None:
            default = Organization.current()
            org = {"name": default.name, "fiscal_year_start": default.fiscal_year_start,
                   "include_child_objectives": default.include_child_objectives}
        doc: dict[str, Any] = {
            "hoshin": schema.FORMAT_VERSION,
            "organization": item(schema.Organization, org),
        }
        sections = {"people": self.people(), "units": self.unit_items()}
        vision = next((r for r in self.tables["strategy.Vision"] if r["id"] == 1), None)
        if vision is not None:
            sections["vision"] = item(schema.Vision, vision)
        sections.update(self.strategy())
        sections.update(self.cycle_items())
        sections["objectives"] = self.objective_items()
        sections["dependencies"] = self.dependency_items()
        for name in schema.PlanFile.model_fields:
            value = sections.get(name)
            if value:
                doc[name] = value
        return doc

    def people(self) -> list[dict]:
        units = defaultdict(list)
        for r in self.tables["org.Membership"]:
            if r["unit_id"] in self.units:
                units[r["person_id"]].append(self.units[r["unit_id"]])
        out = []
        for r in sorted(self.tables["org.Person"], key=lambda r: r["email"]):
            out.append(item(schema.Person, {
                "email": r["email"], "name": r["name"], "role": r["role"],
                "active": r["is_active"], "units": sorted(units[r["id"]], key=natural)}))
        return out

    def unit_items(self) -> list[dict]:
        return [item(schema.Unit, {"id": r["key"], "name": r["name"],
                                   "parent": self.units.get(r["parent_id"]),
                                   "lead": self.email(r["lead_id"]),
                                   "archived": r["archived_at"] is not None})
                for r in _by_key(self.tables["org.Unit"])]

    def strategy(self) -> dict[str, list]:
        t = self.tables
        out: dict[str, list] = {}
        out["breakthroughs"] = [
            item(schema.Breakthrough, {"id": r["key"], "title": r["title"],
                                       "horizon": r["horizon"], "description": r["description"],
                                       "owner": self.email(r["owner_id"]),
                                       "archived": r["archived_at"] is not None})
            for r in _by_key(t["strategy.Breakthrough"])]

        breakthroughs = _links((r["annual_objective_id"],
                                self.breakthroughs.get(r["breakthrough_id"]), r["strength"])
                               for r in t["strategy.BreakthroughCorrelation"])
        out["annual_objectives"] = [
            item(schema.AnnualObjective, {"id": r["key"], "year": r["year"], "title": r["title"],
                                          "description": r["description"],
                                          "owner": self.email(r["owner_id"]),
                                          "breakthroughs": breakthroughs.get(r["id"], {}),
                                          "archived": r["archived_at"] is not None})
            for r in _by_key(t["strategy.AnnualObjective"])]

        annuals = _links((r["priority_id"], self.annuals.get(r["annual_objective_id"]),
                          r["strength"]) for r in t["strategy.PriorityCorrelation"])
        resources: dict[int, list] = defaultdict(list)
        for r in t["strategy.Resource"]:
            holder = self.email(r["person_id"]) or self.units.get(r["unit_id"])
            if holder is not None:
                resources[r["priority_id"]].append((holder, r["role"]))
        out["improvement_priorities"] = [
            item(schema.ImprovementPriority, {
                "id": r["key"], "year": r["year"], "unit": self.units.get(r["unit_id"]),
                "title": r["title"], "description": r["description"],
                "annual_objectives": annuals.get(r["id"], {}),
                "resources": dict(sorted(resources.get(r["id"], []),
                                         key=lambda p: natural(p[0]))),
                "archived": r["archived_at"] is not None})
            for r in _by_key(t["strategy.ImprovementPriority"])]

        priorities = _links((r["metric_id"], self.priorities.get(r["priority_id"]),
                             r["strength"]) for r in t["strategy.MetricCorrelation"])
        actuals: dict[int, list] = defaultdict(list)
        for r in sorted(t["strategy.MetricActual"], key=lambda r: (r["metric_id"], r["period"])):
            period = r["period"]
            actuals[r["metric_id"]].append(item(schema.MetricActual, {
                "period": f"{period.year:04d}-{period.month:02d}", "plan": r["plan"],
                "actual": r["actual"]}))
        out["metrics"] = [
            item(schema.Metric, {
                "id": r["key"], "title": r["title"], "unit": r["unit"],
                "direction": r["direction"], "baseline": r["baseline"], "target": r["target"],
                "owner": self.email(r["owner_id"]), "priorities": priorities.get(r["id"], {}),
                "actuals": actuals.get(r["id"], []),
                "archived": r["archived_at"] is not None})
            for r in _by_key(t["strategy.Metric"])]
        return out

    def cycle_items(self) -> dict[str, list]:
        t = self.tables
        out: dict[str, list] = {}
        out["cycles"] = [
            item(schema.Cycle, {"id": r["key"], "start": r["start"], "end": r["end"],
                                "kind": r["kind"], "name": r["name"], "state": r["state"],
                                "archived": r["archived_at"] is not None})
            for r in _by_key(t["okrs.Cycle"])]
        out["briefs"] = [
            item(schema.Brief, {"cycle": self.cycles[r["cycle_id"]], "success": r["success"],
                                "risks": r["risks"], "constraints": r["constraints"]})
            for r in sorted((r for r in t["planning.Brief"] if r["cycle_id"] in self.cycles),
                            key=lambda r: natural(self.cycles[r["cycle_id"]]))]

        annuals: dict[int, list] = defaultdict(list)
        for r in self.source.theme_annuals():
            if r["annualobjective_id"] in self.annuals:
                annuals[r["theme_id"]].append(self.annuals[r["annualobjective_id"]])
        out["themes"] = [
            item(schema.Theme, {"id": r["key"], "cycle": self.cycles.get(r["cycle_id"]),
                                "title": r["title"],
                                "annual_objectives": sorted(annuals.get(r["id"], []),
                                                            key=natural),
                                "success": r["success"],
                                "archived": r["archived_at"] is not None})
            for r in _by_key(t["okrs.Theme"])]

        rows = sorted((r for r in t["okrs.TradeOff"] if r["cycle_id"] in self.cycles),
                      key=lambda r: (natural(self.cycles[r["cycle_id"]]), r["id"]))
        # Entries have no key: the file numbers them in order, and `supersedes` names the
        # number of the entry replaced.
        number = {r["id"]: n for n, r in enumerate(rows, 1)}
        links = self.source.trade_off_links() if rows else {}
        units = self.units
        empty: dict[str, list] = {}
        out["trade_offs"] = [
            item(schema.TradeOff, {
                "id": number[r["id"]], "cycle": self.cycles[r["cycle_id"]], "title": r["title"],
                "reason": r["reason"], "kind": r["kind"],
                "decided_by": self.email(r["decided_by_id"]), "decided_on": r["decided_on"],
                "source": r["source"], "source_note": r["source_note"],
                "unit": units.get(r["unit_id"]),
                "told_people": sorted(links.get(r["id"], empty).get("told_people", [])),
                "told_units": sorted(links.get(r["id"], empty).get("told_units", []),
                                     key=natural),
                "affects": sorted(links.get(r["id"], empty).get("affects", []), key=natural),
                "supersedes": number.get(r["supersedes_id"]),
                "created_at": moment(r["created_at"])})
            for r in rows]
        return out

    def objective_items(self) -> list[dict]:
        t = self.tables
        steps: dict[int, list] = defaultdict(list)
        for r in sorted(t["okrs.MilestoneStep"],
                        key=lambda r: (r["key_result_id"], r["order"], r["id"])):
            steps[r["key_result_id"]].append(item(schema.Step, r | {"id": r["key"]}))
        phases: dict[int, list] = defaultdict(list)
        for r in sorted(t["okrs.Phase"], key=lambda r: (r["key_result_id"], r["date"])):
            phases[r["key_result_id"]].append(item(schema.Phase, r))
        links: dict[int, list] = defaultdict(list)
        for r in sorted(t["okrs.InitiativeLink"], key=lambda r: (r["initiative_id"], r["id"])):
            links[r["initiative_id"]].append(item(schema.Link, r))
        initiatives: dict[int, list] = defaultdict(list)
        for r in sorted(t["okrs.Initiative"], key=lambda r: (r["key_result_id"], r["id"])):
            initiatives[r["key_result_id"]].append(item(schema.Initiative, {
                "id": r["key"], "title": r["title"], "owner": self.email(r["owner_id"]),
                "status": r["status"], "size": r["size"], "links": links.get(r["id"], []),
                "archived": r["archived_at"] is not None}))
        checkins: dict[int, list] = defaultdict(list)
        for r in self.source.checkins():
            if r["key_result_id"] in self.key_results:
                checkins[r["key_result_id"]].append(r)
        key_results: dict[int, list] = defaultdict(list)
        for r in sorted(t["okrs.KeyResult"], key=lambda r: (r["objective_id"], r["id"])):
            readings = sorted(checkins.pop(r["id"], []), key=lambda c: (c["date"], c["id"]))
            key_results[r["objective_id"]].append(item(schema.KeyResult, {
                "id": r["key"], "title": r["title"], "owner": self.email(r["owner_id"]),
                "kind": r["kind"], "baseline": r["baseline"], "target": r["target"],
                "unit": r["unit"], "weight": r["weight"],
                "archived": r["archived_at"] is not None,
                "steps": steps.get(r["id"], []), "phases": phases.get(r["id"], []),
                "checkins": [item(schema.CheckIn, {
                    "date": c["date"], "value": c["value"], "confidence": c["confidence"],
                    "note": c["note"], "blockers": c["blockers"],
                    "steps_done": c["steps_done"] or [], "by": self.email(c["author_id"])})
                    for c in readings],
                "initiatives": initiatives.get(r["id"], [])}))
        parents = (("parent_annual_id", self.annuals), ("parent_priority_id", self.priorities),
                   ("parent_theme_id", self.themes), ("parent_objective_id", self.objectives))
        return [
            item(schema.Objective, {
                "id": r["key"], "cycle": self.cycles.get(r["cycle_id"]),
                "unit": self.units.get(r["unit_id"]), "title": r["title"],
                "description": r["description"],
                "parent": next((keys[r[field]] for field, keys in parents
                                if r[field] in keys), None),
                "kind": r["kind"], "archived": r["archived_at"] is not None,
                "key_results": key_results.get(r["id"], [])})
            for r in _by_key(t["okrs.Objective"])]

    def dependency_items(self) -> list[dict]:
        return [
            item(schema.Dependency, {
                "id": r["key"], "key_result": self.key_results.get(r["key_result_id"]),
                "objective": self.objectives.get(r["objective_id"]),
                "providing_unit": self.units.get(r["providing_unit_id"]),
                "description": r["description"], "state": r["state"], "note": r["note"],
                "deliverable": r["deliverable"], "due": r["due"],
                "delivered_on": r["delivered_on"],
                "requested_by": self.email(r["requested_by_id"]),
                "requested_at": moment(r["requested_at"]),
                "decided_by": self.email(r["decided_by_id"]),
                "decided_at": moment(r["decided_at"]),
                "archived": r["archived_at"] is not None})
            for r in _by_key(self.tables["okrs.Dependency"])]


def _export(rows: PlanRows) -> dict:
    return _Builder(rows).document()


# Serialising ----------------------------------------------------------------------------

_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):
    def ignore_aliases(self, data) -> bool:
        # Never `&id001` / `*id001`: every item is written out where it belongs.
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str):
    # Multi-line notes read best as blocks; the emitter falls back to quoting when a
    # block cannot hold the text exactly.
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _represent_str)


def _json_default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a plan file")


def dump(doc: dict, fmt: str = "yaml") -> str:
    """The document as YAML or JSON text (dates as YYYY-MM-DD in both)."""
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False, default=_json_default,
                          allow_nan=False) + "\n"
    if fmt != "yaml":
        raise ValueError(f'unknown format "{fmt}" (expected yaml or json)')
    with no_cycle_collection():
        return "".join(_yaml_chunks(doc))


def _yaml(value) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1_000_000)


def _yaml_chunks(doc: dict):
    """The document's YAML a list item at a time: the same text as dumping it whole (a
    block list under a top-level key is not indented), without holding the emitter's
    representation of a whole large plan in memory at once."""
    for key, value in doc.items():
        if isinstance(value, list) and value:
            yield _yaml({key: []})[:-len(" []\n")] + "\n"
            for entry in value:
                yield _yaml([entry])
        else:
            yield _yaml({key: value})
