"""Plain data the engine works on. Built by services from the database, by tests by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    STAY_ABOVE = "stay_above"
    STAY_BELOW = "stay_below"
    MILESTONE = "milestone"


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


@dataclass(frozen=True, slots=True)
class Step:
    """One weighted step of a milestone key result."""

    key: str
    weight: float


@dataclass(frozen=True, slots=True)
class Phase:
    """A phased target: the value the key result should have reached by `date`."""

    date: dt.date
    target: float


@dataclass(frozen=True, slots=True)
class CheckInPoint:
    date: dt.date
    value: float | None = None
    confidence: int | None = None
    steps_done: frozenset[str] = frozenset()
    has_blockers: bool = False


@dataclass(frozen=True, slots=True)
class KRSnapshot:
    """What the engine needs to know about one key result.

    `last` is the latest check-in; `checkins` and `in_zone` count all of them (the
    latter only matters for stay_above / stay_below). Services fill these from one
    aggregate query, so the whole tree of a cycle never loads every check-in.
    """

    kind: Kind
    baseline: float | None = None
    target: float | None = None
    weight: float = 1.0
    steps: tuple[Step, ...] = ()
    phases: tuple[Phase, ...] = ()
    last: CheckInPoint | None = None
    checkins: int = 0
    in_zone: int = 0


@dataclass(frozen=True, slots=True)
class StatusPolicy:
    """Thresholds of the status rules; an organisation may tune them."""

    silence_days: int = 14  # no check-in for this long: no_data ("silence is never green")
    at_risk_gap: float = 0.10  # behind expected progress by more than this: at_risk
    off_track_gap: float = 0.25  # behind by more than this: off_track
    low_confidence: int = 5  # latest confidence below this: at best at_risk
    very_low_confidence: int = 3  # below this: off_track
    stay_share_on_track: float = 0.8  # stay_* KRs: share of check-ins in zone to be on track
    no_data_share: float = 0.5  # roll-up: more than this weight silent makes the parent no_data


@dataclass(slots=True)
class Node:
    """A node of the alignment tree. Leaves (key results) carry their own progress and
    status; the engine's roll-up fills inner nodes from their children."""

    id: str
    type: str
    title: str
    weight: float = 1.0
    progress: float | None = None
    status: Status = Status.NO_DATA
    children: list[Node] = field(default_factory=list)
    leaf: bool = False
    extra: dict = field(default_factory=dict)
