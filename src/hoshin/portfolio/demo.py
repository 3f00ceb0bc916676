"""The demo company's portfolio: one scoring session in which the leadership team scored
the open initiatives of the quarters not yet closed relative to each other; each
initiative's status history through its quarter (so the flow page has a story); WIP
limits, one unit over its limit."""

import datetime as dt
import random

from django.utils import timezone

from hoshin.okrs.models import Cycle, Initiative
from hoshin.org.models import Person, Role
from hoshin.portfolio.models import ScoringSession, WipLimit
from hoshin.portfolio.selectors import loads, open_initiatives
from hoshin.portfolio.wsjf import SCALE


def load_demo(today: dt.date) -> None:
    if not WipLimit.objects.exists():
        status_history(today)
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


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def status_history(today: dt.date) -> None:
    """Each initiative of a quarter that has begun goes from not started to its status in
    the plan file on believable days of its quarter: started in its first two months, done
    after two to seven weeks, never after today. The plan file holds only the status of
    now, and okrs' service refuses edits in a closed quarter, so the demo writes the past
    with dated saves (each a history row on its day), ending on the status it had."""
    rng = random.Random(20262)
    initiatives = list(Initiative.objects.filter(
        archived_at__isnull=True, key_result__objective__cycle__kind=Cycle.Kind.QUARTER)
        .select_related("key_result__objective__cycle").order_by("key"))
    told = [i for i in initiatives if min(i.key_result.objective.cycle.end, today)
            > i.key_result.objective.cycle.start + dt.timedelta(days=2)]
    # The plan file wrote each initiative with today's status on the day the story starts;
    # in the story it was planned, not started, two weeks before its quarter (or then).
    by_cycle: dict[Cycle, list[int]] = {}
    for i in told:
        by_cycle.setdefault(i.key_result.objective.cycle, []).append(i.pk)
    created = Initiative.history.filter(history_type="+")
    for cycle, ids in by_cycle.items():
        planned = _moment(cycle.start - dt.timedelta(days=14), 9)
        created.filter(id__in=ids, history_date__lt=planned).update(history_date=planned)
        created.filter(id__in=ids).update(status=Initiative.Status.NOT_STARTED)
    for initiative in told:
        cycle = initiative.key_result.objective.cycle
        horizon = min(cycle.end, today)
        final = initiative.status
        span = (horizon - cycle.start).days
        start = cycle.start + dt.timedelta(days=rng.randint(0, max(1, span * 2 // 3)))
        finish = min(horizon, start + dt.timedelta(days=rng.randint(14, 49)))
        steps = [(cycle.start, Initiative.Status.NOT_STARTED)]
        if final == Initiative.Status.IN_PROGRESS:
            steps.append((start, final))
        elif final == Initiative.Status.BLOCKED:
            steps += [(start, Initiative.Status.IN_PROGRESS),
                      (min(horizon, start + dt.timedelta(days=rng.randint(3, 20))), final)]
        elif final in (Initiative.Status.DONE, Initiative.Status.CANCELLED):
            if finish <= start:
                finish = start + dt.timedelta(days=1)
            if finish > horizon:
                start, finish = horizon - dt.timedelta(days=1), horizon
            steps += [(start, Initiative.Status.IN_PROGRESS), (finish, final)]
        for hour, (day, status) in enumerate(steps, start=10):
            initiative.status = status
            initiative._history_date = _moment(day, hour)
            initiative.save(update_fields=["status", "updated_at"])
        initiative._history_date = None


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
