"""A token's last use is recorded coarsely and never at a request's expense (issue #13:
while a long write held SQLite's lock, plain GETs with a token waited 20 s and failed,
because each recorded the token's use)."""

import datetime as dt
import sqlite3

import pytest
from django.db import connection, connections
from django.db.utils import ConnectionHandler

from hoshin.core import clock
from hoshin.org import services as org
from hoshin.org.models import ApiToken
from tests.api.conftest import ApiClient


def last_used():
    return ApiToken.objects.get().last_used_at


@pytest.mark.django_db
def test_a_tokens_use_is_recorded_once_a_quarter_of_an_hour(plan):
    api = ApiClient(org.create_token(None, plan.viewer))
    start = clock.now()
    with clock.at(start):
        api.get("/objectives")
    first = last_used()
    with clock.at(start + dt.timedelta(minutes=10)):
        api.get("/objectives")
    assert last_used() == first == start
    with clock.at(start + dt.timedelta(minutes=16)):
        api.get("/objectives")
    assert last_used() == start + dt.timedelta(minutes=16)


@pytest.fixture
def on_a_file(tmp_path):
    """The test database copied to a file, served by this thread's connection for the test:
    the suite's SQLite database lives in memory, where another connection's lock is not
    the file lock a deployment waits on."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's one write lock")
    path = tmp_path / "hoshin.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")  # as a deployment's database is
    wrapper = ConnectionHandler({"default": {**connection.settings_dict,
                                             "NAME": str(path)}})["default"]
    saved = connections._connections.default
    connections._connections.default = wrapper
    try:
        yield path
    finally:
        wrapper.close()
        connections._connections.default = saved


@pytest.mark.django_db(transaction=True)
def test_a_read_with_a_token_does_not_wait_for_a_busy_sqlite_database(request):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's one write lock")
    from tests.factories import person

    api = ApiClient(org.create_token(None, person("v@acme.test", "viewer", "Vi Viewer")))
    ApiToken.objects.update(last_used_at=None)
    path = request.getfixturevalue("on_a_file")
    other = sqlite3.connect(path, timeout=1)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock (an import, say)
    try:
        response = api.get("/objectives")
    finally:
        other.rollback()
        other.close()

    # It used to wait for the busy timeout (20 s), then fail with "database is locked".
    assert response.status_code == 200
    assert last_used() is None  # left for a later request
    api.get("/objectives")
    assert last_used() is not None
