"""An initiative's progress from its linked work items: the share done, with the share in
progress counted apart. Plain data in, plain data out (no Django)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    total: int = 0
    done: int = 0
    in_progress: int = 0

    @property
    def todo(self) -> int:
        return self.total - self.done - self.in_progress

    @property
    def share_done(self) -> float | None:
        """0..1, or None when nothing is counted (no item, or none read yet)."""
        return self.done / self.total if self.total else None

    @property
    def share_in_progress(self) -> float | None:
        return self.in_progress / self.total if self.total else None

    @property
    def percent_done(self) -> int | None:
        return None if self.total == 0 else round(100 * self.done / self.total)

    def __add__(self, other: Progress) -> Progress:
        return Progress(self.total + other.total, self.done + other.done,
                        self.in_progress + other.in_progress)

    def words(self) -> str:
        if not self.total:
            return "no work item read yet"
        return (f"{self.done} of {self.total} done ({self.percent_done}%), "
                f"{self.in_progress} in progress, {self.todo} to do")

    def as_dict(self) -> dict:
        return {"total": self.total, "done": self.done, "in_progress": self.in_progress,
                "todo": self.todo, "share_done": self.share_done,
                "share_in_progress": self.share_in_progress}


def combine(parts: Iterable[Progress]) -> Progress:
    """Every linked item counts once: an epic of 8 issues weighs 8, a single issue 1."""
    total = Progress()
    for part in parts:
        total = total + part
    return total
