from __future__ import annotations

import os
import shutil

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from hoshin.core.management.commands._base import HoshinCommand

TARGET = "hoshin.wsgi:application"
# Requests mostly wait on the database, so a few threads per core; granian warns past 2n+1.
DEFAULT_THREADS = max(2, min(8, 2 * (os.cpu_count() or 1) + 1))


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class Command(HoshinCommand):
    help = ("Run the web app and the API under granian (WSGI). Applies migrations and "
            "collects static files first, so a fresh install needs only this.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOSHIN_HOST", "127.0.0.1"),
                            help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
        parser.add_argument("--port", type=int, default=int(os.environ.get("HOSHIN_PORT", 8000)),
                            help="port to listen on (default 8000)")
        parser.add_argument("--workers", type=int, default=1,
                            help="worker processes (default 1; each serves many requests "
                                 "at once on threads)")
        parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                            help=f"threads per worker (default {DEFAULT_THREADS})")
        parser.add_argument("--no-migrate", action="store_true",
                            help="do not apply pending migrations before starting")

    def handle(self, *args, host, port, workers, threads, no_migrate, **options):
        if workers < 1 or threads < 1:
            raise CommandError("workers and threads: must be at least 1")
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        else:
            self.require_migrated()
        call_command("collectstatic", interactive=False, verbosity=0)
        # The workers open their own connections; one inherited across fork is shared
        # by processes that do not know about each other.
        connections.close_all()
        self.stdout.write(f"Hoshin is running at {url_of(host, port)}  (Ctrl+C to stop)")
        self.stdout.flush()
        try:
            from granian import Granian
            from granian.constants import Interfaces
        except ImportError:
            self.serve_with_gunicorn(host, port, workers, threads)
            return
        Granian(TARGET, address=host, port=port, interface=Interfaces.WSGI, workers=workers,
                blocking_threads=threads, backpressure=threads * 4).serve()

    def serve_with_gunicorn(self, host: str, port: int, workers: int, threads: int) -> None:
        gunicorn = shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("neither granian nor gunicorn is installed: "
                               "pip install granian")
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        os.execv(gunicorn, [gunicorn, TARGET, "--bind", bind, "--workers", str(workers),
                            "--threads", str(threads)])
