"""One consistent view of the whole database, taken while the server keeps running.

SQLite: the online backup API copies the database, in one step, into a temporary file
that is then read at leisure; writers carry on meanwhile (WAL), and nothing written after
the copy is in it. PostgreSQL: a second connection reads everything inside one
REPEATABLE READ, READ ONLY transaction, which sees the database as it was at its first
query, as pg_dump does.

Either way the backup reads through a connection of its own under a temporary alias, so
it never joins, or waits on, a transaction the caller has open.
"""

from __future__ import annotations

import contextlib
import copy
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.utils import load_backend


@contextlib.contextmanager
def snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """The alias of a connection that sees the database `using` as it is now, and keeps
    seeing it so until the block ends."""
    vendor = connections[using].vendor
    if vendor == "sqlite":
        with _sqlite_copy(using) as settings_dict, _alias(using, settings_dict) as alias:
            yield alias
    elif vendor == "postgresql":
        with _alias(using, copy.deepcopy(connections[using].settings_dict)) as alias:
            with transaction.atomic(using=alias):
                with connections[alias].cursor() as cursor:
                    # The first statement of the transaction; the snapshot starts with it.
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    cursor.execute("SELECT 1")
                yield alias
    else:
        raise NotImplementedError(f"backing up a {vendor} database is not supported")


@contextlib.contextmanager
def _sqlite_copy(using: str) -> Iterator[dict]:
    settings_dict = copy.deepcopy(connections[using].settings_dict)
    with tempfile.TemporaryDirectory(prefix="hoshin-backup-") as folder:
        path = Path(folder) / "snapshot.sqlite3"
        # A connection of our own: the backup reads what is committed, whatever transaction
        # the caller's connection is in.
        source = sqlite3.connect(settings_dict["NAME"], uri=True,
                                 timeout=settings_dict["OPTIONS"].get("timeout", 20))
        target = sqlite3.connect(path)
        try:
            source.backup(target)  # all pages in one step: one consistent copy
        finally:
            target.close()
            source.close()
        settings_dict["NAME"] = str(path)
        # The copy is only read: no WAL switch, no write lock taken on BEGIN.
        settings_dict["OPTIONS"] = {"timeout": 20}
        yield settings_dict


@contextlib.contextmanager
def _alias(using: str, settings_dict: dict) -> Iterator[str]:
    """A connection of the backup's own, known to this thread only: not added to
    DATABASES, so nothing else in the process ever picks it up."""
    alias = f"{using}-backup-snapshot"
    settings_dict["CONN_MAX_AGE"] = 0
    connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    connections[alias] = connection
    try:
        yield alias
    finally:
        connection.close()
        del connections[alias]
