"""Unit and objective pages, and the objective form (with its key results on one page).
The forms are in okrs/forms.py; the reads the pages share, in okrs/selectors.py."""

from __future__ import annotations

import re
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from hoshin.core import clock, exports
from hoshin.core.errors import DomainError
from hoshin.core.history_view import history_rows
from hoshin.okrs import charts, services
from hoshin.okrs.breadcrumbs import objective_trail, unit_trail
from hoshin.okrs.forms import KeyResultForm, KeyResultFormSet, ObjectiveForm
from hoshin.okrs.models import CheckIn, Cycle, Initiative, KeyResult, Objective, Phase
from hoshin.okrs.rows import KRRow, build_rows, no_forms
from hoshin.okrs.selectors import chains, quarters
from hoshin.org.models import Person, Role, Unit
from hoshin.org.permissions import can_edit_unit_plan
from hoshin.org.decorators import domain_errors_as_http, require


def _pick_cycle(cycles: list[Cycle], key: str | None) -> Cycle | None:
    return (next((c for c in cycles if c.key == key), None)
            or next((c for c in cycles if c.state == Cycle.State.ACTIVE), None)
            or (cycles[0] if cycles else None))


# Unit page ----------------------------------------------------------------------------


# The unit's objectives and key results as a file (?export=csv|xlsx), one row each, with
# the headers the goal-list import reads back (planfile/spreadsheet.py): Type, Id, Parent id.
def _kind_of(row: dict) -> str:
    return row["kr"].kind if row.get("kr") is not None else ""


OKR_COLUMNS = [
    exports.Column("Type", "type"),
    exports.Column("Id", "id"),
    exports.Column("Parent id", "parent"),
    exports.Column("Title", "title"),
    exports.Column("Unit", "unit"),
    exports.Column("Cycle", "cycle"),
    exports.Column("Owner e-mail", "kr.owner.email"),
    exports.Column("Owner name", "kr.owner.name"),
    exports.Column("Kind", _kind_of),
    exports.Column("Start value", "kr.baseline", exports.NUMBER),
    exports.Column("Target value", "kr.target", exports.NUMBER),
    exports.Column("Current value", "row.current", exports.NUMBER),
    exports.Column("Measure", "kr.unit"),
    exports.Column("Progress %", "row.progress_pct", exports.NUMBER),
    exports.Column("Expected %", "row.expected_pct", exports.NUMBER),
    exports.Column("Status", "row.status_label"),
    exports.Column("Last check-in", "row.kr.last_checkin.date", exports.DATE),
    exports.Column("Description", "description"),
]


