"""The served process freezes what it has built once warm (core/memory.py), so full
collections stop rescanning the objects that live as long as the process."""

import gc
import os
import subprocess
import sys
import textwrap

from hoshin.core.memory import FreezeWhenWarm


def test_freezes_at_the_start_of_the_requests_after_each_count():
    freeze = FreezeWhenWarm(after=(1, 3))
    try:
        frozen = [freeze() for _ in range(6)]
        # Request 2 starts once request 1 is answered, request 4 once request 3 is.
        assert frozen == [False, True, False, True, False, False]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_served_application_freezes_after_its_first_request(tmp_path):
    """In a process of its own, as a server's worker: the application of hoshin/wsgi.py
    (the one `hoshin serve` runs) has frozen nothing before its first request and has
    frozen the process's objects when the second starts."""
    script = textwrap.dedent("""
        import gc, io, sys
        from hoshin.wsgi import application

        def call(path):
            environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "127.0.0.1",
                       "SERVER_PORT": "80", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http",
                       "wsgi.errors": sys.stderr, "HTTP_HOST": "127.0.0.1"}
            body = application(environ, lambda status, headers, exc_info=None: None)
            b"".join(body)
            body.close()

        before = gc.get_freeze_count()
        call("/login/")
        after_one = gc.get_freeze_count()
        call("/login/")
        print(before, after_one, gc.get_freeze_count())
    """)
    env = dict(os.environ, HOSHIN_DATA_DIR=str(tmp_path),
               HOSHIN_DATABASE_URL=f"sqlite:///{tmp_path}/empty.sqlite3")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    before, after_one, after_two = map(int, out.stdout.split())
    assert before == 0 and after_one == 0
    assert after_two > 10_000  # Django, the project and what the first request loaded
