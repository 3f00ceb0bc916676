"""Django's SQLite backend, plus the statistics SQLite's query planner needs.

SQLite's advice for a long-lived connection is to run `PRAGMA optimize` before closing it:
it analyses only the tables this connection queried whose size changed a lot since their
last analysis (bounded by `analysis_limit`, set in the connection's init command), and
usually does nothing at all. Connections are persistent (CONN_MAX_AGE), so this runs
about once per worker thread every ten minutes, after the response has gone out.
"""

from __future__ import annotations

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def _close(self):
        if self.connection is not None and not self.in_atomic_block:
            try:
                self.connection.execute("PRAGMA optimize")
            except base.Database.Error:
                pass  # busy or read-only: statistics can wait for the next close
        return super()._close()
