"""Raising and clearing at-risk flags, and telling the owner and the unit lead once.

`evaluate_flags` reads every key result of the active quarters with a fixed number of
queries, asks the pure rules (hoshin.engine.flags) which flags hold today, and brings the
`Flag` table in line: new causes raise a flag and notify, gone causes clear it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet

from hoshin.core import clock, events, outcomes
from hoshin.core.errors import DomainError, FieldError
from hoshin.core.history import service
from hoshin.engine.flags import Reading, flag_reasons, snapshot_for
from hoshin.engine.types import Phase, Step
from hoshin.flags.models import Flag, FlagSettings
from hoshin.notify.channels import Link, Notice, notify
from hoshin.okrs.models import CheckIn, Cycle, KeyResult, MilestoneStep
from hoshin.okrs.models import Phase as PhaseRow
from hoshin.okrs.progress import active_key_results
from hoshin.org import permissions
from hoshin.org.models import Person


@dataclass
class Evaluation:
    raised: list[Flag] = field(default_factory=list)
    cleared: list[Flag] = field(default_factory=list)
    key_results: int = 0


def _readings(kr_ids: list[int], today: dt.date) -> dict[int, list[Reading]]:
    readings: dict[int, list[Reading]] = defaultdict(list)
    rows = (CheckIn.objects.filter(key_result_id__in=kr_ids, date__lte=today)
            .order_by("key_result_id", "date", "id")
            .values_list("key_result_id", "date", "value", "confidence", "blockers",
                         "steps_done"))
    for kr_id, day, value, confidence, blockers, steps in rows.iterator(chunk_size=5000):
        readings[kr_id].append(Reading(day, value, confidence, blockers or "",
                                       frozenset(steps or ())))
    return readings


def _chunks(ids: list[int], size: int = 5000):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


@service
def evaluate_flags(actor: Person | None, *, today: dt.date | None = None,
                   key_results: QuerySet | None = None) -> Evaluation:
    """Bring the flags of the active quarters' key results (or of `key_results`) in line
    with what holds on `today`."""
    permissions.require(actor is None or permissions.can_edit_strategy(actor),
                        "evaluate flags")
    today = today or clock.today()
    query = active_key_results(today)
    if key_results is not None:
        query = query.filter(pk__in=key_results.values("pk"))
    krs = list(query.select_related("objective__cycle", "objective__unit__lead", "owner"))
    result = Evaluation(key_results=len(krs))
    ids = [kr.pk for kr in krs]
    policy = FlagSettings.current().policy()
    readings: dict[int, list[Reading]] = {}
    steps: dict[int, list[Step]] = defaultdict(list)
    phases: dict[int, list[Phase]] = defaultdict(list)
    open_flags: dict[tuple[int, str], Flag] = {}
    for chunk in _chunks(ids):
        readings.update(_readings(chunk, today))
        for kr_id, key, weight in MilestoneStep.objects.filter(
                key_result_id__in=chunk).values_list("key_result_id", "key", "weight"):
            steps[kr_id].append(Step(key, weight))
        for kr_id, day, target in PhaseRow.objects.filter(
                key_result_id__in=chunk).values_list("key_result_id", "date", "target"):
            phases[kr_id].append(Phase(day, target))
        for flag in Flag.objects.filter(key_result_id__in=chunk, cleared_on__isnull=True):
            open_flags[(flag.key_result_id, flag.code)] = flag

    # What similar key results of closed quarters ended at (counted by analytics, which
    # registers the lookup in core.outcomes): the forecast-miss rule blends it with the
    # trend. One query.
    history = outcomes.table({kr.kind for kr in krs}) if krs else {}
    raised_by_kr: dict[int, list[Flag]] = defaultdict(list)
    to_update: list[Flag] = []
    for kr in krs:
        cycle = kr.objective.cycle
        series = readings.get(kr.pk, [])
        snapshot = snapshot_for(kr.kind, kr.baseline, kr.target, series, steps.get(kr.pk, ()),
                                phases.get(kr.pk, ()))
        holds = {r.code: r for r in flag_reasons(snapshot, series, cycle.start, cycle.end,
                                                 today, unit=_unit(kr), policy=policy,
                                                 outcomes=history)}
        for code, reason in holds.items():
            flag = open_flags.pop((kr.pk, code), None)
            if flag is None:
                flag = Flag(key_result=kr, code=code, message=reason.message, raised_on=today)
                raised_by_kr[kr.pk].append(flag)
            elif flag.message != reason.message:
                flag.message = reason.message
                to_update.append(flag)
    new = [f for flags in raised_by_kr.values() for f in flags]
    for flag in new:
        flag.save()
    for flag in to_update:
        flag.save(update_fields=["message"])
    gone = list(open_flags.values())
    if key_results is None:
        # Key results that left the active quarters (closed, archived) keep no open flag.
        gone += list(Flag.objects.filter(cleared_on__isnull=True)
                     .exclude(key_result__in=active_key_results(today)))
    for flag in gone:
        flag.cleared_on = today
        flag.save(update_fields=["cleared_on"])
    by_id = {kr.pk: kr for kr in krs}
    for kr_id, flags in raised_by_kr.items():
        _tell(by_id[kr_id], flags)
    result.raised, result.cleared = new, gone
    return result


def _unit(kr: KeyResult) -> str:
    unit = kr.unit or ""
    return unit if unit in ("%", "") else f" {unit}"


def _tell(kr: KeyResult, flags: list[Flag]) -> None:
    """One message per key result and person for the flags raised together; the dedupe
    key names the flags, so a retried evaluation never repeats it."""
    what = ", ".join(f.code.replace("-", " ") for f in flags)
    notice = Notice(
        subject=f"At risk ({what}): {kr.key} {kr.title}"[:200],
        intro=(f"{kr.key} \u201c{kr.title}\u201d (owner {kr.owner.name}) has a new warning: "
               f"{what}. " + " ".join(f.message for f in flags)),
        links=[Link(f"{kr.key} {kr.title}", f"/key-results/{kr.key}/")],
        action_url=f"/key-results/{kr.key}/", action_label="Open the key result",
        kind="flag")
    people = [kr.owner]
    lead = kr.objective.unit.lead
    if lead is not None and lead.pk != kr.owner_id:
        people.append(lead)
    ids = "-".join(str(f.pk) for f in flags)
    for person in people:
        notify(person, notice, dedupe_key=f"flag:{ids}:{person.pk}")


def judge_after_checkin(event: events.CheckInRecorded) -> None:
    """Re-judge the key result of a check-in as of the day it was judged on (subscribed to
    CheckInRecorded in apps.py).

    By default the check-in only queues the judgement (`tasks.judge_checked_in`, one row
    written in the check-in's transaction, so a check-in that rolls back queues nothing and
    a committed one cannot lose it) and `hoshin worker` judges it once the check-in has
    committed: the request, and SQLite's write lock, do not wait for the flag rules and
    their notices. With `settings.FLAGS_JUDGED_IN_CHECKIN` (the test suite) it judges in
    the check-in's transaction instead. Either way a raised flag is told to the owner and
    unit lead through the notify outbox, written with the flag."""
    if settings.FLAGS_JUDGED_IN_CHECKIN:
        evaluate_flags(None, today=event.today,
                       key_results=KeyResult.objects.filter(pk=event.key_result.pk))
        return
    from hoshin.flags.tasks import judge_checked_in

    judge_checked_in.enqueue(event.key_result.pk, event.today.isoformat())


def open_flags(*, cycle: Cycle | None = None, units=None) -> QuerySet:
    """Open flags, for agendas and pages: optionally of one cycle and some units."""
    query = Flag.objects.filter(cleared_on__isnull=True, key_result__archived_at__isnull=True)
    if cycle is not None:
        query = query.filter(key_result__objective__cycle=cycle)
    if units is not None:
        query = query.filter(key_result__objective__unit__in=units)
    return query.select_related("key_result__owner", "key_result__objective__unit").order_by(
        "key_result__objective__unit__name", "key_result__key", "code")


@service
def update_settings(actor: Person | None, **values) -> FlagSettings:
    permissions.require(permissions.can_edit_strategy(actor), "change the flag settings")
    settings = FlagSettings.current()
    limits = {"behind_pace_points": (1, 100), "confidence_drop": (1, 10),
              "low_confidence": (0, 10), "silent_days": (1, 90),
              "forecast_shortfall_points": (0, 100)}
    errors = []
    for name, value in values.items():
        if name not in limits:
            errors.append(FieldError(name, "unknown setting"))
            continue
        low, high = limits[name]
        if not isinstance(value, int) or not low <= value <= high:
            errors.append(FieldError(name, f"must be a whole number from {low} to {high}"))
            continue
        setattr(settings, name, value)
    if errors:
        raise DomainError(errors)
    settings.save()
    return settings
