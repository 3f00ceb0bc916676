"""The strategy page: vision, breakthroughs, annual objectives, improvement priorities and
metrics on one page, their forms, the correlation and resource grids, and a page for each
breakthrough, annual objective and improvement priority."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hoshin.core.errors import DomainError
from hoshin.core.history_view import HistoryRow, LinkWords, history_rows, link_rows
from hoshin.engine.numbers import number
from hoshin.engine.rollup import rollup
from hoshin.okrs.models import KeyResult, Objective, Theme
from hoshin.okrs.progress import key_result_states
from hoshin.okrs.rows import STATUS_LABELS
from hoshin.org import permissions
from hoshin.org.models import Organization, Person, Unit
from hoshin.strategy import forms, services, xmatrix
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
    Metric,
    MetricActual,
    MetricCorrelation,
    PriorityCorrelation,
    Resource,
    ResourceRole,
    Strength,
    Vision,
)
from hoshin.strategy.views import _year, _years
from hoshin.org.decorators import domain_errors_as_http, forbid_viewers, require

MARKS = {"strong": "●", "important": "○", "weak": "△"}
STRENGTH_CHOICES = [("", "–")] + [(s.value, s.label) for s in Strength]
ROLE_CHOICES = [("", "–")] + [(r.value, r.label) for r in ResourceRole]


@dataclass(frozen=True)
class Kind:
    """One kind of item the strategy page lists and edits."""

    slug: str
    model: type
    form: type
    save: object
    label: str
    anchor: str
    detail: str | None  # url name of its own page
    fields: tuple[str, ...]


KINDS = {
    "breakthroughs": Kind("breakthroughs", Breakthrough, forms.BreakthroughForm,
                          services.save_breakthrough, "breakthrough objective", "breakthroughs",
                          "strategy:breakthrough", ("title", "description", "horizon", "owner")),
    "annual": Kind("annual", AnnualObjective, forms.AnnualObjectiveForm,
                   services.save_annual_objective, "annual objective", "annual",
                   "strategy:annual", ("year", "title", "description", "owner")),
    "priorities": Kind("priorities", ImprovementPriority, forms.PriorityForm,
                       services.save_improvement_priority, "improvement priority", "priorities",
                       "strategy:priority", ("year", "unit", "title", "description")),
    "metrics": Kind("metrics", Metric, forms.MetricForm, services.save_metric, "metric",
                    "metrics", "strategy:metric",
                    ("title", "unit", "direction", "baseline", "target", "owner")),
}


def _can_edit(user) -> bool:
    return permissions.can_edit_strategy(user)


def _latest_actuals(metric_ids) -> dict[int, MetricActual]:
    latest: dict[int, MetricActual] = {}
    for row in (MetricActual.objects.filter(metric_id__in=metric_ids, actual__isnull=False)
                .order_by("metric_id", "period")):
        latest[row.metric_id] = row
    return latest


def _resources_by_priority(priority_ids) -> dict[int, list[Resource]]:
    out: dict[int, list[Resource]] = defaultdict(list)
    order = {ResourceRole.PRIMARY: 0, ResourceRole.SECONDARY: 1, ResourceRole.ROTATING: 2}
    for res in (Resource.objects.filter(priority_id__in=priority_ids)
                .select_related("person", "unit")):
        out[res.priority_id].append(res)
    for items in out.values():
        items.sort(key=lambda r: (order.get(r.role, 9), _holder_name(r)))
    return out


def _holder_name(res: Resource) -> str:
    return res.person.name if res.person_id else res.unit.name


# The page ---------------------------------------------------------------------------


@login_required
def overview(request):
    org = Organization.current()
    year = _year(request, org)
    vision = Vision.objects.filter(pk=1).first()
    breakthroughs = list(Breakthrough.objects.filter(archived_at__isnull=True)
                         .select_related("owner"))
    annuals = list(AnnualObjective.objects.filter(year=year, archived_at__isnull=True)
                   .select_related("owner"))
    priorities = list(ImprovementPriority.objects.filter(year=year, archived_at__isnull=True)
                      .select_related("unit"))
    resources = _resources_by_priority([p.pk for p in priorities])
    metrics = list(Metric.objects.filter(archived_at__isnull=True).select_related("owner"))
    latest = _latest_actuals([m.pk for m in metrics])
    metric_rows = [{"metric": m, "baseline": number(m.baseline, empty="–"),
                    "target": number(m.target, empty="–"), "latest": latest.get(m.pk)}
                   for m in metrics]
    can_edit = _can_edit(request.user)
    archived = []
    if can_edit:
        for kind in KINDS.values():
            qs = kind.model.objects.filter(archived_at__isnull=False)
            if kind.model in (AnnualObjective, ImprovementPriority):
                qs = qs.filter(year=year)
            archived += [{"kind": kind, "item": item} for item in qs.order_by("key")[:50]]
    return render(request, "strategy/strategy.html", {
        "nav": "strategy", "year": year, "years": _years(year), "vision": vision,
        "breakthroughs": breakthroughs, "annuals": annuals,
        "priorities": [{"priority": p, "resources": resources.get(p.pk, [])}
                       for p in priorities],
        "metric_rows": metric_rows, "can_edit": can_edit, "archived": archived,
        "grids": GRID_TITLES,
        "vision_history": item_history(vision, limit=10) if vision else [],
    })


# Forms ------------------------------------------------------------------------------


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request) -> bool:
    """Where to go after saving, when the form was opened from an item's own page."""
    target = request.GET.get("next", "")
    return target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def _initial(kind: Kind, item) -> dict:
    data = {}
    for name in kind.fields:
        value = getattr(item, name)
        if name == "owner":
            value = value.email if value else ""
        elif name == "unit" and kind.model is ImprovementPriority:
            value = item.unit.key
        data[name] = value
    return data


