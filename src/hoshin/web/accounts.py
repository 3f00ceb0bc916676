"""Accounts: log in (throttled), log out, password change and password reset by email.

Django's own auth views do the work; these subclasses add the throttle and make reset
links point at HOSHIN_BASE_URL rather than whatever Host header the request carried.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from hoshin.web import throttle


def _reset_timeout_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        locked = throttle.lockout(request.POST.get("username"), throttle.client_ip(request))
        if locked:
            # Unbound, so the password is not even checked: the lock message is the only news.
            form = self.form_class(request, initial={"username": request.POST.get("username")})
            context = self.get_context_data(form=form, lockout=locked)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


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
