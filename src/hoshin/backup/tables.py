"""Which tables a backup holds: every table in the app registry except the few listed here
with the reason they are left out. Found through the registry, so a model added to any
app is backed up without anyone remembering to add it."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model

# Worth nothing after a restore, or harmful in it: the old server's log-in sessions (people
# log in again), the task queue (the scheduler queues whatever is due again; jobs are
# idempotent) and the failed log-ins counted for throttling.
TRANSIENT = frozenset({
    "sessions.session",
    "django_tasks_database.dbtaskresult",
    "web.loginattempt",
})

# Made by `migrate` in every database, each with ids of its own; a backed-up row that points
# at one (a group's permissions, an admin log entry) carries its natural key instead.
REBUILT_BY_MIGRATE = frozenset({
    "contenttypes.contenttype",
    "auth.permission",
})


def label(model: type[Model]) -> str:
    return model._meta.label_lower


def backed_up_models() -> list[type[Model]]:
    """Every table with rows of its own (many-to-many link tables included, proxies and
    unmanaged models not), in registry order."""
    return [model for model in apps.get_models(include_auto_created=True)
            if not model._meta.proxy and model._meta.managed
            and label(model) not in TRANSIENT and label(model) not in REBUILT_BY_MIGRATE]


def columns(model: type[Model]) -> list:
    """The model's own columns: a table's row, nothing joined from elsewhere."""
    return list(model._meta.local_concrete_fields)


def by_natural_key(field) -> bool:
    """Whether a column points at a row `migrate` rebuilds, so it is written by natural key."""
    return (field.is_relation and field.related_model is not None
            and label(field.related_model) in REBUILT_BY_MIGRATE)
