"""The WSGI application as `hoshin serve` runs it (and hoshin/wsgi.py gives other WSGI
servers): the project's application, plus a guard in each worker process that ends the
worker when the server's main process is gone, and the long-lived objects taken out of the
cyclic collector's way once the process is warm (core/memory.py).

Killed with -9, granian's main process cannot stop its workers: they kept the port and
went on answering, so a restarted server could not bind it and no one was watching them
(issue #13 item 6). Each worker checks its parent once a second and ends itself when
the parent it was started by has gone.
"""

from __future__ import annotations

import os
import signal
import threading
import time

from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application

from hoshin.core.memory import FreezeWhenWarm

PARENT_ENV = "HOSHIN_SERVE_PARENT"
CHECK_EVERY = 1.0


def _watch(parent: int) -> None:
    while True:
        time.sleep(CHECK_EVERY)
        if os.getppid() != parent:
            # SIGKILL: nothing of the worker's is worth finishing once no one can stop it,
            # and the port must be free for the server started after.
            os.kill(os.getpid(), signal.SIGKILL)


def _start_watching() -> None:
    parent = os.environ.get(PARENT_ENV, "")
    if parent.isdigit() and os.getppid() == int(parent):
        threading.Thread(target=_watch, args=(int(parent),), name="hoshin-parent-watch",
                         daemon=True).start()


_start_watching()
# What hoshin/wsgi.py serves (core sits below the entry points, so it builds its own).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")
application = get_wsgi_application()
request_started.connect(FreezeWhenWarm(), weak=False, dispatch_uid="hoshin-freeze-when-warm")
