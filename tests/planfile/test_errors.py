"""A plan file with problems is refused whole, with every problem and its path."""

from __future__ import annotations

import pytest

from hoshin.okrs.models import Objective
from hoshin.planfile.importer import PlanFileError, import_plan, validate


def refused(doc) -> list[str]:
    with pytest.raises(PlanFileError) as exc:
        import_plan(doc)
    return exc.value.errors


def test_every_error_is_reported_with_its_path_and_nothing_is_written(small_plan, row_counts):
    before = row_counts()
    small_plan["objectives"][0]["key_results"][0]["colour"] = "red"
    small_plan["objectives"][1]["key_results"][0]["owner"] = "x@y"
    # The last thing in the document: an import that wrote as it went would have written
    # everything before it.
    small_plan["objectives"][2]["key_results"][0]["checkins"] = [
        {"date": "2026-05-01", "value": 80}]

    errors = refused(small_plan)

    assert errors == [
        "objectives[0].key_results[0].colour: unknown key (expected one of: id, title, owner, "
        "kind, baseline, target, unit, weight, archived, steps, phases, checkins, initiatives)",
        'objectives[1].key_results[0].owner: unknown person "x@y"',
        "objectives[2].key_results[0].checkins[0].date: 2026-05-01 is after the cycle ended "
        "(2026-03-31)",
    ]
    assert row_counts() == before


def test_schema_errors_do_not_hide_reference_errors_or_invent_others(small_plan):
    # O1 breaks the schema; O3 still names a missing parent, and O2's KR refers to nothing
    # inside O1, so exactly two errors come back.
    small_plan["objectives"][0]["kind"] = "stretch"
    small_plan["objectives"][2]["parent"] = "O9"

    assert refused(small_plan) == [
        "objectives[0].kind: unknown value \"stretch\" (expected 'committed' or 'aspirational')",
        'objectives[2].parent: unknown parent "O9" (expected the id of an annual objective, '
        "improvement priority, theme or objective)",
    ]


def test_a_reference_to_an_item_that_broke_the_schema_is_not_called_unknown(small_plan):
    small_plan["objectives"][1]["title"] = ""  # O2 is invalid; O3's parent is O2

    assert refused(small_plan) == ["objectives[1].title: must not be empty"]


def _set(path: str, value):
    """A change to the small plan: `path` like "objectives.0.key_results.1.owner"."""
    def change(doc):
        *parents, last = path.split(".")
        node = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return change


