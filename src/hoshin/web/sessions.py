"""Session lifetimes: an idle timeout and an absolute one.

A logged-in session ends after ``SESSION_IDLE_TIMEOUT`` seconds without a request (8 hours
by default: a working day away from the screen) and, however active, ``SESSION_COOKIE_AGE``
seconds after the log-in (14 days). Django alone gives neither: its cookie age runs from
the last time the session was saved, so an active session never ended, and an idle one
lasted 14 days.

The time of the last request is written back to the session at most once every few
minutes (``_refresh_every``), not on every request: a page view must not become a database
write. The idle time is therefore measured from a moment up to that much earlier, so a
session ends at most a few minutes before its full idle time, never after it.

Times come from the injectable clock (hoshin.core.clock), so tests move time forward.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from hoshin.core import clock

LOGGED_IN_AT = "hoshin_logged_in_at"
SEEN_AT = "hoshin_seen_at"


def idle_timeout() -> int:
    """Seconds without a request before a session ends; 0 turns the idle timeout off."""
    return int(getattr(settings, "SESSION_IDLE_TIMEOUT", 8 * 60 * 60))


def _refresh_every(idle: int) -> int:
    # A twentieth of the idle time, at most five minutes: 8 h idle → refreshed every 5 min.
    return max(1, min(300, idle // 20))


def _hours(seconds: int) -> str:
    if seconds >= 2 * 86400 and seconds % 86400 == 0:
        return f"{seconds // 86400} days"
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@receiver(user_logged_in, dispatch_uid="hoshin.web.sessions.logged_in")
def _on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = clock.now().timestamp()
    request.session[LOGGED_IN_AT] = now
    request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Logs out a session that was idle too long or began too long ago. Placed after the
    authentication middleware; the page asked for then answers as to anyone logged out
    (the log-in page, with a note saying why, or the API's 401)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        # The session's own data, not request.user: no query for anonymous visitors.
        # SESSION_TIMEOUT_CHECKS is off only in the test suite, whose tests log in and then
        # move the clock months ahead (tests/web/test_sessions.py turns it back on).
        if (session is not None and session.get("_auth_user_id") is not None
                and getattr(settings, "SESSION_TIMEOUT_CHECKS", True)):
            self._check(request, session)
        return self.get_response(request)

    def _check(self, request, session) -> None:
        now = clock.now().timestamp()
        idle = idle_timeout()
        seen = session.get(SEEN_AT)
        logged_in = session.get(LOGGED_IN_AT)
        absolute = int(settings.SESSION_COOKIE_AGE)
        if idle and seen is not None and now - seen > idle:
            self._end(request, f"You were logged out after {_hours(idle)} without activity.")
            return
        if logged_in is not None and now - logged_in > absolute:
            self._end(request, f"You were logged out {_hours(absolute)} after logging in; "
                               "please log in again.")
            return
        if logged_in is None:  # a session from before these checks: its clock starts now
            session[LOGGED_IN_AT] = now
        if seen is None or now - seen >= _refresh_every(idle or absolute):
            session[SEEN_AT] = now

    @staticmethod
    def _end(request, why: str) -> None:
        logout(request)
        if not request.path.startswith("/api/"):
            messages.info(request, why)
