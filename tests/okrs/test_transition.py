"""A cycle's state has one writer, `transition_cycle`, and every way in runs its gates.

Closing an active quarter from the command line or either API once skipped grading and
left no close record; these tests hold every path to the same close gate."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoshin.closing import services as closing
from hoshin.closing.models import QuarterClose
from hoshin.core import clock
from hoshin.core.errors import Conflict, DomainError
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult, StateWriteError
from hoshin.org import services as org
from hoshin.planning.models import GateOverride
from tests.api.conftest import ApiClient
from tests.factories import build_plan

pytestmark = pytest.mark.django_db

AFTER_Q3 = dt.date(2026, 10, 2)


@pytest.fixture
def q3():
    return build_plan(today=dt.date(2026, 7, 1))


def _state(cycle: Cycle) -> str:
    return Cycle.objects.get(pk=cycle.pk).state


def _close_by_service(plan, reason=None):
    okrs.transition_cycle(plan.office, plan.quarter, "closed", override_reason=reason)


def _close_by_cli(plan, reason=None):
    args = ["cycle", plan.quarter.key, "--to", "closed"]
    if reason:
        args += ["--override", reason]
    call_command(*args)


def _api(plan, path, reason):
    body = {"state": "closed"}
    if reason:
        body["override_reason"] = reason
    response = ApiClient(org.create_token(None, plan.office)).post(path, body)
    if response.status_code != 200:
        raise Conflict(response.json()["detail"])


def _close_by_okrs_api(plan, reason=None):
    _api(plan, f"/cycles/{plan.quarter.key}/state", reason)


def _close_by_planning_api(plan, reason=None):
    _api(plan, f"/planning/cycles/{plan.quarter.key}/move", reason)


PATHS = [_close_by_service, _close_by_cli, _close_by_okrs_api, _close_by_planning_api]


@pytest.mark.parametrize("close", PATHS, ids=lambda f: f.__name__.removeprefix("_close_by_"))
def test_every_path_refuses_to_close_an_ungraded_quarter(q3, close):
    with clock.at(AFTER_Q3), pytest.raises((DomainError, CommandError)) as exc:
        close(q3)

    assert "has no grade" in str(exc.value)
    assert _state(q3.quarter) == "active"
    assert not QuarterClose.objects.filter(cycle=q3.quarter).exists()


@pytest.mark.parametrize("close", PATHS, ids=lambda f: f.__name__.removeprefix("_close_by_"))
def test_every_path_closes_with_a_reason_and_leaves_the_close_record(q3, close):
    with clock.at(AFTER_Q3):
        close(q3, "Reorganisation: the owners left")

    assert _state(q3.quarter) == "closed"
    record = QuarterClose.objects.get(cycle=q3.quarter)
    assert record.override_reason == "Reorganisation: the owners left"
    # The alignment gate did not apply to active → closed, so nothing was overridden there.
    assert not GateOverride.objects.filter(cycle=q3.quarter).exists()


def test_a_graded_and_decided_quarter_closes_without_a_reason_once_it_is_over(q3):
    for kr in KeyResult.objects.filter(objective__cycle=q3.quarter):
        closing.grade_key_result(q3.office, kr, grade=1.0, reason="delivered in full")
    with clock.at(dt.date(2026, 9, 20)), pytest.raises(Conflict) as exc:
        closing.close_quarter(q3.office, q3.quarter)
    assert "the quarter runs until 2026-09-30 (today is 2026-09-20)" in str(exc.value)

    with clock.at(dt.date(2026, 9, 30)):
        closing.close_quarter(q3.office, q3.quarter)

    assert _state(q3.quarter) == "closed"
    assert QuarterClose.objects.get(cycle=q3.quarter).override_reason == ""


def test_cycles_never_move_back(q3):
    with clock.at(AFTER_Q3):
        _close_by_service(q3, "test")
    with pytest.raises(DomainError, match="read-only and cannot be reopened"):
        okrs.transition_cycle(q3.office, q3.quarter, "active")


def test_a_save_that_changes_the_state_elsewhere_is_refused(q3):
    cycle = Cycle.objects.get(pk=q3.quarter.pk)
    cycle.state = "closed"
    with pytest.raises(StateWriteError):
        cycle.save()
    assert _state(q3.quarter) == "active"

    cycle = Cycle.objects.get(pk=q3.quarter.pk)
    cycle.name = "Third quarter"
    cycle.save()  # other fields still save
    assert Cycle.objects.get(pk=q3.quarter.pk).name == "Third quarter"


SRC = Path(__file__).resolve().parents[2] / "src" / "hoshin"


def _state_writes(tree: ast.AST) -> list[int]:
    """Lines that assign `<something cycle-like>.state = ...` or call `.update(state=...)`
    on a Cycle queryset."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (isinstance(target, ast.Attribute) and target.attr == "state"
                        and "cycle" in ast.unparse(target.value).lower()):
                    lines.append(node.lineno)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "update"
                and any(k.arg == "state" for k in node.keywords)
                and "Cycle" in ast.unparse(node.func.value)):
            lines.append(node.lineno)
    return lines


def test_no_code_but_transition_cycle_writes_a_cycles_state():
    writers = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        found = _state_writes(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            writers[str(path.relative_to(SRC))] = found
    transition = Path("okrs/services.py")
    # The demo's history loader closes the earlier quarters it loads, as the plan-file
    # importer creates quarters already closed: history loaded, not a quarter moved on.
    loaded_history = {"demo/history.py"}
    assert set(writers) <= {str(transition), *loaded_history}, writers
    # ... and in okrs/services.py only inside transition_cycle.
    tree = ast.parse((SRC / transition).read_text(encoding="utf-8"))
    [func] = [n for n in tree.body if isinstance(n, ast.FunctionDef)
              and n.name == "transition_cycle"]
    assert all(func.lineno <= line <= func.end_lineno for line in writers.get(str(transition), []))