def _okr_rows(unit: Unit, cycle, rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        o = r["objective"]
        parent = o.parent
        out.append({"type": "objective", "id": o.key, "title": o.title, "unit": unit.key,
                    "cycle": cycle.key, "description": o.description,
                    "parent": getattr(parent, "key", None)})
        for kr_row in r["krs"]:
            out.append({"type": "key result", "id": kr_row.kr.key, "parent": o.key,
                        "title": kr_row.kr.title, "unit": unit.key, "cycle": cycle.key,
                        "kr": kr_row.kr, "row": kr_row, "description": ""})
    return out


@login_required
def unit_page(request, key: str):
    unit = get_object_or_404(Unit.objects.select_related("lead", "parent"), key=key,
                             archived_at__isnull=True)
    cycles = quarters()
    cycle = _pick_cycle(cycles, request.GET.get("cycle"))
    objectives = list(Objective.objects.filter(unit=unit, cycle=cycle, archived_at__isnull=True)
                      .order_by("key")) if cycle else []
    krs = (KeyResult.objects.filter(objective__in=[o.pk for o in objectives],
                                    archived_at__isnull=True).order_by("objective_id", "id"))
    by_objective: dict[int, list[KRRow]] = defaultdict(list)
    kr_rows = build_rows(krs, request.user, forms_for=no_forms) if objectives else []
    for row in kr_rows:
        by_objective[row.kr.objective_id].append(row)
    cards = _small_multiples(kr_rows)
    why = chains(objectives)
    rows = [{"objective": o, "krs": by_objective[o.pk], "chain": why[o.pk],
             "cards": [c for c in cards if c.row.kr.objective_id == o.pk]} for o in objectives]
    if response := exports.respond(request, f"okrs-{unit.key}", OKR_COLUMNS,
                                   lambda: _okr_rows(unit, cycle, rows) if cycle else [],
                                   what=f"Objectives and key results of {unit.name}"):
        return response
    can_edit = bool(cycle) and can_edit_unit_plan(request.user, unit) \
        and cycle.state != Cycle.State.CLOSED
    return render(request, "okrs/unit.html", {
        "unit": unit, "cycle": cycle, "cycles": cycles, "rows": rows, "can_edit": can_edit,
        "crumbs": unit_trail(unit, cycle.key if cycle else None),
        "children": unit.children.filter(archived_at__isnull=True).select_related("lead"),
    })


def _small_multiples(rows: list[KRRow]) -> list[charts.SmallMultiple]:
    """A sparkline card per key result, from one read of all their check-ins."""
    if not rows:
        return []
    readings: dict[int, list[CheckIn]] = defaultdict(list)
    for c in (CheckIn.objects.filter(key_result_id__in=[r.kr.pk for r in rows])
              .only("id", "key_result_id", "date", "value", "steps_done", "confidence",
                    "note")):
        readings[c.key_result_id].append(c)
    return charts.small_multiples(rows, lambda kr: kr.objective.cycle,
                                  lambda kr: readings[kr.pk],
                                  steps_of=lambda kr: list(kr.steps.all()),
                                  today=clock.today())


# Objective page -----------------------------------------------------------------------


def _history(objective: Objective, kr_ids: list[int]) -> list:
    return history_rows(list(Objective.history.filter(id=objective.pk))
                        + list(KeyResult.history.filter(id__in=kr_ids)), limit=50)


@login_required
def objective_page(request, key: str):
    objective = get_object_or_404(Objective.objects.select_related("unit", "cycle", "unit__lead"),
                                  key=key)
    cycle = objective.cycle
    rows = build_rows(KeyResult.objects.filter(objective=objective, archived_at__isnull=True)
                      .order_by("id"), request.user, forms_for=no_forms)
    kr_ids = [row.kr.pk for row in rows]
    readings: dict[int, list[CheckIn]] = defaultdict(list)
    for c in CheckIn.objects.filter(key_result_id__in=kr_ids):
        readings[c.key_result_id].append(c)
    phases: dict[int, list[tuple]] = defaultdict(list)
    for p in Phase.objects.filter(key_result_id__in=kr_ids):
        phases[p.key_result_id].append((p.date, p.target))
    initiatives: dict[int, list[Initiative]] = defaultdict(list)
    for i in (Initiative.objects.filter(key_result_id__in=kr_ids, archived_at__isnull=True)
              .select_related("owner").prefetch_related("links")):
        initiatives[i.key_result_id].append(i)
    today = clock.today()
    for row in rows:
        kr = row.kr
        # The page shows the chart's figures in words under each row (the drawing is the
        # small multiple above, the full burn-up on the key result's page): one size.
        chart = charts.kr_chart(kr, cycle, readings[kr.pk], phases=phases[kr.pk],
                                steps=list(kr.steps.all()), today=today,
                                sizes=charts.SIZES[:1])
        row.extra.update(chart=chart, initiatives=initiatives[kr.pk])
    cards = charts.small_multiples(rows, lambda kr: cycle, lambda kr: readings[kr.pk],
                                   steps_of=lambda kr: list(kr.steps.all()), today=today)
    return render(request, "okrs/objective.html", {
        "objective": objective, "cycle": cycle, "rows": rows, "cards": cards,
        "chain": chains([objective])[objective.pk], "crumbs": objective_trail(objective),
        "history": _history(objective, kr_ids),
        "can_edit": can_edit_unit_plan(request.user, objective.unit)
        and cycle.state != Cycle.State.CLOSED and not objective.archived,
    })


# Objective form -----------------------------------------------------------------------


def _owners(unit: Unit) -> list[tuple[str, str]]:
    people = Person.objects.filter(memberships__unit=unit, is_active=True).exclude(
        role=Role.VIEWER)
    if unit.lead_id:
        people = people | Person.objects.filter(pk=unit.lead_id)
    return [(p.email, p.name) for p in people.distinct().order_by("name")]


def _apply_errors(exc: DomainError, form: ObjectiveForm, rows: list[KeyResultForm]) -> None:
    for err in exc.errors:
        target, name = form, err.field
        if err.field.startswith("key_results["):
            index, _, name = err.field[len("key_results["):].partition("].")
            index = int(index.rstrip("]"))
            target = rows[index] if index < len(rows) else form
        message = err.message
        if m := re.match(r"(steps|phases)\[(\d+)\]", name):  # say which line is wrong
            message = f"line {int(m[2]) + 1}: {message}"
        name = name.split("[")[0]
        target.add_error(name if name in target.fields else None, message)


@login_required
@domain_errors_as_http
def objective_form(request, key: str | None = None):
    objective = None
    if key:
        objective = get_object_or_404(Objective.objects.select_related("unit", "cycle"), key=key,
                                      archived_at__isnull=True)
        unit, cycle = objective.unit, objective.cycle
    else:
        unit = Unit.objects.filter(key=request.GET.get("unit"), archived_at__isnull=True).first()
        if unit is None:
            raise Http404("unknown unit")
        cycle = _pick_cycle(quarters(), request.GET.get("cycle"))
        if cycle is None:
            raise Http404("no quarter to plan")
    require(can_edit_unit_plan(request.user, unit),
            f"You cannot edit the objectives of {unit.name}.")
    existing = list(objective.key_results.filter(archived_at__isnull=True)
                    .select_related("owner").prefetch_related("steps", "phases")
                    .order_by("id")) if objective else []
    owners = _owners(unit)
    owners += [(kr.owner.email, kr.owner.name) for kr in existing
               if kr.owner.email not in {email for email, _ in owners}]
    initial = None
    if objective is not None:
        initial = {"title": objective.title, "description": objective.description,
                   "kind": objective.kind, "parent": objective.parent.key
                   if objective.parent else ""}
    data = request.POST if request.method == "POST" else None
    form = ObjectiveForm(data, initial=initial, cycle=cycle, objective=objective)
    krs = KeyResultFormSet(data, prefix="kr", form_kwargs={"owners": owners},
                           existing=existing)
    if data is not None and form.is_valid() and krs.is_valid():
        by_key = {kr.key: kr for kr in existing}
        filled = [f for f in krs.forms if f.filled]
        rows = [f.service_row(by_key.get(f.existing_key)) for f in filled]
        fields = {"title": form.cleaned_data["title"],
                  "description": form.cleaned_data["description"],
                  "kind": form.cleaned_data["kind"],
                  "parent": form.cleaned_data["parent"] or None}
        try:
            if objective is None:
                saved = services.create_objective_with_key_results(
                    request.user, {"cycle": cycle.key, "unit": unit.key, **fields}, rows)
            else:
                saved = services.update_objective_with_key_results(
                    request.user, objective, fields, rows)
        except DomainError as exc:
            if exc.status_code != 400:
                raise
            _apply_errors(exc, form, filled)
        else:
            return redirect("okrs:objective", key=saved.key)
    return render(request, "okrs/objective_form.html", {
        "form": form, "krs": krs, "unit": unit, "cycle": cycle, "objective": objective,
    })
