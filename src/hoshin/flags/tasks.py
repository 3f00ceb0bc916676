"""Tasks the worker runs for flags (django-tasks, database backend)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def judge_checked_in(key_result_id: int, today: str) -> int:
    """Re-judge one key result after a check-in committed (queued by
    services.judge_after_checkin); returns how many flags were raised."""
    from hoshin.flags.services import evaluate_flags
    from hoshin.okrs.models import KeyResult

    result = evaluate_flags(None, today=dt.date.fromisoformat(today),
                            key_results=KeyResult.objects.filter(pk=key_result_id))
    return len(result.raised)
