"""bench/http_load.py's client against a live server: it counts what answered, splits
errors from non-2xx answers, and reads the latency percentiles from what it measured."""

import asyncio
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "http_load.py"


@pytest.fixture(scope="module")
def http_load():
    spec = importlib.util.spec_from_file_location("http_load", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_percentiles(http_load):
    values = [i / 100 for i in range(1, 101)]
    assert http_load.percentile(values, 0.5) == pytest.approx(0.5, abs=0.011)
    assert http_load.percentile(values, 0.99) == pytest.approx(0.99, abs=0.011)
    assert http_load.percentile([], 0.5) is None


@pytest.mark.django_db(transaction=True)
def test_the_client_drives_a_live_server(http_load, live_server, plan):
    setup = {"cycle": plan.quarter.key, "units": ["sales"], "my_kr": [], "checkin_krs": [],
             "member_session": "none", "token": "not-a-token"}
    static = asyncio.run(http_load.drive(live_server.url, "static file", setup, 4, 0.5, 1))
    assert static["requests"] > 0 and static["ok"] == static["requests"]
    assert static["errors"] == 0 and static["p50_ms"] <= static["p99_ms"]
    # A refused token is an answer, not an error: counted apart from the 2xx.
    refused = asyncio.run(http_load.drive(live_server.url, "tree API", setup, 2, 0.3, 1))
    assert refused["requests"] > 0 and refused["ok"] == 0 and refused["errors"] == 0
    assert set(refused["statuses"]) == {401}
