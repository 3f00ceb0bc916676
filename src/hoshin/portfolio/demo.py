"""The demo company's portfolio: one scoring session in which the leadership team scored
the open initiatives of the quarters not yet closed relative to each other; each
WIP limits, one unit over its limit."""

import datetime as dt
import random

from hoshin.org.models import Person, Role
from hoshin.portfolio.models import ScoringSession, WipLimit
from hoshin.portfolio.selectors import loads, open_initiatives
from hoshin.portfolio.wsjf import SCALE


def load_demo(today: dt.date) -> None:
    # The initiatives' status history is the demo story's (hoshin.demo.initiatives), written
    # before this runs: the portfolio writes only its own records.
    if not WipLimit.objects.exists():
        wip_limits()
    _scoring_session()


def _scoring_session() -> None:
    from hoshin.portfolio.services import record_scoring_session

    if ScoringSession.objects.exists():
        return
    initiatives = list(open_initiatives())
    if len(initiatives) < 2:
        return
    # Deterministic, and spread like real relative scores: most items small, a few large.
    chooser = random.Random(20261)
    weights = (30, 25, 20, 12, 7, 4, 2)
    scores = [{"initiative": i.key,
               **{column: chooser.choices(SCALE, weights)[0]
                  for column in ("business_value", "time_criticality", "risk_reduction",
                                 "job_size")}}
              for i in initiatives]
    for column in ("business_value", "time_criticality", "risk_reduction", "job_size"):
        smallest = min(range(len(scores)), key=lambda n: (scores[n][column], n))
        scores[smallest][column] = 1
    leaders = list(Person.objects.filter(role__in=(Role.STRATEGY_OFFICE, Role.ADMIN),
                                         is_active=True).order_by("email"))
    record_scoring_session(
        leaders[0] if leaders else None, scores=scores, participants=leaders,
        note="Quarterly portfolio session of the leadership team: each column scored "
             "relative to its smallest initiative.")


def wip_limits() -> None:
    """A WIP limit for the units with work in progress: the busiest one below what it has
    started (the unit page, the flow page and the analyzer show it over its limit), the
    others with room to spare."""
    current = [load for load in loads() if load.in_progress]
    current.sort(key=lambda load: (-load.in_progress, load.unit.key))
    from hoshin.portfolio.services import set_wip_limit

    for n, load in enumerate(current[:6]):
        if n == 0 and load.in_progress >= 2:
            limit = load.in_progress - 1
        else:
            limit = load.in_progress + 1
        set_wip_limit(None, load.unit, limit)
