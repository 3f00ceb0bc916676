"""Reading one number from a source: a SQL query, an HTTP JSON endpoint or a CSV file.

No Django here: each reader takes plain settings and returns the number or raises
`SourceFailure` with a message the key result's owner can act on. The messages never
quote a secret nor the body of a response (an error page can carry anything).
"""

from __future__ import annotations

import csv
import io
import json
import math
import socket
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

# Values beyond this are refused, as a typed check-in's are (core/limits.py MEASURE_LIMIT).
MEASURE_LIMIT = 1e12
# An HTTP answer or CSV file larger than this is refused rather than read into memory.
MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT = 10.0


class SourceFailure(Exception):
    """The source gave no usable number; `kind` sorts failures for people and retries:
    timeout, auth, http, connection, value, config."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def number(raw, where: str) -> float:
    """The one numeric value a source gave: numbers, and text that is a plain number
    (CSV cells and many JSON APIs give text); anything else is a clear error."""
    if isinstance(raw, bool):
        raise SourceFailure("value", f"{where} is true/false, not a number")
    if isinstance(raw, (int, float, Decimal)):
        value = float(raw)
    elif isinstance(raw, str) and raw.strip():
        try:
            value = float(raw.strip())
        except ValueError:
            shown = raw.strip()[:40]
            raise SourceFailure("value", f'{where} is "{shown}", not a number') from None
    elif raw is None or raw == "":
        raise SourceFailure("value", f"{where} is empty")
    else:
        raise SourceFailure("value", f"{where} is {type(raw).__name__}, not a number")
    if not math.isfinite(value):
        raise SourceFailure("value", f"{where} is not a finite number")
    if abs(value) > MEASURE_LIMIT:
        raise SourceFailure("value", f"{where} ({value:g}) is beyond ±{MEASURE_LIMIT:g}")
    return value


# SQL ------------------------------------------------------------------------------------


def redact_database_url(url: str) -> str:
    """The database URL without its password, to show where a query runs."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def sqlite_path(url: str) -> str | None:
    """The file of a sqlite:/// URL (sqlite:////abs/path or sqlite:///relative), or None
    for another database."""
    if not url.startswith("sqlite:"):
        return None
    # As dj-database-url reads it: sqlite:////abs/file.db, sqlite:///relative.db.
    path = url[len("sqlite:"):]
    return path[3:] if path.startswith("///") else path.lstrip("/")


def read_sql(database_url: str, query: str, timeout: float = DEFAULT_TIMEOUT) -> float:
    """Run `query` on a read-only connection and return its one numeric value."""
    if not query.strip():
        raise SourceFailure("config", "the query is empty")
    path = sqlite_path(database_url)
    if path is not None:
        rows = _sqlite_rows(path, query, timeout)
    elif database_url.startswith(("postgres://", "postgresql://")):
        rows = _postgres_rows(database_url, query, timeout)
    else:
        scheme = database_url.split(":", 1)[0]
        raise SourceFailure("config", f'databases of kind "{scheme}" are not supported '
                                      "(sqlite:/// or postgresql://)")
    if len(rows) != 1 or len(rows[0]) != 1:
        # Only two rows are fetched: enough to know there is more than one.
        shape = ("no rows" if not rows else "more than one row" if len(rows) > 1
                 else f"one row of {len(rows[0])} columns")
        raise SourceFailure("value", f"the query gave {shape}; exactly one value "
                                     "(one row, one column) is expected")
    return number(rows[0][0], "the query's value")


def _sqlite_rows(path: str, query: str, timeout: float) -> list[tuple]:
    if not path or path == ":memory:":
        raise SourceFailure("config", "a SQLite source needs a database file")
    # mode=ro: the file is opened read-only (and never created); query_only refuses writes
    # through the connection as well.
    uri = "file:" + urllib.parse.quote(path) + "?mode=ro"
    deadline = time.monotonic() + timeout
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        raise SourceFailure("connection", f"cannot open the SQLite file {path}: {exc}") from None
    try:
        conn.execute("PRAGMA query_only = ON")
        # The statement timeout: SQLite calls this every 1,000 steps; non-zero aborts.
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
        try:
            return [tuple(r) for r in conn.execute(query).fetchmany(2)]
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise SourceFailure("timeout", f"the query ran longer than {timeout:g} s") \
                    from None
            raise SourceFailure("config", f"the query failed: {exc}") from None
        except sqlite3.Error as exc:
            raise SourceFailure("config", f"the query failed: {exc}") from None
    finally:
        conn.close()


def _postgres_rows(url: str, query: str, timeout: float) -> list[tuple]:
    import psycopg

    ms = max(1, int(timeout * 1000))
    options = f"-c default_transaction_read_only=on -c statement_timeout={ms}"
    try:
        conn = psycopg.connect(url, options=options, connect_timeout=max(1, int(timeout)),
                               autocommit=False)
    except psycopg.OperationalError as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else "no answer"
        kind = "auth" if "password" in text or "authentication" in text else "connection"
        raise SourceFailure(kind, f"cannot connect to {redact_database_url(url)}: "
                                  f"{_without_secret(text, url)}") from None
    try:
        with conn.cursor() as cur:
            try:
                cur.execute(query)
            except psycopg.errors.QueryCanceled:
                raise SourceFailure("timeout", f"the query ran longer than {timeout:g} s") \
                    from None
            except psycopg.errors.ReadOnlySqlTransaction:
                raise SourceFailure("config", "the query tried to write; sources only read") \
                    from None
            except psycopg.Error as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else "error"
                raise SourceFailure("config", f"the query failed: {first}") from None
            if cur.description is None:
                raise SourceFailure("value", "the query returned no rows")
            return [tuple(r) for r in cur.fetchmany(2)]
    finally:
        conn.rollback()
        conn.close()


