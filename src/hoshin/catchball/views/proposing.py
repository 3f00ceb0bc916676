"""Proposing a plan element to a unit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from hoshin.catchball import services
from hoshin.catchball.forms import ProposeForm, show_errors
from hoshin.catchball.views.common import today_for
from hoshin.core.errors import DomainError
from hoshin.okrs.models import Cycle, Objective
from hoshin.org import permissions
from hoshin.org.decorators import domain_errors_as_http, forbid_viewers
from hoshin.org.models import Unit
from hoshin.strategy.models import AnnualObjective, ImprovementPriority

# The propose form suggests this many elements of each kind; any id can be typed.
SUGGESTIONS = 300


def _suggestions() -> list[tuple[str, str]]:
    years = set(Cycle.objects.filter(kind=Cycle.Kind.YEAR).exclude(state=Cycle.State.CLOSED)
                .values_list("start__year", flat=True))
    rows = []
    for model in (AnnualObjective, ImprovementPriority):
        query = model.objects.filter(archived_at__isnull=True)
        if years:
            query = query.filter(year__gte=min(years) - 1)
        rows += list(query.values_list("key", "title")[:SUGGESTIONS])
    rows += list(Objective.objects.filter(archived_at__isnull=True)
                 .exclude(cycle__state=Cycle.State.CLOSED)
                 .values_list("key", "title")[:SUGGESTIONS])
    return rows


@login_required
@forbid_viewers
@domain_errors_as_http
def propose(request):
    if request.method == "POST":
        # Rights before the form: whoever may propose nothing gets a 403, not its errors.
        permissions.require(services.can_propose_at_all(request.user), "propose in catchball")
    units = list(Unit.objects.filter(archived_at__isnull=True).order_by("name"))
    initial = {}
    element = None
    key = request.GET.get("element") or request.POST.get("element")
    if key:
        try:
            element = services.find_element(key)
        except DomainError:
            element = None
    if request.method == "GET" and element is not None:
        version = services.current_version(element)
        initial = {"element": element.key, "title": version["title"],
                   "target": version["target"], "description": version["description"]}
    if request.GET.get("unit"):
        initial["unit"] = request.GET["unit"]
    form = ProposeForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.propose(
                request.user, element=data["element"], unit=data["unit"],
                # An empty field keeps what the element says now.
                title=data["title"] or None, description=data["description"] or None,
                target=data["target"] if data["target"] is not None else services.UNCHANGED,
                comment=data["comment"], respond_by=data["respond_by"],
                delegate=data["delegate"] or None, today=today_for(request))
        except DomainError as exc:
            if exc.status_code == 403:
                form.add_error(None, exc.detail)
            else:
                show_errors(form, exc)
        else:
            messages.success(request, f"Proposed {thread.element_key} to {thread.unit.name}.")
            return redirect("catchball:thread", pk=thread.pk)
    return render(request, "catchball/propose.html", {
        "nav": "catchball", "form": form, "element": element,
        "element_label": services.ELEMENT_LABELS[services.element_field(element)]
        if element is not None else "",
        "suggestions": _suggestions(),
    })
