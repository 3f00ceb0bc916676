"""Importing a Markdown page of OKRs into a cycle: through the services, all or nothing,
from Python, the CLI, the API and the web page."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hoshin.core.errors import PermissionDenied
from hoshin.okrs.models import KeyResult, Objective
from hoshin.org import services as org
from hoshin.org.models import Person, Unit
from hoshin.planfile.markdown_import import MarkdownImportError, import_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def imported_objectives(plan):
    return Objective.objects.filter(cycle=plan.quarter).exclude(key__in=["O1", "O2"])


def test_nested_page_imports_with_parents_owners_and_notes(plan):
    report = import_markdown(plan.office, fixture("sourcegraph-cy19-q4.md"),
                             cycle=plan.quarter.key, unit="sales", parent="P1",
                             email_domain="sourcegraph.test")
    assert report.counts == {"objectives": 24, "key_results": 42, "people_created": 13,
                             "units_created": 0, "not_understood": 0}
    objectives = imported_objectives(plan)
    assert objectives.count() == 24
    assert KeyResult.objects.filter(objective__in=objectives).count() == 42
    top = objectives.filter(parent_priority__key="P1")
    assert sorted(top.values_list("title", flat=True)) == [
        "Aspirational team.", "Net new ARR", "Standard developer platform"]
    automate = objectives.get(title="Automate time-consuming ops and support tasks.")
    assert automate.parent_objective.title == "Sourcegraph has world class reliability."
    assert automate.parent_objective.parent_objective.title == "Net new ARR"
    assert automate.unit.key == "sales"
    # Owners became people, with an unusable password and an email under the domain given.
    distribution = Person.objects.get(email="distribution@sourcegraph.test")
    assert distribution.name == "Distribution" and not distribution.has_usable_password()
    assert set(automate.key_results.values_list("owner__email", flat=True)) == {
        "distribution@sourcegraph.test"}
    swau = KeyResult.objects.get(title="Increase SWAUs by 25%")
    assert (swau.kind, swau.baseline, swau.target, swau.unit) == ("increase", 0, 25, "%")
    # "=> result" notes are kept in the objective's description.
    assert "Increase SWAUs by 25%: Looker SWAU dashboard" in swau.objective.description
    assert report.assumptions[0]["text"].startswith("baseline 0 assumed")


def test_headings_become_units_and_existing_units_and_people_are_matched(plan):
    org.create_person(None, email="vp@acme.test", name="VP Eng")
    report = import_markdown(plan.admin, fixture("sourcegraph-fy21-q1.md"),
                             cycle=plan.quarter.key, unit="acme", owner="lead@acme.test")
    assert report.counts["objectives"] == 29 and report.counts["key_results"] == 73
    # "## Operations" is the existing unit "ops" (matched by name); the others are new,
    # nested as the headings are.
    assert {"id": "ops", "name": "Operations"} in report.units_matched
    assert Unit.objects.get(key="distribution").parent.key == "engineering"
    assert Unit.objects.get(key="engineering").parent.key == "acme"
    assert Objective.objects.get(title="Make Sourcegraph a lean organization that uses data "
                                       "and budgets to guide decision making.").unit.key == "ops"
    # "VP Eng" is an existing person, matched by name; no duplicate is made.
    assert Person.objects.filter(name="VP Eng").count() == 1
    team = Objective.objects.get(title="Build a world class engineering team.")
    assert set(team.key_results.values_list("owner__email", flat=True)) == {"vp@acme.test"}
    # Objectives under a team heading name no owner: the default owner takes them.
    resolve = Objective.objects.get(title="Resolve issues for major customers")
    assert resolve.key_results.get().owner.email == "lead@acme.test"
    assert [u["line"] for u in report.not_understood] == [10, 28, 31]


def test_any_error_stores_nothing_and_lists_every_problem(plan, row_counts):
    # No default owner and no lead above the new units: the team sections' key results
    # have nobody to own them.
    Unit.objects.filter(key="acme").update(lead=None)
    before = row_counts()
    with pytest.raises(MarkdownImportError) as caught:
        import_markdown(plan.office, fixture("sourcegraph-fy21-q1.md"),
                        cycle=plan.quarter.key, unit="acme")
    report = caught.value.report
    assert len(report.errors) == 30
    assert {e["field"] for e in report.errors} == {"owner"}
    assert report.errors[0]["line"] == 71
    assert "Nothing was imported" in report.text()
    assert "line 71: owner:" in report.text()
    assert row_counts() == before


def second_root():
    """A second unit with no parent: the organisation has no single root unit any more."""
    org.create_unit(None, name="Elsewhere", key="elsewhere", parent=None)


def test_a_page_with_no_department_heading_goes_to_the_root_unit(plan, row_counts):
    before = row_counts()
    report = import_markdown(plan.office, fixture("gitlab-engineering-fy24-q2.md"),
                             cycle=plan.quarter.key, dry_run=True)
    assert report.errors == []
    assert {o["unit"] for o in report.objectives} == {"acme"}
    assert row_counts() == before


def test_an_objective_with_no_unit_is_an_error(plan, row_counts):
    second_root()
    before = row_counts()
    with pytest.raises(MarkdownImportError) as caught:
        import_markdown(plan.office, fixture("gitlab-engineering-fy24-q2.md"),
                        cycle=plan.quarter.key)
    errors = caught.value.report.errors
    assert [(e["line"], e["field"]) for e in errors] == [(25, "unit"), (38, "unit"),
                                                          (45, "unit"), (51, "unit"),
                                                          (57, "unit")]
    assert row_counts() == before


def test_dry_run_reports_what_would_be_imported_and_stores_nothing(plan, row_counts):
    before = row_counts()
    report = import_markdown(plan.office, fixture("gitlab-engineering-fy24-q2.md"),
                             cycle=plan.quarter.key, unit="ops", dry_run=True)
    assert report.counts == {"objectives": 5, "key_results": 19, "people_created": 1,
                             "units_created": 0, "not_understood": 12}
    assert report.errors == []
    text = report.text()
    assert text.startswith("Markdown page 'Engineering OKRs' into cycle")
    assert "Dry run: nothing was stored." in text
    assert "line 136: an example (lines 136-144), not OKRs" in text
    assert row_counts() == before


def test_members_may_not_import_and_closed_cycles_are_refused(plan):
    with pytest.raises(PermissionDenied):
        import_markdown(plan.member, "1. **Sales: Grow**\n   1. KR: x\n", cycle=plan.quarter.key)
    from hoshin.okrs import services as okrs

    okrs.transition_cycle(None, plan.quarter, "closed", override_reason="test")
    with pytest.raises(Exception, match="closed"):
        import_markdown(plan.office, "1. **Sales: Grow**\n", cycle=plan.quarter.key)


def test_a_viewer_named_as_owner_is_an_error(plan):
    with pytest.raises(MarkdownImportError) as caught:
        import_markdown(plan.office, "1. **Sales: Grow revenue**\n   1. Close 5 deals - @viewer\n",
                        cycle=plan.quarter.key, email_domain="acme.test")
    assert caught.value.report.errors == [
        {"line": 2, "field": "owner",
         "message": "Vic Viewer is a viewer; viewers cannot own key results"}]


# CLI ---------------------------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def test_cli_imports_a_page_and_prints_the_report(plan, tmp_path):
    source = tmp_path / "okrs.md"
    source.write_text(fixture("sourcegraph-cy19-q3.md"), encoding="utf-8")
    out = run("import", str(source), "--cycle", plan.quarter.key, "--unit", "sales",
              "--email-domain", "acme.test")
    assert "Imported:" in out
    assert "8 objectives, 26 key results, 8 new people, 0 new units; 3 lines not understood" \
        in out
    assert "line 7: placeholder \"$N\" where a number should be" in out
    assert imported_objectives(plan).count() == 8
    # "Sales:" names the unit sales, whose lead owns those key results.
    assert "= lead@acme.test  Lea Lead" in out
    assert KeyResult.objects.filter(title="Reach at least $N net new ARR in Q3"
                                    ).get().owner.email == "lead@acme.test"


def test_cli_needs_a_cycle_and_dry_run_stores_nothing(plan, tmp_path, row_counts):
    source = tmp_path / "okrs.markdown"
    source.write_text(fixture("sourcegraph-cy19-q4.md"), encoding="utf-8")
    with pytest.raises(CommandError, match="cycle: a Markdown page is imported into a cycle"):
        run("import", str(source))
    before = row_counts()
    out = run("import", str(source), "--cycle", plan.quarter.key, "--unit", "sales",
              "--dry-run")
    assert "Dry run: nothing was stored" in out and "24 objectives, 42 key results" in out
    assert row_counts() == before
    # No --unit: the objectives go to the organisation's root unit.
    out = run("import", str(source), "--format", "markdown", "--cycle", plan.quarter.key)
    assert "Imported:" in out and "[acme] Net new ARR" in out


# API ---------------------------------------------------------------------------------------


def api_post(person, body):
    token = org.create_token(None, person)
    return Client().post("/api/v1/import/markdown", json.dumps(body),
                         content_type="application/json",
                         headers={"Authorization": f"Bearer {token}"})


def test_api_imports_and_answers_with_the_report(plan):
    response = api_post(plan.office, {"markdown": fixture("sourcegraph-cy19-q3.md"),
                                      "cycle": plan.quarter.key, "unit": "sales"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"]["objectives"] == 8 and body["dry_run"] is False
    assert body["objectives"][0]["id"] in set(imported_objectives(plan).values_list("key",
                                                                                   flat=True))
    assert body["not_understood"][0] == {
        "line": 7, "text": "Reach at least $N net new ARR in Q3",
        "why": 'placeholder "$N" where a number should be: imported as a milestone with no '
               "target"}


def test_api_errors_carry_the_report_and_members_are_refused(plan):
    second_root()
    response = api_post(plan.office, {"markdown": fixture("gitlab-engineering-fy24-q2.md"),
                                      "cycle": plan.quarter.key})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "5 errors, nothing was imported"
    assert body["errors"][0]["field"] == "unit"
    assert body["errors"][0]["message"].startswith("line 25: objective")
    assert body["report"]["counts"]["not_understood"] == 12
    assert api_post(plan.member, {"markdown": "x", "cycle": plan.quarter.key}).status_code == 403
    unknown = api_post(plan.office, {"markdown": "x", "cycle": "nope"})
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["field"] == "cycle"


# Web ---------------------------------------------------------------------------------------


def test_an_owner_naming_a_unit_puts_the_objective_in_that_unit(plan):
    import_markdown(plan.office, "1. **Ops: Install twice as fast**\n"
                                 "   1. Installs scheduled within 2 days\n",
                    cycle=plan.quarter.key)
    objective = Objective.objects.get(title="Install twice as fast")
    assert objective.unit.key == "ops"
    # "Ops" names a team, not a person: the team's lead owns its key results.
    assert objective.key_results.get().owner.email == "opslead@acme.test"
    assert not Person.objects.filter(email="ops@imported.invalid").exists()


def test_the_api_report_keeps_the_addresses(plan):
    """The web page names people by name (test_markdown_import_page.py); the API's report
    keeps their addresses: they are the owners' ids there."""
    report = import_markdown(plan.office, fixture("sourcegraph-cy19-q4.md"),
                             cycle=plan.quarter.key, unit="sales", dry_run=True,
                             email_domain="sourcegraph.test").as_dict()
    owners = {kr["owner"] for o in report["objectives"] for kr in o["key_results"]}
    assert "distribution@sourcegraph.test" in owners


