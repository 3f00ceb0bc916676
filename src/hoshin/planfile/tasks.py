"""The Markdown page's preview and import run on the task queue (`hoshin worker`), not in
the request: an 818 KB page took about 110 s of work (one service call per element), and a
web worker thread held for that long, with a request time limit or a proxy in front,
answers nobody (issue #13). The page polls the job's status (planfile/views.py).

A preview (a dry run) on SQLite runs against a snapshot of the database taken for it
(`VACUUM INTO`, a read that blocks no one): the dry run writes everything and rolls it
back, and on the live database it would hold SQLite's one write lock for its whole length,
so every check-in meanwhile waited and failed. On PostgreSQL the dry run's writes lock
only the rows it creates, so it runs on the database itself.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django_tasks import task


@task()
def import_markdown_page(actor_id: int, markdown: str, options: dict, dry_run: bool) -> dict:
    """Preview (dry_run) or import a Markdown page as `actor_id`; returns the report's
    dict with `imported` and, when the page could not be imported, its errors."""
    from hoshin.core.errors import DomainError
    from hoshin.org.models import Person
    from hoshin.planfile.markdown_import import MarkdownImportError, import_markdown

    actor = Person.objects.get(pk=actor_id)
    with (snapshot_for_a_dry_run() if dry_run else _nothing()):
        try:
            report = import_markdown(actor, markdown, dry_run=dry_run, **options)
        except MarkdownImportError as exc:
            return {"report": _plain(exc.report.as_dict()), "imported": False}
        except DomainError as exc:
            return {"report": None, "imported": False,
                    "errors": [{"field": e.field, "message": e.message} for e in exc.errors]}
    return {"report": _plain(report.as_dict()), "imported": not dry_run}


def _plain(value):
    # Dates and decimals as the API writes them: the task's result is stored as JSON.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@contextmanager
def _nothing():
    yield


@contextmanager
def snapshot_for_a_dry_run():
    """Point this thread's connection at a copy of the SQLite database for the block (and
    back after); elsewhere (PostgreSQL, an in-memory database, inside a transaction as in
    the tests) do nothing."""
    conn = connections["default"]
    name = str(conn.settings_dict["NAME"])
    if (conn.vendor != "sqlite" or conn.in_atomic_block or name in ("", ":memory:")
            or "mode=memory" in name):
        yield
        return
    folder = Path(tempfile.mkdtemp(prefix="preview-", dir=_scratch()))
    copy = folder / "snapshot.sqlite3"
    try:
        with conn.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        conn.close()
        conn.settings_dict["NAME"] = str(copy)
        try:
            yield
        finally:
            conn.close()
            conn.settings_dict["NAME"] = name
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _scratch() -> str | None:
    # Beside the database when it can be (same disk, same room); else the system's temp.
    folder = Path(settings.DATA_DIR) / "tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return str(folder)
