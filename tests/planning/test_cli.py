"""The planning verbs: readiness, alignment, brief and cycle."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoshin.okrs import services as okrs
from hoshin.planning import readiness
from hoshin.planning import services as planning
from hoshin.planning.models import GateOverride

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_readiness_verb(plan):
    survey = planning.open_survey(None, plan.year)
    low_trust = {q.key: (5 if q.reverse else 1) if q.dimension == "trust" else
                 (1 if q.reverse else 5) for q in readiness.QUESTIONS}
    planning.save_response(plan.lead, survey, low_trust)
    text = run("readiness", "--cycle", plan.year.key)
    assert "1 leader(s) answered" in text
    assert "Trust and safety" in text and "weak" in text
    assert "What to fix before OKRs:\n1. Make it safe to report red" in text
    data = json.loads(run("readiness", "--cycle", plan.year.key, "--format", "json"))
    assert data["overall"] == 4.0 and not data["ready"]
    assert plan.year.key in run("readiness", "--trend")
    with pytest.raises(CommandError, match="no readiness survey"):
        run("readiness", "--cycle", plan.quarter.key)


def test_alignment_verb(plan):
    round_ = planning.open_round(None, plan.year, items=["A1", "Installers", "Costs"],
                                 executives=[plan.admin.email, plan.lead.email])
    ids = [i.pk for i in round_.items.all()]
    planning.save_ranking(plan.admin, round_, {ids[0]: 1, ids[1]: 2, ids[2]: 3})
    sealed = run("alignment", "--cycle", plan.year.key)
    assert "1 of 2 executives have ranked" in sealed and "✓ Ana Admin" in sealed
    planning.save_ranking(plan.lead, round_, {ids[0]: 3, ids[1]: 2, ids[2]: 1})
    planning.close_round(None, round_)
    text = run("alignment", "--cycle", plan.year.key)
    assert "W = 0.00 (very weak agreement), below the threshold" in text
    assert "Ana Admin / Lea Lead: -1.00" in text
    data = json.loads(run("alignment", "--cycle", plan.year.key, "--format", "json"))
    assert data["result"]["w"] == 0.0


def test_brief_verb(plan):
    planning.save_brief(None, plan.quarter, success="A third via installers")
    okrs.add_trade_off(None, cycle=plan.quarter.key, title="Partner programme",
                       reason="Installers first", decided_by=plan.office.email)
    md = run("brief", "--cycle", plan.quarter.key)
    assert md.startswith(f"# Strategic brief {plan.quarter.key}")
    assert "A third via installers" in md and "- Paused: Partner programme. Installers first" in md
    assert json.loads(run("brief", "--cycle", plan.quarter.key, "--format", "json"))[
        "themes"][0]["id"] == "T1"


def test_cycle_verb_gate(plan):
    okrs.save_cycle(None, key="NEXT", kind="quarter", start=plan.quarter.start,
                    end=plan.quarter.end)
    assert "Alignment gate closed: no alignment round" in run("cycle", "NEXT")
    with pytest.raises(CommandError) as err:
        run("cycle", "NEXT", "--to", "planning")
    assert "drafting cannot open" in str(err.value) and "override_reason" in str(err.value)
    out = run("cycle", "NEXT", "--to", "planning", "--override", "Board deadline")
    assert "NEXT: draft → planning" in out and "Gate overridden, recorded: Board deadline" in out
    assert GateOverride.objects.get().reason == "Board deadline"
    assert "Board deadline" in run("cycle", "NEXT")
    with pytest.raises(CommandError, match="unknown cycle"):
        run("cycle", "NOPE")
