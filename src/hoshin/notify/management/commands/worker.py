"""`hoshin worker`: run queued background tasks (the database queue)."""

import logging
import os
import random
import socket
import time

from django.core.exceptions import SuspiciousOperation
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections

# Errors of the database's operation rather than of the task or the code: a lock another
# writer holds longer than the busy timeout ("database is locked"), a connection the server
# ended (a restart, a failover, pg_terminate_backend). They pass; the worker waits them out.
TRANSIENT = (OperationalError, InterfaceError)
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 30.0

# A child of django-tasks-db's logger, so `hoshin worker`'s verbosity and output (set by the
# library's command for its own logger) apply to these lines too.
log = logging.getLogger("django_tasks_db.hoshin")


def worker_id() -> str:
    """This worker's id in the tasks it claims: host and process, so a worker started later
    on the same host can tell a task whose worker died (kill -9, out of memory) from one
    another worker is still running."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def requeue_orphans(own_id: str | None = None) -> list[str]:
    """Put back in the queue the tasks claimed by a worker of this host that no longer
    runs: a task left RUNNING by a killed worker would otherwise never run again. Every
    task here may run twice: the jobs mark their slot done in their own transaction, an
    import is one transaction, a flag judgement is recomputed. `own_id` (the calling
    worker's id, between tasks) also puts back the tasks claimed under that id: a claim
    whose commit was acknowledged by nobody (the connection dropped at COMMIT) stored or
    not. Returns the tasks' ids."""
    from django.db import transaction
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    host = socket.gethostname()[:40]
    requeued = []
    with transaction.atomic():
        for task in DBTaskResult.objects.select_for_update().filter(
                status=TaskResultStatus.RUNNING):
            last = (task.worker_ids or [""])[-1]
            where, _, pid = last.rpartition(":")
            if last != own_id and (where != host or not pid.isdigit() or _alive(int(pid))):
                continue
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            requeued.append(str(task.id))
    return requeued


def _make_worker_class():
    # django-tasks-db is imported once Django is set up (its models).
    from django_tasks_db.management.commands.db_worker import Worker

    class SteadyWorker(Worker):
        """django-tasks-db's worker, which exits when its claim of a task, or its record of a
        task's outcome, meets a database error: under load on SQLite the claim waited out
        the busy timeout behind other writers and the worker was gone (bench, e96ab27).
        This one logs the error, drops the connection, backs off (0.5 s doubling to 30 s,
        with jitter so workers do not return together) and carries on. A task is never run
        twice for it: its outcome is stored by retrying until the database takes it (a
        finished task is never recorded as failed for a lock), and a claim whose commit
        went unacknowledged is put back in the queue before the next claim."""

        failures = 0
        last_failure = 0.0
        unsure_claims = True  # at start: tasks of this host's dead workers (requeue_orphans)

        def report(self, line: str) -> None:
            log.warning(line)

        def run(self) -> None:
            while True:
                try:
                    if self.unsure_claims:
                        requeued = requeue_orphans(own_id=self.worker_id)
                        self.unsure_claims = False
                        if requeued:
                            self.report(f"Requeued {len(requeued)} task(s) left running by a "
                                        "worker that stopped: " + ", ".join(requeued))
                    return super().run()
                except TRANSIENT as error:
                    self.unsure_claims = True
                    self.back_off(error)

        def back_off(self, error: BaseException) -> None:
            now = time.monotonic()
            if now - self.last_failure > 2 * BACKOFF_MAX_S:
                self.failures = 0  # a new spell of trouble, not the same one
            self.last_failure = now
            delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** self.failures)
            delay *= random.uniform(0.75, 1.25)  # noqa: S311 (spreading retries, not secrets)
            self.failures += 1
            log.warning("Database error (%s: %s); retrying in %.1f s", type(error).__name__,
                        str(error).strip().splitlines()[0] if str(error).strip() else "",
                        delay)
            # A connection that met an error may be dead or mid-transaction: open a new one.
            for conn in connections.all(initialized_only=True):
                try:
                    conn.close()
                except TRANSIENT:
                    conn.connection = None
            self.startup_delay = False
            time.sleep(delay)

        def store(self, write) -> None:
            """Run `write` (the task's outcome) until the database takes it."""
            while True:
                try:
                    return write()
                except TRANSIENT as error:
                    self.back_off(error)

        def run_task(self, db_task_result) -> None:
            # The library's run_task, except that storing the outcome outlives transient
            # errors: there, a success whose record met a lock was recorded as a failure,
            # and a failure whose record met one ended the worker with the task RUNNING.
            from django_tasks_db.compat import TaskContext, task_finished, task_started

            self.failures = 0
            try:
                self.running_task = True
                task = db_task_result.task
                task_result = db_task_result.task_result
                task_started.send(sender=task.get_backend(), task_result=task_result)
                if task.takes_context:
                    return_value = task.call(TaskContext(task_result=task_result),
                                             *task_result.args, **task_result.kwargs)
                else:
                    return_value = task.call(*task_result.args, **task_result.kwargs)
                # Inside the try, as in the library: a return value JSON cannot hold is
                # recorded as the task's failure.
                self.store(lambda: db_task_result.set_successful(return_value))
                task_finished.send(sender=task.get_backend(),
                                   task_result=db_task_result.task_result)
            except BaseException as error:  # as the library: a task's failure is recorded
                self.store(lambda: db_task_result.set_failed(error))
                try:
                    sender = type(db_task_result.task.get_backend())
                    task_result = db_task_result.task_result
                except (ImportError, SuspiciousOperation):
                    log.exception("Task id=%s failed unexpectedly", db_task_result.id)
                else:
                    task_finished.send(sender=sender, task_result=task_result)
            finally:
                self.running_task = False
                self._run_tasks += 1

    return SteadyWorker


class Command(BaseCommand):
    help = "Run background tasks from the database queue (reminders, notifications, data pulls)"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds to wait when the queue is empty (default 1)")
        parser.add_argument("--batch", action="store_true",
                            help="run what is queued now, then exit (for cron or tests)")
        parser.add_argument("--max-tasks", type=int, default=None,
                            help="exit after this many tasks")

    def handle(self, *args, interval, batch, max_tasks, verbosity, **options):
        from django_tasks_db.management.commands.db_worker import Command as DBWorker
        from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS

        import hoshin.notify.tasks  # noqa: F401  (the worker must know every task)

        # The library's command sets up its loggers (and so ours) for this verbosity.
        DBWorker(stdout=self.stdout, stderr=self.stderr).configure_logging(verbosity)
        worker = _make_worker_class()(
            queue_names=["*"], excluded_queue_names=[], interval=interval, batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS, startup_delay=False,
            max_tasks=max_tasks, worker_id=worker_id())
        if verbosity:
            worker.report = self.stdout.write
        worker.configure_signals()
        worker.run()
