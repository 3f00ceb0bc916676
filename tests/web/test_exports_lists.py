"""The list pages that had no file: the whole organisation's objectives and key results
(/company/), the quarter's dependencies, the learnings library, the metrics, the
initiatives' linked work (/trackers/) and the audit log. Each file is read back with the
csv module and openpyxl and holds the page's rows, for whoever may read the page."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from hoshin.audit.models import AuditEntry
from hoshin.core import clock
from hoshin.okrs import services as okrs
from hoshin.okrs.models import KeyResult, Objective
from hoshin.pdca import services as pdca
from hoshin.planfile import spreadsheet as sheet
from hoshin.planfile.spreadsheet_import import import_goals
from hoshin.strategy import services as strategy
from hoshin.strategy.models import Metric
from hoshin.trackers.models import TrackerLink

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def xlsx_rows(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0]
                .iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def links_on(client, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert b"export=csv" in page.content and b"export=xlsx" in page.content


def test_the_whole_organisation_exports_every_objective_and_key_result(plan):
    okrs.record_checkin(plan.member, plan.kr_sales, value=26, confidence=7)
    viewer = signed_in(plan.viewer)  # the company page is everyone's, and so is its file
    links_on(viewer, "/company/")
    rows = xlsx_rows(viewer.get("/company/?export=xlsx"))
    assert [(r["Type"], r["Id"], r["Parent id"], r["Unit"]) for r in rows] == [
        ("objective", "O2", "T1", "ops"), ("key result", "KR3", "O2", "ops"),
        ("objective", "O1", "P1", "sales"), ("key result", "KR1", "O1", "sales"),
        ("key result", "KR2", "O1", "sales")]
    kr1 = next(r for r in rows if r["Id"] == "KR1")
    assert (kr1["Start value"], kr1["Target value"], kr1["Current value"]) == (20, 35, 26)
    assert kr1["Owner e-mail"] == "member@acme.test" and kr1["Measure"] == "%"
    assert kr1["Progress %"] == 40 and kr1["Cycle"] == plan.quarter.key
    assert isinstance(kr1["Last check-in"], dt.datetime)
    assert next(r for r in rows if r["Id"] == "O1")["Status"]  # the rolled-up status
    text = csv_rows(viewer.get("/company/?export=csv"))
    assert [r["Id"] for r in text] == [r["Id"] for r in rows]
    entry = AuditEntry.objects.filter(kind="export").latest("pk")
    assert entry.actor == plan.viewer and entry.what.startswith(
        "Objectives and key results of the whole organisation: 5 rows as CSV")
    # The file is a goal list: importing it again makes the same objectives.
    body = viewer.get("/company/?export=csv").content
    table = sheet.read_table(body, "company.csv")
    before = set(Objective.objects.values_list("pk", flat=True))
    import_goals(plan.office, table, sheet.guess_mapping(table.headers))
    copies = Objective.objects.exclude(pk__in=before).order_by("title")
    assert [(o.title, o.unit.key) for o in copies] == [
        ("Install faster", "ops"), ("Make installers our best sales channel", "sales")]
    assert KeyResult.objects.filter(objective__in=copies).count() == 3


def test_the_dependencies_of_the_quarter(plan):
    okrs.request_dependency(plan.lead, key_result="KR1", providing_unit="ops", key="D1",
                            description="Install slots for installer-sold orders")
    member = signed_in(plan.member)
    links_on(member, "/dependencies/")
    [row] = csv_rows(member.get("/dependencies/?export=csv"))
    assert (row["Id"], row["Requesting unit"], row["For (key result or objective)"],
            row["Providing unit"], row["State"], row["Requested by"]) == (
        "D1", "Sales", "KR1", "Operations", "requested", "Lea Lead")
    assert row["Requested on"] == clock.today().isoformat()
    [cell] = xlsx_rows(member.get("/dependencies/?export=xlsx"))
    assert cell["Asked"] == "Install slots for installer-sold orders"


def test_the_learnings_the_search_found(plan):
    pdca.create_learning(plan.lead, title="Pair installers with a sales buddy",
                         worked="Buddies doubled the first orders", tags=["installers"],
                         unit="sales")
    pdca.create_learning(plan.lead, title="Weekly van audits", worked="Fewer missing parts",
                         unit="ops")
    viewer = signed_in(plan.viewer)
    links_on(viewer, "/learnings/")
    every = csv_rows(viewer.get("/learnings/?export=csv"))
    assert sorted(r["Title"] for r in every) == ["Pair installers with a sales buddy",
                                                 "Weekly van audits"]
    [found] = xlsx_rows(viewer.get("/learnings/?q=buddy&export=xlsx"))  # the search kept
    assert (found["Unit"], found["Tags"], found["Author"]) == ("Sales", "installers",
                                                              "Lea Lead")
    assert isinstance(found["Written on"], dt.datetime)


def test_the_metrics_of_the_year(plan):
    year = clock.today().year
    strategy.record_metric_actual(plan.office, Metric.objects.get(key="M1"),
                                  period=f"{year}-01", plan=110, actual=104)
    viewer = signed_in(plan.viewer)
    links_on(viewer, f"/strategy/metrics/?year={year}")
    [row] = xlsx_rows(viewer.get(f"/strategy/metrics/?year={year}&export=xlsx"))
    assert (row["Id"], row["Baseline"], row["Target"], row["Latest month"],
            row["Latest actual"], row["Plan of that month"], row["Priorities"]) == (
        "M1", 100, 200, f"{year}-01", 104, 110, "P1")
    assert row["Against plan"] == "misses plan"


def test_the_initiatives_linked_work(plan):
    initiative = okrs.save_initiative(None, key="I1", key_result="KR1",
                                      title="Installer portal", status="in_progress")
    TrackerLink.objects.create(initiative=initiative, kind="jira", ref="PAY-1", total=4,
                               done=1, in_progress=2, synced_at=clock.now())
    viewer = signed_in(plan.viewer)
    links_on(viewer, "/trackers/")
    [row] = csv_rows(viewer.get("/trackers/?export=csv"))
    assert (row["Initiative id"], row["Linked work"], row["Work items"], row["Done"],
            row["In progress"], row["To do"], row["Done %"], row["Last sync failed"]) == (
        "I1", "Jira PAY-1", "4", "1", "2", "1", "25", "no")


def test_the_audit_log_is_the_admins_file(plan):
    admin = signed_in(plan.admin)
    strategy.record_metric_actual(plan.office, Metric.objects.get(key="M1"),
                                  period=f"{clock.today().year}-01", actual=1)
    signed_in(plan.viewer).get("/company/?export=csv")  # an entry of kind "export"
    links_on(admin, "/audit/")
    rows = csv_rows(admin.get("/audit/?kind=export&export=csv"))
    assert [r["Kind"] for r in rows] == ["Export"]
    assert rows[0]["By (e-mail)"] == "viewer@acme.test"
    assert rows[0]["What"].startswith("Objectives and key results of the whole organisation")
    assert signed_in(plan.lead).get("/audit/?export=csv").status_code == 403
    assert AuditEntry.objects.filter(kind="export", actor=plan.admin).exists()
