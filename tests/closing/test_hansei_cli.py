"""`hoshin hansei YEAR --decide KEY=...`: the annual review decided from the command line,
so a quarter closed across the year end by `hoshin close` finds next year's parents
without the web or the API."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoshin.closing.models import AnnualDecision
from hoshin.strategy.models import AnnualObjective, ImprovementPriority
from tests.factories import build_plan

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def plan():
    return build_plan(today=dt.date(YEAR, 10, 1))


def hansei(*args) -> str:
    out = StringIO()
    call_command("hansei", str(YEAR), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_decisions_seed_next_years_elements(plan):
    out = hansei("--decide", "A1=carry_over", "--decide", "P1=modify",
                 "--title", "P1=Sell through partners", "--rationale", "not done yet")

    decided = {d.item_key: d for d in AnnualDecision.objects.filter(year=YEAR)}
    assert {k: d.decision for k, d in decided.items()} == {"A1": "carry_over", "P1": "modify"}
    assert decided["A1"].rationale == "not done yet"
    annual = AnnualObjective.objects.get(year=YEAR + 1)
    assert annual.title == "Double installations" and decided["A1"].seeded == annual
    priority = ImprovementPriority.objects.get(year=YEAR + 1)
    assert priority.title == "Sell through partners"
    assert decided["P1"].seeded_priority == priority
    assert f"-> Carry over as {annual.key} in {YEAR + 1}" in out


def test_one_refused_decision_writes_none(plan):
    with pytest.raises(CommandError, match="nothing was decided"):
        hansei("--decide", "A1=carry_over", "--decide", "NOPE=drop", "--rationale", "why")
    with pytest.raises(CommandError, match="nothing was decided"):
        hansei("--decide", "A1=carry_over")  # no rationale
    with pytest.raises(CommandError, match="expected KEY=carry_over"):
        hansei("--decide", "A1", "--rationale", "why")

    assert not AnnualDecision.objects.exists()
    assert not AnnualObjective.objects.filter(year=YEAR + 1).exists()


def test_without_decide_it_only_reads(plan):
    out = hansei()

    assert "A1" in out and "P1" in out and "B1" in out
    assert not AnnualDecision.objects.exists()
