"""`hoshin worker` outlives transient database errors: a claim that meets SQLite's write lock
held by another connection, a PostgreSQL connection the server drops. It logs, backs off and
carries on, and the task still runs exactly once (issue #13)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from hoshin.okrs.models import Objective
from hoshin.planfile.tasks import import_markdown_page

# The worker is a process of its own on a database file (or the PostgreSQL test database),
# so the data it needs is committed for real.
pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not Path("/proc").exists(), reason="runs a process")]

SCRIPT = Path(sys.executable).parent / "hoshin"


def page(objectives: int) -> str:
    return "".join(f"## Dept {i}\n1. **Grow {i}**\n   1. Close {i} deals - @bob\n"
                   for i in range(objectives))


def start_worker(tmp_path, url: str, **env) -> tuple[subprocess.Popen, Path]:
    log_path = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [str(SCRIPT), "worker", "--interval", "0.1"],
        env={**os.environ, "HOSHIN_DATABASE_URL": url, "HOSHIN_DATA_DIR": str(tmp_path),
             **env},
        stdout=open(log_path, "w"), stderr=subprocess.STDOUT, start_new_session=True)
    return worker, log_path


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's database-wide write lock")
def test_the_worker_waits_out_a_held_sqlite_write_lock_and_runs_the_task_once(tmp_path):
    from tests.factories import build_plan

    plan = build_plan()
    # Due tomorrow, until the writer holding the lock makes it due (below).
    job = import_markdown_page.using(run_after=timezone.now() + timedelta(days=1)).enqueue(
        plan.admin.pk, page(2), {"cycle": plan.quarter.key}, False)
    path = tmp_path / "served.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")

    # Another writer holds SQLite's write lock from before the worker starts.
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    # A short busy timeout so each attempt fails within the test (20 s in production).
    worker, log_path = start_worker(tmp_path, f"sqlite:///{path}", HOSHIN_DB_BUSY_TIMEOUT="0.5")
    reader = sqlite3.connect(path, isolation_level=None)
    row = job.id.replace("-", "")

    def log() -> str:
        return log_path.read_text()

    def status() -> str:
        return reader.execute("SELECT status FROM django_tasks_database_dbtaskresult "
                              "WHERE id = ?", [row]).fetchone()[0]

    try:
        # Starting: its look for tasks a dead worker left running meets the lock.
        assert wait_for(lambda: "database is locked" in log(), 30), log()
        time.sleep(2)
        assert worker.poll() is None, log()
        holder.execute("ROLLBACK")
        assert wait_for(lambda: "Starting worker" in log(), 30), log()

        # Polling: each claim (an exclusive transaction, even with nothing due) meets it.
        holder.execute("BEGIN IMMEDIATE")
        seen = log().count("database is locked")
        assert wait_for(lambda: log().count("database is locked") > seen, 30), log()
        time.sleep(2)
        assert worker.poll() is None, log()
        assert status() == "READY"
        # The holder makes the task due and lets go in one commit.
        holder.execute("UPDATE django_tasks_database_dbtaskresult SET run_after = enqueued_at "
                       "WHERE id = ?", [row])
        holder.execute("COMMIT")

        assert wait_for(lambda: status() == "SUCCESSFUL", 60), log()
        assert worker.poll() is None, log()
        titles = reader.execute("SELECT count(*) FROM okrs_objective "
                                "WHERE title LIKE 'Grow %'").fetchone()[0]
        assert titles == 2  # imported once
        claims = reader.execute("SELECT worker_ids FROM django_tasks_database_dbtaskresult "
                                "WHERE id = ?", [row]).fetchone()[0]
        assert claims.count(":") == 1  # claimed once, by one worker
    finally:
        stop(worker)
        holder.close()
        reader.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL backend to end")
def test_the_worker_reconnects_when_postgresql_ends_its_connection_mid_claim(tmp_path):
    import psycopg

    from tests.factories import build_plan

    plan = build_plan()
    job = import_markdown_page.using(run_after=timezone.now() + timedelta(days=1)).enqueue(
        plan.admin.pk, page(2), {"cycle": plan.quarter.key}, False)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    worker, log_path = start_worker(tmp_path, url)
    holder = psycopg.connect(url)

    def log() -> str:
        return log_path.read_text()

    def waiting_backends() -> list[int]:
        with psycopg.connect(url, autocommit=True) as other:
            return [pid for (pid,) in other.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")]

    try:
        assert wait_for(lambda: "Starting worker" in log(), 60), log()
        # Another session locks the queue's table (a migration would): the worker's next
        # claim waits on it; then the server ends the worker's connection (an administrator,
        # a failover) in the middle of that claim.
        holder.execute("LOCK TABLE django_tasks_database_dbtaskresult IN ACCESS EXCLUSIVE MODE")
        assert wait_for(lambda: bool(waiting_backends()), 30), log()
        with psycopg.connect(url, autocommit=True) as admin:
            for pid in waiting_backends():
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert wait_for(lambda: "Database error" in log(), 30), log()
        time.sleep(1)
        assert worker.poll() is None, log()
        # The lock holder makes the task due and lets go.
        holder.execute("UPDATE django_tasks_database_dbtaskresult SET run_after = enqueued_at "
                       "WHERE id = %s", [job.id])
        holder.commit()

        assert wait_for(lambda: import_markdown_page.get_result(job.id).status == "SUCCESSFUL",
                        60), log()
        assert worker.poll() is None, log()
        assert Objective.objects.filter(title__startswith="Grow ").count() == 2  # once
        assert len(import_markdown_page.get_result(job.id).worker_ids) == 1
    finally:
        stop(worker)
        holder.close()