@login_required
@forbid_viewers
@domain_errors_as_http
def edit_item(request, kind: str, key: str | None = None):
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404("unknown kind of item")
    require(_can_edit(request.user), "Only the strategy office and admins edit the strategy.")
    item = get_object_or_404(spec.model, key=key) if key else None
    org = Organization.current()
    year = _year(request, org)
    if request.method == "POST":
        form = spec.form(request.POST, creating=item is None)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in spec.fields}
            if "owner" in data:
                data["owner"] = data["owner"] or None
            if item is None:
                data["key"] = form.cleaned_data.get("key") or None
            try:
                saved = spec.save(request.user, item, **data)
            except DomainError as exc:
                if exc.status_code in (403, 404) and not any(e.field in form.fields
                                                             for e in exc.errors):
                    raise
                form.add_domain_error(exc)
            else:
                verb = "Added" if item is None else "Saved"
                messages.success(request, f"{verb} {spec.label} {saved.key}.")
                back_year = getattr(saved, "year", year)
                url = f"{reverse('strategy:overview')}?year={back_year}#{spec.anchor}"
                if _safe_next(request):
                    url = request.GET["next"]
                if _is_htmx(request):
                    # A full page load, so every list, count and flag shows the change.
                    response = HttpResponse(status=200)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
    else:
        initial = _initial(spec, item) if item else {"year": year}
        if item is None and spec.model is ImprovementPriority and request.GET.get("unit"):
            initial["unit"] = request.GET["unit"]
        form = spec.form(initial=initial, creating=item is None)
    template = "strategy/strategy_form.html"
    if _is_htmx(request):
        template = "strategy/strategy_form_fields.html"
        # The form appears in the middle of the page: take the keyboard there.
        wrong = [name for name in form.fields if name in form.errors]
        form.fields[(wrong or list(form.fields))[0]].widget.attrs["autofocus"] = True
    return render(request, template, {
        "nav": "strategy", "form": form, "kind": spec, "item": item, "year": year,
        "action": request.get_full_path(),
        "cancel": request.GET["next"] if _safe_next(request) else None,
    })


