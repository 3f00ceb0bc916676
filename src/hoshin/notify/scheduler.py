"""Periodic jobs: which slots are due, enqueued once each on the task queue.

A job says which slots are due at a moment (`slots(now)`, e.g. this week's reminder once
the organisation's check-in time has passed) and how to run one (`run(slot, now)`).
`tick(now)` is all the scheduler process does, every few seconds: it records each due
slot in `ScheduledRun` and enqueues `run_job` in the same transaction. Time is always
passed in, so a whole quarter can be simulated week by week.

Each app with periodic work registers its jobs in its own `jobs.py` (flags: the daily
evaluation; pdca: the daily countermeasure check; notify: reminders, digests, outbox
delivery). `discover()`, run once apps are ready, imports every installed app's `jobs`
module; the scheduler imports none of them by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.module_loading import autodiscover_modules

from hoshin.core import clock
from hoshin.notify.models import Rhythm, ScheduledRun


@dataclass(frozen=True)
class Job:
    name: str
    slots: Callable[[dt.datetime], Iterable[str]]
    run: Callable[[str, dt.datetime], None]
    # A run not completed this long after it was enqueued is enqueued again.
    lease: dt.timedelta = dt.timedelta(minutes=10)
    # Atomic jobs commit their work with the completion mark. A job that commits in
    # pieces itself (delivering the outbox, one message per transaction) is not.
    atomic: bool = True


JOBS: dict[str, Job] = {}
KEEP_RUNS = dt.timedelta(days=14)


def job(name: str, *, slots: Callable[[dt.datetime], Iterable[str]],
        lease: dt.timedelta = dt.timedelta(minutes=10), atomic: bool = True):
    """Register `run(slot, now)` as the periodic job `name`."""

    def register(run: Callable[[str, dt.datetime], None]):
        JOBS[name] = Job(name, slots, run, lease, atomic)
        return run

    return register


def discover() -> list[str]:
    """Import the `jobs` module of every installed app (each registers its own jobs with
    `@job`); returns the registered job names. Safe to call again."""
    autodiscover_modules("jobs")
    return sorted(JOBS)


def _enqueue(run: ScheduledRun, now: dt.datetime, fresh: bool) -> None:
    from hoshin.notify.tasks import run_job

    if not fresh:
        run.enqueued_at = now
        run.attempts += 1
        run.save(update_fields=["enqueued_at", "attempts"])
    run_job.enqueue(run.job, run.slot, now.isoformat())


def tick(now: dt.datetime | None = None) -> list[tuple[str, str]]:
    """Enqueue every due slot not yet enqueued (or whose lease ran out). Returns them."""
    # Every job's slots depend on the rhythm: one reading serves the whole tick.
    with Rhythm.read_once():
        return _tick(now or clock.now())


def _tick(now: dt.datetime) -> list[tuple[str, str]]:
    enqueued = []
    for name, spec in JOBS.items():
        for slot in spec.slots(now):
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        run = ScheduledRun.objects.create(job=name, slot=slot, enqueued_at=now,
                                                          attempts=1)
                    fresh = True
                except IntegrityError:
                    run = ScheduledRun.objects.select_for_update().get(job=name, slot=slot)
                    fresh = False
                if fresh or (run.completed_at is None and run.enqueued_at + spec.lease <= now):
                    _enqueue(run, now, fresh)
                    enqueued.append((name, slot))
    if now.minute == 0:
        ScheduledRun.objects.filter(completed_at__lt=now - KEEP_RUNS).delete()
    return enqueued


def run_slot(name: str, slot: str, now: dt.datetime) -> bool:
    """Run one slot of a job unless it already completed: the job's work and the mark
    commit together. Returns whether it ran."""
    # The job and each notification it sends ask for the rhythm: read once per run.
    with Rhythm.read_once():
        return _run_slot(name, slot, now)


def _run_slot(name: str, slot: str, now: dt.datetime) -> bool:
    spec = JOBS.get(name)
    if spec is None:
        raise LookupError(f"no periodic job named {name!r}")
    if not spec.atomic:
        if ScheduledRun.objects.filter(job=name, slot=slot, completed_at__isnull=False).exists():
            return False
        spec.run(slot, now)
    with transaction.atomic():
        run = ScheduledRun.objects.select_for_update().filter(job=name, slot=slot).first()
        if run is not None and run.completed_at is not None:
            return False
        if spec.atomic:
            spec.run(slot, now)
        if run is None:
            run = ScheduledRun(job=name, slot=slot, enqueued_at=now)
        run.completed_at = now
        run.save()
    return True


def daily_at(at: dt.time) -> Callable[[dt.datetime], list[str]]:
    """Slots of a daily job: today's date (organisation time) once `at` has passed."""

    def slots(now: dt.datetime) -> list[str]:
        local = now.astimezone(Rhythm.current().zone)
        return [local.date().isoformat()] if local.time() >= at else []

    return slots


def minute_slot(now: dt.datetime) -> list[str]:
    return [now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")]
