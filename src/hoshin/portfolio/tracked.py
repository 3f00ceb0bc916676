"""Tracked work on the portfolio's rows: what an app above the portfolio knows of each
initiative's progress elsewhere (trackers: "3/7 done, 2 in progress" from Jira, Asana or
GitHub), without the portfolio importing that app.

The app registers a provider in its `AppConfig.ready()`, as okrs's badges are registered
(okrs/badges.py):

    tracked.register("trackers", tracked_work)

A provider takes the ids of a page's initiatives and answers, in one query whatever their
number, the tracked work of each (by initiative id). The portfolio page asks every
provider once; an initiative nobody tracks shows nothing.
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
