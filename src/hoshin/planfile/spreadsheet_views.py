"""Web page of the goal-list import (CSV or .xlsx): upload, check the column mapping the
headers suggest (and change it), preview, then import all or nothing. Strategy office and
admins only, as for every import.

The page keeps no state on the server between its steps: the file travels back with the
form (base64 in a hidden field, at most FILE_LIMIT bytes), so "Import" imports exactly the
file and mapping that were previewed. The preview only reads (planfile.spreadsheet_import
plans without writing), so it never holds the database's write lock.
"""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from hoshin.okrs.models import Cycle
from hoshin.org.decorators import role_required
from hoshin.org.models import Role, Unit
from hoshin.planfile import spreadsheet as sheet
from hoshin.planfile.spreadsheet_import import SpreadsheetImportError, import_goals

FILE_LIMIT = 2 * 1024 * 1024
FIELD_CHOICES = [(sheet.IGNORE, "— not imported —")] + [(k, v) for k, v in sheet.FIELDS.items()]


class GoalListForm(forms.Form):
    file = forms.FileField(label="Goal list (.csv or .xlsx)", required=False,
                           help_text="An export of your OKR tool or a spreadsheet: one row per "
                                     "objective, key result or initiative.")
    cycle = forms.ChoiceField(label="Quarter", required=False,
                              help_text="For every row; left empty, each row's quarter comes "
                                        "from its cycle or due-date column, else the running "
                                        "quarter.")
    unit = forms.ChoiceField(label="Default unit", required=False,
                             help_text="For rows that name no unit; new teams the file names "
                                       "are created under it.")
    owner = forms.EmailField(label="Default key-result owner", required=False,
                             help_text="E-mail of who owns the key results for which the file "
                                       "(and the unit's lead) names nobody.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quarters = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True
                                        ).exclude(state=Cycle.State.CLOSED).order_by("-start")
        self.fields["cycle"].choices = [("", "— from the file —")] + [
            (c.key, f"{c.key} {c.name}".strip()) for c in quarters]
        self.fields["unit"].choices = [("", "— the top unit —")] + [
            (u.key, f"{u.name} ({u.key})")
            for u in Unit.objects.filter(archived_at__isnull=True).order_by("name")]


@login_required
@role_required(Role.ADMIN, Role.STRATEGY_OFFICE)
def goal_list_import_page(request):
    context = {"nav": "import", "field_choices": FIELD_CHOICES}
    if request.method != "POST":
        context["form"] = GoalListForm()
        return render(request, "planfile/spreadsheet_import.html", context)
    form = GoalListForm(request.POST, request.FILES or None)
    context["form"] = form
    if not form.is_valid():
        return render(request, "planfile/spreadsheet_import.html", context, status=400)
    data, filename = _file(request, form)
    if data is None:
        return render(request, "planfile/spreadsheet_import.html", context, status=400)
    try:
        table = sheet.read_table(data, filename)
    except sheet.SpreadsheetError as exc:
        form.add_error("file", str(exc).removeprefix("file: "))
        return render(request, "planfile/spreadsheet_import.html", context, status=400)
    mapping = _mapping(request, table) if request.POST.get("mapped") else \
        sheet.guess_mapping(table.headers)
    options = {"cycle": form.cleaned_data["cycle"] or None,
               "unit": form.cleaned_data["unit"] or None,
               "owner": form.cleaned_data["owner"] or None}
    context.update(filename=filename, payload=base64.b64encode(data).decode("ascii"))
    status = 200
    if request.POST.get("action") == "import":
        context["attempted"] = True
        try:
            report = import_goals(request.user, table, mapping, filename=filename, **options)
        except SpreadsheetImportError as exc:
            report, status = exc.report, 400
        else:
            context["imported"] = True
    else:
        # The preview applies every rule the import would (a dry run writes nothing).
        try:
            report = import_goals(request.user, table, mapping, filename=filename,
                                  dry_run=True, **options)
        except SpreadsheetImportError as exc:
            report = exc.report
    context["report"] = report
    context["columns"] = [dict(col, sample=_samples(table, col["index"]))
                          for col in report.columns()]
    return render(request, "planfile/spreadsheet_import.html", context, status=status)


def _file(request, form) -> tuple[bytes | None, str]:
    upload = form.cleaned_data.get("file")
    if upload:
        if upload.size > FILE_LIMIT:
            form.add_error("file", f"is {upload.size:,} bytes; a goal list may have at most "
                                   f"{FILE_LIMIT:,}")
            return None, ""
        return upload.read(), upload.name
    payload, filename = request.POST.get("payload", ""), request.POST.get("filename", "")
    if not payload:
        form.add_error("file", "choose a file")
        return None, ""
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        form.add_error("file", "the file sent back was damaged; choose it again")
        return None, ""
    if len(data) > FILE_LIMIT:
        form.add_error("file", "is too large")
        return None, ""
    return data, filename[:200] or "goals.csv"


def _mapping(request, table: sheet.Table) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for index in range(len(table.headers)):
        choice = request.POST.get(f"map-{index}", sheet.IGNORE)
        if choice in sheet.FIELDS and choice not in mapping.values():
            mapping[index] = choice
    return mapping


def _samples(table: sheet.Table, index: int) -> str:
    values = [str(row[index]).strip() for row in table.rows[:5]
              if index < len(row) and str(row[index]).strip()]
    text = ", ".join(values[:3])
    return text if len(text) <= 80 else text[:79] + "…"
