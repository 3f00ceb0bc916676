"""HOSHIN_PASSWORD_LOGIN=off: people sign in only through the identity provider.

The log-in page then offers only "Sign in with …" (registration/login.html asks the
`sso` template tags), and this middleware refuses every way a password could be used or
set from the web: posting the log-in form or the admin site's, the password change and
reset pages, and the demo's one-click log-in. Settings also drop the password backend
(AUTHENTICATION_BACKENDS), so no other path checks a password. API tokens are not
passwords and keep working."""

from __future__ import annotations

from django.shortcuts import render

from hoshin.sso import conf

PASSWORD_PAGES = {
    "password_change", "password_change_done", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete", "demo_login", "login_verify",
    "two_factor",
}


class PasswordLoginOff:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if conf.password_login():
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        # The admin site's own log-in form asks for a password even to be shown; ours is
        # shown (with only the provider's button) and refuses a posted password.
        if (name in PASSWORD_PAGES or name == "admin:login"
                or (name == "login" and request.method == "POST")):
            return render(request, "sso/passwords_off.html",
                          {"provider": conf.provider_name(), "sso": conf.enabled()},
                          status=403)
        return None
