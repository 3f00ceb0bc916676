"""The last step of the bulk imports (a Markdown page, a goal list): the planned rows go in,
then the stored roll-up is told what changed.

Both importers plan every row outside any transaction (`hoshin.core.bulk`) and check again,
inside their one short write transaction, what may have changed meanwhile; this is what
they share after those checks.
"""

from __future__ import annotations

from django.db import IntegrityError

from hoshin.core import bulk
from hoshin.okrs import rollups


class IdTaken(Exception):
    """The database refused a row: an id drawn meanwhile by someone else (the importers check
    just before writing, so a matter of milliseconds). The caller's transaction is rolled
    back, so nothing is stored, and a new attempt draws new ids."""


def write_rows(*inserts: bulk.Insert, objectives: bulk.Insert,
               key_results: bulk.Insert) -> None:
    """Inside the caller's transaction: take every insert's ids first (rows may point at
    rows of a later insert), write them in the order given, and tell the stored roll-up
    which objectives and key results are new. Rows written in bulk send no post_save, so
    the roll-up hears of them only here; it updates once the transaction commits."""
    for insert in inserts:
        insert.reserve()
    try:
        for insert in inserts:
            insert.write()
    except IntegrityError as exc:
        raise IdTaken(str(exc)) from exc
    rollups.objectives_changed(*objectives.ids)
    rollups.key_results_changed(*key_results.ids)
