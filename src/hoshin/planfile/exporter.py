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


def export_plan() -> dict:
    """The whole organisation as a plan-file document (plain dicts, lists and dates)."""
    with no_cycle_collection():
        return _export()


def _export() -> dict:
    from hoshin.org.models import Organization
    from hoshin.strategy.models import Vision

    org = Organization.current()
    doc: dict[str, Any] = {
        "hoshin": schema.FORMAT_VERSION,
        "organization": item(schema.Organization, {
            "name": org.name, "fiscal_year_start": org.fiscal_year_start,
            "include_child_objectives": org.include_child_objectives}),
    }
    sections = {"people": _people(), "units": _units()}
    vision = Vision.objects.filter(pk=1).first()
    if vision is not None:
        sections["vision"] = item(schema.Vision, {
            "statement": vision.statement, "horizon": vision.horizon,
            "customer_ideal": vision.customer_ideal})
    sections.update(_strategy())
    sections.update(_cycles())
    sections["objectives"] = _objectives()
    for name in schema.PlanFile.model_fields:
        value = sections.get(name)
        if value:
            doc[name] = value
    return doc


def _people() -> list[dict]:
    from hoshin.org.models import Membership, Person

    units = defaultdict(list)
    for person_id, key in Membership.objects.values_list("person_id", "unit__key"):
        units[person_id].append(key)
    rows = Person.objects.values_list("id", "email", "name", "role", "is_active")
    out = []
    for pk, email, name, role, active in sorted(rows, key=lambda r: r[1]):
        out.append(item(schema.Person, {"email": email, "name": name, "role": role,
                                        "active": active,
                                        "units": sorted(units[pk], key=natural)}))
    return out


def _units() -> list[dict]:
    from hoshin.org.models import Unit

    rows = Unit.objects.values("key", "name", "parent__key", "lead__email", "archived_at")
    return [item(schema.Unit, {"id": r["key"], "name": r["name"], "parent": r["parent__key"],
                               "lead": r["lead__email"],
                               "archived": r["archived_at"] is not None})
            for r in sorted(rows, key=lambda r: natural(r["key"]))]


def _by_key(rows) -> list[dict]:
    return sorted(rows, key=lambda r: natural(r["key"]))


def _links(rows) -> dict[int, dict[str, str]]:
    """Correlations grouped by the item that lists them, ordered by the other side's id."""
    grouped: dict[int, list] = defaultdict(list)
    for owner_id, key, strength in rows:
        grouped[owner_id].append((key, strength))
    return {pk: dict(sorted(pairs, key=lambda p: natural(p[0]))) for pk, pairs in grouped.items()}


def _strategy() -> dict[str, list]:
    from hoshin.strategy.models import (
        AnnualObjective,
        Breakthrough,
        BreakthroughCorrelation,
        ImprovementPriority,
        Metric,
        MetricActual,
        MetricCorrelation,
        PriorityCorrelation,
        Resource,
    )

    out: dict[str, list] = {}
    out["breakthroughs"] = [
        item(schema.Breakthrough, {"id": r["key"], "title": r["title"], "horizon": r["horizon"],
                                   "description": r["description"],
                                   "owner": r["owner__email"],
                                   "archived": r["archived_at"] is not None})
        for r in _by_key(Breakthrough.objects.values(
            "key", "title", "horizon", "description", "owner__email", "archived_at"))]

    breakthroughs = _links(BreakthroughCorrelation.objects.values_list(
        "annual_objective_id", "breakthrough__key", "strength"))
    out["annual_objectives"] = [
        item(schema.AnnualObjective, {"id": r["key"], "year": r["year"], "title": r["title"],
                                      "description": r["description"],
                                      "owner": r["owner__email"],
                                      "breakthroughs": breakthroughs.get(r["id"], {}),
                                      "archived": r["archived_at"] is not None})
        for r in _by_key(AnnualObjective.objects.values(
            "id", "key", "year", "title", "description", "owner__email", "archived_at"))]

    annuals = _links(PriorityCorrelation.objects.values_list(
        "priority_id", "annual_objective__key", "strength"))
    resources: dict[int, list] = defaultdict(list)
    for priority_id, email, unit_key, role in Resource.objects.values_list(
            "priority_id", "person__email", "unit__key", "role"):
        resources[priority_id].append((email or unit_key, role))
    out["improvement_priorities"] = [
        item(schema.ImprovementPriority, {
            "id": r["key"], "year": r["year"], "unit": r["unit__key"], "title": r["title"],
            "description": r["description"], "annual_objectives": annuals.get(r["id"], {}),
            "resources": dict(sorted(resources.get(r["id"], []), key=lambda p: natural(p[0]))),
            "archived": r["archived_at"] is not None})
        for r in _by_key(ImprovementPriority.objects.values(
            "id", "key", "year", "unit__key", "title", "description", "archived_at"))]

    priorities = _links(MetricCorrelation.objects.values_list(
        "metric_id", "priority__key", "strength"))
    actuals: dict[int, list] = defaultdict(list)
    for metric_id, period, plan, actual in MetricActual.objects.order_by(
            "metric_id", "period").values_list("metric_id", "period", "plan", "actual"):
        actuals[metric_id].append(item(schema.MetricActual, {
            "period": f"{period.year:04d}-{period.month:02d}", "plan": plan, "actual": actual}))
    out["metrics"] = [
        item(schema.Metric, {
            "id": r["key"], "title": r["title"], "unit": r["unit"], "direction": r["direction"],
            "baseline": r["baseline"], "target": r["target"], "owner": r["owner__email"],
            "priorities": priorities.get(r["id"], {}), "actuals": actuals.get(r["id"], []),
            "archived": r["archived_at"] is not None})
        for r in _by_key(Metric.objects.values(
            "id", "key", "title", "unit", "direction", "baseline", "target", "owner__email",
            "archived_at"))]
    return out


