"""The strategy's elements: the kinds the strategy page lists and edits, their forms (add,
edit, archive and restore), the vision's form, and what every element's own page shows
(the pages themselves compose OKRs under the element: web.strategy.elements)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hoshin.core.errors import DomainError
from hoshin.org import permissions
from hoshin.org.decorators import domain_errors_as_http, forbid_viewers, require
from hoshin.org.models import Organization
from hoshin.strategy import forms, services
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    ImprovementPriority,
    Metric,
    Vision,
)
from hoshin.strategy.views.history import item_history
from hoshin.strategy.views.years import selected_year


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


def can_edit(user) -> bool:
    return permissions.can_edit_strategy(user)


def detail_context(request, item, spec: Kind) -> dict:
    """What every element's own page shows besides its links: the element and its history."""
    return {"nav": "strategy", "item": item, "kind": spec, "can_edit": can_edit(request.user),
            "history": item_history(item)}


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
    require(can_edit(request.user), "Only the strategy office and admins edit the strategy.")
    item = get_object_or_404(spec.model, key=key) if key else None
    org = Organization.current()
    year = selected_year(request, org)
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
    require(can_edit(request.user), "Only the strategy office and admins edit the vision.")
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
    require(can_edit(request.user), "Only the strategy office and admins archive items.")
    item = get_object_or_404(spec.model, key=key)
    if request.POST.get("restore"):
        services.restore(request.user, item)
        messages.success(request, f"Restored {spec.label} {item.key}.")
    else:
        services.archive(request.user, item)
        messages.success(request, f"Archived {spec.label} {item.key}. It stays in the history "
                                  "and can be restored below.")
    year = getattr(item, "year", None) or selected_year(request, Organization.current())
    return redirect(f"{reverse('strategy:overview')}?year={year}#{spec.anchor}")

