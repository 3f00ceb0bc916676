"""Three earlier closed quarters of the demo company, so execution analytics tell a story
(issue #14): the plan file holds the previous quarter only, where every key result was
checked in nearly every week. Here teams differ, as they do: some check in every week,
some when they remember, some hardly at all, and what a team achieves follows how closely
it watched its work. Confidence is stated the way people state it, a little optimistic.
The quarters are graded with their suggested grades by closing's demo (after this), and
counted by analytics' (the regularity bands, the calibration, similar key results for the
grade forecast).

Deterministic: the same day gives the same history. Written through okrs's services for
the plan (cycles, objectives, key results); the check-ins of quarters long closed are
bulk-written as an import writes them, with each key result's latest-check-in pointer."""

from __future__ import annotations

import datetime as dt
import random

from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, Cycle, KeyResult, Objective

QUARTERS = 3
# How often a team checks in (share of weeks), and how many teams work that way.
HABITS = ((0.95, 4), (0.7, 3), (0.45, 2), (0.2, 2))
KINDS = (("increase", "Repeat orders from {} customers", 40.0, 60.0, "%"),
         ("decrease", "Days to resolve a {} complaint", 12.0, 6.0, "days"),
         ("increase", "{} jobs finished right first time", 70.0, 90.0, "%"))


def _quarter_before(start: dt.date) -> tuple[dt.date, dt.date]:
    end = start - dt.timedelta(days=1)
    return dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end


def _fridays(start: dt.date, end: dt.date) -> list[dt.date]:
    day = start + dt.timedelta(days=(4 - start.weekday()) % 7)
    days = []
    while day <= end:
        days.append(day)
        day += dt.timedelta(days=7)
    return days


def load_demo(today: dt.date) -> None:
    closed = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.CLOSED) \
        .order_by("start").first()
    if closed is None:
        return
    units = list(Objective.objects.filter(cycle=closed).values_list("unit__key", "unit__name")
                 .distinct().order_by("unit__key"))
    owners = dict(Objective.objects.filter(cycle=closed)
                  .values_list("unit__key", "key_results__owner__email"))
    habits = [share for share, count in HABITS for _ in range(count)]
    rng = random.Random(today.toordinal() // 91)
    start = closed.start
    for age in range(1, QUARTERS + 1):
        start, end = _quarter_before(start)
        key = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if Cycle.objects.filter(key=key).exists():
            continue
        cycle = okrs.save_cycle(None, key=key, kind="quarter", start=start, end=end,
                                name=f"Q{(start.month - 1) // 3 + 1} {start.year}")
        fridays = _fridays(start, end)
        checkins: list[CheckIn] = []
        for i, (unit_key, unit_name) in enumerate(units):
            owner = owners.get(unit_key)
            if owner is None:
                continue
            habit = habits[(i + age) % len(habits)]
            objective = okrs.save_objective(
                None, key=f"H{age}-{unit_key}"[:64], cycle=key, unit=unit_key,
                title=f"{unit_name}: serve customers better",
                kind="aspirational" if i % 5 == 4 else "committed")
            for j, (kind, title, baseline, target, unit) in enumerate(KINDS):
                kr = okrs.save_key_result(
                    None, key=f"H{age}-{unit_key}-{j + 1}"[:64], objective=objective.key,
                    title=title.format(unit_name), owner=owner, kind=kind,
                    baseline=baseline, target=target, unit=unit)
                regular = min(1.0, max(0.05, habit + rng.uniform(-0.1, 0.1)))
                # Watching the work closely goes with getting it done.
                reach = min(1.15, max(0.0, 0.25 + 0.75 * regular + rng.gauss(0, 0.15)))
                for w, day in enumerate(fridays):
                    if rng.random() > regular and w != len(fridays) - 1:
                        continue
                    share = reach * (w + 1) / len(fridays) + rng.gauss(0, 0.04)
                    value = round(baseline + (target - baseline) * share, 1)
                    pace = share / ((w + 1) / len(fridays))
                    confidence = round(min(10, max(0, 10 * (0.35 + 0.55 * min(1.0, pace))
                                                   + rng.gauss(0.8, 1.2))))
                    checkins.append(CheckIn(key_result=kr, date=day, value=value,
                                            confidence=confidence,
                                            note="" if w % 4 else "Weekly update."))
        CheckIn.objects.bulk_create(checkins, batch_size=1000)
        for kr in KeyResult.objects.filter(objective__cycle=cycle):
            last = CheckIn.objects.filter(key_result=kr).order_by("-date", "-id").first()
            if last is not None:
                KeyResult.objects.filter(pk=kr.pk).update(last_checkin=last)
        # Long over: closed as an imported plan says it is (the close gate is for
        # quarters closed here).
        Cycle.objects.filter(pk=cycle.pk).update(state=Cycle.State.CLOSED)
