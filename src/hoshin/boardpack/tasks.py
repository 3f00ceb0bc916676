"""The web's board pack is made on the task queue (`hoshin worker`), not in the request: a
pack takes seconds of layout (about a second at the demo's size; bench figures in
docs/boardpack.md), and a web worker thread held that long answers nobody else. The page
polls the job's status (boardpack/views.py), as the Markdown import's does.

The PDF comes back as the task's result (base64 in the queue's JSON column), so the web
process reads it from the database whichever host the worker ran on; the queue's rows are
not backed up (backup/tables.py: TRANSIENT), nor is the PDF, which is made again from the
live data on demand.
"""

from __future__ import annotations

import base64

from django_tasks import task

from hoshin.core.queue import WAITED_ON


@task(priority=WAITED_ON)
def make_board_pack(actor_id: int, cycle_key: str | None) -> dict:
    """Make the pack as `actor_id`; returns the PDF (base64) with its file name and page
    count, or `error` when it cannot be made (no such quarter, no longer allowed)."""
    from hoshin.boardpack import services
    from hoshin.core.errors import DomainError
    from hoshin.org.models import Person

    actor = Person.objects.get(pk=actor_id)
    try:
        rendered = services.make_board_pack(actor, cycle_key, where=" (web download)")
    except DomainError as exc:
        return {"error": exc.detail}
    return {"pdf": base64.b64encode(rendered.pdf).decode("ascii"), "pages": rendered.pages,
            "filename": rendered.filename, "seconds": rendered.seconds,
            "cycle": rendered.cycle, "bytes": len(rendered.pdf)}
