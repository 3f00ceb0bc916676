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
from simple_history.models import HistoricalRecords

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
