"""The goal-list import (CSV or .xlsx) through the REST API, POST /api/v1/import/goals:
the same import as `hoshin import goals.csv` and the web page (planfile.spreadsheet_import),
with the web page's limits and the strategy office's right."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from openpyxl import Workbook

from hoshin.okrs.models import Objective
from hoshin.org import services as org
from hoshin.planfile.spreadsheet_views import FILE_LIMIT

SAMPLES = Path(__file__).parent / "fixtures" / "spreadsheets"
URL = "/api/v1/import/goals"


@pytest.fixture
def stored(row_counts):
    """Rows in the plan's tables, but for the API tokens the requests are made with."""
    return lambda: {k: v for k, v in row_counts().items() if k != "org.ApiToken"}


def post(person, body: dict | None = None, raw: str | None = None):
    headers = {"Authorization": f"Bearer {org.create_token(None, person)}"} if person else {}
    return Client().post(URL, raw if raw is not None else json.dumps(body),
                         content_type="application/json", headers=headers)


def encoded(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def sample(name: str, **fields) -> dict:
    return {"content": encoded((SAMPLES / name).read_bytes()), "filename": name, **fields}


def workbook(plan) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(["Row ID", "Parent Row IDs", "Type", "Goal Title", "Owner Emails", "Departments",
               "Starting Value", "Target Value", "Current Value", "End Date", "Status"])
    end = dt.datetime.combine(plan.quarter.end, dt.time())
    ws.append(["O-1", None, "Objective", "Grow the channel", "lead@acme.test", "Sales", None,
               None, None, end, None])
    ws.append(["KR-1", "O-1", "Key result", "Installers signed", "member@acme.test", "Sales",
               3, 30, 12.5, end, None])
    ws.append(["I-1", "KR-1", "Initiative", "Installer roadshow", "hire@acme.test", None, None,
               None, None, None, "In progress"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def imported(before: set[int]) -> list[tuple]:
    """What an import made, without the keys it drew: every new objective with its key
    results, their check-ins and initiatives."""
    made = []
    for o in Objective.objects.exclude(pk__in=before).order_by("title"):
        krs = []
        for kr in o.key_results.order_by("title"):
            krs.append((kr.title, kr.owner.email, kr.kind, kr.baseline, kr.target, kr.unit,
                        kr.weight,
                        sorted((str(c.date), c.value) for c in kr.checkins.all()),
                        sorted((i.title, i.status, i.owner.email if i.owner else None)
                               for i in kr.initiatives.all()),
                        kr.last_checkin.value if kr.last_checkin else None))
        made.append((o.title, o.description, o.unit.key, o.cycle.key,
                     o.parent_objective.title if o.parent_objective else None, krs))
    return made


# Dry run and import -----------------------------------------------------------------------


def test_dry_run_answers_the_plan_row_by_row_and_stores_nothing(plan, stored):
    before = stored()
    response = post(plan.office, sample("peoplebox-goals-v2.csv", cycle=plan.quarter.key,
                                        dry_run=True))
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["dry_run"] is True and report["errors"] == []
    assert report["counts"] == {"objectives": 2, "key_results": 4, "initiatives": 0,
                                "checkins": 3, "people_created": 1, "units_created": 0}
    grow = next(o for o in report["plan"]["objectives"]
                if o["title"] == "Make installers our best sales channel")
    assert (grow["row"], grow["unit"], grow["cycle"]) == (2, "sales", plan.quarter.key)
    assert [(kr["row"], kr["owner"], kr["baseline"], kr["target"]) for kr in
            grow["key_results"]][0] == (3, "member@acme.test", 20, 35)
    assert report["plan"]["people"] == [{"email": "new.hire@acme.test", "name": "New Hire"}]
    assert {c["column"]: c["field"] for c in report["columns"]}["Goal Type"] == "measure"
    assert stored() == before


def test_errors_name_row_and_column_and_nothing_is_stored(plan, stored):
    before = stored()
    response = post(plan.office, sample("errors.csv", cycle=plan.quarter.key))
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "5 errors, nothing was imported"
    assert body["errors"][0] == {"field": "Target Value",
                                 "message": "row 3, column 'Target Value': not a number: "
                                            "'lots'"}
    assert [(e["row"], e["column"]) for e in body["report"]["errors"]] == [
        (3, "Target Value"), (4, "Owner Emails"), (5, "Parent Row IDs"), (6, "Goal Title"),
        (7, "End Date")]
    assert body["report"]["dry_run"] is False
    assert stored() == before
    # A dry run reports the same errors (200, as the Markdown import's dry run) and stores
    # nothing either.
    dry = post(plan.office, sample("errors.csv", cycle=plan.quarter.key, dry_run=True))
    assert dry.status_code == 200
    assert dry.json()["errors"] == body["report"]["errors"]
    assert stored() == before


@pytest.mark.parametrize("name", ["peoplebox-goals-v2.csv", "vivagoals-ally-okr-import.csv",
                                  "workbook.xlsx"])
def test_the_api_imports_exactly_what_the_cli_imports(plan, tmp_path, name):
    data = workbook(plan) if name == "workbook.xlsx" else (SAMPLES / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(data)
    before = set(Objective.objects.values_list("pk", flat=True))
    # The CLI's import, then rolled back: the API imports the same file into the same plan.
    with transaction.atomic():
        out = io.StringIO()
        call_command("import", str(path), "--cycle", plan.quarter.key, stdout=out)
        by_cli = imported(before)
        transaction.set_rollback(True)
    assert "Imported:" in out.getvalue() and by_cli
    assert set(Objective.objects.values_list("pk", flat=True)) == before
    response = post(plan.office, {"content": encoded(data), "filename": name,
                                  "cycle": plan.quarter.key})
    assert response.status_code == 200, response.content
    report = response.json()
    assert imported(before) == by_cli
    assert report["dry_run"] is False
    # Every objective, key result and initiative of the file got an id, which the report
    # gives by row id.
    made = {o.key for o in Objective.objects.exclude(pk__in=before)}
    assert made <= set(report["created"].values())


def test_map_renames_columns_as_the_cli_map_does(plan):
    odd = ("Goal,Level,Who,Above\nGrow,objective,lead@acme.test,\n"
           "Sell 10,kr,member@acme.test,Grow\n").encode()
    body = {"content": encoded(odd), "filename": "odd.csv", "cycle": plan.quarter.key}
    unmapped = post(plan.office, dict(body, dry_run=True))
    assert unmapped.status_code == 200
    assert {c["column"]: c["field"] for c in unmapped.json()["columns"]}["Above"] == "ignore"
    mapped = post(plan.office, dict(body, map={"Above": "parent_row", "3": "owner"}))
    assert mapped.status_code == 200, mapped.content
    assert mapped.json()["counts"]["key_results"] == 1
    grow = Objective.objects.get(title="Grow")
    assert grow.key_results.get().owner.email == "member@acme.test"
    # A column the file does not have is named; a field Hoshin does not have is refused
    # by the document's own list of fields.
    missing = post(plan.office, dict(body, map={"Nope": "parent_row"}))
    assert missing.status_code == 400
    assert missing.json()["errors"] == [{"field": "Nope", "message": (
        "column 'Nope': map: the file has no such column (its columns: Goal, Level, Who, "
        "Above)")}]
    unknown = post(plan.office, dict(body, map={"Above": "colour"}))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "map.Above"


# Rights and limits ------------------------------------------------------------------------


def test_only_the_strategy_office_and_admins_import(plan, stored):
    before = stored()
    body = sample("peoplebox-goals-v2.csv", cycle=plan.quarter.key, dry_run=True)
    for who in (plan.member, plan.lead, plan.viewer):
        response = post(who, body)
        assert response.status_code == 403, who
        assert response.json()["detail"] == "you are not allowed to import goals"
    assert post(None, body).status_code == 401
    assert stored() == before
    assert post(plan.admin, body).status_code == 200


def test_a_file_over_the_web_pages_limit_is_refused(plan, stored):
    before = stored()
    # One byte over 2 MB: 413, as the web page refuses it.
    big = b"Title\n" + b"x" * (FILE_LIMIT + 1 - 6)
    response = post(plan.office, {"content": encoded(big), "filename": "big.csv"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "content"
    # More base64 than 2 MB can take: the document's own limit (422).
    response = post(plan.office, {"content": "A" * (len(encoded(big)) + 4),
                                  "filename": "big.csv"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "content"
    # A body over the API's 5 MB: 413 before anything reads it.
    response = post(plan.office, raw=json.dumps({"content": "A" * (6 * 1024 * 1024)}))
    assert response.status_code == 413
    assert stored() == before


def test_content_that_is_not_a_goal_list_is_named(plan):
    response = post(plan.office, {"content": "not base64!", "filename": "goals.csv"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "content", "message": "not base64"}]
    response = post(plan.office, {"content": encoded(b"PK\x03\x04 not really a workbook"),
                                  "filename": "goals.xlsx"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "content"
    assert "not a readable .xlsx workbook" in response.json()["detail"]
    response = post(plan.office, {"content": encoded(b"Title,Owner\n"), "filename": "g.csv"})
    assert response.status_code == 400
    assert response.json()["report"]["errors"] == [
        {"row": None, "column": None, "message": "the file has no goals under its header row"}]
