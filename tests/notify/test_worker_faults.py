"""A worker killed in the middle of a job (kill -9, out of memory) loses nothing: the job's
transaction never committed, and the next worker on the host puts the job back in the
queue and runs it once (issue #13 item 6)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hoshin.notify.management.commands.worker import requeue_orphans, worker_id
from hoshin.okrs.models import Objective
from hoshin.planfile.tasks import import_markdown_page

# The worker closes and reopens its database connection between tasks, as in production,
# so these tests commit for real instead of running in one transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def page(objectives: int) -> str:
    return "".join(f"## Dept {i}\n1. **Grow {i}**\n   1. Close {i} deals - @bob\n"
                   for i in range(objectives))


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def claim(result_id, by: str) -> None:
    DBTaskResult.objects.filter(id=result_id).update(
        status=TaskResultStatus.RUNNING, worker_ids=[by])


def test_a_job_left_running_by_a_dead_worker_is_run_again_once(plan):
    job = import_markdown_page.enqueue(plan.admin.pk, page(3), {"cycle": plan.quarter.key},
                                       False)
    host = worker_id().rpartition(":")[0]
    claim(job.id, f"{host}:{dead_pid()}")

    call_command("worker", "--batch", verbosity=0)

    assert import_markdown_page.get_result(job.id).status == TaskResultStatus.SUCCESSFUL
    assert Objective.objects.filter(title__startswith="Grow ").count() == 3


def test_a_job_another_live_worker_runs_is_left_alone(plan):
    job = import_markdown_page.enqueue(plan.admin.pk, page(1), {"cycle": plan.quarter.key},
                                       True)
    claim(job.id, worker_id())  # this process: alive
    other = DBTaskResult.objects.get(id=job.id)
    other.pk = None
    other.save()  # a second one, claimed by a worker on another host
    claim(other.id, f"elsewhere:{dead_pid()}")

    assert requeue_orphans() == []
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 2


def _database_url(tmp_path) -> str:
    if connection.vendor == "sqlite":
        path = tmp_path / "served.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        return f"sqlite:///{path}"
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not Path("/proc").exists(), reason="signals a process")
def test_kill_9_of_the_worker_mid_import_then_a_restart_imports_the_page_once(tmp_path):
    from tests.factories import build_plan

    plan = build_plan()
    objectives = 400  # long enough to be caught mid-way (seconds of work even when idle)
    job = import_markdown_page.enqueue(plan.admin.pk, page(objectives),
                                       {"cycle": plan.quarter.key}, False)
    url = _database_url(tmp_path)
    env = {**os.environ, "HOSHIN_DATABASE_URL": url, "HOSHIN_DATA_DIR": str(tmp_path)}
    script = Path(sys.executable).parent / "hoshin"
    log = open(tmp_path / "worker.log", "w+")
    worker = subprocess.Popen([str(script), "worker", "--interval", "0.1"], env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    # What the worker sees: a connection of its own to the same database.
    from django.db.utils import ConnectionHandler

    if connection.vendor == "sqlite":
        seen = ConnectionHandler({"default": {**connection.settings_dict,
                                              "NAME": url.removeprefix("sqlite:///")}})
    else:
        seen = None
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _status(seen, job.id) != "RUNNING":
            time.sleep(0.05)
        assert _status(seen, job.id) == "RUNNING", log.read()
        time.sleep(0.5)  # into the import: reading and checking, or its one write transaction
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        # Nothing half-written: the import's transaction died with the worker.
        assert _count(seen, "okrs_objective", "title LIKE 'Grow %'") == 0
        assert _status(seen, job.id) == "RUNNING"  # left claimed by the dead worker

        restarted = subprocess.run([str(script), "worker", "--batch"], env=env,
                                   capture_output=True, text=True, timeout=600)
        assert restarted.returncode == 0, restarted.stderr
        assert "Requeued 1 task" in restarted.stdout
        assert _status(seen, job.id) == "SUCCESSFUL"
        assert _count(seen, "okrs_objective", "title LIKE 'Grow %'") == objectives
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()
        if seen is not None:
            seen["default"].close()


def _cursor(seen):
    return (seen["default"] if seen is not None else connection).cursor()


def _status(seen, job_id) -> str:
    with _cursor(seen) as cursor:
        cursor.execute("SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s",
                       [str(job_id).replace("-", "") if seen is not None else str(job_id)])
        row = cursor.fetchone()
    return row[0] if row else ""


def _count(seen, table: str, where: str) -> int:
    with _cursor(seen) as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}")
        return cursor.fetchone()[0]
