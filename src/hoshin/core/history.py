"""Who made a change, for the history of every record.

simple-history finds the user from the web request by default. Services also run from
the CLI, the importer and scheduled jobs, where there is no request, so each service
records its actor for the length of the operation and the history asks for it first.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

_actor: contextvars.ContextVar = contextvars.ContextVar("hoshin_actor", default=None)

F = TypeVar("F", bound=Callable)


def history_user(instance=None, request=None, **kwargs):
    actor = _actor.get()
    if actor is not None:
        return actor
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def History(**kwargs) -> HistoricalRecords:
    """HistoricalRecords that credit the acting person of the running service."""
    return HistoricalRecords(get_user=history_user, **kwargs)


def bulk_create(model, objs) -> list:
    """Insert `objs` at once with one history row each, dated by the clock and credited to
    the acting person, as saving them one by one would (a plain bulk_create leaves no
    history, so the plan as of a date would miss them)."""
    from simple_history.utils import bulk_create_with_history

    from hoshin.core import clock

    return bulk_create_with_history(list(objs), model, default_user=_actor.get(),
                                    default_date=clock.now())


@receiver(pre_create_historical_record)
def date_by_the_clock(sender, instance, history_instance, **kwargs):
    """A change is dated by the injectable clock (hoshin.core.clock), not the system's, so a
    simulated week's changes are dated in that week and "the plan as of a date" reads them
    there. With no clock set the two agree; an explicit `_history_date` still wins."""
    from hoshin.core import clock

    if clock.is_set() and getattr(instance, "_history_date", None) is None:
        history_instance.history_date = clock.now()


def service(func: F) -> F:
    """A domain operation: one transaction, run on behalf of its first argument, the actor
    (None for the system), who is credited in the history of everything it changes."""

    @functools.wraps(func)
    def wrapper(actor, *args, **kwargs):
        token = _actor.set(actor)
        try:
            with transaction.atomic():
                return func(actor, *args, **kwargs)
        finally:
            _actor.reset(token)

    return wrapper


@receiver(pre_create_historical_record)
def note_on_behalf(sender, instance, history_instance, **kwargs):
    """A change made with an API token someone else made for the acting person (an admin's
    token for a colleague) says so: the history credits the token's person, and its change
    reason adds "X on behalf of Y" (set on the request by hoshin.audit.services)."""
    request = getattr(HistoricalRecords.context, "request", None)
    note = getattr(request, "hoshin_on_behalf", None)
    if note:
        reason = history_instance.history_change_reason
        history_instance.history_change_reason = f"{reason} ({note})" if reason else note

