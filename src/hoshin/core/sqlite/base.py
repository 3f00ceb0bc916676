"""Django's SQLite backend, plus the statistics SQLite's query planner needs.

SQLite's advice for a long-lived connection is to run `PRAGMA optimize` before closing it:
it analyses only the tables this connection queried whose size changed a lot since their
last analysis (bounded by `analysis_limit`, set in the connection's init command), and
usually does nothing at all. Connections are persistent (CONN_MAX_AGE), so this runs
about once per worker thread every ten minutes, after the response has gone out; a
connection closed within a minute of opening (HOSHIN_DB_CONN_MAX_AGE=0, a short command)
skips it, so nothing is added to every request.
"""

from __future__ import annotations

import time

from django.db.backends.sqlite3 import base

OPTIMIZE_AFTER_S = 60  # a connection younger than this closes without PRAGMA optimize


class DatabaseWrapper(base.DatabaseWrapper):
    opened_at = 0.0

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self.opened_at = time.monotonic()
        return connection

    def _close(self):
        if (self.connection is not None and not self.in_atomic_block
                and time.monotonic() - self.opened_at >= OPTIMIZE_AFTER_S):
            try:
                self.connection.execute("PRAGMA optimize")
            except base.Database.Error:
                pass  # busy or read-only: statistics can wait for the next close
        return super()._close()
