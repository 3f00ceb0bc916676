"""The portfolio page's status filter: every initiative of the organisation, whatever its
status (done and stopped ones too, which the ranking leaves out), on the page and as CSV
and Excel files (hoshin.core.exports)."""

from __future__ import annotations

import csv
import io

from django.test import Client
from openpyxl import load_workbook

from hoshin.okrs import services as okrs
from hoshin.okrs.models import Initiative
from hoshin.portfolio import services


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def stopped(plan):
    """The fixture's I2 stopped (cancelled, with its reason), besides open I1, I3 and done I4;
    I1 and I3 ranked by a scoring session (I1 first)."""
    okrs.save_initiative(None, Initiative.objects.get(key="I2"), status="cancelled",
                         reason="No trainer this quarter", decided_by=plan.office.email)
    services.record_scoring_session(None, scores=[
        {"initiative": "I1", "business_value": 8, "time_criticality": 5, "risk_reduction": 3,
         "job_size": 5},
        {"initiative": "I3", "business_value": 1, "time_criticality": 1, "risk_reduction": 1,
         "job_size": 1}], unit=None, participants=[], note="")


def by_key(rows: list[list]) -> dict[str, dict]:
    header = rows[0]
    return {r[header.index("Initiative id")]: dict(zip(header, r, strict=True))
            for r in rows[1:]}


def test_the_export_with_every_status_holds_done_and_stopped_initiatives(initiatives):
    stopped(initiatives)
    client = signed_in(initiatives.viewer)
    body = client.get("/portfolio/?status=all&export=csv").content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    found = by_key(rows)
    assert {k: v["Status"] for k, v in found.items()} == {
        "I1": "In progress", "I2": "Cancelled", "I3": "Blocked", "I4": "Done"}
    assert found["I1"]["Rank"] == "1" and found["I1"]["WSJF"] == "3.2"
    assert found["I3"]["Rank"] == "2" and found["I4"]["Rank"] == "" and found["I4"]["Quarter"] == initiatives.quarter.key
    # Excel: the same rows, numbers as numbers.
    ws = load_workbook(io.BytesIO(client.get("/portfolio/?status=all&export=xlsx").content)
                       ).worksheets[0]
    cells = [list(r) for r in ws.iter_rows(values_only=True)]
    in_excel = by_key(cells)
    assert {k: v["Status"] for k, v in in_excel.items()} == {
        k: v["Status"] for k, v in found.items()}
    assert in_excel["I1"]["Rank"] == 1 and in_excel["I1"]["WSJF"] == 3.2
    assert in_excel["I2"]["Initiative"] == "Certification curriculum"
    # The open portfolio's export still leaves them out.
    open_rows = list(csv.reader(io.StringIO(
        client.get("/portfolio/?export=csv").content.decode("utf-8-sig"), newline="")))
    assert set(by_key(open_rows)) == {"I1", "I3"}


def test_the_page_shows_the_status_filter_and_the_export_follows_it(initiatives):
    stopped(initiatives)
    client = signed_in(initiatives.member)
    page = client.get("/portfolio/").content.decode()
    assert '<option value="all">Every status</option>' in page
    done = client.get("/portfolio/?status=done").content.decode()
    assert "Old routing fix" in done and "Van stock kits" not in done
    assert "status=done&amp;export=xlsx" in done
    ws = load_workbook(io.BytesIO(client.get("/portfolio/?status=cancelled&export=xlsx")
                                  .content)).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert [(v["Initiative id"], v["Status"]) for v in by_key(rows).values()] == [
        ("I2", "Cancelled")]
    # The unit filter keeps its meaning: Operations' subtree only.
    ops = client.get("/portfolio/?status=all&unit=ops&export=csv").content.decode("utf-8-sig")
    assert set(by_key(list(csv.reader(io.StringIO(ops, newline=""))))) == {"I3", "I4"}
    assert client.get("/portfolio/?status=stopped").status_code == 404
