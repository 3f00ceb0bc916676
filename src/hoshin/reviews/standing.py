"""Where a review stands, read from its date and what it recorded (pure).

The stored state says what was done to the review (planned, opened to build its agenda,
closed); people ask something else: did this meeting happen and decide? A review is
*held* once it has recorded a decision and its day has come (or it was closed); a review
whose day passed without a single decision was *missed* (closed that way, it was a
status meeting); today's review is *today*; a later one is *planned*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

PLANNED, TODAY, HELD, MISSED = "planned", "today", "held", "missed"
LABELS = {PLANNED: "Planned", TODAY: "Today", HELD: "Held", MISSED: "Missed"}


class Who(NamedTuple):
    """A person who held a review: their name for people, their email for the API."""

    name: str
    email: str


@dataclass(frozen=True)
class Standing:
    code: str
    # Held: when the decisions were taken (or the review closed) and by whom.
    held_on: dt.date | None = None
    people: tuple[Who, ...] = ()
    decisions: int = 0

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def held_by(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.people)

    @property
    def held_by_emails(self) -> list[str]:
        return [p.email for p in self.people]

    @property
    def held_by_text(self) -> str:
        names = list(self.held_by)
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]


def standing(*, date: dt.date, today: dt.date, closed: bool, decisions: int,
             last_decided_on: dt.date | None = None, deciders: tuple[Who, ...] = (),
             closed_on: dt.date | None = None, closed_by: Who | None = None) -> Standing:
    if decisions and (closed or date <= today):
        # A closed review was held when and by whom it was closed; an open one by the
        # people who decided, on the day of its latest decision.
        if closed and closed_on is not None:
            return Standing(HELD, closed_on, (closed_by,) if closed_by else deciders, decisions)
        return Standing(HELD, last_decided_on or date, deciders, decisions)
    if closed or date < today:
        return Standing(MISSED, decisions=0)
    if date == today:
        return Standing(TODAY, decisions=decisions)
    return Standing(PLANNED, decisions=decisions)
