"""The key-result row: one presenter for every page that lists key results (my home, the
key result's page, unit and objective pages), shown with one include, okrs/_kr_row.html.

A row carries what a person scans a list for: title, owner, progress against the pace
expected today, status, the badges apps above okrs put on it (flags' open at-risk flags,
okrs/badges.py), the measure ("now 21 %, from 20 to 35") and the latest check-in; and,
where the reader may check in, the check-in form.

Pages that show key results another way (the company view, the quarter close, messages)
use its parts: the status words (`STATUSES`, `status_label`, `status_words`) and
`percent`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from hoshin.core import clock
from hoshin.engine.numbers import number
from hoshin.okrs.badges import BadgeGroup, badges_for
from hoshin.okrs.forms import CheckInForm
from hoshin.okrs.models import Cycle, KeyResult
from hoshin.okrs.progress import KRState, key_result_states
from hoshin.org import permissions

# The statuses in the order pages count them, with the words people read.
STATUSES = (("on_track", "On track"), ("at_risk", "At risk"), ("off_track", "Off track"),
            ("no_data", "No data"))
STATUS_LABELS = dict(STATUSES)
# A weekly rhythm: a key result without a reading for this long is due.
DUE_AFTER = dt.timedelta(days=7)
STAY_WORDS = {"stay_above": "stay at or above", "stay_below": "stay at or below"}


@dataclass
class KRRow:
    """One key result as a row of a page: its state and, when allowed, its check-in form.
    `extra` holds what one page adds below the row (the objective page: its chart and
    initiatives)."""

    kr: KeyResult
    state: KRState
    due: bool
    form: CheckInForm | None = None
    saved: bool = False
    badges: list[BadgeGroup] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        return str(self.state.status)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def progress_pct(self) -> int | None:
        return percent(self.state.progress)

    @property
    def bar_pct(self) -> int:
        return max(0, min(100, self.progress_pct or 0))

    @property
    def expected_pct(self) -> int | None:
        return percent(self.state.expected)

    @property
    def current(self):
        last = self.kr.last_checkin
        return None if last is None else last.value

    @property
    def measure(self) -> str:
        """What the key result measures, in words: "now 21 %, from 20 to 35"."""
        kr = self.kr
        if kr.kind == KeyResult.Kind.MILESTONE:
            return "milestone"
        unit = f" {kr.unit}" if kr.unit else ""
        now = "" if self.current is None else f"now {number(self.current)}{unit}, "
        if kr.kind in STAY_WORDS:
            goal = f"{STAY_WORDS[kr.kind]} {number(kr.target)}"
        else:
            goal = f"from {number(kr.baseline)} to {number(kr.target)}"
        return f"{now}{goal}" if now else f"{goal}{unit}"


def status_label(status) -> str:
    """A status as a badge or heading says it: "On track"."""
    return STATUS_LABELS.get(str(status), str(status))


def status_words(status) -> str:
    """A status inside a sentence: "2 on track", "Lea Lead: at risk"."""
    return status_label(status).lower()


def percent(share: float | None) -> int | None:
    """A share (progress, expected pace) as a whole percentage, None when there is none."""
    return None if share is None else round(share * 100)


class StandingFigures:
    """What a page shows of anything with a rolled-up `progress` and `status`: the status
    badge's words, the whole percentage and the bar's width. A mixin for the dataclasses
    of the home, the cockpit and the company pages, which add their own fields."""

    progress: float | None
    status: str

    @property
    def label(self) -> str:
        return status_label(self.status)

    @property
    def percent(self) -> int | None:
        return percent(self.progress)

    @property
    def bar(self) -> int:
        return max(0, min(100, self.percent or 0))


def check_in_rule(user) -> Callable[[KeyResult], bool]:
    """permissions.can_check_in for many key results at once: the units the person leads
    are looked up once, not per row. The service checks again when a check-in is posted."""
    led = permissions.led_unit_ids(user)
    return lambda kr: permissions.can_check_in(user, kr, led_units=led)


def no_forms(kr: KeyResult) -> bool:
    return False


def build_rows(key_results: QuerySet, user, *, forms_for: Callable[[KeyResult], bool] | None = None,
               today: dt.date | None = None) -> list[KRRow]:
    """Rows for every key result of the queryset, in its order, in a fixed number of
    queries. Check-in forms go to the rows `forms_for` allows (by default, those the
    user may check in on) of active cycles."""
    today = today or clock.today()
    krs = list(key_results.select_related("objective__unit", "objective__cycle", "owner",
                                          "last_checkin").prefetch_related("steps"))
    states = key_result_states(key_results, today)
    badges = badges_for(krs)
    allowed = check_in_rule(user) if forms_for is None else forms_for
    rows = []
    for kr in krs:
        state = states[kr.pk]
        active = kr.objective.cycle.state == Cycle.State.ACTIVE
        due = active and (state.last_checkin is None or today - state.last_checkin >= DUE_AFTER)
        form = None
        if active and allowed(kr):
            form = CheckInForm(key_result=kr, steps=list(kr.steps.all()), initial=_initial(kr))
        rows.append(KRRow(kr=kr, state=state, due=due, form=form,
                          badges=badges.get(kr.pk, [])))
    return rows


def _initial(kr: KeyResult) -> dict:
    """Start from the latest reading: a check-in then means changing only what moved."""
    last = kr.last_checkin
    if last is None:
        return {}
    return {"confidence": last.confidence, "steps_done": list(last.steps_done or []),
            "done": last.value == 1}
