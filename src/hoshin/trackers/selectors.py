"""Reads for pages: the badges on key-result rows (one per initiative linked to work)."""

from __future__ import annotations

from collections.abc import Sequence

from hoshin.okrs.badges import Badge
from hoshin.trackers.models import TrackerLink
from hoshin.trackers.progress import Progress, combine


def tracker_badges(key_results: Sequence) -> dict[int, list[Badge]]:
    """For each key result, one badge per initiative with linked work: "I3 4/7 done"
    (one query whatever the number of key results)."""
    ids = [kr.pk for kr in key_results]
    per_initiative: dict[int, tuple] = {}
    for row in (TrackerLink.objects.filter(initiative__key_result_id__in=ids,
                                           initiative__archived_at__isnull=True)
                .select_related("initiative").order_by("initiative__key", "kind", "ref")):
        initiative = row.initiative
        found = per_initiative.setdefault(initiative.pk, (initiative, [], []))
        found[1].append(row.progress)
        found[2].append(row)
    out: dict[int, list[Badge]] = {}
    for initiative, parts, rows in per_initiative.values():
        progress = combine(parts)
        out.setdefault(initiative.key_result_id, []).append(
            Badge(label=badge_label(initiative.key, progress),
                  message=badge_message(initiative, progress, rows)))
    return out


def badge_label(key: str, progress: Progress) -> str:
    if not progress.total:
        return f"{key} not synced"
    return f"{key} {progress.done}/{progress.total} done"


def badge_message(initiative, progress: Progress, rows) -> str:
    where = ", ".join(f"{r.get_kind_display()} {r.ref}" for r in rows[:5])
    failing = [r for r in rows if r.failing]
    text = f"{initiative.title}: {progress.words()} ({where})"
    if failing:
        text += f"; the last sync of {len(failing)} link(s) failed, the figures are the last read"
    return text
