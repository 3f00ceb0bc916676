"""The readers against real peers: a SQLite file, the PostgreSQL server, the HTTP server
of conftest.py and CSV files. No Django database here."""

from __future__ import annotations

import os
import sqlite3

import pytest

from hoshin.sources import fetch
from hoshin.sources.fetch import SourceFailure
from tests.sources.conftest import API_KEY, TOKEN

PG_URL = os.environ.get("HOSHIN_SOURCES_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def failure(call, *args, **kwargs) -> SourceFailure:
    with pytest.raises(SourceFailure) as caught:
        call(*args, **kwargs)
    return caught.value


# SQL: SQLite ------------------------------------------------------------------------------


@pytest.fixture
def sales_db(tmp_path):
    path = tmp_path / "sales.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE orders (channel TEXT, amount REAL)")
        conn.executemany("INSERT INTO orders VALUES (?, ?)",
                         [("installer", 30), ("installer", 10), ("web", 60), ("web", None)])
    return path


def test_a_sqlite_query_gives_its_one_value(sales_db):
    url = f"sqlite:///{sales_db}"
    assert url.startswith("sqlite:////")  # an absolute path, as dj-database-url writes it
    share = ("SELECT 100.0 * SUM(CASE WHEN channel = 'installer' THEN amount END) "
             "/ SUM(amount) FROM orders")
    assert fetch.read_sql(url, share) == 40.0
    assert fetch.read_sql(url, "SELECT COUNT(*) FROM orders") == 4.0


def test_a_sqlite_source_is_opened_read_only(sales_db):
    url = f"sqlite:///{sales_db}"
    for write in ("DELETE FROM orders", "INSERT INTO orders VALUES ('x', 1)",
                  "DROP TABLE orders"):
        assert failure(fetch.read_sql, url, write).kind == "config"
    with sqlite3.connect(sales_db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM orders").fetchone() == (4,)
    # A missing file is an error, never a new empty database.
    missing = sales_db.parent / "nope.db"
    assert failure(fetch.read_sql, f"sqlite:///{missing}", "SELECT 1").kind == "connection"
    assert not missing.exists()


def test_a_sqlite_query_that_runs_too_long_is_stopped(sales_db):
    endless = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
               "SELECT MAX(i) FROM n")
    found = failure(fetch.read_sql, f"sqlite:///{sales_db}", endless, timeout=0.3)
    assert found.kind == "timeout" and "0.3 s" in found.message


@pytest.mark.parametrize("query, says", [
    ("SELECT amount FROM orders", "gave more than one row"),
    ("SELECT channel, amount FROM orders LIMIT 1", "gave one row of 2 columns"),
    ("SELECT amount FROM orders WHERE 0", "gave no rows"),
    ("SELECT channel FROM orders LIMIT 1", '"installer", not a number'),
    ("SELECT amount FROM orders WHERE amount IS NULL", "is empty"),
    ("SELECT 1e13", "beyond"),
    ("SELEC 1", "the query failed"),
])
def test_anything_but_one_number_is_a_clear_error(sales_db, query, says):
    found = failure(fetch.read_sql, f"sqlite:///{sales_db}", query)
    assert says in found.message


# SQL: PostgreSQL --------------------------------------------------------------------------


