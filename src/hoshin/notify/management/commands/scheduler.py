"""`hoshin scheduler`: enqueue periodic jobs when they fall due. Run exactly one."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from hoshin.notify import scheduler


class Command(BaseCommand):
    help = "Enqueue periodic jobs (weekly reminders, digests, flags, outbox delivery) when due"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=10.0,
                            help="seconds between checks (default 10)")
        parser.add_argument("--once", action="store_true", help="check once, then exit")

    def handle(self, *args, interval, once, verbosity, **options):
        # The jobs were discovered when the apps became ready (NotifyConfig.ready).
        import hoshin.notify.tasks  # noqa: F401  (the task the scheduler enqueues)

        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            close_old_connections()
            for name, slot in scheduler.tick():
                if verbosity > 1:
                    self.stdout.write(f"enqueued {name} {slot}")
            if once or not running:
                return
            deadline = time.monotonic() + interval
            while running and time.monotonic() < deadline:
                time.sleep(min(0.5, interval))
            if not running:
                return
