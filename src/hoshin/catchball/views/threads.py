"""A thread's page: its rounds, and the answer forms of whoever may act on it now."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from hoshin.catchball import services
from hoshin.catchball.forms import (
    AcceptForm,
    CommentForm,
    DelegateForm,
    RespondForm,
    ReviseForm,
    show_errors,
)
from hoshin.catchball.models import Catchball, PlanningDeadline, Side
from hoshin.catchball.views.common import today_for
from hoshin.core.errors import DomainError
from hoshin.okrs.models import Objective
from hoshin.org.decorators import domain_errors_as_http, forbid_viewers
from hoshin.org.models import Person, Role, Unit
from hoshin.strategy.models import ImprovementPriority

ACTIONS = ("respond", "revise", "accept", "withdraw", "delegate")


def element_url(thread_or_element) -> str:
    element = getattr(thread_or_element, "element", thread_or_element)
    if isinstance(element, Objective):
        return reverse("okrs:objective", args=[element.key])
    if element.__class__.__name__ == "KeyResult":
        return reverse("okrs:key_result", args=[element.key])
    if isinstance(element, ImprovementPriority):
        return reverse("strategy:priority", args=[element.key])
    return reverse("strategy:annual", args=[element.key])


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
        "accept": AcceptForm(bound("accept"), prefix="accept"),
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
                        today=today_for(request), **_version_change(data, version))
        return "Your revision was sent."
    if action == "accept":
        services.accept(user, thread, comment=data["comment"], trade_off=data["trade_off"],
                        trade_off_kind=data["trade_off_kind"] or "paused",
                        trade_off_reason=data["trade_off_reason"])
        return ("Agreed: the element is locked into the plan with the agreed version."
                + (" The trade-off is in the register." if data["trade_off"] else ""))
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
    today = today_for(request)
    agree_by = services.deadline(thread.cycle, PlanningDeadline.What.AGREEMENT)
    return render(request, "catchball/thread.html", {
        "nav": "catchball", "thread": thread, "element": thread.element,
        "element_label": services.ELEMENT_LABELS[thread.element_kind],
        "element_url": element_url(thread), "rounds": rounds, "version": version,
        "forms": forms, "allowed": allowed, "posted": action,
        "overdue": thread.is_overdue(today), "agree_by": agree_by,
        "my_turn": thread.state == "open" and thread.waiting_on in services.sides_of(
            request.user, thread),
        "waiting_side": "unit" if thread.waiting_on == Side.UNIT else "proposer",
    }, status=400 if action else 200)