@login_required
@forbid_viewers
@domain_errors_as_http
def edit_vision(request):
    require(_can_edit(request.user), "Only the strategy office and admins edit the vision.")
    vision = Vision.objects.filter(pk=1).first()
    if request.method == "POST":
        form = forms.VisionForm(request.POST)
        if form.is_valid():
            try:
                services.set_vision(request.user, **form.cleaned_data)
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                for error in exc.errors:
                    form.add_error(error.field if error.field in form.fields else None,
                                   error.message)
            else:
                messages.success(request, "Saved the vision.")
                return redirect(reverse("strategy:overview") + "#vision")
    else:
        form = forms.VisionForm(initial={
            "statement": vision.statement, "horizon": vision.horizon,
            "customer_ideal": vision.customer_ideal} if vision else None)
    return render(request, "strategy/strategy_vision_form.html", {
        "nav": "strategy", "form": form})


@login_required
@require_POST
@forbid_viewers
@domain_errors_as_http
def archive_item(request, kind: str, key: str):
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404("unknown kind of item")
    require(_can_edit(request.user), "Only the strategy office and admins archive items.")
    item = get_object_or_404(spec.model, key=key)
    if request.POST.get("restore"):
        services.restore(request.user, item)
        messages.success(request, f"Restored {spec.label} {item.key}.")
    else:
        services.archive(request.user, item)
        messages.success(request, f"Archived {spec.label} {item.key}. It stays in the history "
                                  "and can be restored below.")
    year = getattr(item, "year", None) or _year(request, Organization.current())
    return redirect(f"{reverse('strategy:overview')}?year={year}#{spec.anchor}")


# Grids ------------------------------------------------------------------------------

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
    year = _year(request, org)
    rows, cols = _grid_axes(grid, year)
    model, row_field, _, col_field, _ = services.GRIDS[grid]
    current = {(getattr(link, f"{row_field}_id"), getattr(link, f"{col_field}_id")): link.strength
               for link in model.objects.filter(**{f"{row_field}__in": rows,
                                                   f"{col_field}__in": cols})}
    values = {(r.key, c.key): current.get((r.pk, c.pk), "") for r in rows for c in cols}
    can_edit = _can_edit(request.user)
    cell_errors, axis_errors, other_errors = {}, {}, []
    if request.method == "POST":
        require(can_edit, "Only the strategy office and admins edit correlations.")
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
        "years": _years(year), "rows": table,
        "cols": [{"item": c, "error": axis_errors.get(f"column.{c.key}")} for c in cols],
        "row_label": {"breakthrough-annual": "Breakthrough", "annual-priority": "Annual objective",
                      "priority-metric": "Improvement priority"}[grid],
        "choices": STRENGTH_CHOICES, "can_edit": can_edit, "errors": other_errors,
        "has_errors": bool(cell_errors or axis_errors or other_errors), "grids": GRID_TITLES,
    }, status=400 if cell_errors or axis_errors or other_errors else 200)


