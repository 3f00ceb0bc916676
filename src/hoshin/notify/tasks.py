"""Tasks the worker runs (django-tasks, database backend)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

# The periodic jobs are registered when the apps are ready (NotifyConfig.ready discovers
# every app's jobs.py), before the worker runs any task.
from hoshin.notify import outbox, scheduler


@task()
def run_job(name: str, slot: str, now_iso: str) -> bool:
    return scheduler.run_slot(name, slot, dt.datetime.fromisoformat(now_iso))


@task()
def deliver_outbox() -> int:
    return outbox.deliver_pending()
