"""`hoshin worker`: run queued background tasks (the database queue)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


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

        worker_args = ["--queue-name", "*", "--interval", str(interval), "--no-startup-delay",
                       "--no-reload"]
        if batch:
            worker_args.append("--batch")
        if max_tasks:
            worker_args += ["--max-tasks", str(max_tasks)]
        call_command("db_worker", *worker_args, verbosity=verbosity)
