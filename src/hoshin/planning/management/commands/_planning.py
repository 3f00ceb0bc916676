"""What the planning verbs share."""

from __future__ import annotations

from django.core.management.base import CommandError


def cycle_or_error(key: str):
    from hoshin.okrs.models import Cycle

    cycle = Cycle.objects.filter(key=key).first()
    if cycle is None:
        known = list(Cycle.objects.filter(archived_at__isnull=True).values_list("key", flat=True))
        hint = f" (cycles: {', '.join(known)})" if known else " (there are no cycles yet)"
        raise CommandError(f'cycle: unknown cycle "{key}"{hint}')
    return cycle


def num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"
