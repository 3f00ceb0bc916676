"""Accounts: log in (throttled), log out, password change and password reset by email;
in demo mode, one-click log-in as the demo's personas.

Django's own auth views do the work; these subclasses add the throttle and make reset
links point at HOSHIN_BASE_URL rather than whatever Host header the request carried.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.db.models import Count, F, Max, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hoshin.core import clock
from hoshin.okrs.models import KeyResult, Objective
from hoshin.okrs.rows import DUE_AFTER
from hoshin.okrs.selectors import active_quarters
from hoshin.org import services as org_services
from hoshin.org.models import Person, Role
from hoshin.web import throttle, twofactor


def _reset_timeout_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only a database the demo loader marked: a real organisation's people are never
        # listed to someone who has not logged in.
        context["personas"] = demo_personas() if org_services.is_demo() else []
        # A refused log-in puts the form (and its message) first; otherwise the demo's
        # personas come first, the form below them.
        form = context.get("form")
        context["failed"] = bool(context.get("lockout") or (form is not None and form.errors))
        return context

    def post(self, request, *args, **kwargs):
        locked = throttle.lockout(request.POST.get("username"), throttle.client_ip(request))
        if locked:
            # Unbound, so the password is not even checked: the lock message is the only news.
            form = self.form_class(request, initial={"username": request.POST.get("username")})
            context = self.get_context_data(form=form, lockout=locked)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(locked.seconds_left)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        person = form.get_user()
        if twofactor.has_two_factor(person):
            # The password was right; the session is logged in only after the code.
            return twofactor.begin(self.request, person, person.backend,
                                   self.get_success_url())
        return super().form_valid(form)


# Our templates carry a hoshin_ prefix: django.contrib.admin ships templates under Django's
# default names (registration/password_change_form.html...) and comes first in
# INSTALLED_APPS, so the defaults would show the admin's pages.


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/hoshin_password_change_form.html"
    # Django keeps the session valid after the change (update_session_auth_hash).
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/hoshin_password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the same "sent" page whether or not the email belongs to someone, so the
    form cannot be used to find out who has an account."""

    success_url = reverse_lazy("password_reset_done")
    template_name = "registration/hoshin_password_reset_form.html"
    email_template_name = "registration/hoshin_password_reset_email.txt"
    subject_template_name = "registration/hoshin_password_reset_subject.txt"

    @property
    def extra_email_context(self):
        return {"base_url": settings.BASE_URL, "site_name": "Hoshin",
                "timeout_hours": _reset_timeout_hours()}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/hoshin_password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(timeout_hours=_reset_timeout_hours(), **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")
    template_name = "registration/hoshin_password_reset_confirm.html"

    def form_valid(self, form):
        # Proving control of the mailbox is enough to lift a lock caused by forgetting.
        throttle.clear_email(self.user.email)
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/hoshin_password_reset_complete.html"


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5 refuses GET), so a link on another site cannot log you out."""


# Demo personas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    slot: str  # office, lead, owner, viewer
    role: str  # what the visitor would be, in the method's words
    person: Person
    sees: str  # what their home shows


def demo_personas(today: dt.date | None = None) -> list[Persona]:
    """One person per role for a visitor to try the demo as, picked from the data the same
    way every time: the first admin (the login `hoshin demo` prints), the unit lead whose
    unit has the most objectives this quarter, the member with the most key results due a
    check-in (the one who checked in last among equals), and the first viewer. A handful of queries, whatever the organisation."""
    today = today or clock.today()
    quarters = list(active_quarters())
    people = Person.objects.filter(is_active=True)
    personas: list[Persona] = []

    office = people.filter(role=Role.ADMIN).order_by("date_joined", "pk").first()
    if office is not None:
        personas.append(Persona(
            "office", "Strategy office", office,
            "The cockpit: progress of every breakthrough and annual objective, what is off "
            "track, at risk or silent, and the decisions waiting."))

    led = (Objective.objects.filter(cycle__in=quarters, archived_at__isnull=True,
                                    unit__archived_at__isnull=True,
                                    unit__lead__role=Role.UNIT_LEAD,
                                    unit__lead__is_active=True)
           .values("unit__lead").annotate(n=Count("id"))
           .order_by("-n", "unit__lead__name", "unit__lead"))
    lead_id = next(iter(led.values_list("unit__lead", flat=True)[:1]), None)
    if lead_id is not None:
        lead = people.get(pk=lead_id)
        units = ", ".join(lead.led_units.filter(archived_at__isnull=True)
                          .order_by("name").values_list("name", flat=True))
        personas.append(Persona(
            "lead", "Unit lead", lead,
            f"Their unit ({units}): its objectives with status, then their own key "
            "results; any catchball proposal awaiting their answer comes first."))

    running = KeyResult.objects.filter(objective__cycle__in=quarters, archived_at__isnull=True,
                                       objective__archived_at__isnull=True,
                                       owner__role=Role.MEMBER, owner__is_active=True)
    due = Q(last_checkin__isnull=True) | Q(last_checkin__date__lte=today - DUE_AFTER)
    # Among equals, the one who checked in last: once the visitor has checked in as the
    # owner nobody may be due any more, and the card should not turn into someone else.
    owners = (running.values("owner")
              .annotate(n=Count("id"), due=Count("id", filter=due),
                        latest=Max("last_checkin__created_at"))
              .order_by("-due", F("latest").desc(nulls_last=True), "-n", "owner__name",
                        "owner"))
    row = next(iter(owners[:1]), None)
    if row is not None:
        owner = people.get(pk=row["owner"])
        n, due_now = row["n"], row["due"]
        if due_now:
            which = ("their key result, due a check-in" if n == 1 else
                     f"{due_now} of their {n} key results due a check-in")
        else:
            which = f"their {n} key result{'s' if n != 1 else ''}"
        personas.append(Persona(
            "owner", "Key-result owner", owner,
            f"Today's check-in first: {which}, in one step on the home page."))

    viewer = people.filter(role=Role.VIEWER).order_by("name", "pk").first()
    if viewer is not None:
        personas.append(Persona(
            "viewer", "Viewer", viewer,
            "The same cockpit, read only: where the plan stands, nothing to edit."))
    return personas


@require_POST
def demo_login(request):
    """Log in as one of the demo's people in one click. Demo mode only (404 otherwise): the
    person is authenticated with the demo password, so someone who changed theirs, or a
    real organisation's people, cannot be entered this way."""
    if not org_services.is_demo():
        raise Http404("not a demo")
    email = (request.POST.get("email") or "").strip()
    person = authenticate(request, username=email, password=org_services.demo_password())
    if person is None:
        messages.error(request, f"{email or 'That person'} no longer logs in with the demo "
                                "password; log in with the form instead.")
        return redirect("login")
    target = request.POST.get("next") or ""
    if twofactor.has_two_factor(person):
        return twofactor.begin(request, person, person.backend, target)
    auth_login(request, person)
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    return redirect(target)
