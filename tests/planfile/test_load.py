"""Reading plan files: YAML or JSON, and parse errors that say where."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hoshin.planfile.exporter import dump
from hoshin.planfile.loading import PlanFileError, load


def parse_error(name: str, text: str) -> str:
    with pytest.raises(PlanFileError) as exc:
        load(name, text)
    [error] = exc.value.errors
    return error


def test_yaml_and_json_files_give_the_same_document(small_plan, tmp_path):
    (tmp_path / "plan.yaml").write_text(dump(small_plan), encoding="utf-8")
    (tmp_path / "plan.json").write_text(json.dumps(small_plan), encoding="utf-8")

    assert load(tmp_path / "plan.yaml") == small_plan
    assert load(str(tmp_path / "plan.json")) == small_plan


def test_yaml_dates_are_dates():
    assert load("plan.yaml", "start: 2026-01-01\nperiod: 2026-01\n") == {
        "start": dt.date(2026, 1, 1), "period": "2026-01"}


def test_the_format_is_recognised_by_content_without_an_extension(small_plan):
    assert load("-", json.dumps(small_plan)) == small_plan
    assert load("-", "hoshin: 1\norganization: {name: Acme}\n") == {
        "hoshin": 1, "organization": {"name": "Acme"}}


def test_yaml_syntax_error_names_the_line():
    text = "hoshin: 1\norganization:\n  name: Acme\n   fiscal_year_start: 1\n"

    assert parse_error("plan.yaml", text).startswith(
        "plan.yaml: line 4, column 21: invalid YAML: mapping values are not allowed")


def test_a_key_given_twice_is_an_error_not_a_silent_overwrite():
    text = "hoshin: 1\norganization:\n  name: Acme\n  name: Acme Inc.\n"

    assert parse_error("plan.yml", text) == (
        'plan.yml: line 4, column 3: invalid YAML: while constructing a mapping found the key '
        '"name" twice')
    assert parse_error("plan.json", '{"hoshin": 1, "hoshin": 1}') == (
        'plan.json: invalid JSON: the key "hoshin" is given twice in one object')


def test_a_merge_list_follows_the_yaml_merge_rule_earlier_maps_win():
    # The plan file promises the YAML 1.1 merge-key rule (yaml.org/type/merge.html): keys
    # written in the mapping itself win, and of the merged maps the earlier one wins.
    # PyYAML changed its own answer in 6.0.4 (the later map wins), so this is tested as a
    # promise of ours, not by comparing with whatever PyYAML does that day.
    text = ("base: &b {kind: committed, unit: sales}\n"
            "y: {<<: [*b, {kind: aspirational, title: t, owner: ana}], title: z}\n")

    assert load("x.yaml", text)["y"] == {"kind": "committed", "unit": "sales",
                                         "title": "z", "owner": "ana"}


def test_yaml_merge_keys_may_override():
    text = ("defaults: &d {kind: committed, unit: sales}\n"
            "objective: {<<: *d, unit: ops}\n")

    assert load("x.yaml", text)["objective"] == {"kind": "committed", "unit": "ops"}


def test_json_syntax_error_names_the_line():
    assert parse_error("plan.json", '{\n  "hoshin": 1,\n}\n') == (
        "plan.json: line 3, column 1: invalid JSON: Expecting property name enclosed in "
        "double quotes")


def test_a_document_that_is_not_a_mapping():
    assert parse_error("plan.yaml", "- hoshin: 1\n") == (
        "plan.yaml: a plan file is a mapping that starts with `hoshin: 1` and `organization:`")


def test_a_missing_file(tmp_path):
    with pytest.raises(PlanFileError) as exc:
        load(tmp_path / "nope.yaml")

    assert exc.value.errors == [f"{tmp_path / 'nope.yaml'}: cannot read the file "
                                "(No such file or directory)"]


@pytest.mark.parametrize("text", [
    "a: 1\nb: 1.5\nc: .inf\nd: 0x1F\ne: 1_000\nf: yes\ng: ~\nh: null\ni: 2026-01-09\n"
    "j: 2026-01-09T10:00:00Z\nk: '2026-01-09'\nl: \"x\\ny\"\nm: |\n  one\n   two\n",
    "items:\n- [1, 2, {a: b}]\n- !!str 12\n- !!float 3\n- ''\n- -0\n- 1e3\n- 1.0e3\n- :x\n",
    "base: &b {kind: committed, unit: sales}\nx: {<<: *b, unit: ops}\nz: *b\n",
    "? complex key\n: value\n'quoted: key': 1\n\"u\\u00e9\": é\n",
])
def test_yaml_reads_exactly_like_safe_load(text):
    import yaml

    assert load("x.yaml", text) == yaml.safe_load(text)
