import json

import pytest
from django.core.management.base import CommandError

from hoshin.okrs import services

NODE_KEYS = {"id", "type", "title", "progress", "status", "children"}
STATUSES = {"on_track", "at_risk", "off_track", "no_data"}


def walk(node, path=()):
    path = (*path, node["id"])
    yield node, path
    for child in node["children"]:
        yield from walk(child, path)


def test_tree_text_shows_the_chain_with_bars_and_status_words(plan, run):
    services.record_checkin(None, plan.kr_sales, value=35, confidence=9)

    out = run("tree", "--cycle", plan.quarter.key).out

    assert "Every home heated without fossil fuel" in out
    assert "Breakthrough B1 Lead the heat-pump market" in out
    assert "Objective O1 Make installers our best sales channel" in out
    kr1 = next(line for line in out.splitlines() if "KR1" in line)
    assert "██████████ 100%" in kr1
    assert "member@acme.test" in kr1
    # KR3 has never been checked in: silence is never green.
    kr3 = next(line for line in out.splitlines() if "KR3" in line)
    assert "░░░░░░░░░░" in kr3 and "no data" in kr3


def test_tree_json_is_nested_with_progress_and_status_at_every_node(plan, run):
    services.record_checkin(None, plan.kr_sales, value=26, confidence=8)

    root = json.loads(run("tree", "--cycle", plan.quarter.key, "--format", "json").out)

    assert root["type"] == "vision"
    nodes = dict((path, node) for node, path in walk(root))
    for node in nodes.values():
        assert NODE_KEYS <= node.keys()
        assert node["status"] in STATUSES
    kr1 = nodes[("vision", "B1", "A1", "P1", "O1", "KR1")]
    assert kr1["type"] == "key_result"
    assert kr1["progress"] == pytest.approx(0.4)
    assert nodes[("vision", "B1", "A1", "P1", "O1")]["progress"] is not None


def test_tree_of_one_unit(plan, run):
    root = json.loads(run("tree", "--cycle", plan.quarter.key, "--unit", "ops",
                          "--format", "json").out)

    ids = {node["id"] for node, _ in walk(root)}
    assert {"O2", "KR3"} <= ids
    assert not {"O1", "KR1", "KR2"} & ids


def test_tree_depth_keeps_the_top_levels(plan, run):
    root = json.loads(run("tree", "--cycle", plan.quarter.key, "--depth", "1",
                          "--format", "json").out)

    assert root["children"]
    assert all(child["children"] == [] for child in root["children"])
    text = run("tree", "--cycle", plan.quarter.key, "--depth", "1").out
    assert "B1" in text and "O1" not in text


def test_tree_of_an_unknown_cycle_names_the_known_ones(plan, run):
    with pytest.raises(CommandError) as error:
        run("tree", "--cycle", "1999-Q1")
    assert 'cycle: unknown cycle "1999-Q1"' in str(error.value)
    assert plan.quarter.key in str(error.value)
