"""The scheduler enqueues each due slot once; the worker runs it; a stopped worker loses
nothing and sends nothing twice."""

import datetime as dt

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hoshin.notify import outbox, scheduler
from hoshin.notify.models import OutboxMessage, ScheduledRun

# The worker closes and reopens its database connection between tasks, as in
# production, so these tests commit for real instead of running in one transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _outbox_job_only(only_jobs):
    only_jobs("deliver-outbox")

# A Tuesday: no reminder, nudge or digest of the default rhythm falls due.
NOW = dt.datetime(2026, 11, 24, 9, 0, 30, tzinfo=dt.UTC)


def run_worker(max_tasks=None):
    call_command("worker", batch=True, max_tasks=max_tasks, verbosity=0)


def test_each_due_slot_is_enqueued_once_however_often_the_scheduler_ticks(plan):
    assert ("deliver-outbox", "2026-11-24T09:00") in scheduler.tick(NOW)
    assert scheduler.tick(NOW + dt.timedelta(seconds=10)) == []
    assert ("deliver-outbox", "2026-11-24T09:01") in scheduler.tick(NOW + dt.timedelta(minutes=1))
    assert ScheduledRun.objects.filter(job="deliver-outbox").count() == 2
    # one queued task per recorded slot (the other jobs have their own slots)
    assert DBTaskResult.objects.count() == ScheduledRun.objects.count()


def test_the_worker_delivers_what_the_scheduler_enqueued(plan, mailoutbox):
    outbox.queue_email(plan.member, subject="Check in", text="Due", now=NOW)
    scheduler.tick(NOW)
    run_worker()
    assert [m.subject for m in mailoutbox] == ["Check in"]
    assert ScheduledRun.objects.get(job="deliver-outbox").completed_at is not None


@pytest.fixture
def weekly_job():
    """A job that queues one email per person and fails once half-way, like a worker
    killed mid-job."""
    calls = {"n": 0}

    def run(slot, now):
        from hoshin.org.models import Person

        calls["n"] += 1
        for i, person in enumerate(Person.objects.order_by("email")):
            outbox.queue_email(person, subject=f"Week {slot}", text="", now=now,
                               dedupe_key=f"test-weekly:{slot}:{person.pk}")
            if calls["n"] == 1 and i == 2:
                raise RuntimeError("worker stopped")

    scheduler.job("test-weekly", slots=lambda now: [now.strftime("%G-W%V")],
                  lease=dt.timedelta(minutes=10))(run)
    yield calls
    del scheduler.JOBS["test-weekly"]


def test_a_job_interrupted_mid_way_is_rerun_after_its_lease_and_sends_each_message_once(
        plan, weekly_job, mailoutbox):
    scheduler.tick(NOW)
    run_worker()  # the weekly job fails half-way: its transaction rolls back
    run_ = ScheduledRun.objects.get(job="test-weekly")
    assert run_.completed_at is None
    assert not OutboxMessage.objects.filter(subject__startswith="Week").exists()

    assert ("test-weekly", "2026-W48") not in scheduler.tick(NOW + dt.timedelta(minutes=5))
    assert ("test-weekly", "2026-W48") in scheduler.tick(NOW + dt.timedelta(minutes=11))
    run_worker()
    people = 6
    assert OutboxMessage.objects.filter(subject="Week 2026-W48").count() == people

    # Later ticks and workers never queue or send that week again.
    scheduler.tick(NOW + dt.timedelta(minutes=30))
    run_worker()
    scheduler.tick(NOW + dt.timedelta(minutes=31))
    run_worker()
    weekly = [m for m in mailoutbox if m.subject == "Week 2026-W48"]
    assert len(weekly) == people
    assert len({m.to[0] for m in weekly}) == people


def test_a_worker_stopped_between_tasks_leaves_the_rest_queued(plan, mailoutbox):
    for i in range(3):
        outbox.queue_email(plan.member, subject=f"m{i}", text="", now=NOW)
    scheduler.tick(NOW)
    scheduler.tick(NOW + dt.timedelta(minutes=1))
    run_worker(max_tasks=1)  # the first delivery run sends everything due
    assert len(mailoutbox) == 3
    run_worker()  # the second run finds nothing left to send
    assert len(mailoutbox) == 3
    assert not DBTaskResult.objects.ready().exists()
