"""Rows prepared before the write transaction, inserted inside it in one statement per table.

SQLite has one write lock for the whole database: while an import's (or a roll-up
rebuild's) transaction is open, every check-in waits. Django's `bulk_create` builds its SQL inside that transaction, about
a millisecond of Python per row on a busy machine (each value converted field by field),
so a page of 10,000 objectives and key results held the lock for seconds. Here every
value is converted first, outside the transaction (`Insert.add`); inside it (`Insert.write`)
only the ids, and the references to rows written in the same transaction, are filled in,
and the rows go in with one `executemany` per table, with their history rows (as
django-simple-history writes them, credited to the actor and dated by the clock).

Ids are taken inside the transaction: on SQLite, which writes one transaction at a time,
the next ids after the table's AUTOINCREMENT counter; on PostgreSQL from the table's
sequence. So rows may point at each other (an objective at its parent) before any is
written; foreign keys are checked at commit on both databases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection

HISTORY_FIELDS = ("history_id", "history_date", "history_type", "history_user_id",
                  "history_change_reason")


class Insert:
    """The rows of one model to insert, with their history rows when the model keeps one."""

    def __init__(self, model, *, history_user_id: int | None = None, history_date=None,
                 change_reason: str | None = None):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.attname for f in self.fields]
        self.position = {name: i for i, name in enumerate(self.columns)}
        self.pk = self.position[model._meta.pk.attname]
        self.rows: list[list[Any]] = []
        self.late: list[dict[int, Callable[[], Any]]] = []
        self.ids: list[int] = []
        history = getattr(model, "history", None)
        self.history = history.model if history is not None else None
        if self.history is not None:
            from hoshin.core import clock

            date = history_date or clock.now()
            self.history_fields = list(self.history._meta.concrete_fields)
            self.history_extra = {
                "history_date": self._prep(self.history._meta.get_field("history_date"), date),
                "history_type": "+", "history_user_id": history_user_id,
                "history_change_reason": change_reason}

    @staticmethod
    def _prep(field, value):
        return field.get_db_prep_save(value, connection)

    def add(self, obj, **late: Callable[[], Any]) -> int:
        """Convert `obj`'s values now; `late` gives, by attname, the values known only once
        the transaction has written what they point at (a new unit's id). Returns the row's
        index, whose id `id_of` gives after `write`."""
        values = []
        for f in self.fields:
            if f.attname in late or f.primary_key:
                values.append(None)
            else:
                values.append(self._prep(f, f.pre_save(obj, True)))
        self.rows.append(values)
        self.late.append({self.position[name]: fn for name, fn in late.items()})
        return len(self.rows) - 1

    def id_of(self, index: int) -> int:
        return self.ids[index]

    def reserve(self) -> None:
        """Take the rows' ids (inside the transaction, before any `write` that refers to
        them)."""
        self.ids = _next_ids(self.model, len(self.rows))

    def write(self) -> list[int]:
        """Fill in ids and late values and insert the rows and their history; returns the
        ids, in the order rows were added."""
        if not self.rows:
            return []
        if not self.ids:
            self.reserve()
        for row, late, pk in zip(self.rows, self.late, self.ids, strict=True):
            row[self.pk] = pk
            for i, fn in late.items():
                row[i] = fn()
        _insert(self.model._meta.db_table, self.columns, self.rows)
        if self.history is not None:
            self._write_history()
        return self.ids

    def _write_history(self) -> None:
        history_ids = _next_ids(self.history, len(self.rows))
        columns, sources = [], []
        for f in self.history_fields:
            columns.append(f.attname)
            if f.attname == "history_id":
                sources.append(("history_id", None))
            elif f.attname in self.history_extra:
                sources.append(("fixed", self.history_extra[f.attname]))
            elif f.attname in self.position:
                sources.append(("row", self.position[f.attname]))
            else:
                sources.append(("fixed", self._prep(f, f.get_default())))
        rows = []
        for row, history_id in zip(self.rows, history_ids, strict=True):
            rows.append([history_id if kind == "history_id" else
                         row[value] if kind == "row" else value for kind, value in sources])
        _insert(self.history._meta.db_table, columns, rows)


def _insert(table: str, columns: list[str], rows: list[list[Any]]) -> None:
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _next_ids(model, n: int) -> list[int]:
    if n == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never reuses an id, even a deleted row's: go past both the
            # counter and the largest id (the counter may be missing on an empty table).
            # Inserting explicit ids moves the counter on.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM "
                           f"{connection.ops.quote_name(table)}")
            base = max(row[0] if row else 0, cursor.fetchone()[0] or 0)
            return list(range(base + 1, base + n + 1))
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [table, column, n])
        return sorted(r[0] for r in cursor.fetchall())
