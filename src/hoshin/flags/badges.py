"""Open flags as badges on key-result rows (okrs/badges.py), registered in apps.py."""

from __future__ import annotations

from collections.abc import Sequence

from hoshin.flags.models import Flag
from hoshin.okrs.badges import Badge


def open_flag_badges(key_results: Sequence) -> dict[int, list[Badge]]:
    """Each key result's open flags, by code, in one query."""
    out: dict[int, list[Badge]] = {}
    for flag in (Flag.objects.filter(key_result__in=[kr.pk for kr in key_results],
                                     cleared_on__isnull=True).order_by("code")):
        out.setdefault(flag.key_result_id, []).append(
            Badge(flag.get_code_display(), flag.message, flag.raised_on))
    return out
