"""`hoshin worker`: run queued background tasks (the database queue)."""

import os
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand


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


def requeue_orphans() -> list[str]:
    """Put back in the queue the tasks claimed by a worker of this host that no longer
    runs: a task left RUNNING by a killed worker would otherwise never run again. Every
    task here may run twice: the jobs mark their slot done in their own transaction, an
    import is one transaction, a flag judgement is recomputed. Returns the tasks' ids."""
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
            if where != host or not pid.isdigit() or _alive(int(pid)):
                continue
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            requeued.append(str(task.id))
    return requeued


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
        import hoshin.notify.tasks  # noqa: F401  (the worker must know every task)

        requeued = requeue_orphans()
        if requeued and verbosity:
            self.stdout.write(f"Requeued {len(requeued)} task(s) left running by a worker "
                              "that stopped: " + ", ".join(requeued))
        worker_args = ["--queue-name", "*", "--interval", str(interval), "--no-startup-delay",
                       "--no-reload", "--worker-id", worker_id()]
        if batch:
            worker_args.append("--batch")
        if max_tasks:
            worker_args += ["--max-tasks", str(max_tasks)]
        call_command("db_worker", *worker_args, verbosity=verbosity)
