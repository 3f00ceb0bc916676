"""The statistics the database's query planner chooses its plans by.

Without them SQLite scans a whole quarter's objectives where an index on the unit would
read a handful, and PostgreSQL guesses row counts for its joins. `gather()` analyses the
whole database: after a plan is loaded (`hoshin demo`, `hoshin import`, the benchmark)
and nightly (the `database-statistics` job, notify/jobs.py). Between those, SQLite
connections run `PRAGMA optimize` as they close (hoshin/core/sqlite) and PostgreSQL's
autovacuum re-analyses a table once about a tenth of its rows changed.
"""

from __future__ import annotations

import time

from django.db import DEFAULT_DB_ALIAS, connections

# Rows SQLite reads per index when analysing: enough for the planner, bounded in time
# whatever the size (an approximate ANALYZE, as SQLite recommends for routine use).
SQLITE_ANALYSIS_LIMIT = 1000


def gather(using: str = DEFAULT_DB_ALIAS) -> float:
    """Analyse every table of the database; returns the seconds it took."""
    connection = connections[using]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            # This database's own tables only: a bare ANALYZE also analyses the catalogs
            # every database of the server shares (pg_database, pg_authid, pg_shdepend),
            # so it waited on any other database's ANALYZE, CREATE or DROP DATABASE (two
            # tests that load the demo took 140-150 s instead of 1 s in the suite's
            # PostgreSQL run, beside other workers' databases).
            cursor.execute("SELECT quote_ident(tablename) FROM pg_tables "
                           "WHERE schemaname = current_schema() ORDER BY tablename")
            tables = [row[0] for row in cursor.fetchall()]
            if tables:
                cursor.execute("ANALYZE " + ", ".join(tables))
    return time.perf_counter() - started


def analysed_tables(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """The tables the planner has statistics for (for tests and the benchmark)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return set()
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        elif connection.vendor == "postgresql":
            # reltuples is -1 until a table is first analysed (or vacuumed).
            cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                           "ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
                           "AND n.nspname = current_schema() AND c.reltuples >= 0")
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}
