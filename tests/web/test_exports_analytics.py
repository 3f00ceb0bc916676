"""The analytics page's tables as files: each table by name, with the page's scope."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from hoshin.analytics import services
from hoshin.audit.models import AuditEntry
from hoshin.core import clock
from hoshin.okrs.models import KeyResult
from hoshin.org import services as org
from tests.analytics.test_analytics import _history
from tests.api.conftest import ApiClient


def test_each_analytics_table_exports_by_name(plan):
    client = Client()
    client.force_login(plan.office)
    expected = {"regularity": ["Checked in", "Key results (n)", "Reached", "Share reached %",
                               "90% interval low %", "90% interval high %", "Mean grade"],
                "calibration": ["Confidence", "Check-ins (n)", "Reached", "Share reached %"],
                "forecasts": ["Key result id", "Key result", "Unit", "Quarter",
                              "Forecast grade", "80% interval low", "80% interval high",
                              "Own trend", "Check-ins (n)", "Similar (n)", "Their mean grade",
                              "As of"],
                "trends": ["Quarter", "Objectives", "Key results", "Orphan objectives",
                           "Output key results", "Reviews held",
                           "Reviews that decided something", "Trade-offs"]}
    for table, header in expected.items():
        response = client.get(f"/analytics/?unit=sales&export=csv&table={table}")
        assert response.status_code == 200, table
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="hoshin-analytics-{table}-sales-')
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == header
    assert AuditEntry.objects.filter(kind="export", what__startswith="Analytics: ").count() == 4
    # Without ?export the page renders as before.
    assert client.get("/analytics/?unit=sales").status_code == 200


# The files hold the figures the page and the API show --------------------------------------


def xlsx_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_each_analytics_table_as_excel_holds_the_apis_figures(plan):
    """The graded history of tests/analytics (KR1 checked in weekly at confidence 8 and
    reached; KR3 twice, at 9 then 6, and missed), the forecasts stored a month into the
    quarter, and the trends counted: each table's Excel file has the API's figures, row
    for row."""
    q = plan.quarter
    kr1, kr3 = KeyResult.objects.get(key="KR1"), KeyResult.objects.get(key="KR3")
    with clock.at(q.end):
        _history(q, kr1, kr3)
    services.refresh_trends(None)
    client = Client()
    client.force_login(plan.office)
    api = ApiClient(org.create_token(None, plan.office))

    regularity = xlsx_rows(client.get("/analytics/?export=xlsx&table=regularity"))
    bands = api.get("/analytics/regularity").json()["bands"]
    assert [r["Checked in"] for r in regularity] == [b["label"] for b in bands]
    for row, band in zip(regularity, bands, strict=True):
        assert (row["Key results (n)"] or 0, row["Reached"] or 0) == (band["n"], band["reached"])
        if band["n"]:
            # The API rounds shares to 4 places (0.7302), the file keeps every digit.
            assert row["Share reached %"] == pytest.approx(100 * band["reached_share"],
                                                           abs=0.01)
            assert row["90% interval low %"] == pytest.approx(100 * band["interval"][0],
                                                              abs=0.01)
            assert row["90% interval high %"] == pytest.approx(100 * band["interval"][1],
                                                               abs=0.01)
            assert row["Mean grade"] == pytest.approx(band["mean_grade"], abs=0.0001)
    # Two graded key results: KR1 reached in the top band, KR3 missed in a lower one.
    assert sum(r["Key results (n)"] or 0 for r in regularity) == 2
    assert regularity[-1]["Reached"] == 1 and regularity[-1]["Mean grade"] == 1.0

    calibration = xlsx_rows(client.get("/analytics/?export=xlsx&table=calibration"))
    bins = api.get("/analytics/calibration").json()["bins"]
    assert [(r["Confidence"], r["Check-ins (n)"] or 0, r["Reached"] or 0) for r in calibration] \
        == [(b["confidence"], b["n"], b["hits"]) for b in bins]
    by_confidence = {r["Confidence"]: r for r in calibration}
    assert (by_confidence[9]["Check-ins (n)"], by_confidence[9]["Reached"]) == (1, 0)
    assert (by_confidence[6]["Check-ins (n)"], by_confidence[6]["Reached"]) == (1, 0)
    assert by_confidence[8]["Share reached %"] == 100

    # The forecasts of the quarter's key results a month in, as the nightly job stores them.
    assert services.refresh_forecasts(None, today=q.start + dt.timedelta(days=30)) > 0
    forecasts = xlsx_rows(client.get("/analytics/?export=xlsx&table=forecasts"))
    expected = api.get("/analytics/forecast", limit=500).json()["items"]
    assert expected and "KR1" in [f["key_result"] for f in expected]
    assert [(r["Key result id"], r["Quarter"], r["Check-ins (n)"], r["Similar (n)"])
            for r in forecasts] == [(f["key_result"], f["cycle"], f["checkins"], f["similar"])
                                    for f in expected]
    for row, f in zip(forecasts, expected, strict=True):
        assert row["Forecast grade"] == pytest.approx(f["grade"], abs=0.0001)
        assert (row["80% interval low"], row["80% interval high"]) == (
            pytest.approx(f["low"], abs=0.0001), pytest.approx(f["high"], abs=0.0001))
        # The API's ISO text becomes a date cell (a datetime as openpyxl reads it back).
        assert isinstance(row["As of"], dt.datetime)
        assert row["As of"].date().isoformat() == f["as_of"][:10]

    trends = xlsx_rows(client.get("/analytics/?export=xlsx&table=trends"))
    quarters = api.get("/analytics/trends").json()["quarters"]
    assert [(r["Quarter"], r["Objectives"], r["Key results"], r["Orphan objectives"] or 0,
             r["Output key results"] or 0, r["Reviews held"] or 0, r["Trade-offs"] or 0)
            for r in trends] == [(t["cycle"], t["objectives"], t["key_results"],
                                  t["orphan_objectives"], t["output_key_results"],
                                  t["reviews_held"], t["trade_offs"]) for t in quarters]
    assert (trends[0]["Quarter"], trends[0]["Objectives"], trends[0]["Key results"]) == (
        q.key, 2, 3)
