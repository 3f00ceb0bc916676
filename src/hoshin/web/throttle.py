"""Login throttling, shared by every server worker through the database.

Locks are by account, so one person's typos, or one busy shared address, never lock the
whole organisation out:

* After ``LOGIN_THROTTLE_EMAIL_LIMIT`` failed log-ins for one email (case-insensitive)
  within ``LOGIN_THROTTLE_WINDOW`` seconds, that account alone is locked, from every
  address, for ``LOGIN_THROTTLE_WINDOW`` seconds after the failure that reached the limit.
* After ``LOGIN_THROTTLE_IP_LIMIT`` failures from one address (many accounts guessed from
  one place, or a shared proxy), that address may no longer try the accounts it already
  failed on; every other account still logs in from it. Guessing from one address across
  many accounts thus gets one try per account per lock, while colleagues behind the same
  proxy log in as usual.

Refused attempts are not recorded, so hammering a locked account does not keep it locked
forever, and the lock ends on its own without an operator (a password reset ends it at
once). Every 429 carries Retry-After (``RetryAfterMiddleware``).

The log-in page checks `lockout()` itself to answer 429 with a clear message; the
authentication backend below enforces the same lock for every other way in (the admin
log-in), and the signal handlers record failures and clear an email's count on success.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from hoshin.core import clock
from hoshin.web.models import LoginAttempt


def _window() -> timedelta:
    return timedelta(seconds=getattr(settings, "LOGIN_THROTTLE_WINDOW", 15 * 60))


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()[:254]


def client_ip(request) -> str:
    if request is None:
        return ""
    if getattr(settings, "LOGIN_THROTTLE_TRUST_FORWARDED", False):
        # Behind one reverse proxy the last hop it appends is the only address it vouches for.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:45]
    return (request.META.get("REMOTE_ADDR") or "")[:45]


@dataclass(frozen=True)
class Lockout:
    until: datetime
    reason: str  # "email" (the account) or "ip" (this account from this address)

    @property
    def seconds_left(self) -> int:
        return max(1, int(-(-(self.until - clock.now()).total_seconds() // 1)))

    @property
    def minutes_left(self) -> int:
        return max(1, int(-(-self.seconds_left // 60)))


def _locked_until(times: list[datetime], limit: int, now: datetime) -> datetime | None:
    """`times` newest first. Locked while some run of `limit` failures that fit in one
    window ended less than a window ago."""
    window = _window()
    for i in range(len(times) - limit + 1):
        newest, oldest = times[i], times[i + limit - 1]
        if newest <= now - window:
            break
        if newest - oldest <= window:
            return newest + window
    return None


def lockout(email: str | None, ip: str, now: datetime | None = None) -> Lockout | None:
    now = now or clock.now()
    # Two windows back covers every run of failures whose lock could still be running.
    since = now - 2 * _window()
    checks = [("email", {"email": normalize_email(email)},
               getattr(settings, "LOGIN_THROTTLE_EMAIL_LIMIT", 5)),
              ("ip", {"ip": ip}, getattr(settings, "LOGIN_THROTTLE_IP_LIMIT", 20))]
    for reason, match, limit in checks:
        if not next(iter(match.values())):
            continue
        times = list(LoginAttempt.objects.filter(at__gt=since, **match)
                     .order_by("-at").values_list("at", flat=True)[: limit * 4])
        until = _locked_until(times, limit, now)
        if until is None:
            continue
        # A noisy address is refused only the accounts it has already failed on (one try
        # each per lock); the others behind it log in.
        if reason == "ip" and not LoginAttempt.objects.filter(
                at__gt=since, ip=ip, email=normalize_email(email)).exists():
            continue
        return Lockout(until=until, reason=reason)
    return None


def record_failure(email: str | None, ip: str) -> None:
    now = clock.now()
    # Keep the table small without a scheduled job: old rows can no longer lock anyone.
    LoginAttempt.objects.filter(at__lt=now - 4 * _window()).delete()
    LoginAttempt.objects.create(email=normalize_email(email), ip=ip, at=now)


def clear_email(email: str | None) -> None:
    LoginAttempt.objects.filter(email=normalize_email(email)).delete()


class ThrottledModelBackend(ModelBackend):
    """The usual email + password check, refused while the email or address is locked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and lockout(username, client_ip(request)):
            request._hoshin_throttled = True
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed, dispatch_uid="hoshin.web.throttle.failed")
def _on_failure(sender, credentials, request=None, **kwargs):
    if request is None or getattr(request, "_hoshin_throttled", False):
        return
    record_failure(credentials.get("username"), client_ip(request))


@receiver(user_logged_in, dispatch_uid="hoshin.web.throttle.success")
def _on_success(sender, request, user, **kwargs):
    clear_email(getattr(user, "email", None))


class RetryAfterMiddleware:
    """Every 429, on the web and the API, says when to try again: the view's own
    Retry-After (the log-in lock's seconds left), else ``RETRY_AFTER_DEFAULT`` seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(getattr(settings, "RETRY_AFTER_DEFAULT", 60))
        return response
