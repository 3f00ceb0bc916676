"""Writing a backup of the whole organisation, and restoring one into an empty database.

The file (docs/backup.md) is gzip'd JSON Lines, portable between SQLite and PostgreSQL:

    {"format": "hoshin-backup", "version": 1, "hoshin": ..., "created_at": ...,
     "database": "sqlite", "migrations": {app: [applied...]}, "counts": {table: rows}}
    {"table": "okrs.checkin", "columns": ["id", "key_result_id", ...], "rows": 1063}
    [1, 12, ...]                      one line per row, values in column order
    ...
    {"end": true, "rows": 4211}       written last: a file without it was cut short

Values are what Django's serializers write (dates and times in ISO 8601 with their offset,
decimals as text) and are read back with each field's to_python. Rows keep their ids, so
every link between them, and every page address, survives; the few tables `migrate`
makes for itself (content types, permissions) are pointed at by natural key instead.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import json
import os
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

from hoshin.backup import tables
from hoshin.backup.snapshot import snapshot
from hoshin.core import clock

FORMAT = "hoshin-backup"
VERSION = 1
BATCH_SIZE = 1000

Progress = Callable[[str, int, int], None]


class BackupError(Exception):
    """The file cannot be read or restored here; nothing was written."""


def _quiet(stage: str, done: int, total: int) -> None:
    pass


# Writing ---------------------------------------------------------------------------------

def write_backup(path: str | Path, *, using: str = DEFAULT_DB_ALIAS,
                 progress: Progress | None = None) -> dict:
    """Write everything in the database `using`, as one consistent snapshot taken now, to
    `path` (replaced only once the whole file is written). Returns the file's header."""
    with snapshot(using) as alias:
        return dump(alias, path, progress=progress)


def dump(alias: str, path: str | Path, *, progress: Progress | None = None) -> dict:
    """Write the backup of what the connection `alias` sees; `write_backup` gives it a
    snapshot. Separate so a test can write to the live database between the two."""
    report = progress or _quiet
    path = Path(path)
    models = tables.backed_up_models()
    counts = {tables.label(model): model._base_manager.using(alias).count() for model in models}
    header = {
        "format": FORMAT,
        "version": VERSION,
        "hoshin": _hoshin_version(),
        "created_at": clock.now().isoformat(),
        "database": connections[alias].vendor,
        "migrations": _applied_migrations(alias, models),
        "counts": counts,
    }
    total = sum(counts.values())
    partial = path.with_name(path.name + ".partial")
    # Password hashes and API token digests are in the file: only its owner may read it.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb") as zipped, \
                    io.TextIOWrapper(zipped, encoding="utf-8", newline="\n") as out:
                _write_line(out, header)
                done = 0
                for model in models:
                    report("backing up", done, total)
                    done += _write_table(out, model, alias, counts[tables.label(model)])
                _write_line(out, {"end": True, "rows": done})
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report("backing up", total, total)
    return header


def _hoshin_version() -> str:
    from hoshin import __version__

    return __version__


def _applied_migrations(alias: str, models: list[type[Model]]) -> dict[str, list[str]]:
    apps = {model._meta.app_label for model in models}
    applied: dict[str, list[str]] = {app: [] for app in sorted(apps)}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        if app in applied:
            applied[app].append(name)
    return {app: sorted(names) for app, names in applied.items()}


def _write_line(out, value) -> None:
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


def _write_table(out, model: type[Model], alias: str, count: int) -> int:
    fields = tables.columns(model)
    _write_line(out, {"table": tables.label(model), "columns": [f.attname for f in fields],
                      "rows": count})
    encoders = [_encoder(field, alias) for field in fields]
    rows = (model._base_manager.using(alias).order_by("pk")
            .values_list(*(f.attname for f in fields)).iterator(chunk_size=BATCH_SIZE))
    written = 0
    for row in rows:
        _write_line(out, [None if value is None else encode(value)
                          for encode, value in zip(encoders, row, strict=True)])
        written += 1
    if written != count:  # cannot happen inside one snapshot; never write a wrong header
        raise BackupError(f"{tables.label(model)}: counted {count} rows but read {written}")
    return written


def _same(value):
    return value


def _encoder(field, alias: str) -> Callable:
    if tables.by_natural_key(field):
        keys = _natural_keys(field.related_model, alias)
        return lambda pk: keys[pk]
    if field.is_relation:
        field = field.target_field
    kind = field.get_internal_type()
    if kind in ("DateTimeField", "DateField", "TimeField"):
        return lambda value: value.isoformat()
    if kind in ("DecimalField", "UUIDField", "DurationField"):
        from django.utils.duration import duration_iso_string

        return duration_iso_string if kind == "DurationField" else str
    if kind == "BinaryField":
        return lambda value: base64.b64encode(bytes(value)).decode("ascii")
    return _same  # text, numbers, booleans, JSON


