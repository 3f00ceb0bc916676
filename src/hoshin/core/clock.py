"""The one place the current date and time come from.

Every service, view and job asks `clock.today()` / `clock.now()` instead of the system
clock, so a test or a simulation can run a whole year through the services by setting the
clock (`with clock.at(date(2026, 10, 5)): ...`): a check-in recorded in a simulated week
is judged in that week, its reminders and flags fall in that week, and the history is
dated then. Outside such a block the clock is the real one (timezone-aware, in the
configured TIME_ZONE).

`at()` sets the clock for the running context only (a context variable): the thread, or
the task, that entered the block. A test that drives a live server sets it for every
thread of the process with `everywhere()`, since the server answers in threads of its own.
Model defaults (`default=clock.now`, `clock.today`) and `auto_now` stamps
(core.models.ClockDateTimeField) read it too, so rows made in a simulated week are dated
in that week.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_fixed: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "hoshin_clock", default=None)
# Set by `everywhere()` for every thread of the process (tests of a live server only).
_everywhere: dt.datetime | None = None


def _set() -> dt.datetime | None:
    fixed = _fixed.get()
    return fixed if fixed is not None else _everywhere


def now() -> dt.datetime:
    """The current moment: the set clock's, else the system's."""
    fixed = _set()
    return fixed if fixed is not None else timezone.now()


def today() -> dt.date:
    """The current date in the configured time zone."""
    fixed = _set()
    if fixed is None:
        return timezone.localdate()
    return timezone.localtime(fixed).date()


def _moment(when: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(when, dt.datetime):
        return when if timezone.is_aware(when) else timezone.make_aware(when)
    # A bare date is taken as nine in the morning of that day, local time: the hour
    # reminders and check-ins happen, and safely inside the day in every time zone.
    return timezone.make_aware(dt.datetime.combine(when, dt.time(9, 0)))


@contextlib.contextmanager
def at(when: dt.date | dt.datetime) -> Iterator[dt.datetime]:
    """Run the block as if it were `when` (a date means 09:00 local time that day)."""
    token = _fixed.set(_moment(when))
    try:
        yield _fixed.get()
    finally:
        _fixed.reset(token)


@contextlib.contextmanager
def everywhere(when: dt.date | dt.datetime) -> Iterator[dt.datetime]:
    """Run the block as if it were `when` in every thread of this process, not only in
    this one: for a test whose live server answers requests in threads of its own, where
    `at()` does not reach. An `at()` block still wins inside it. Process-wide state, so
    for tests and simulations only, one at a time; never in the running app."""
    global _everywhere
    previous = _everywhere
    _everywhere = _moment(when)
    try:
        yield _everywhere
    finally:
        _everywhere = previous


def is_set() -> bool:
    return _set() is not None