def _without_secret(text: str, url: str) -> str:
    password = urllib.parse.urlsplit(url).password
    return text.replace(password, "***") if password else text


# HTTP -----------------------------------------------------------------------------------


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only on the same scheme, host and port: the token and headers
    would otherwise go to whoever the first server names."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
            raise SourceFailure("http", f"the server redirected to another host "
                                        f"({new.hostname}); give the final address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameHostRedirects)


def _get(url: str, headers: dict[str, str], timeout: float) -> bytes:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceFailure("config", "the address must be an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/json, text/csv, */*",
                                                   "User-Agent": "Hoshin-sources/1",
                                                   **headers})
    try:
        with _OPENER.open(request, timeout=timeout) as answer:  # noqa: S310
            body = answer.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise SourceFailure("auth", f"the server refused the credentials (HTTP {exc.code}); "
                                        "check the token or headers") from None
        raise SourceFailure("http", f"the server answered HTTP {exc.code}") from None
    except (TimeoutError, socket.timeout):
        raise SourceFailure("timeout", f"no answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise SourceFailure("timeout", f"no answer within {timeout:g} s") from None
        raise SourceFailure("connection", f"cannot reach {parts.hostname}: {exc.reason}") \
            from None
    except OSError as exc:
        raise SourceFailure("connection", f"cannot reach {parts.hostname}: {exc}") from None
    if len(body) > MAX_BYTES:
        raise SourceFailure("value", f"the answer is larger than {MAX_BYTES // 1024 // 1024} MB")
    return body


def check_json_path(path: str):
    from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
    from jsonpath_ng.ext import parse

    try:
        return parse(path)
    except (JsonPathLexerError, JsonPathParserError, Exception) as exc:
        raise SourceFailure("config", f'"{path}" is not a JSONPath: {exc}') from None


def read_http(url: str, json_path: str, *, headers: dict[str, str] | None = None,
              token: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> float:
    """GET a JSON document and take the one value `json_path` finds in it."""
    expression = check_json_path(json_path)
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    body = _get(url, sent, timeout)
    try:
        document = json.loads(body)
    except ValueError:
        raise SourceFailure("value", "the answer is not JSON") from None
    found = [m.value for m in expression.find(document)]
    if len(found) != 1:
        raise SourceFailure("value", f'"{json_path}" found {len(found)} values; exactly one '
                                     "is expected")
    return number(found[0], f'the value at "{json_path}"')


# CSV ------------------------------------------------------------------------------------


def check_row(row: str) -> str:
    """A row selector: empty or "last" (the last row), a row number from 1 (the first row
    below the header), or column=value (the last row whose column has that value)."""
    row = (row or "").strip()
    if row in ("", "last") or "=" in row:
        if "=" in row and not row.split("=", 1)[0].strip():
            raise SourceFailure("config", f'row "{row}": name the column before "="')
        return row or "last"
    if not row.isdigit() or int(row) < 1:
        raise SourceFailure("config", f'row "{row}" must be "last", a row number from 1, '
                                      "or column=value")
    return row


def read_csv(location: str, column: str, row: str = "last", *, open_file=None,
             timeout: float = DEFAULT_TIMEOUT) -> float:
    """The number in `column` of the row `row` selects, from a CSV file or URL.
    `open_file(path) -> bytes` reads a local file (the caller decides which are allowed)."""
    row = check_row(row)
    if location.startswith(("http://", "https://")):
        data = _get(location, {}, timeout)
    else:
        if open_file is None:
            raise SourceFailure("config", "local files are not allowed here")
        data = open_file(location)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceFailure("value", "the CSV is not UTF-8 text") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    names = [n.strip() for n in reader.fieldnames or []]
    reader.fieldnames = names
    if column not in names:
        raise SourceFailure("config", f'no column "{column}" (columns: '
                                      f'{", ".join(names[:20]) or "none"})')
    rows = [r for r in reader if any((v or "").strip() for v in r.values() if isinstance(v, str))]
    if not rows:
        raise SourceFailure("value", "the CSV has no rows below its header")
    if row == "last":
        chosen, where = rows[-1], "the last row"
    elif "=" in row:
        key, wanted = (part.strip() for part in row.split("=", 1))
        if key not in names:
            raise SourceFailure("config", f'no column "{key}" to select the row by')
        matching = [r for r in rows if (r.get(key) or "").strip() == wanted]
        if not matching:
            raise SourceFailure("value", f'no row where {key} is "{wanted}"')
        chosen, where = matching[-1], f'the row where {key} is "{wanted}"'
    else:
        n = int(row)
        if n > len(rows):
            raise SourceFailure("value", f"row {n} asked, the CSV has {len(rows)} row(s)")
        chosen, where = rows[n - 1], f"row {n}"
    return number(chosen.get(column), f'"{column}" in {where}')