def _cycles() -> dict[str, list]:
    from hoshin.okrs.models import Cycle, Theme, TradeOff

    out: dict[str, list] = {}
    out["cycles"] = [
        item(schema.Cycle, {"id": r["key"], "start": r["start"], "end": r["end"],
                            "kind": r["kind"], "name": r["name"], "state": r["state"]})
        for r in _by_key(Cycle.objects.values("key", "start", "end", "kind", "name", "state"))]

    annuals: dict[int, list] = defaultdict(list)
    for theme_id, key in Theme.annual_objectives.through.objects.values_list(
            "theme_id", "annualobjective__key"):
        annuals[theme_id].append(key)
    out["themes"] = [
        item(schema.Theme, {"id": r["key"], "cycle": r["cycle__key"], "title": r["title"],
                            "annual_objectives": sorted(annuals.get(r["id"], []), key=natural),
                            "success": r["success"]})
        for r in _by_key(Theme.objects.values("id", "key", "cycle__key", "title", "success"))]

    rows = TradeOff.objects.values("id", "cycle__key", "title", "reason", "kind",
                                   "decided_by__email")
    out["trade_offs"] = [
        item(schema.TradeOff, {"cycle": r["cycle__key"], "title": r["title"],
                               "reason": r["reason"], "kind": r["kind"],
                               "decided_by": r["decided_by__email"]})
        for r in sorted(rows, key=lambda r: (natural(r["cycle__key"]), r["id"]))]
    return out


def _objectives() -> list[dict]:
    from hoshin.okrs.models import (
        CheckIn,
        Initiative,
        InitiativeLink,
        KeyResult,
        MilestoneStep,
        Objective,
        Phase,
    )
    from hoshin.org.models import Person

    steps: dict[int, list] = defaultdict(list)
    for kr_id, key, title, weight in MilestoneStep.objects.order_by(
            "key_result_id", "order", "id").values_list("key_result_id", "key", "title", "weight"):
        steps[kr_id].append(item(schema.Step, {"id": key, "title": title, "weight": weight}))
    phases: dict[int, list] = defaultdict(list)
    for kr_id, day, target in Phase.objects.order_by("key_result_id", "date").values_list(
            "key_result_id", "date", "target"):
        phases[kr_id].append(item(schema.Phase, {"date": day, "target": target}))
    links: dict[int, list] = defaultdict(list)
    for ini_id, url, title in InitiativeLink.objects.order_by("initiative_id", "id").values_list(
            "initiative_id", "url", "title"):
        links[ini_id].append(item(schema.Link, {"url": url, "title": title}))
    initiatives: dict[int, list] = defaultdict(list)
    for r in Initiative.objects.order_by("key_result_id", "id").values(
            "id", "key_result_id", "key", "title", "owner__email", "status", "size",
            "archived_at"):
        initiatives[r["key_result_id"]].append(item(schema.Initiative, {
            "id": r["key"], "title": r["title"], "owner": r["owner__email"],
            "status": r["status"], "size": r["size"], "links": links.get(r["id"], []),
            "archived": r["archived_at"] is not None}))
    emails = dict(Person.objects.values_list("id", "email"))
    checkins: dict[int, list] = defaultdict(list)
    fields = ("key_result_id", "date", "value", "confidence", "note", "blockers", "steps_done",
              "author_id")
    for kr_id, day, value, confidence, note, blockers, steps_done, author_id in (
            CheckIn.objects.order_by("key_result_id", "date", "id").values_list(*fields)
            .iterator(chunk_size=10000)):
        checkins[kr_id].append(item(schema.CheckIn, {
            "date": day, "value": value, "confidence": confidence, "note": note,
            "blockers": blockers, "steps_done": steps_done or [],
            "by": emails.get(author_id) if author_id else None}))
    key_results: dict[int, list] = defaultdict(list)
    for r in KeyResult.objects.order_by("objective_id", "id").values(
            "id", "objective_id", "key", "title", "owner__email", "kind", "baseline", "target",
            "unit", "weight", "archived_at"):
        key_results[r["objective_id"]].append(item(schema.KeyResult, {
            "id": r["key"], "title": r["title"], "owner": r["owner__email"], "kind": r["kind"],
            "baseline": r["baseline"], "target": r["target"], "unit": r["unit"],
            "weight": r["weight"], "archived": r["archived_at"] is not None,
            "steps": steps.get(r["id"], []), "phases": phases.get(r["id"], []),
            "checkins": checkins.get(r["id"], []),
            "initiatives": initiatives.get(r["id"], [])}))
    rows = Objective.objects.values(
        "id", "key", "cycle__key", "unit__key", "title", "description", "kind", "archived_at",
        "parent_annual__key", "parent_priority__key", "parent_theme__key",
        "parent_objective__key")
    return [
        item(schema.Objective, {
            "id": r["key"], "cycle": r["cycle__key"], "unit": r["unit__key"],
            "title": r["title"], "description": r["description"],
            "parent": (r["parent_annual__key"] or r["parent_priority__key"]
                       or r["parent_theme__key"] or r["parent_objective__key"]),
            "kind": r["kind"], "archived": r["archived_at"] is not None,
            "key_results": key_results.get(r["id"], [])})
        for r in _by_key(rows)]


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
