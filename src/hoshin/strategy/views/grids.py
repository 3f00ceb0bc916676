"""The correlation grids (breakthroughs × annual objectives × priorities × metrics) and the
resource grid (people and units × priorities), each read and saved whole."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from hoshin.core.errors import DomainError
from hoshin.org.decorators import domain_errors_as_http, forbid_viewers, require
from hoshin.org.forms import find_person, person_choices
from hoshin.org.models import Organization, Person, Unit
from hoshin.strategy import services, xmatrix
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    ImprovementPriority,
    Metric,
    Resource,
    ResourceRole,
    Strength,
)
from hoshin.strategy.views.elements import can_edit
from hoshin.strategy.views.links import MARKS
from hoshin.strategy.views.years import plan_years, selected_year

STRENGTH_CHOICES = [("", "–")] + [(s.value, s.label) for s in Strength]
ROLE_CHOICES = [("", "–")] + [(r.value, r.label) for r in ResourceRole]

GRID_TITLES = {
    "breakthrough-annual": "Breakthroughs × annual objectives",
    "annual-priority": "Annual objectives × improvement priorities",
    "priority-metric": "Improvement priorities × metrics",
    "resources": "Resources: people and units × improvement priorities",
}


def _grid_axes(grid: str, year: int) -> tuple[list, list]:
    annuals = list(AnnualObjective.objects.filter(year=year, archived_at__isnull=True))
    priorities = list(ImprovementPriority.objects.filter(year=year, archived_at__isnull=True)
                      .select_related("unit"))
    if grid == "breakthrough-annual":
        return list(Breakthrough.objects.filter(archived_at__isnull=True)), annuals
    if grid == "annual-priority":
        return annuals, priorities
    return priorities, list(Metric.objects.filter(archived_at__isnull=True))


def _cell_name(row_key: str, col_key: str) -> str:
    return f"cell:{row_key}:{col_key}"


def _posted_cells(post, rows_keys, col_keys) -> dict[tuple[str, str], str]:
    cells = {}
    for r in rows_keys:
        for c in col_keys:
            name = _cell_name(r, c)
            if name in post:
                cells[(r, c)] = post[name].strip()
    return cells


def _split_errors(exc: DomainError) -> tuple[dict, dict, list[str]]:
    """Cell errors by (row, column), errors by column or row key, and the rest."""
    cells, axis, other = {}, {}, []
    for error in exc.errors:
        parts = error.field.split(".", 1)
        if parts[0] in ("cell", "resource") and len(parts) == 2:
            cells[error.field] = error.message
        elif parts[0] in ("row", "column", "priority", "holder") and len(parts) == 2:
            axis[error.field] = error.message
        else:
            other.append(str(error))
    return cells, axis, other


@login_required
@forbid_viewers
@domain_errors_as_http
def grid_page(request, grid: str):
    if grid not in GRID_TITLES:
        raise Http404("unknown grid")
    if grid == "resources":
        return _resource_grid(request)
    org = Organization.current()
    year = selected_year(request, org)
    rows, cols = _grid_axes(grid, year)
    model, row_field, _, col_field, _ = services.GRIDS[grid]
    current = {(getattr(link, f"{row_field}_id"), getattr(link, f"{col_field}_id")): link.strength
               for link in model.objects.filter(**{f"{row_field}__in": rows,
                                                   f"{col_field}__in": cols})}
    values = {(r.key, c.key): current.get((r.pk, c.pk), "") for r in rows for c in cols}
    editable = can_edit(request.user)
    cell_errors, axis_errors, other_errors = {}, {}, []
    if request.method == "POST":
        require(editable, "Only the strategy office and admins edit correlations.")
        cells = _posted_cells(request.POST, [r.key for r in rows], [c.key for c in cols])
        try:
            changed = services.save_correlation_grid(request.user, grid, cells)
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            cell_errors, axis_errors, other_errors = _split_errors(exc)
            values.update(cells)
        else:
            messages.success(request, f"Saved the grid: {changed} link{'s' * (changed != 1)} "
                                      "changed.")
            return redirect(f"{request.path}?year={year}")
    table = [{"item": r, "cells": [{
        "col": c, "value": values[(r.key, c.key)], "mark": MARKS.get(values[(r.key, c.key)], ""),
        "name": _cell_name(r.key, c.key), "id": f"c-{i}-{j}",
        "error": cell_errors.get(services.cell_field(r.key, c.key))}
        for j, c in enumerate(cols)], "error": axis_errors.get(f"row.{r.key}")}
        for i, r in enumerate(rows)]
    return render(request, "strategy/strategy_grid.html", {
        "nav": "strategy", "grid": grid, "title": GRID_TITLES[grid], "year": year,
        "years": plan_years(year), "rows": table,
        "cols": [{"item": c, "error": axis_errors.get(f"column.{c.key}")} for c in cols],
        "row_label": {"breakthrough-annual": "Breakthrough", "annual-priority": "Annual objective",
                      "priority-metric": "Improvement priority"}[grid],
        "choices": STRENGTH_CHOICES, "can_edit": editable, "errors": other_errors,
        "has_errors": bool(cell_errors or axis_errors or other_errors), "grids": GRID_TITLES,
    }, status=400 if cell_errors or axis_errors or other_errors else 200)


def _new_holder(text: str, offered) -> tuple[str, str | None]:
    """The new row's holder as the service takes it (a person's email or a unit's id) from
    what was chosen ("unit:<id>", a person's id from the list, or typed without a list),
    and an error when it names nobody."""
    if text.startswith("unit:"):
        return text.removeprefix("unit:"), None
    if "@" in text:  # an address as before: the service says whether it names somebody
        return text.lower(), None
    for choice in offered:
        if text == choice.value:
            return choice.email, None
    if Unit.objects.filter(key=text).exists():
        return text, None
    if offered:
        return "", "Choose the new row's person or unit from the list."
    try:
        return find_person(text), None
    except ValidationError as exc:
        return "", exc.messages[0]


def _resource_grid(request):
    org = Organization.current()
    year = selected_year(request, org)
    priorities = list(ImprovementPriority.objects.filter(year=year, archived_at__isnull=True)
                      .select_related("unit", "unit__lead"))
    current: dict[tuple[str, str], str] = {}
    people: dict[str, Person] = {}
    units: dict[str, Unit] = {}
    for res in Resource.objects.filter(priority__in=priorities).select_related(
            "person", "unit", "priority"):
        if res.person_id:
            people[res.person.email.lower()] = res.person
            current[(res.person.email.lower(), res.priority.key)] = res.role
        else:
            units[res.unit.key] = res.unit
            current[(res.unit.key, res.priority.key)] = res.role
    # Offer the leads and units of the priorities too: they are the likely resources.
    for p in priorities:
        units.setdefault(p.unit.key, p.unit)
        if p.unit.lead_id:
            people.setdefault(p.unit.lead.email.lower(), p.unit.lead)
    editable = can_edit(request.user)
    col_keys = [p.key for p in priorities]
    values = dict(current)
    cell_errors, axis_errors, other_errors = {}, {}, []
    new_holder, new_values, new_key, holder_error = "", {}, "", None
    # The new row's person picked by name (ids as values), or a unit; above 500 people a
    # text box that takes a name, an email or a unit id.
    offered = person_choices() if editable else []
    if request.method == "POST":
        require(editable, "Only the strategy office and admins edit resources.")
        holders = list(people) + list(units)
        cells = _posted_cells(request.POST, holders, col_keys)
        new_holder = request.POST.get("new_holder", "").strip()
        new_values = {c: request.POST.get(f"new:{c}", "").strip() for c in col_keys}
        if new_holder:
            new_key, holder_error = _new_holder(new_holder, offered)  # shown by the box
            cells.update({(new_key, c): v for c, v in new_values.items()
                          if v or (new_key, c) in current})
        elif any(new_values.values()):
            other_errors.append("Choose the person or unit of the new row.")
        try:
            if other_errors or holder_error:
                raise DomainError([])
            changed = services.save_resource_grid(request.user, cells)
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            c_err, a_err, o_err = _split_errors(exc)
            cell_errors, axis_errors = c_err, a_err
            other_errors += o_err
            values.update({k: v for k, v in cells.items() if k[0] in people or k[0] in units})
        else:
            messages.success(request, f"Saved the resources: {changed} assignment"
                                      f"{'s' * (changed != 1)} changed.")
            return redirect(f"{request.path}?year={year}")
    # Each row holds its person or unit, shown by name (a person with the shared chip,
    # never their address: the address is only the row's key in the form).
    holder_rows = (sorted(((k, p.name, "person", p) for k, p in people.items()),
                          key=lambda h: h[1].lower())
                   + sorted(((k, u.name, "unit", u) for k, u in units.items()),
                            key=lambda h: h[1].lower()))
    table = []
    for i, (key, name, kind, holder) in enumerate(holder_rows):
        roles = [values.get((key, c), "") for c in col_keys]
        load = sum(1 for r in roles if r)
        primary = roles.count(ResourceRole.PRIMARY)
        table.append({
            "key": key, "name": name, "kind": kind, "holder": holder, "load": load,
            "primary": primary,
            "overloaded": kind == "person" and (load > xmatrix.OVERLOAD_TOTAL
                                                or primary > xmatrix.OVERLOAD_PRIMARY),
            "error": axis_errors.get(f"holder.{key}"),
            "cells": [{"col": p, "value": values.get((key, p.key), ""),
                       "name": _cell_name(key, p.key), "id": f"r-{i}-{j}",
                       "error": cell_errors.get(services.resource_field(key, p.key))}
                      for j, p in enumerate(priorities)]})
    primaries = {c: sum(1 for (h, p), r in values.items() if p == c and r == "primary")
                 for c in col_keys}
    cols = [{"item": p, "error": axis_errors.get(f"priority.{p.key}"),
             "no_primary": primaries[p.key] == 0} for p in priorities]
    new_error = holder_error or axis_errors.get(f"holder.{new_key}")
    has_errors = bool(cell_errors or axis_errors or other_errors or holder_error)
    return render(request, "strategy/strategy_resources.html", {
        "nav": "strategy", "grid": "resources", "title": GRID_TITLES["resources"],
        "year": year, "years": plan_years(year), "rows": table, "cols": cols,
        "choices": ROLE_CHOICES, "can_edit": editable, "errors": other_errors,
        "has_errors": has_errors, "new_holder": new_holder, "new_people": offered,
        "new_units": Unit.objects.filter(archived_at__isnull=True).order_by("name")
        if offered else (),
        "new_cells": [{"col": p, "value": new_values.get(p.key, ""), "id": f"new-{j}"}
                      for j, p in enumerate(priorities)],
        "new_error": new_error if new_holder else None,
        "overload_total": xmatrix.OVERLOAD_TOTAL, "overload_primary": xmatrix.OVERLOAD_PRIMARY,
        "grids": GRID_TITLES,
    }, status=400 if has_errors else 200)

