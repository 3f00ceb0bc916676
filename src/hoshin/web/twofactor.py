"""Optional two-factor log-in for admins: a code from an authenticator app (TOTP), or one of
ten single-use recovery codes.

An admin turns it on from the account menu (`/account/two-factor/`): scan the QR code,
type one code to prove the app has it, keep the recovery codes shown once. From then on
the log-in page asks for a code after the password (`/login/verify/`); the session is only
logged in once the code is right. Wrong codes count as failed log-ins for the account
(hoshin.web.throttle), so guessing codes locks the account like guessing passwords.

Lost the phone and the codes: another admin deletes the person's devices in the admin site
(Admin › TOTP devices and Static devices), or the operator runs
`hoshin shell -c "from hoshin.web import twofactor; twofactor.reset('ana@acme.test')"`.

django-otp keeps the devices (django_otp.plugins.otp_totp and otp_static) and checks the
codes; a code is accepted once (it refuses a replay) within one 30-second step either side.
"""

from __future__ import annotations

import base64
import secrets

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, login as otp_login, match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoshin.core import clock
from hoshin.org.models import Role
from hoshin.web import throttle

PENDING = "hoshin_2fa_pending"  # the session key holding a half-done log-in
PENDING_SECONDS = 5 * 60
RECOVERY_CODES = 10
ISSUER = "Hoshin"


def may_use(person) -> bool:
    """Two-factor log-in is offered to admins."""
    return getattr(person, "role", None) == Role.ADMIN


def has_two_factor(person) -> bool:
    return user_has_device(person, confirmed=True)


def reset(email: str) -> int:
    """Remove every device of one person (a lost phone with lost codes); returns how many."""
    person = get_user_model().objects.get(email__iexact=email.strip())
    with transaction.atomic():
        removed = 0
        for device in devices_for_user(person, confirmed=None):
            device.delete()
            removed += 1
    return removed


class AdminLoginForm(AdminAuthenticationForm):
    """The admin site's own log-in form, which would log in without the code: it refuses
    people who use two-factor log-in and sends them to the main log-in page."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if has_two_factor(user):
            raise ValidationError("Your account uses two-factor log-in: log in on the main "
                                  "log-in page, then open the admin.", code="two_factor")


# Log-in, second step -------------------------------------------------------------------


def begin(request, person, backend: str, next_url: str) -> HttpResponseRedirect:
    """The password was right and the person has a device: remember who, ask for the code.
    Nothing is logged in yet."""
    request.session.cycle_key()  # a fresh session id for the half-done log-in too
    request.session[PENDING] = {"id": person.pk, "backend": backend, "next": next_url,
                                "at": clock.now().timestamp()}
    return redirect("login_verify")


def _pending_person(request):
    pending = request.session.get(PENDING)
    if not pending or clock.now().timestamp() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    person = get_user_model().objects.filter(pk=pending["id"], is_active=True).first()
    return person, pending


@sensitive_post_parameters("code")
@never_cache
def verify(request):
    person, pending = _pending_person(request)
    if person is None:
        messages.info(request, "Log in again: the code was not entered within 5 minutes.")
        return redirect("login")
    error = None
    status = 200
    if request.method == "POST":
        ip = throttle.client_ip(request)
        locked = throttle.lockout(person.email, ip)
        if locked:
            request.session.pop(PENDING, None)
            response = render(request, "registration/login.html",
                              {"lockout": locked, "failed": True, "form": None}, status=429)
            response["Retry-After"] = str(locked.seconds_left)
            return response
        code = "".join((request.POST.get("code") or "").split()).lower()
        device = match_token(person, code) if code else None
        if device is not None:
            del request.session[PENDING]
            auth_login(request, person, backend=pending["backend"])
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(request, f"You used a recovery code; {left} left. "
                                          "Make new ones on the two-factor page.")
            target = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                target = settings.LOGIN_REDIRECT_URL
            return redirect(target)
        throttle.record_failure(person.email, ip)
        error = "That code is not right (or was already used). Try the newest one."
        status = 400
    return render(request, "registration/hoshin_login_verify.html",
                  {"error": error}, status=status)


# Enrolment ------------------------------------------------------------------------------


def _qr_svg(device: TOTPDevice, person) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    uri = (f"otpauth://totp/{ISSUER}:{person.email}?secret={secret}&issuer={ISSUER}"
           f"&digits={device.digits}&period={device.step}")
    # An inline SVG (no style attribute, no script), so the page's policy allows it.
    return segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your app")


def _new_recovery_codes(person) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=person, name="Recovery codes")
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@login_required
@sensitive_post_parameters("code")
@never_cache
def manage(request):
    """Turn two-factor log-in on (scan, confirm with a code), make new recovery codes, or
    turn it off (with a code)."""
    person = request.user
    if not may_use(person):
        raise PermissionDenied("two-factor log-in is for admins")
    context = {"enabled": has_two_factor(person), "error": None, "codes": None}
    action = request.POST.get("do") if request.method == "POST" else None
    code = "".join((request.POST.get("code") or "").split())
    with transaction.atomic():
        pending = TOTPDevice.objects.filter(user=person, confirmed=False).first()
        if action == "start" and not context["enabled"]:
            TOTPDevice.objects.filter(user=person, confirmed=False).delete()
            pending = TOTPDevice.objects.create(user=person, name="Authenticator app",
                                                confirmed=False)
        elif action == "confirm" and pending is not None:
            if pending.verify_token(code):
                pending.confirmed = True
                pending.save()
                context.update(enabled=True, codes=_new_recovery_codes(person))
                otp_login(request, pending)
                pending = None
                messages.success(request, "Two-factor log-in is on.")
            else:
                context["error"] = "That code is not right; type the one your app shows now."
        elif action == "codes" and context["enabled"]:
            if match_token(person, code) is not None:
                context["codes"] = _new_recovery_codes(person)
            else:
                context["error"] = "That code is not right."
        elif action == "disable" and context["enabled"]:
            if match_token(person, code) is not None:
                for device in devices_for_user(person, confirmed=None):
                    device.delete()
                context["enabled"] = False
                messages.success(request, "Two-factor log-in is off.")
            else:
                context["error"] = "That code is not right."
        if pending is not None and not context["enabled"]:
            context["pending"] = True
            context["qr"] = mark_safe(_qr_svg(pending, person))
            context["secret"] = base64.b32encode(pending.bin_key).decode().rstrip("=")
    status = 400 if context["error"] else 200
    return render(request, "registration/hoshin_two_factor.html", context, status=status)