def _natural_keys(model: type[Model], alias: str) -> dict:
    return {obj.pk: list(obj.natural_key())
            for obj in model._base_manager.using(alias).select_related()}


# Restoring -------------------------------------------------------------------------------

def restore(path: str | Path, *, using: str = DEFAULT_DB_ALIAS,
            progress: Progress | None = None) -> dict:
    """Load a backup into the empty database `using`, all or nothing, and return the file's
    header. Refused, with nothing written, when the database holds anything, when it is
    not at the backup's migrations, or when the file is not a whole Hoshin backup."""
    report = progress or _quiet
    path = Path(path)
    with _read(path) as lines:
        header = _header(path, lines)
        _check_migrations(header, using)
        try:
            with transaction.atomic(using=using):
                _require_empty(using)
                restored = _load(path, lines, header, using, report)
                connection = connections[using]
                # Links are checked when the transaction commits; check them now, to say so
                # plainly and to check them at all when a caller's transaction goes on.
                connection.check_constraints(
                    table_names=[model._meta.db_table for model in restored])
                # PostgreSQL's id sequences did not move while rows came in with their ids.
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), restored):
                        cursor.execute(sql)
        except DatabaseError as exc:
            raise BackupError(f"the database refused the restore, so nothing was restored: "
                              f"{exc}") from exc
    if using == DEFAULT_DB_ALIAS:
        # The stored roll-up came back as of the day of the backup: recompute it for today.
        from hoshin.okrs import rollups

        rollups.rebuild_all()
    return header


@contextlib.contextmanager
def _read(path: Path) -> Iterator[Iterator[tuple[int, object]]]:
    """The file's lines as (line number, JSON value); a file that is not gzip'd JSON Lines, or
    ends mid-way, raises BackupError."""
    if not path.is_file():
        raise BackupError(f'"{path}" does not exist')

    def lines(file) -> Iterator[tuple[int, object]]:
        number = 0
        try:
            for number, line in enumerate(file, start=1):
                yield number, json.loads(line)
        except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as exc:
            if number <= 1:
                raise BackupError(f"{path} is not a Hoshin backup (a .gz file written by "
                                  f"`hoshin backup`): {exc}") from None
            raise BackupError(f"{path} is damaged at line {number}: {exc}") from None

    with gzip.open(path, "rt", encoding="utf-8") as file:
        yield lines(file)


def _header(path: Path, lines) -> dict:
    number, header = next(lines, (0, None))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Hoshin backup (a .gz file written by "
                          "`hoshin backup`)")
    version = header.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise BackupError(f"{path} is a Hoshin backup of format {version}, written by a newer "
                          f"Hoshin ({header.get('hoshin')}); this one reads format {VERSION}")
    if not isinstance(header.get("counts"), dict) or not isinstance(
            header.get("migrations"), dict):
        raise BackupError(f"{path} is damaged: its header lacks the tables' row counts")
    return header


def _check_migrations(header: dict, using: str) -> None:
    applied: dict[str, set[str]] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app, set()).add(name)
    missing, extra = [], []
    for app, names in sorted(header["migrations"].items()):
        here = applied.get(app, set())
        missing += [f"{app}.{name}" for name in sorted(set(names) - here)]
        extra += [f"{app}.{name}" for name in sorted(here - set(names))]
    if missing:
        raise BackupError(
            f"the backup was taken by Hoshin {header.get('hoshin')} at migrations this "
            f"database does not have ({', '.join(missing[:5])}"
            f"{', …' if len(missing) > 5 else ''}); run `hoshin migrate` with that version of "
            "Hoshin or a newer one first")
    if extra:
        raise BackupError(
            f"this database is migrated beyond the backup ({', '.join(extra[:5])}"
            f"{', …' if len(extra) > 5 else ''}); restore into a database migrated only as "
            f"far as the backup (Hoshin {header.get('hoshin')}), then run `hoshin migrate`")


