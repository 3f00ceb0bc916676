"""Goal lists in two more tools' documented shapes (fixtures/spreadsheets/SOURCES.md):

* BigPicture (Appfire's OKR module for Jira), "Import OKRs", sample CSV file structure
  (https://appfire.atlassian.net/wiki/spaces/SPM/pages/1918406659/Import+OKRs): Order,
  Type, Summary, Status, Period, Owner, Weight, OKR type, Labels, Teams, Expected start
  date, Expected end date, Start value, Current value, Target value, Description; the tree
  is the outline number in Order (1, 1.1, 1.2.1).
* Culture Amp, "Guide to populating Individual Goals Import template"
  (https://support.cultureamp.com/en/articles/7048435-guide-to-populating-individual-goals-import-template):
  email, name, description, visibility, individual_emails, due_at, created_at, priority,
  status, completion (0.0-1.0), then key_result_1_title, key_result_1_completion, ... on
  the goal's own row.

Each is read (the mapping, the tree) without a database, then imported: types, parents,
owners, units, values and check-ins."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoshin.okrs.models import KeyResult, Objective
from hoshin.planfile import spreadsheet as sheet
from hoshin.planfile.spreadsheet_import import SpreadsheetImportError, import_goals

SAMPLES = Path(__file__).parent / "fixtures" / "spreadsheets"


def table(name: str) -> sheet.Table:
    return sheet.read_table((SAMPLES / name).read_bytes(), name)


def load(plan, name: str, **options):
    t = table(name)
    options.setdefault("cycle", plan.quarter.key)
    return import_goals(plan.office, t, sheet.guess_mapping(t.headers), filename=name,
                        **options)


def test_bigpicture_headers_and_outline_numbers_make_the_tree():
    t = table("bigpicture-okrs.csv")
    mapping = sheet.guess_mapping(t.headers)
    assert {t.headers[i]: f for i, f in mapping.items()} == {
        "Order": "row_id", "Type": "type", "Summary": "title", "Status": "status",
        "Period": "cycle", "Owner": "owner", "Weight": "weight", "Teams": "unit",
        "Expected start date": "start_date", "Expected end date": "due",
        "Start value": "baseline", "Current value": "current", "Target value": "target",
        "Description": "description"}
    # OKR type (strategic theme, company, team) and Labels have no field: left out.
    assert [h for i, h in enumerate(t.headers) if i not in mapping] == ["OKR type", "Labels"]
    goals = sheet.read_goals(t, mapping)
    assert goals.problems == []
    tree = [(i.row, i.type, i.row_id, i.parent.row_id if i.parent else None)
            for i in goals.items]
    assert tree == [(2, "objective", "1", None), (3, "objective", "1.1", "1"),
                    (4, "key_result", "1.1.1", "1.1"), (5, "key_result", "1.1.2", "1.1"),
                    (6, "objective", "1.2", "1"), (7, "key_result", "1.2.1", "1.2")]


def test_an_outline_number_with_no_row_above_it_is_named():
    t = sheet.read_table(b"Order,Type,Summary\n1,Objective,Grow\n1.1,Key result,More\n"
                         b"2.3,Key result,Stray\n", "x.csv")
    goals = sheet.read_goals(t, sheet.guess_mapping(t.headers))
    assert [p.text() for p in goals.problems] == [
        "row 4, column 'Order': no row is numbered \"2\", the outline number \"2.3\" hangs "
        "under"]


def test_bigpicture_list_imports_with_nested_objectives_values_and_checkins(plan):
    load(plan, "bigpicture-okrs.csv")
    theme = Objective.objects.get(title="Win the installer channel")
    team = Objective.objects.get(title="Make installers a third of our sales")
    ops = Objective.objects.get(title="Keep installs on schedule")
    assert (team.parent_objective, ops.parent_objective) == (theme, theme)
    assert (theme.unit.key, team.unit.key, ops.unit.key) == ("sales", "sales", "ops")
    assert theme.description == "Where the year's growth comes from"
    share = KeyResult.objects.get(title="Installer-sold share of units")
    assert (share.objective, share.owner.email, share.kind) == (team, "member@acme.test",
                                                                "increase")
    assert (share.baseline, share.target, share.weight, share.last_checkin.value) == (
        20, 35, 2, 23)
    certified = KeyResult.objects.get(title="Certified installers")
    assert (certified.owner.email, certified.last_checkin.value) == ("lead@acme.test", 12)
    days = KeyResult.objects.get(title="Days from order to first visit")
    assert (days.objective, days.kind, days.owner.email, days.baseline, days.target,
            days.last_checkin.value) == (ops, "decrease", "opslead@acme.test", 30, 14, 26)
    assert {o.cycle_id for o in (theme, team, ops)} == {plan.quarter.pk}


def test_bigpicture_period_names_a_quarter_hoshin_does_not_have(plan):
    t = table("bigpicture-okrs.csv")
    with pytest.raises(SpreadsheetImportError) as caught:
        import_goals(plan.office, t, sheet.guess_mapping(t.headers), filename="b.csv")
    assert caught.value.report.problems[0].text().startswith(
        "row 2, column 'Period': no quarter is called \"Q4 Y2026\"")
    assert not Objective.objects.filter(title="Win the installer channel").exists()


def test_culture_amp_key_results_in_columns_become_rows():
    t = table("cultureamp-individual-goals.csv")
    assert t.headers[-3:] == ["Row ID", "Parent Row ID", "Type"]
    assert not any(h.startswith("key_result_") for h in t.headers)
    mapping = sheet.guess_mapping(t.headers)
    assert {t.headers[i]: f for i, f in mapping.items()} == {
        "email": "owner", "name": "title", "description": "description", "due_at": "due",
        "status": "status", "completion": "progress", "Row ID": "row_id",
        "Parent Row ID": "parent_row", "Type": "type"}
    goals = sheet.read_goals(t, mapping)
    assert goals.problems == []
    # Each key result is reported at its goal's row of the file; completion 0.4 is 40 %.
    assert [(i.row, i.type, i.title, i.parent.title if i.parent else None, i.progress)
            for i in goals.items] == [
        (2, "objective", "Grow installer sales", None, None),
        (2, "key_result", "Sign 30 new installers", "Grow installer sales", 40),
        (2, "key_result", "Certify 20 installers", "Grow installer sales", 25),
        (3, "objective", "Shorten quote turnaround", None, 10)]


def test_culture_amp_goals_import_with_their_key_results(plan):
    load(plan, "cultureamp-individual-goals.csv", unit="sales")
    grow = Objective.objects.get(title="Grow installer sales")
    assert grow.unit.key == "sales" and grow.description.startswith("Installers sell")
    signed = KeyResult.objects.get(title="Sign 30 new installers")
    assert (signed.objective, signed.baseline, signed.target, signed.unit) == (grow, 0, 100,
                                                                              "%")
    assert signed.last_checkin.value == 40
    assert signed.owner.email == "lead@acme.test"  # the goal's owner owns its key results
    assert KeyResult.objects.get(title="Certify 20 installers").last_checkin.value == 25
    assert Objective.objects.filter(title="Shorten quote turnaround").exists()


def test_a_bad_completion_is_named_at_the_goals_row():
    t = sheet.read_table(b"email,name,key_result_1_title,key_result_1_completion\n"
                         b"a@b.test,Grow,More,lots\n", "x.csv")
    goals = sheet.read_goals(t, sheet.guess_mapping(t.headers))
    assert [p.text() for p in goals.problems] == [
        "row 2, column 'Completion': not a number: 'lots'"]
