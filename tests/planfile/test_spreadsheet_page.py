"""The web page of the goal-list import: upload, the guessed mapping changed by hand, the
preview (which writes nothing), the import of exactly what was previewed, errors by row and
column, and who may use it."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hoshin.okrs.models import KeyResult, Objective

SAMPLES = Path(__file__).parent / "fixtures" / "spreadsheets"
URL = "/import/goals/"


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_upload_preview_change_the_mapping_then_import(plan, row_counts):
    client = signed_in(plan.office)
    assert client.get(URL).status_code == 200
    before = row_counts()
    source = (b"Goal,Level,Who,Above,From,To\n"
              b"Sign installers,kr,member@acme.test,Grow the channel,3,30\n"
              b"Grow the channel,objective,lead@acme.test,,,\n")
    response = client.post(URL, {"file": SimpleUploadedFile("goals.csv", source),
                                 "cycle": plan.quarter.key, "action": "preview"})
    html = response.content.decode()
    assert response.status_code == 200
    # "Above" and "Who" are not headers the guess knows; without a parent column a key
    # result belongs to the objective above it, and there is none: the preview says so and
    # offers no Import button.
    assert "row 2, column &#x27;Level&#x27;: a key result needs an objective" in html
    assert 'value="import"' not in html
    assert row_counts() == before
    # The person maps "Above" (column 4) to the parent; the file comes back with the form.
    form = {"payload": hidden(html, "payload"), "filename": "goals.csv", "mapped": "1",
            "cycle": plan.quarter.key, "map-0": "title", "map-1": "type", "map-2": "owner",
            "map-3": "parent_row", "map-4": "baseline", "map-5": "target"}
    response = client.post(URL, {**form, "action": "preview"})
    html = response.content.decode()
    assert "Preview: an import would create" in html and 'value="import"' in html
    assert "Sign installers · increase · 3.0 → 30.0 · member@acme.test" in html
    assert row_counts() == before
    response = client.post(URL, {**form, "action": "import"})
    assert response.status_code == 200 and "<h2>Imported</h2>" in response.content.decode()
    kr = KeyResult.objects.get(title="Sign installers")
    assert (kr.objective.title, kr.baseline, kr.target) == ("Grow the channel", 3, 30)


def test_errors_by_row_and_column_and_nothing_stored(plan, row_counts):
    client = signed_in(plan.admin)  # a log-in writes the person's history: count after it
    before = row_counts()
    response = client.post(URL, {
        "file": SimpleUploadedFile("errors.csv", (SAMPLES / "errors.csv").read_bytes()),
        "cycle": plan.quarter.key, "action": "import"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported: 5 errors" in html
    assert "row 3, column &#x27;Target Value&#x27;: not a number: &#x27;lots&#x27;" in html
    assert row_counts() == before


def test_xlsx_upload_and_who_may_use_the_page(plan):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["name", "type", "progress", "owner_email"])
    book.active.append(["Grow", "goal", None, "lead@acme.test"])
    book.active.append(["Sign installers", "milestone", 40, "member@acme.test"])
    data = BytesIO()
    book.save(data)
    response = signed_in(plan.office).post(URL, {
        "file": SimpleUploadedFile("goals.xlsx", data.getvalue()),
        "cycle": plan.quarter.key, "action": "import"})
    assert response.status_code == 200
    assert Objective.objects.filter(title="Grow").exists()
    # Leads, members and viewers are refused, as for every import.
    for person in (plan.lead, plan.member, plan.viewer):
        assert signed_in(person).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302