def _require_empty(using: str) -> None:
    held = [(model, model._base_manager.using(using).count())
            for model in tables.backed_up_models() if model._base_manager.using(using).exists()]
    if not held:
        return
    from hoshin.planfile.scope import is_history

    # Name what people recognise first; history and link tables only when nothing else.
    plain = [(m, n) for m, n in held if not is_history(m) and not m._meta.auto_created]
    named = sorted(plain or held,  # the app's own tables before Django's (groups, log)
                   key=lambda item: not item[0]._meta.app_config.name.startswith("hoshin."))
    words = [f"{n} {m._meta.verbose_name if n == 1 else m._meta.verbose_name_plural}"
             for m, n in named[:8]]
    if len(named) > 8:
        words.append(f"and {len(named) - 8} more kinds")
    raise BackupError(f"the database is not empty: it holds {', '.join(words)}. Restore only "
                      "into a new database: create it, run `hoshin migrate`, then "
                      "`hoshin restore FILE`")


def _load(path: Path, lines, header: dict, using: str, report: Progress) -> list[type[Model]]:
    from django.apps import apps

    known = {tables.label(model): model for model in tables.backed_up_models()}
    total = sum(n for n in header["counts"].values() if isinstance(n, int))
    restored: list[type[Model]] = []
    done = 0
    for number, section in lines:
        if isinstance(section, dict) and section.get("end") is True:
            if section.get("rows") != done:
                raise BackupError(f"{path} is damaged: it ends after {done} rows, "
                                  f"not {section.get('rows')}")
            if missing := set(header["counts"]) - {tables.label(m) for m in restored}:
                raise BackupError(f"{path} is damaged: no rows for {', '.join(sorted(missing))}")
            report("restoring", total, total)
            return restored
        if not isinstance(section, dict) or not isinstance(section.get("table"), str):
            raise BackupError(f"{path} is damaged at line {number}: expected a table's heading")
        name = section["table"]
        model = known.get(name)
        if model is None:
            try:
                apps.get_model(name)
            except (LookupError, ValueError):
                raise BackupError(f"{name}: this Hoshin has no such table (line {number})") \
                    from None
            raise BackupError(f"{name}: rows of this table are never restored (line {number})")
        report("restoring", done, total)
        done += _load_table(path, lines, model, section, header, using)
        restored.append(model)
    raise BackupError(f"{path} is cut short: it ends after {done} rows, without its last line")


def _load_table(path: Path, lines, model: type[Model], section: dict, header: dict,
                using: str) -> int:
    name = tables.label(model)
    fields = tables.columns(model)
    expected = [f.attname for f in fields]
    if section.get("columns") != expected:
        theirs = section.get("columns") or []
        raise BackupError(f"{name}: the backup's columns differ from this database's "
                          f"(only in the backup: {sorted(set(theirs) - set(expected))}; "
                          f"only here: {sorted(set(expected) - set(theirs))})")
    count = section.get("rows")
    if not isinstance(count, int) or count != header["counts"].get(name):
        raise BackupError(f"{path} is damaged: {name} has {count} rows, its header says "
                          f"{header['counts'].get(name)}")
    decoders = [_decoder(field, using) for field in fields]
    connection = connections[using]
    manager = model._base_manager.db_manager(using)
    batch: list[Model] = []
    for _ in range(count):
        number, row = next(lines, (None, None))
        if number is None:
            raise BackupError(f"{path} is cut short in the rows of {name}")
        if not isinstance(row, list) or len(row) != len(fields):
            raise BackupError(f"{path} is damaged at line {number}: a row of {name} should "
                              f"have {len(fields)} values")
        try:
            values = {field.attname: None if value is None else decode(value)
                      for field, decode, value in zip(fields, decoders, row, strict=True)}
        except (ValueError, TypeError, LookupError, ValidationError) as exc:
            if isinstance(exc, ValidationError):
                exc = "; ".join(exc.messages)
            raise BackupError(f"{path} is damaged at line {number} ({name}): {exc}") from None
        batch.append(model(**values))
        if len(batch) >= BATCH_SIZE:
            _insert(manager, batch, fields, connection, using)
            batch = []
    if batch:
        _insert(manager, batch, fields, connection, using)
    return count


def _insert(manager, objs: list[Model], fields: list, connection, using: str) -> None:
    """Rows as they are, ids included: a raw insert, as loaddata makes, so no default, no
    auto_now and no signal (history, notifications) touches them."""
    size = max(1, min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, objs)))
    for start in range(0, len(objs), size):
        manager._insert(objs[start:start + size], fields=fields, using=using, raw=True)


def _decoder(field, using: str) -> Callable:
    if tables.by_natural_key(field):
        ids = {tuple(key): pk for pk, key in _natural_keys(field.related_model, using).items()}

        def by_key(value):
            try:
                return ids[tuple(value)]
            except KeyError:
                raise LookupError(f"{field.attname}: {value} does not exist in this "
                                  "database") from None
        return by_key
    return field.to_python
