"""The Markdown page's preview and import run on the task queue (`hoshin worker`), not in
the request: an 818 KB page takes tens of seconds to read and check, and a web worker
thread held for that long, with a request time limit or a proxy in front, answers nobody
(issue #13). The page polls the job's status (planfile/views.py).

Neither holds SQLite's write lock for long: a preview only reads, and an import reads and
checks everything before a short write transaction (planfile/markdown_import.py), so no
snapshot of the database is needed for a preview any more.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django_tasks import task

from hoshin.core.queue import WAITED_ON


@task(priority=WAITED_ON)
def import_markdown_page(actor_id: int, markdown: str, options: dict, dry_run: bool) -> dict:
    """Preview (dry_run) or import a Markdown page as `actor_id`; returns the report's
    dict with `imported` and, when the page could not be imported, its errors."""
    from hoshin.core.errors import DomainError
    from hoshin.org.models import Person
    from hoshin.planfile.markdown_import import MarkdownImportError, import_markdown

    actor = Person.objects.get(pk=actor_id)
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