@pytest.fixture
def pg_table():
    psycopg = pytest.importorskip("psycopg")
    try:
        conn = psycopg.connect(PG_URL, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError:
        pytest.skip(f"no PostgreSQL at {PG_URL}")
    table = f"sources_scratch_{os.environ.get('HOSHIN_TEST_DB_SUFFIX', 'x')}_{os.getpid()}"
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(f"CREATE TABLE {table} (week int, nps numeric)")
    conn.execute(f"INSERT INTO {table} VALUES (1, 31.5), (2, 42.25)")
    yield table
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.close()


def test_a_postgresql_query_gives_its_one_value(pg_table):
    assert fetch.read_sql(PG_URL, f"SELECT nps FROM {pg_table} ORDER BY week DESC LIMIT 1") \
        == 42.25
    assert fetch.read_sql(PG_URL, f"SELECT COUNT(*) FROM {pg_table}") == 2.0


def test_a_postgresql_source_reads_only_and_within_its_timeout(pg_table):
    wrote = failure(fetch.read_sql, PG_URL, f"INSERT INTO {pg_table} VALUES (3, 1) "
                                            "RETURNING nps")
    assert "tried to write" in wrote.message
    # Even a write hidden in a function call is refused by the read-only transaction.
    assert failure(fetch.read_sql, PG_URL, f"SELECT nps FROM {pg_table} LIMIT 1; "
                                           f"DELETE FROM {pg_table}").kind == "config"
    assert fetch.read_sql(PG_URL, f"SELECT COUNT(*) FROM {pg_table}") == 2.0
    slow = failure(fetch.read_sql, PG_URL, "SELECT 1 FROM pg_sleep(3)", timeout=0.5)
    assert slow.kind == "timeout"
    many = failure(fetch.read_sql, PG_URL, f"SELECT nps FROM {pg_table}")
    assert "more than one row" in many.message


def test_a_postgresql_connection_failure_hides_the_password():
    url = "postgresql://someone:hunter2pass@127.0.0.1:1/nowhere"
    found = failure(fetch.read_sql, url, "SELECT 1", timeout=1)
    assert found.kind in ("connection", "auth")
    assert "hunter2pass" not in found.message and "someone:***@127.0.0.1" in found.message
    assert fetch.redact_database_url(url) == "postgresql://someone:***@127.0.0.1:1/nowhere"


# HTTP JSON --------------------------------------------------------------------------------


def test_an_http_source_takes_the_value_at_its_json_path(peer):
    assert fetch.read_http(f"{peer.url}/kpi.json", "$.data.total") == 27.5
    peer.set_json("/text.json", {"rows": [{"name": "nps", "value": "41.5"},
                                          {"name": "csat", "value": 88}]})
    # A filter expression, and numeric text, which many APIs send.
    assert fetch.read_http(f"{peer.url}/text.json", '$.rows[?name = "nps"].value') == 41.5


def test_an_http_source_sends_its_token_and_headers(peer):
    assert fetch.read_http(f"{peer.url}/secure", "$.data.total", token=TOKEN) == 27.5
    assert peer.requests[-1][1]["Authorization"] == f"Bearer {TOKEN}"
    assert fetch.read_http(f"{peer.url}/keyed", "$.data.total",
                           headers={"X-Api-Key": API_KEY}) == 27.5
    refused = failure(fetch.read_http, f"{peer.url}/secure", "$.data.total", token="wrong")
    assert refused.kind == "auth" and "HTTP 401" in refused.message
    assert "wrong" not in refused.message
    assert failure(fetch.read_http, f"{peer.url}/keyed", "$.data.total").kind == "auth"


def test_redirects_are_followed_on_the_same_host_only(peer):
    assert fetch.read_http(f"{peer.url}/moved?to=/secure", "$.data.total", token=TOKEN) == 27.5
    other = f"http://localhost:{peer.server.server_port}/secure"
    found = failure(fetch.read_http, f"{peer.url}/moved?to={other}", "$.data.total",
                    token=TOKEN)
    assert "redirected to another host (localhost)" in found.message
    assert sum(path == "/secure" for path, _ in peer.requests) == 1


def test_http_failures_are_told_apart(peer):
    broken = failure(fetch.read_http, f"{peer.url}/broken", "$.x")
    assert broken.kind == "http" and broken.message == "the server answered HTTP 500"
    slow = failure(fetch.read_http, f"{peer.url}/slow", "$.data.total", timeout=0.3)
    assert slow.kind == "timeout" and "0.3 s" in slow.message
    assert failure(fetch.read_http, f"{peer.url}/missing.json", "$.x").kind == "http"
    closed = failure(fetch.read_http, "http://127.0.0.1:1/x.json", "$.x", timeout=1)
    assert closed.kind == "connection"
    peer.set_text("/page.html", "<html>hello</html>", "text/html")
    assert failure(fetch.read_http, f"{peer.url}/page.html", "$.x").message == \
        "the answer is not JSON"


@pytest.mark.parametrize("path, says", [
    ("$.data.nothing", "found 0 values"),
    ("$.data.series[*]", "found 2 values"),
    ("$.data", "dict, not a number"),
    ("$..[", "is not a JSONPath"),
])
def test_a_json_path_must_find_exactly_one_number(peer, path, says):
    assert says in failure(fetch.read_http, f"{peer.url}/kpi.json", path).message


def test_non_numeric_json_values_are_refused(peer):
    peer.set_json("/odd.json", {"a": "n/a", "b": True, "c": None})
    assert '"n/a", not a number' in failure(fetch.read_http, f"{peer.url}/odd.json",
                                            "$.a").message
    assert "true/false" in failure(fetch.read_http, f"{peer.url}/odd.json", "$.b").message
    assert "empty" in failure(fetch.read_http, f"{peer.url}/odd.json", "$.c").message


# CSV --------------------------------------------------------------------------------------

WEEKLY = "week,region,nps\n1,north,30\n2,south,35.5\n3,north,41\n\n"


def _file_reader(path):
    with open(path, "rb") as f:
        return f.read()


def test_a_csv_row_is_chosen_by_number_by_value_or_last(tmp_path):
    path = tmp_path / "weekly.csv"
    path.write_text(WEEKLY)
    read = lambda row: fetch.read_csv(str(path), "nps", row, open_file=_file_reader)  # noqa: E731
    assert read("last") == 41 and read("") == 41  # the blank line at the end is no row
    assert read("1") == 30 and read("2") == 35.5
    assert read("region=south") == 35.5
    assert read("region = north") == 41  # the last matching row
    assert "row 9 asked, the CSV has 3" in failure(read, "9").message
    assert 'no row where region is "east"' in failure(read, "region=east").message
    assert "row \"0\"" in failure(read, "0").message
    missing = failure(fetch.read_csv, str(path), "score", open_file=_file_reader)
    assert 'no column "score" (columns: week, region, nps)' == missing.message


def test_a_csv_with_semicolons_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffweek;nps\n1;12\n2;n/a\n".encode())
    assert fetch.read_csv(str(path), "nps", "1", open_file=_file_reader) == 12
    assert '"n/a", not a number' in failure(fetch.read_csv, str(path), "nps",
                                            open_file=_file_reader).message


def test_a_csv_from_an_address(peer):
    peer.set_text("/weekly.csv", WEEKLY)
    assert fetch.read_csv(f"{peer.url}/weekly.csv", "nps", "region=south") == 35.5
    assert failure(fetch.read_csv, f"{peer.url}/broken.csv", "nps").kind == "http"
    # Without a reader for local files, a path is refused.
    assert failure(fetch.read_csv, "/etc/passwd", "x").kind == "config"
