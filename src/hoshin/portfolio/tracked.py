"""Tracked work on the portfolio's rows: what an app above the portfolio knows of each
initiative's progress elsewhere (trackers: "3/7 done, 2 in progress" from Jira, Asana or
GitHub), without the portfolio importing that app.

The app registers a provider in its `AppConfig.ready()`, as okrs's badges are registered
(okrs/badges.py):

    tracked.register("trackers", tracked_work)

A provider takes the ids of a page's initiatives and answers, in one query whatever their
number, the tracked work of each (by initiative id). The portfolio page asks every
provider once; an initiative nobody tracks shows nothing. A provider that counts work
items also gives the counts (`total`, `done`, `in_progress`), which the API, the CLI and
the export carry as figures (`counts_of`): a label is for people, a number for programs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TrackedWork:
    label: str  # what the row says: "3/7 done, 2 in progress"
    url: str  # where the work is shown item by item
    message: str = ""  # the label's title: where it was read, a failing sync
    failing: bool = False  # the last reading failed; the label holds the last good one
    # The work items counted (None: the provider counts none); done and in progress are
    # parts of total, the rest is to do.
    total: int | None = None
    done: int = 0
    in_progress: int = 0


Provider = Callable[[Sequence[int]], dict[int, list[TrackedWork]]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register (or replace, by name) a provider of tracked work."""
    _providers[name] = provider


def registered() -> list[str]:
    return list(_providers)


def work_of(initiative_ids: Iterable[int]) -> dict[int, list[TrackedWork]]:
    """Each initiative's tracked work, by id: one call per provider, in the order they
    registered; nothing is asked for no initiative."""
    ids = sorted(set(initiative_ids))
    out: dict[int, list[TrackedWork]] = {}
    if not ids:
        return out
    for provider in _providers.values():
        for pk, found in provider(ids).items():
            if found:
                out.setdefault(pk, []).extend(found)
    return out


def counts(works: Sequence[TrackedWork]) -> dict | None:
    """The figures of an initiative's tracked work, every provider's items added up:
    {"done", "in_progress", "to_do", "total", "share_done" (0..1, null before any item is
    read), "failing"}; None when no provider counts any item for it."""
    counted = [w for w in works if w.total is not None]
    if not counted:
        return None
    total = sum(w.total or 0 for w in counted)
    done = sum(w.done for w in counted)
    in_progress = sum(w.in_progress for w in counted)
    return {"done": done, "in_progress": in_progress, "to_do": total - done - in_progress,
            "total": total, "share_done": round(done / total, 4) if total else None,
            "failing": any(w.failing for w in counted)}


def counts_of(initiative_ids: Iterable[int]) -> dict[int, dict | None]:
    """`counts` of each initiative (by id; None for one nobody tracks), asking each
    provider once."""
    ids = sorted(set(initiative_ids))
    work = work_of(ids)
    return {pk: counts(work.get(pk, [])) for pk in ids}
