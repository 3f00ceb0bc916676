"""The analytics page's tables as files: each table by name, with the page's scope."""

from __future__ import annotations

import csv
import io

from django.test import Client

from hoshin.audit.models import AuditEntry


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
