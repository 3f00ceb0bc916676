"""Catchball pages: my inbox, a thread with its answer forms, proposing, and the strategy
office's overview and planning calendar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from hoshin.catchball import services
from hoshin.catchball.forms import (
    CommentForm,
    DeadlineForm,
    DelegateForm,
    ProposeForm,
    RespondForm,
    ReviseForm,
    show_errors,
)
from hoshin.catchball.models import Catchball, PlanningDeadline, Side
from hoshin.core import clock
from hoshin.core.errors import DomainError
from hoshin.okrs.models import Cycle, Objective
from hoshin.org import permissions
from hoshin.org.models import Person, Role, Unit
from hoshin.strategy.models import AnnualObjective, ImprovementPriority
from hoshin.org.decorators import domain_errors_as_http, forbid_viewers, role_required

OFFICE = (Role.ADMIN, Role.STRATEGY_OFFICE)
# The propose form suggests this many elements of each kind; any id can be typed.
SUGGESTIONS = 300


def _today(request):
    return clock.today()


def element_url(thread_or_element) -> str:
    element = getattr(thread_or_element, "element", thread_or_element)
    if isinstance(element, Objective):
        return reverse("okrs:objective", args=[element.key])
    if element.__class__.__name__ == "KeyResult":
        return reverse("okrs:key_result", args=[element.key])
    if isinstance(element, ImprovementPriority):
        return reverse("strategy:priority", args=[element.key])
    return reverse("strategy:annual", args=[element.key])


@login_required
def inbox(request):
    today = _today(request)
    user = request.user
    return render(request, "catchball/inbox.html", {
        "nav": "catchball", "today": today,
        "awaiting": services.awaiting_answer(user, today),
        "waiting": services.waiting_on_others(user, today),
        "closed": services.recently_closed(user),
        "can_propose": not user.role == Role.VIEWER and (
            permissions.can_edit_strategy(user) or user.led_units.exists()),
        "is_office": permissions.can_edit_strategy(user),
    })


@login_required
@role_required(*OFFICE)
def overview(request):
    today = _today(request)
    return render(request, "catchball/overview.html", {
        "nav": "catchball", "today": today, "units": services.overview(today),
        "deadlines": PlanningDeadline.objects.select_related("cycle")
        .filter(cycle__archived_at__isnull=True).exclude(cycle__state=Cycle.State.CLOSED),
    })


@login_required
@role_required(*OFFICE)
def calendar(request):
    cycles = list(Cycle.objects.filter(archived_at__isnull=True)
                  .exclude(state=Cycle.State.CLOSED))
    form = DeadlineForm(request.POST or None, cycles=cycles,
                        whats=PlanningDeadline.What.choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_deadline(request.user, **form.cleaned_data)
        except DomainError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Deadline saved.")
            return redirect("catchball:calendar")
    return render(request, "catchball/calendar.html", {
        "nav": "catchball", "form": form,
        "deadlines": PlanningDeadline.objects.select_related("cycle")
        .filter(cycle__in=cycles),
    })


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
                delegate=data["delegate"] or None, today=_today(request))
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


ACTIONS = ("respond", "revise", "accept", "withdraw", "delegate")


def _forms(thread: Catchball, version: dict, data=None, action: str = ""):
    """The answer forms, the one posted bound to its data."""
    def bound(name):
        return data if action == name else None

    other_units = list(Unit.objects.filter(archived_at__isnull=True)
                       .exclude(pk=thread.unit_id).order_by("name"))
    start = {"title": version["title"], "target": version["target"],
             "description": version["description"]}
    people = (Person.objects.filter(is_active=True, units=thread.unit)
              .exclude(role=Role.VIEWER).order_by("name"))
    return {
        "respond": RespondForm(bound("respond"), initial=start, units=other_units,
                               prefix="respond"),
        "revise": ReviseForm(bound("revise"), initial={**start,
                                                       "respond_by": thread.respond_by},
                             prefix="revise"),
        "accept": CommentForm(bound("accept"), prefix="accept"),
        "withdraw": CommentForm(bound("withdraw"), prefix="withdraw"),
        "delegate": DelegateForm(bound("delegate"), people=people, prefix="delegate",
                                 initial={"person": thread.delegate.email
                                          if thread.delegate_id else ""}),
    }


def _act(request, thread: Catchball, action: str, form, version: dict):
    data = form.cleaned_data
    user = request.user
    if action == "respond":
        services.respond(user, thread, contribution=data["contribution"],
                         needs_people=data["needs_people"], needs_budget=data["needs_budget"],
                         needs_time=data["needs_time"], help_from=data["help_from"],
                         conflicts=data["conflicts"], comment=data["comment"],
                         **_version_change(data, version))
        return "Your answer was sent."
    if action == "revise":
        services.revise(user, thread, comment=data["comment"], respond_by=data["respond_by"],
                        today=_today(request), **_version_change(data, version))
        return "Your revision was sent."
    if action == "accept":
        services.accept(user, thread, comment=data["comment"])
        return "Agreed: the element is locked into the plan with the agreed version."
    if action == "withdraw":
        services.withdraw(user, thread, comment=data["comment"])
        return "The proposal was withdrawn."
    services.delegate(user, thread, person=data["person"])
    return "Delegation saved."


def _version_change(data: dict, version: dict) -> dict:
    """Only what the form changed: an untouched empty field keeps the version's value."""
    change = {}
    if data["title"].strip() and data["title"].strip() != version["title"]:
        change["title"] = data["title"]
    if data["target"] != version["target"]:
        change["target"] = data["target"]
    if data["description"].replace("\r\n", "\n") != (version["description"] or ""):
        change["description"] = data["description"].replace("\r\n", "\n")
    return change


@login_required
@forbid_viewers
@domain_errors_as_http
def thread(request, pk: int):
    thread = services.get_thread(pk)
    rounds = services.thread_rounds(thread)
    version = rounds[-1]["version"]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in ACTIONS:
        raise HttpPermissionDenied("Unknown action.")
    allowed = services.allowed_actions(request.user, thread)
    if action and action not in allowed:
        raise HttpPermissionDenied("You cannot do this on this thread now.")
    forms = _forms(thread, version, request.POST if action else None, action)
    if action:
        form = forms[action]
        if form.is_valid():
            try:
                note = _act(request, thread, action, form, version)
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                show_errors(form, exc, {"element": None})
            else:
                messages.success(request, note)
                return redirect("catchball:thread", pk=thread.pk)
    today = _today(request)
    agree_by = services.deadline(thread.cycle, PlanningDeadline.What.AGREEMENT)
    return render(request, "catchball/thread.html", {
        "nav": "catchball", "thread": thread, "element": thread.element,
        "element_label": services.ELEMENT_LABELS[thread.element_kind],
        "element_url": element_url(thread), "rounds": rounds, "version": version,
        "version_target": rounds[-1]["target"], "forms": forms, "allowed": allowed,
        "posted": action, "overdue": thread.is_overdue(today), "agree_by": agree_by,
        "my_turn": thread.state == "open" and thread.waiting_on in services.sides_of(
            request.user, thread),
        "waiting_side": "unit" if thread.waiting_on == Side.UNIT else "proposer",
    }, status=400 if action else 200)