CASES = {
    "unknown key": (
        _set("units.1.leader", "raj@acme.test"),
        ['units[1].leader: unknown key (did you mean "lead"?)']),
    "unknown top-level key": (
        _set("risks", []),
        ["risks: unknown key (expected one of: hoshin, organization, people, units, vision, "
         "breakthroughs, annual_objectives, improvement_priorities, metrics, cycles, briefs, "
         "themes, trade_offs, objectives, dependencies)"]),
    "no organization": (
        lambda doc: doc.pop("organization"),
        ["organization: is required"]),
    "not a list": (
        _set("people", {"email": "ana@acme.test"}),
        ["people: must be a list"]),
    "format version": (
        _set("hoshin", 2),
        ["hoshin: unsupported format version 2 (this version of Hoshin reads version 1)"]),
    "duplicate key result id": (
        _set("objectives.2.key_results.0.id", "KR1"),
        ['objectives[2].key_results[0].id: "KR1" is already the id of '
         "objectives[0].key_results[0] (ids are unique across the whole plan)"]),
    "one namespace for every kind": (
        _set("metrics.0.id", "P1"),
        ['metrics[0].id: "P1" is already the id of improvement_priorities[0] (ids are unique '
         "across the whole plan)"]),
    "duplicate email in another case": (
        _set("people.3.email", "RAJ@acme.test"),
        ['people[3].email: "RAJ@acme.test" is already the email of people[1]']),
    "unknown parent": (
        _set("objectives.1.parent", "A9"),
        ['objectives[1].parent: unknown parent "A9" (expected the id of an annual objective, '
         "improvement priority, theme or objective)"]),
    "parent that is not a plan level": (
        _set("objectives.1.parent", "KR1"),
        ['objectives[1].parent: "KR1" is a key result; a parent is an annual objective, '
         "improvement priority, theme or objective"]),
    "another year's annual objective that no objective names": (
        _set("annual_objectives.0.year", 2025),
        []),
    "parent annual objective from another year": (
        lambda doc: (_set("annual_objectives.0.year", 2025)(doc),
                     _set("objectives.1.parent", "A1")(doc)),
        ['objectives[1].parent: "A1" is for 2025, but cycle "2026-Q1" is in fiscal year 2026']),
    "parent from another fiscal year": (
        _set("organization.fiscal_year_start", 4),
        ['objectives[0].parent: "P1" is for 2026, but cycle "2026-Q1" is in fiscal year 2025']),
    "theme of another cycle": (
        lambda doc: doc["cycles"].append({"id": "2026-Q2", "start": "2026-04-01",
                                          "end": "2026-06-30"})
        or _set("themes.0.cycle", "2026-Q2")(doc),
        ['objectives[1].parent: theme "T1" belongs to cycle "2026-Q2", not "2026-Q1"']),
    "loop of objectives": (
        _set("objectives.1.parent", "O3"),
        ["objectives[1].parent: would make a loop of objectives: O2 → O3 → O2"]),
    "objective on a year": (
        _set("objectives.0.cycle", "2026"),
        ['objectives[0].cycle: "2026" is a year; OKR objectives belong to a quarter']),
    "reference to the wrong kind": (
        _set("objectives.0.unit", "B1"),
        ['objectives[0].unit: "B1" is a breakthrough, not a unit']),
    "loop of units": (
        _set("units.0.parent", "sales"),
        ["units[0].parent: would make a loop in the unit tree: acme → sales → acme"]),
    "unknown unit of a person": (
        _set("people.2.units", ["sales", "marketing"]),
        ['people[2].units[1]: unknown unit "marketing"']),
    "viewer as owner": (
        _set("objectives.0.key_results.0.owner", "vic@acme.test"),
        ['objectives[0].key_results[0].owner: "vic@acme.test" is a viewer; viewers cannot own '
         "key results"]),
    "team as owner": (
        _set("objectives.0.key_results.0.owner", "sales"),
        ['objectives[0].key_results[0].owner: "sales" is not a person; a key result is owned '
         "by one person (give their email)"]),
    "no owner": (
        lambda doc: doc["objectives"][0]["key_results"][0].pop("owner"),
        ["objectives[0].key_results[0].owner: a key result needs exactly one owner: a person"]),
    "milestone weights": (
        _set("objectives.0.key_results.1.steps.1.weight", 0.4),
        ["objectives[0].key_results[1].steps: step weights must sum to 1 (they sum to 0.9)"]),
    "milestone with a target": (
        _set("objectives.0.key_results.1.target", 1),
        ["objectives[0].key_results[1].target: a milestone key result has no numeric target; "
         "change its steps instead"]),
    "increase with a lower target": (
        _set("objectives.0.key_results.0.target", 10),
        ["objectives[0].key_results[0].target: must be above the baseline (20) for an "
         "increase"]),
    "check-in without a value": (
        _set("objectives.1.key_results.0.checkins.0", {"date": "2026-01-09"}),
        ["objectives[1].key_results[0].checkins[0].value: a number is required"]),
    "check-in of an unknown step": (
        _set("objectives.0.key_results.1.checkins.0.steps_done", ["S1", "S7"]),
        ["objectives[0].key_results[1].checkins[0].steps_done: unknown step S7 (steps are "
         "S1, S2)"]),
    "check-in before the cycle": (
        _set("objectives.1.key_results.0.checkins.0.date", "2025-12-31"),
        ["objectives[1].key_results[0].checkins[0].date: 2025-12-31 is before the cycle "
         "starts (2026-01-01)"]),
    "two primary resources": (
        _set("improvement_priorities.0.resources", {"raj@acme.test": "primary",
                                                    "ops": "primary"}),
        ["improvement_priorities[0].resources: an improvement priority has exactly one primary "
         "resource (found 2: raj@acme.test, ops)"]),
    "unknown resource": (
        _set("improvement_priorities.0.resources", {"raj@acme.test": "primary",
                                                    "legal": "secondary"}),
        ['improvement_priorities[0].resources.legal: unknown unit "legal"']),
    "unknown breakthrough": (
        _set("annual_objectives.0.breakthroughs", {"B1": "strong", "B2": "weak"}),
        ['annual_objectives[0].breakthroughs.B2: unknown breakthrough "B2"']),
    "cycle ends before it starts": (
        _set("cycles.0.end", "2025-12-31"),
        ["cycles[0].end: must not be before start"]),
    "id written as a number": (
        _set("themes.0.cycle", 2026),
        ['themes[0].cycle: must be text: write "2026" in quotes']),
    "malformed id": (
        _set("breakthroughs.0.id", "B 1"),
        ["breakthroughs[0].id: \"B 1\" is not a valid id: use letters, digits, '-', '_' or "
         "'.', starting with a letter or digit",
         'annual_objectives[0].breakthroughs.B1: unknown breakthrough "B1"']),
    "malformed email": (
        _set("people.3.email", "vic.acme.test"),
        ['people[3].email: "vic.acme.test" is not an email address']),
    "link that is not a web address": (
        _set("objectives.0.key_results.0.initiatives.0.links.0.url", "jira:PORTAL-1"),
        ["objectives[0].key_results[0].initiatives[0].links[0].url: must be an http(s) "
         "address"]),
    "dependency on nothing known": (
        _set("dependencies", [{"id": "D1", "key_result": "KR9", "providing_unit": "legal",
                               "description": "Contract review", "requested_by": "x@y"}]),
        ['dependencies[0].key_result: unknown key result "KR9"',
         'dependencies[0].providing_unit: unknown unit "legal"',
         'dependencies[0].requested_by: unknown person "x@y"']),
    "dependency without a subject": (
        _set("dependencies", [{"id": "D1", "providing_unit": "ops", "description": "Slots"}]),
        ["dependencies[0].key_result: give the key result (or else the objective) that "
         "relies on the other unit"]),
    "dependency id already taken": (
        _set("dependencies", [{"id": "KR1", "objective": "O1", "providing_unit": "ops",
                               "description": "Slots"}]),
        ['dependencies[0].id: "KR1" is already the id of objectives[0].key_results[0] (ids are '
         "unique across the whole plan)"]),
    "moment that is no moment": (
        _set("trade_offs.0.created_at", "soon"),
        ['trade_offs[0].created_at: "soon" is not a moment such as 2026-01-05T09:30:00Z']),
    "brief of a year, twice": (
        _set("briefs", [{"cycle": "2026", "risks": "Supply"}, {"cycle": "2026", "risk": "x"},
                        {"cycle": "2026-Q9"}]),
        ['briefs[0].cycle: "2026" is a year; a strategic brief belongs to a quarter',
         'briefs[1].risk: unknown key (did you mean "risks"?)',
         'briefs[2].cycle: unknown cycle "2026-Q9"']),
}


@pytest.mark.parametrize("case", CASES)
def test_each_rule(small_plan, case):
    change, expected = CASES[case]
    change(small_plan)

    assert validate(small_plan) == expected
    if expected:
        assert refused(small_plan) == expected
        assert not Objective.objects.exists()