def _resource_grid(request):
    org = Organization.current()
    year = _year(request, org)
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
    can_edit = _can_edit(request.user)
    col_keys = [p.key for p in priorities]
    values = dict(current)
    cell_errors, axis_errors, other_errors = {}, {}, []
    new_holder, new_values = "", {}
    if request.method == "POST":
        require(can_edit, "Only the strategy office and admins edit resources.")
        holders = list(people) + list(units)
        cells = _posted_cells(request.POST, holders, col_keys)
        new_holder = request.POST.get("new_holder", "").strip()
        new_values = {c: request.POST.get(f"new:{c}", "").strip() for c in col_keys}
        if new_holder:
            holder = new_holder.lower() if "@" in new_holder else new_holder
            cells.update({(holder, c): v for c, v in new_values.items()
                          if v or (holder, c) in current})
        elif any(new_values.values()):
            other_errors.append("Name the person (email) or unit (id) of the new row.")
        try:
            if other_errors:
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
    holder_rows = (sorted(((k, p.name, "person") for k, p in people.items()),
                          key=lambda h: h[1].lower())
                   + sorted(((k, u.name, "unit") for k, u in units.items()),
                            key=lambda h: h[1].lower()))
    table = []
    for i, (key, name, kind) in enumerate(holder_rows):
        roles = [values.get((key, c), "") for c in col_keys]
        load = sum(1 for r in roles if r)
        primary = roles.count(ResourceRole.PRIMARY)
        table.append({
            "key": key, "name": name, "kind": kind, "load": load, "primary": primary,
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
    new_error = axis_errors.get(f"holder.{new_holder.lower() if '@' in new_holder else new_holder}")
    has_errors = bool(cell_errors or axis_errors or other_errors)
    return render(request, "strategy/strategy_resources.html", {
        "nav": "strategy", "grid": "resources", "title": GRID_TITLES["resources"],
        "year": year, "years": _years(year), "rows": table, "cols": cols,
        "choices": ROLE_CHOICES, "can_edit": can_edit, "errors": other_errors,
        "has_errors": has_errors, "new_holder": new_holder,
        "new_cells": [{"col": p, "value": new_values.get(p.key, ""), "id": f"new-{j}"}
                      for j, p in enumerate(priorities)],
        "new_error": new_error if new_holder else None,
        "overload_total": xmatrix.OVERLOAD_TOTAL, "overload_primary": xmatrix.OVERLOAD_PRIMARY,
        "grids": GRID_TITLES,
    }, status=400 if has_errors else 200)


# Change history in words ---------------------------------------------------------------

# Plan elements whose history the detail pages show, and which of their links:
# (link model, the field naming this item, the field(s) naming the other end, value).
LINKS = {
    Breakthrough: [(BreakthroughCorrelation, "breakthrough", ("annual_objective",), "strength")],
    AnnualObjective: [(BreakthroughCorrelation, "annual_objective", ("breakthrough",), "strength"),
                      (PriorityCorrelation, "annual_objective", ("priority",), "strength")],
    ImprovementPriority: [(PriorityCorrelation, "priority", ("annual_objective",), "strength"),
                          (MetricCorrelation, "priority", ("metric",), "strength"),
                          (Resource, "priority", ("person", "unit"), "role")],
}
RESOURCE_WORDS = LinkWords(added="Added {other} as {value_lower} resource",
                           removed="Removed {other} from the resources",
                           changed="{other}: role {old} → {new}")


def item_history(item, limit: int = 50) -> list[HistoryRow]:
    """The item's changes and its links' changes, newest first, in words people read
    (core/history_view.py): field labels, old → new, who and when."""
    model = type(item)
    rows = history_rows(model.history.filter(id=item.pk), limit=limit)
    for link_model, own_field, ends, value in LINKS.get(model, []):
        rows += link_rows(link_model.history.filter(**{f"{own_field}_id": item.pk}),
                          ends=ends, value=value,
                          words=RESOURCE_WORDS if link_model is Resource else LinkWords())
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows[:limit]


# Detail pages -------------------------------------------------------------------------


def _objectives_serving(q_objs) -> list[dict]:
    """The quarterly objectives matching the filter, grouped by cycle (newest first), each
    with progress and status rolled up from its key results."""
    objectives = list(Objective.objects.filter(q_objs, archived_at__isnull=True)
                      .select_related("unit", "cycle").order_by("-cycle__start", "unit__name",
                                                                "key").distinct())
    krs = KeyResult.objects.filter(objective__in=[o.pk for o in objectives],
                                   archived_at__isnull=True)
    states = key_result_states(krs) if objectives else {}
    by_objective: dict[int, list] = defaultdict(list)
    for kr_id, objective_id, weight in krs.values_list("id", "objective_id", "weight"):
        state = states.get(kr_id)
        if state is not None:
            by_objective[objective_id].append((weight, state.progress, state.status))
    cycles: dict[int, dict] = {}
    for o in objectives:
        progress, status = rollup(by_objective[o.pk])
        status = str(status)
        pct = None if progress is None else round(progress * 100)
        group = cycles.setdefault(o.cycle_id, {"cycle": o.cycle, "objectives": []})
        group["objectives"].append({"objective": o, "status": status,
                                    "status_label": STATUS_LABELS.get(status, status),
                                    "pct": pct, "bar": max(0, min(100, pct or 0))})
    return list(cycles.values())


def _links(qs, other: str) -> list[dict]:
    return [{"item": getattr(link, other), "strength": link.strength,
             "mark": MARKS.get(link.strength, ""), "label": link.get_strength_display()}
            for link in qs.select_related(other)]


def _metric_links(priority_ids) -> list[dict]:
    links = list(MetricCorrelation.objects.filter(priority_id__in=priority_ids,
                                                  metric__archived_at__isnull=True)
                 .select_related("metric", "priority").order_by("metric__key", "priority__key"))
    latest = _latest_actuals({link.metric_id for link in links})
    return [{"item": link.metric, "via": link.priority, "strength": link.strength,
             "mark": MARKS.get(link.strength, ""), "label": link.get_strength_display(),
             "baseline": number(link.metric.baseline, empty="–"),
             "target": number(link.metric.target, empty="–"),
             "latest": latest.get(link.metric_id)} for link in links]


def _detail_context(request, item, spec: Kind) -> dict:
    return {"nav": "strategy", "item": item, "kind": spec, "can_edit": _can_edit(request.user),
            "history": item_history(item)}


@login_required
def breakthrough_page(request, key: str):
    item = get_object_or_404(Breakthrough.objects.select_related("owner"), key=key)
    annual_links = _links(BreakthroughCorrelation.objects.filter(breakthrough=item)
                          .order_by("-annual_objective__year", "annual_objective__key"),
                          "annual_objective")
    annual_ids = [link["item"].pk for link in annual_links]
    priority_ids = list(PriorityCorrelation.objects.filter(annual_objective_id__in=annual_ids)
                        .values_list("priority_id", flat=True))
    theme_ids = Theme.annual_objectives.through.objects.filter(
        annualobjective_id__in=annual_ids).values_list("theme_id", flat=True)
    serving = _objectives_serving(Q(parent_annual_id__in=annual_ids)
                                  | Q(parent_priority_id__in=priority_ids)
                                  | Q(parent_theme_id__in=list(theme_ids)))
    context = _detail_context(request, item, KINDS["breakthroughs"])
    context.update(annual_links=annual_links, serving=serving,
                   metric_links=_metric_links(priority_ids))
    return render(request, "strategy/breakthrough.html", context)


@login_required
def annual_page(request, key: str):
    item = get_object_or_404(AnnualObjective.objects.select_related("owner"), key=key)
    breakthrough_links = _links(BreakthroughCorrelation.objects.filter(annual_objective=item)
                                .order_by("breakthrough__key"), "breakthrough")
    priority_links = _links(PriorityCorrelation.objects.filter(annual_objective=item)
                            .order_by("priority__key"), "priority")
    priority_ids = [link["item"].pk for link in priority_links]
    resources = _resources_by_priority(priority_ids)
    for link in priority_links:
        link["resources"] = resources.get(link["item"].pk, [])
    theme_ids = list(Theme.annual_objectives.through.objects.filter(
        annualobjective_id=item.pk).values_list("theme_id", flat=True))
    serving = _objectives_serving(Q(parent_annual=item) | Q(parent_priority_id__in=priority_ids)
                                  | Q(parent_theme_id__in=theme_ids))
    context = _detail_context(request, item, KINDS["annual"])
    context.update(breakthrough_links=breakthrough_links, priority_links=priority_links,
                   serving=serving, metric_links=_metric_links(priority_ids))
    return render(request, "strategy/annual.html", context)


@login_required
def priority_page(request, key: str):
    item = get_object_or_404(ImprovementPriority.objects.select_related("unit"), key=key)
    annual_links = _links(PriorityCorrelation.objects.filter(priority=item)
                          .order_by("annual_objective__key"), "annual_objective")
    context = _detail_context(request, item, KINDS["priorities"])
    resources = _resources_by_priority([item.pk]).get(item.pk, [])
    context.update(annual_links=annual_links, resources=resources,
                   has_primary=any(r.role == ResourceRole.PRIMARY for r in resources),
                   metric_links=_metric_links([item.pk]),
                   serving=_objectives_serving(Q(parent_priority=item)))
    return render(request, "strategy/priority.html", context)