# The write path ------------------------------------------------------------------------------


def _page(objectives: int) -> str:
    lines = ["# OKRs", ""]
    for i in range(objectives):
        lines += [f"## Department {i // 10 + 1}", ""] if i % 10 == 0 else []
        lines += [f"### Objective {i}: grow the thing number {i} (@ana)",
                  f"- KR {i}.1: increase weekly active teams from 10 to 60 (@bo)",
                  f"- KR {i}.2: increase weekly active teams from 5 to 50 (@ana)", ""]
    return "\n".join(lines) + "\n"


def _write_statements(plan, objectives: int) -> list[str]:
    """The SQL the import's write transaction runs (the part that holds SQLite's lock)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hoshin.planfile import markdown_import

    seen = []
    original = markdown_import._write

    def counted(actor, prepared):
        with CaptureQueriesContext(connection) as queries:
            original(actor, prepared)
        seen.extend(q["sql"] for q in queries.captured_queries)

    markdown_import._write = counted
    try:
        report = import_markdown(plan.office, _page(objectives), cycle=plan.quarter.key,
                                 email_domain=f"n{objectives}.test")
    finally:
        markdown_import._write = original
    assert report.counts["objectives"] == objectives
    assert report.counts["key_results"] == 2 * objectives
    return seen


def test_the_write_is_a_few_statements_whatever_the_size_of_the_page(plan):
    """Everything is read and checked before the write transaction; inside it, each table
    gets one statement for all its rows (and one for their history), so the transaction,
    which holds SQLite's one write lock, does not grow with the page (issue #13)."""
    _write_statements(plan, 10)  # adds the page's two people (later pages match them)
    small = _write_statements(plan, 20)
    large = _write_statements(plan, 80)
    assert len(large) == len(small), (len(small), len(large))
    assert len(large) < 40
    stored = Objective.objects.filter(title__startswith="grow the thing number")
    assert stored.count() == 110
    one = stored.get(title="grow the thing number 79")
    assert one.unit.name == "Department 8" and one.key_results.count() == 2
    # History rows are written with them, credited to whoever imported.
    assert one.history.get().history_user == plan.office
    assert one.key_results.first().history.get().history_type == "+"


def test_a_unit_or_person_added_meanwhile_refuses_the_whole_import(plan, row_counts):
    """What the planner read may change before the write: a unit id taken meanwhile
    refuses the import, and nothing of it is stored."""
    from hoshin.planfile import markdown_import

    original = markdown_import._write

    def racing(actor, prepared):
        org.create_unit(None, name="Someone else's", key=prepared.planner.new_units[0].key,
                        parent="acme")
        original(actor, prepared)

    before = row_counts()
    markdown_import._write = racing
    try:
        with pytest.raises(MarkdownImportError) as caught:
            import_markdown(plan.office, _page(3), cycle=plan.quarter.key)
    finally:
        markdown_import._write = original
    assert caught.value.report.errors[-1]["field"] == "unit"
    assert "meanwhile" in caught.value.report.errors[-1]["message"]
    after = row_counts()
    # Only the racing unit (and its history row) is new.
    assert sum(after.values()) - sum(before.values()) <= 2
    assert not Objective.objects.filter(title__startswith="grow the thing number").exists()
