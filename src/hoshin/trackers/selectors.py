"""Reads for pages: the badges on key-result rows (one per initiative linked to work) and
the tracked work on the portfolio's rows."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from hoshin.okrs.badges import Badge
from hoshin.portfolio.tracked import TrackedWork
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


def portfolio_work(initiative_ids: Sequence[int]) -> dict[int, list[TrackedWork]]:
    """Each initiative's progress from its linked work, for the portfolio's rows: "3/7
    done, 2 in progress", linking to its work page (one query whatever the number)."""
    per_initiative: dict[int, list] = {}
    for row in (TrackerLink.objects.filter(initiative_id__in=list(initiative_ids))
                .values("initiative_id", "initiative__key", "kind", "ref", "total", "done",
                        "in_progress", "failures").order_by("initiative_id", "kind", "ref")):
        per_initiative.setdefault(row["initiative_id"], []).append(row)
    out: dict[int, list[TrackedWork]] = {}
    for pk, rows in per_initiative.items():
        progress = combine(Progress(r["total"], r["done"], r["in_progress"]) for r in rows)
        failing = sum(1 for r in rows if r["failures"])
        where = ", ".join(f"{r['kind']} {r['ref']}" for r in rows[:5])
        message = f"{progress.words()} ({where})"
        if failing:
            message += (f"; the last sync of {failing} link(s) failed, the figures are the "
                        "last read")
        out[pk] = [TrackedWork(label=portfolio_label(progress),
                               url=reverse("trackers:initiative",
                                           args=[rows[0]["initiative__key"]]),
                               message=message, failing=bool(failing),
                               total=progress.total, done=progress.done,
                               in_progress=progress.in_progress)]
    return out


def portfolio_label(progress: Progress) -> str:
    """"3/7 done, 2 in progress"; "not synced yet" before the first good reading."""
    if not progress.total:
        return "work not synced yet"
    return f"{progress.done}/{progress.total} done, {progress.in_progress} in progress"
