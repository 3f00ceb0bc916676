"""`hoshin serve` uses every core: one worker process per core unless told otherwise
(--workers, HOSHIN_WORKERS), each with a few threads, and every worker answers."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from hoshin.core.management.commands import serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def granian_args(monkeypatch, settings, tmp_path):
    """What `serve` would start granian with (granian itself is not started)."""
    import granian

    settings.STATIC_ROOT = tmp_path / "static"
    started = {}

    class Recorder:
        def __init__(self, target, **kwargs):
            started.update(kwargs, target=target)

        def serve(self):
            started["served"] = True

    monkeypatch.setattr(granian, "Granian", Recorder)
    for name in ("HOSHIN_WORKERS", "HOSHIN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    return started


def run_serve(*args):
    call_command("serve", "--no-migrate", "--port", "8999", *args)


def test_one_worker_per_core_by_default(granian_args, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    run_serve()
    assert granian_args["workers"] == 3
    assert granian_args["blocking_threads"] == serve.DEFAULT_THREADS
    assert granian_args["served"] and granian_args["target"] == "hoshin.core.served:application"


# serve closes the database connections before starting granian: one call per test.
def test_workers_and_threads_from_the_environment(granian_args, monkeypatch):
    monkeypatch.setenv("HOSHIN_WORKERS", "5")
    monkeypatch.setenv("HOSHIN_THREADS", "2")
    run_serve()
    assert (granian_args["workers"], granian_args["blocking_threads"]) == (5, 2)


def test_a_flag_wins_over_the_environment(granian_args, monkeypatch):
    monkeypatch.setenv("HOSHIN_WORKERS", "5")
    run_serve("--workers", "3", "--threads", "6")
    assert (granian_args["workers"], granian_args["blocking_threads"]) == (3, 6)


def test_a_wrong_number_is_a_clean_error(granian_args, monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("HOSHIN_WORKERS", "many")
    with pytest.raises(CommandError, match='HOSHIN_WORKERS: "many" is not a whole number'):
        run_serve()
    monkeypatch.setenv("HOSHIN_WORKERS", "0")
    with pytest.raises(CommandError, match="at least 1"):
        run_serve()


# The real server, in its own processes ----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _database_url(tmp_path) -> str:
    """A database the server's processes can open, already migrated: a copy of the test
    database on SQLite (it lives in this process's memory), the test database itself on
    PostgreSQL (the server only reads the login page)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "served.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        return f"sqlite:///{path}"
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


# Outside a test transaction: SQLite cannot copy a database its own connection is writing.
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_serve_starts_the_workers_asked_for_and_each_answers(tmp_path):
    port = _free_port()
    env = {**os.environ, "HOSHIN_DATABASE_URL": _database_url(tmp_path),
           "HOSHIN_DATA_DIR": str(tmp_path / "data"), "HOSHIN_WORKERS": "2",
           "HOSHIN_THREADS": "2"}
    script = Path(sys.executable).parent / "hoshin"
    log = open(tmp_path / "serve.log", "w+")
    server = subprocess.Popen([str(script), "serve", "--no-migrate", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 300  # collectstatic first: slow on a loaded machine
        answers = []
        while len(answers) < 20 and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/",
                                            timeout=10) as response:
                    answers.append(response.status)
            except OSError:
                time.sleep(0.3)
        log.seek(0)
        output = log.read()
        assert answers == [200] * 20, output
        assert "2 workers × 2 threads" in output
        # Static files: the collected copies, compressed for the browsers that accept it.
        for encoding in ("gzip",):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/static/web/hoshin.css",
                                             headers={"Accept-Encoding": encoding})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.headers["Content-Encoding"] == encoding
        workers = _children(server.pid)
        assert len(workers) == 2, output
        # Each worker is a process of its own, with its own threads.
        assert all(len(list(Path(f"/proc/{w}/task").iterdir())) >= 2 for w in workers)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=15)
        log.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_kill_9_of_the_servers_main_process_leaves_no_worker_on_the_port(tmp_path):
    """Issue #13 item 6: granian's workers outlived a main process killed with -9 and kept
    answering on the port; each now ends itself within a second or two."""
    port = _free_port()
    env = {**os.environ, "HOSHIN_DATABASE_URL": _database_url(tmp_path),
           "HOSHIN_DATA_DIR": str(tmp_path / "data"), "HOSHIN_WORKERS": "2",
           "HOSHIN_THREADS": "2"}
    script = Path(sys.executable).parent / "hoshin"
    log = open(tmp_path / "serve.log", "w+")
    server = subprocess.Popen([str(script), "serve", "--no-migrate", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    workers = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10):
                    break
            except OSError:
                time.sleep(0.3)
        workers = _children(server.pid)
        assert len(workers) == 2, log.read()

        os.kill(server.pid, signal.SIGKILL)  # the main process only, as the OOM killer does
        server.wait(timeout=15)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists()
                                                  and _state(w) != "Z" for w in workers):
            time.sleep(0.2)

        assert not [w for w in workers if Path(f"/proc/{w}").exists() and _state(w) != "Z"]
        # The port is free for the server started after. Under a loaded parallel run the
        # kernel may take a moment to release it: a few tries, never a worker left on it.
        for attempt in range(10):
            with socket.socket() as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind(("127.0.0.1", port))
                    break
                except OSError:
                    if attempt == 9:
                        raise
            time.sleep(0.5)
    finally:
        for pid in [server.pid, *workers]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "Z"
