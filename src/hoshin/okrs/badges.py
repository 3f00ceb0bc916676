"""Badges on key-result rows: marks that an app above okrs puts on the key results it
cares about (flags: "Blocked", "Behind pace"), without okrs importing that app.

The app registers a provider in its `AppConfig.ready()`, as gates are registered
(core/gates.py):

    badges.register("flags", open_flag_badges, css="flag", heading="At risk",
                    label="At-risk flags")

A provider takes the key results of a page and answers, in one query whatever their
number, the badges of each (by key result id). The row presenter (okrs/rows.py) asks every
provider once per page; each row then shows its badges next to its status, and the key
result's own page lists them under the provider's heading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Badge:
    label: str  # what the badge says: "Blocked"
    message: str = ""  # why, in a sentence (the badge's title; the key result's page)
    since: dt.date | None = None


Provider = Callable[[Sequence[Any]], dict[int, list[Badge]]]


@dataclass(frozen=True)
class BadgeKind:
    name: str  # the provider's name, also the class of its section on the key result page
    provider: Provider
    css: str  # the class of each badge, after "badge"
    heading: str  # the heading over the badges on the key result's page
    label: str  # that section's accessible name


@dataclass(frozen=True)
class BadgeGroup:
    """The badges one provider gives one key result."""

    kind: BadgeKind
    badges: list[Badge] = field(default_factory=list)


_kinds: dict[str, BadgeKind] = {}


def register(name: str, provider: Provider, *, css: str, heading: str, label: str) -> None:
    """Register (or replace, by name) a provider of badges."""
    _kinds[name] = BadgeKind(name, provider, css, heading, label)


def registered() -> list[str]:
    return list(_kinds)


def badges_for(key_results: Sequence[Any]) -> dict[int, list[BadgeGroup]]:
    """Each key result's badges, by id: one group per provider that gave it any, in the
    order the providers registered."""
    out: dict[int, list[BadgeGroup]] = {}
    if not key_results:
        return out
    for kind in _kinds.values():
        for pk, found in kind.provider(key_results).items():
            if found:
                out.setdefault(pk, []).append(BadgeGroup(kind, list(found)))
    return out
