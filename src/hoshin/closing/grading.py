"""Grades of key results at quarter end, and how to read them (pure).

A grade is progress on a 0.0–1.0 scale in steps of 0.1. Committed key results are promises:
anything under 1.0 is a miss to explain. Aspirational ones are stretches: about 0.7 is a
success, and 1.0 every time means the goals were not ambitious enough. Grades are for
learning; they are never a rating of a person.
"""

from __future__ import annotations

COMMITTED, ASPIRATIONAL = "committed", "aspirational"


def suggest(progress: float | None) -> float:
    """Progress clamped to [0, 1] and rounded to the nearest tenth. No data grades 0.0:
    silence is not success."""
    if progress is None:
        return 0.0
    clamped = min(1.0, max(0.0, progress))
    return round(round(clamped * 10) / 10, 1)


def valid(grade: float) -> bool:
    return 0.0 <= grade <= 1.0 and abs(grade * 10 - round(grade * 10)) < 1e-9


def reading(grade: float, kind: str) -> tuple[str, str]:
    """(words, tone) for a grade; tone is good, fair or poor."""
    if kind == ASPIRATIONAL:
        if grade >= 0.7:
            return "a stretch reached", "good"
        if grade >= 0.4:
            return "real progress on a stretch", "fair"
        return "the stretch was missed", "poor"
    if grade >= 1.0:
        return "delivered as committed", "good"
    if grade >= 0.7:
        return "committed, not fully delivered: explain the gap", "fair"
    return "committed and missed: explain and learn", "poor"


def status(grade: float | None, kind: str = COMMITTED) -> str:
    """The status colour a grade gives an item on the X-matrix."""
    if grade is None:
        return "no_data"
    tone = reading(grade, kind)[1]
    return {"good": "on_track", "fair": "at_risk", "poor": "off_track"}[tone]
