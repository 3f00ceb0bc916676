"""The demo story's initiatives: each one's status history through its quarter, so the
flow pages have a past to read. The plan file holds only each initiative's status of
today; this is demo data written as an import of history would be, by the demo builder
(an entry point), not by any app's services."""

import datetime as dt
import random

from django.utils import timezone

from hoshin.okrs.models import Cycle, Initiative
from hoshin.portfolio.models import WipLimit


def load_demo(today: dt.date) -> None:
    # Once per demo: a replaced demo keeps its WIP limits and its rewritten history.
    if not WipLimit.objects.exists():
        status_history(today)


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
