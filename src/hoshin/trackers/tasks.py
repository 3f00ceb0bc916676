"""Tasks the worker runs for trackers (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task


@task()
def sync_links_task(ids: list[int]) -> int:
    """Sync the links a verified webhook call concerned; returns how many synced."""
    from hoshin.trackers import services

    return sum(o.result == "synced" for o in services.sync_links(ids))
