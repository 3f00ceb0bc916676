from __future__ import annotations

import os
import shutil

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from hoshin.core.management.commands._base import HoshinCommand

# The project's WSGI application, with a guard that ends a worker whose server's main
# process was killed (hoshin/core/served.py).
TARGET = "hoshin.core.served:application"


def cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise CommandError(f'{name}: "{value}" is not a whole number') from None


# A worker is one process bound by the interpreter lock: one per core uses the machine.
# Inside a worker, threads overlap the waits on the database and the network; more than a
# few only queue behind the lock (and hold more database connections).
DEFAULT_THREADS = 4


def default_workers() -> int:
    return cores()


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class Command(HoshinCommand):
    help = ("Run the web app and the API under granian (WSGI), one worker process per core. "
            "Applies migrations and collects static files first, so a fresh install needs "
            "only this.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOSHIN_HOST", "127.0.0.1"),
                            help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
        parser.add_argument("--port", type=int, default=int(os.environ.get("HOSHIN_PORT", 8000)),
                            help="port to listen on (default 8000)")
        parser.add_argument("--workers", type=int, default=None,
                            help="worker processes (default HOSHIN_WORKERS, else one per "
                                 f"core: {default_workers()} here)")
        parser.add_argument("--threads", type=int, default=None,
                            help="threads per worker (default HOSHIN_THREADS, else "
                                 f"{DEFAULT_THREADS})")
        parser.add_argument("--no-migrate", action="store_true",
                            help="do not apply pending migrations before starting")

    def handle(self, *args, host, port, workers, threads, no_migrate, **options):
        if workers is None:
            workers = _env_int("HOSHIN_WORKERS")
        if workers is None:
            workers = default_workers()
        if threads is None:
            threads = _env_int("HOSHIN_THREADS")
        if threads is None:
            threads = DEFAULT_THREADS
        if workers < 1 or threads < 1:
            raise CommandError("workers and threads: must be at least 1")
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        else:
            self.require_migrated()
        call_command("collectstatic", interactive=False, verbosity=0)
        # Static files from the collected copies (with their .gz variants), not
        # from the apps' folders, in this process and in the workers it starts.
        os.environ["HOSHIN_STATIC_FROM_APPS"] = "off"
        settings.WHITENOISE_USE_FINDERS = False
        # The workers open their own connections; one inherited across fork is shared
        # by processes that do not know about each other.
        connections.close_all()
        os.environ["HOSHIN_SERVE_PARENT"] = str(os.getpid())
        self.stdout.write(f"Hoshin is running at {url_of(host, port)}  (Ctrl+C to stop; "
                          f"{workers} worker{'s' if workers != 1 else ''} × {threads} "
                          "threads)")
        self.stdout.flush()
        try:
            from granian import Granian
            from granian.constants import Interfaces
        except ImportError:
            self.serve_with_gunicorn(host, port, workers, threads)
            return
        # A worker that dies (out of memory, a crash in a C extension) is started again
        # instead of leaving the server one core short. Backpressure is granian's default
        # (the backlog shared by the workers): a limit of a few requests per thread, as
        # before, left browsers' kept-alive connections beyond it unanswered for a minute
        # at 64 clients (bench/http_load.py).
        Granian(TARGET, address=host, port=port, interface=Interfaces.WSGI, workers=workers,
                blocking_threads=threads, respawn_failed_workers=True).serve()

    def serve_with_gunicorn(self, host: str, port: int, workers: int, threads: int) -> None:
        gunicorn = shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("neither granian nor gunicorn is installed: "
                               "pip install granian")
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        os.execv(gunicorn, [gunicorn, TARGET, "--bind", bind, "--workers", str(workers),
                            "--threads", str(threads)])
