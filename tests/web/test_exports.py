"""List pages as CSV and Excel files (hoshin.core.exports): read back with the csv module
and openpyxl as a spreadsheet would; the page's filters and the reader's rights decide the
rows; formulas are never let through; every export is in the audit log."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from hoshin.audit.models import AuditEntry
from hoshin.core import clock
from hoshin.flags.models import Flag
from hoshin.okrs.models import KeyResult, Objective
from hoshin.pdca.models import Countermeasure
from hoshin.planfile import spreadsheet as sheet
from hoshin.planfile.spreadsheet_import import import_goals
from hoshin.reviews import services as reviews

EVIL = '=HYPERLINK("http://evil.test","click")'


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def read_csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf"), "Excel reads UTF-8 only with a byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(response):
    book = load_workbook(io.BytesIO(response.content))
    return book.worksheets[0]


@pytest.fixture
def flags(plan):
    today = clock.today()
    Flag.objects.create(key_result=plan.kr_sales, code="silent", message=EVIL,
                        raised_on=today - dt.timedelta(days=3))
    Flag.objects.create(key_result=plan.kr_sales, code="behind-pace",
                        message="Ünïcode: 12 points behind — €", raised_on=today)
    ops_kr = KeyResult.objects.get(key="KR3")
    Flag.objects.create(key_result=ops_kr, code="silent", message="+1 silent week",
                        raised_on=today)
    return plan


def test_flags_csv_keeps_the_filters_and_escapes_formulas(flags):
    client = signed_in(flags.member)
    page = client.get("/flags/?unit=sales")
    # The links carry the page's filters.
    assert b'href="?unit=sales&amp;export=csv"' in page.content
    assert b'href="?unit=sales&amp;export=xlsx"' in page.content
    response = client.get("/flags/?unit=sales&export=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="hoshin-flags-sales-{clock.today().isoformat()}.csv"')
    rows = read_csv(response)
    assert rows[0] == ["Unit", "Key result id", "Key result", "Owner", "Owner e-mail",
                       "Warning code", "Warning", "Why", "Since"]
    assert len(rows) == 3  # the ops flag is filtered out, as on the page
    by_code = {r[5]: r for r in rows[1:]}
    assert by_code["silent"][7] == "'" + EVIL  # shown as text, never run
    assert by_code["behind-pace"][7] == "Ünïcode: 12 points behind — €"
    assert by_code["silent"][8] == (clock.today() - dt.timedelta(days=3)).isoformat()
    entry = AuditEntry.objects.get(kind="export")
    assert entry.actor == flags.member
    assert entry.what.startswith("Open at-risk flags: 2 rows as CSV (hoshin-flags-sales-")
    assert entry.what.endswith(", unit=sales)")


def test_flags_xlsx_has_dates_as_dates_and_text_never_a_formula(flags):
    response = signed_in(flags.viewer).get("/flags/?export=xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ws = read_xlsx(response)
    assert ws.title == "flags" and ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][-1] == "Since" and len(rows) == 4
    evil = next(r for r in rows if r[5] == "silent" and r[1] == "KR1")
    assert evil[7] == "'" + EVIL
    assert isinstance(evil[8], dt.datetime) and evil[8].date() == (
        clock.today() - dt.timedelta(days=3))
    for cell in ws["H"]:
        assert cell.data_type == "s"  # a string cell: no spreadsheet evaluates it
    plus = next(r for r in rows if r[1] == "KR3")
    assert plus[7] == "'+1 silent week"


def test_unit_okrs_export_numbers_and_read_back_by_the_goal_list_import(plan):
    client = signed_in(plan.office)
    page = client.get(f"/units/sales/?cycle={plan.quarter.key}")
    assert b"export=xlsx" in page.content
    response = client.get(f"/units/sales/?cycle={plan.quarter.key}&export=xlsx")
    ws = read_xlsx(response)
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Type", "Id", "Parent id", "Title")
    kr1 = dict(zip(header, next(r for r in rows if r[1] == "KR1"), strict=True))
    assert (kr1["Start value"], kr1["Target value"], kr1["Measure"]) == (20, 35, "%")
    assert isinstance(kr1["Start value"], (int, float))
    assert kr1["Owner e-mail"] == "member@acme.test" and kr1["Parent id"] == "O1"
    # The file is a goal list the import reads back: the same objective and key results.
    table = sheet.read_table(response.content, "okrs.xlsx")
    mapping = sheet.guess_mapping(table.headers)
    assert {table.headers[i]: f for i, f in mapping.items()}["Owner e-mail"] == "owner"
    before = set(Objective.objects.values_list("pk", flat=True))
    import_goals(plan.office, table, mapping)
    copy = Objective.objects.exclude(pk__in=before).get()
    assert (copy.title, copy.unit.key, copy.parent.key) == (
        "Make installers our best sales channel", "sales", "P1")
    copied = copy.key_results.get(title="Installer-sold units from 20% to 35%")
    assert (copied.kind, copied.baseline, copied.target, copied.unit, copied.owner.email) == (
        "increase", 20, 35, "%", "member@acme.test")
    assert copy.key_results.get(title__startswith="Installer certification").kind == "milestone"


def test_countermeasures_export_what_the_reader_sees(plan):
    Countermeasure.objects.create(key_result=plan.kr_sales, unit=plan.objective.unit,
                                  problem="Installers stall", owner=plan.member,
                                  due=clock.today())
    Countermeasure.objects.create(key_result=KeyResult.objects.get(key="KR3"),
                                  problem="Vans late", owner=plan.other_lead)
    # A member sees their own and their led units' countermeasures: the file too.
    rows = read_csv(signed_in(plan.member).get("/pdca/?export=csv"))
    assert [r[0] for r in rows[1:]] == ["Installers stall"]
    rows = read_csv(signed_in(plan.office).get("/pdca/?export=csv"))
    assert sorted(r[0] for r in rows[1:]) == ["Installers stall", "Vans late"]


def test_reviews_and_decisions_exports(plan):
    reviews.schedule_reviews(None, plan.quarter)
    client = signed_in(plan.lead)
    page = client.get(f"/reviews/?cycle={plan.quarter.key}")
    assert b"table=decisions" in page.content
    rows = read_csv(client.get(f"/reviews/?cycle={plan.quarter.key}&export=csv"))
    assert rows[0][:3] == ["Date", "Week", "Review"] and len(rows) > 1
    assert all(r[0] for r in rows[1:])
    decisions = read_csv(client.get(
        f"/reviews/?cycle={plan.quarter.key}&export=csv&table=decisions"))
    assert decisions[0][:4] == ["Review date", "Review", "Agenda item", "Key result id"]


def test_reviews_and_decisions_as_excel(plan):
    scheduled = reviews.schedule_reviews(None, plan.quarter)
    item = reviews.add_item(plan.office, scheduled[0], title="Installer share is slow",
                            key_result="KR1")
    reviews.decide(plan.office, item, kind="change_target", rationale=EVIL, new_target=32)
    client = signed_in(plan.lead)
    ws = read_xlsx(client.get(f"/reviews/?cycle={plan.quarter.key}&export=xlsx"))
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Date", "Week", "Review")
    # One row per review of the quarter, its date a date and its week a number.
    assert [(r[0].date(), r[1]) for r in rows[1:]] == [(r.date, r.week) for r in scheduled]
    decisions = read_xlsx(client.get(
        f"/reviews/?cycle={plan.quarter.key}&export=xlsx&table=decisions"))
    header, *body = list(decisions.iter_rows(values_only=True))
    assert [dict(zip(header, r, strict=True)) for r in body] == [{
        "Review date": dt.datetime.combine(scheduled[0].date, dt.time()),
        "Review": scheduled[0].get_kind_display(), "Agenda item": "Installer share is slow",
        "Key result id": "KR1", "Decision": "Change the target", "Rationale": "'" + EVIL,
        "New target": 32, "Escalated to": None, "Decided by": plan.office.name,
        "Decided at": body[0][header.index("Decided at")]}]
    assert isinstance(body[0][header.index("Decided at")], dt.datetime)
    # The rationale is text, never a formula.
    cell = decisions.cell(row=2, column=header.index("Rationale") + 1)
    assert cell.data_type == "s"


def test_portfolio_exports_every_open_initiative(plan):
    from hoshin.okrs import services as okrs

    okrs.save_initiative(None, key_result="KR1", title="Installer portal", owner=plan.lead.email,
                         status="in_progress")
    ws = read_xlsx(signed_in(plan.viewer).get("/portfolio/?export=xlsx"))
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Rank", "Initiative id", "Initiative")
    assert [r[2] for r in rows[1:]] == ["Installer portal"]
    assert rows[1][0] is None  # not scored yet: no rank


def test_an_anonymous_request_gets_no_file(flags):
    response = Client().get("/flags/?export=csv")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not AuditEntry.objects.filter(kind="export").exists()


def test_trade_off_register_exports_every_entry_the_filters_keep(plan):
    from hoshin.okrs import services as okrs

    okrs.add_trade_off(None, cycle=plan.quarter.key, title="Pause the partner programme",
                       reason="@capacity: the installers come first", decided_by=plan.office.email,
                       unit="sales", affects=["KR1"], told_units=["ops"])
    okrs.add_trade_off(None, cycle=plan.quarter.key, title="Stop the van pilot",
                       reason="No drivers", decided_by=plan.office.email, unit="ops")
    client = signed_in(plan.member)
    assert b"export=csv" in client.get("/trade-offs/?unit=sales").content
    rows = read_csv(client.get("/trade-offs/?unit=sales&export=csv"))
    header, entry = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2 and header[:4] == ["Entry", "Decided on", "Quarter", "What"]
    assert entry["What"] == "Pause the partner programme"
    assert entry["Why"] == "'@capacity: the installers come first"
    assert (entry["Affects"], entry["Told"], entry["Current"]) == ("KR1", "Operations", "yes")
    ws = read_xlsx(client.get("/trade-offs/?export=xlsx"))
    assert ws.max_row == 3
