"""Cost of delay and WSJF (SPEC §5), as plain computation: no Django, no database.

Scores are relative, on the scale teams use for estimating (1, 2, 3, 5, 8, 13, 20): within
one scoring session the smallest item of each column is 1 and the others are multiples of
it. That is what makes WSJF comparable across items scored together; an absolute "8"
means nothing.

    cost of delay = business value + time criticality + risk reduction / opportunity enablement
    WSJF          = cost of delay / job size

Ties are broken explicitly, so the ranking never depends on the order rows came out of
the database:
    1. the higher WSJF first;
    2. on equal WSJF, the smaller job first. Equal WSJF means either order costs the same
       delay (doing A first delays B by A's size: CoD_B × size_A = CoD_A × size_B), so the
       shorter job goes first: its result, and what is learned from it, come sooner;
    3. then the initiative's key, alphabetically (a stable, visible last resort).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

SCALE: tuple[int, ...] = (1, 2, 3, 5, 8, 13, 20)
COLUMNS: tuple[str, ...] = ("business_value", "time_criticality", "risk_reduction", "job_size")
COLUMN_NAMES = {
    "business_value": "business value",
    "time_criticality": "time criticality",
    "risk_reduction": "risk reduction / opportunity enablement",
    "job_size": "job size",
}


@dataclass(frozen=True)
class Score:
    key: str
    business_value: int
    time_criticality: int
    risk_reduction: int
    job_size: int

    @property
    def cost_of_delay(self) -> int:
        return self.business_value + self.time_criticality + self.risk_reduction

    @property
    def wsjf(self) -> float:
        return self.cost_of_delay / self.job_size


@dataclass(frozen=True)
class Ranked:
    rank: int
    score: Score
    # Why this item sits above the next one when their WSJF is equal ("" when it is not).
    tie_break: str


def rank(scores: Iterable[Score]) -> list[Ranked]:
    ordered = sorted(scores, key=_order)
    ranked = []
    for i, score in enumerate(ordered):
        below = ordered[i + 1] if i + 1 < len(ordered) else None
        ranked.append(Ranked(rank=i + 1, score=score, tie_break=_tie_break(score, below)))
    return ranked


def _order(score: Score) -> tuple:
    return (-_exact_wsjf(score), score.job_size, score.key)


def _exact_wsjf(score: Score) -> Fraction:
    # Compared as an exact fraction, so 8/4 and 4/2 tie instead of differing in the last
    # bit of a float.
    return Fraction(score.cost_of_delay, score.job_size)


def _tie_break(score: Score, below: Score | None) -> str:
    if below is None or _exact_wsjf(score) != _exact_wsjf(below):
        return ""
    if score.job_size != below.job_size:
        return f"same WSJF as {below.key}; smaller job"
    return f"same WSJF and size as {below.key}; by key"


def scale_errors(values: dict[str, object]) -> list[tuple[str, str]]:
    """(column, message) for each value not on the scale."""
    allowed = ", ".join(str(v) for v in SCALE)
    errors = []
    for column in COLUMNS:
        value = values.get(column)
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            errors.append((column, f"{value!r} is not on the scale ({allowed})"))
    return errors


def relative_errors(rows: Sequence[dict[str, int]]) -> list[tuple[str, str]]:
    """(column, message) for each column whose smallest value is not 1: relative scoring
    anchors every column on its smallest item."""
    errors = []
    if not rows:
        return errors
    for column in COLUMNS:
        smallest = min(row[column] for row in rows)
        if smallest != 1:
            errors.append((column, f"the smallest {COLUMN_NAMES[column]} in a session is 1 "
                                   f"(here it is {smallest}): score the smallest item 1 "
                                   f"and the others relative to it"))
    return errors
