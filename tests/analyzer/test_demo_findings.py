"""The demo organisation's plan is written as a good plan would be, so the analyzer's
findings on it are the ones a careful reader raises, and no more (issue #10 item 4).

Each expected finding below was read against the labelling guide at the top of
tests/analyzer/eval/okrs.yaml; a change to the rules or to the demo's texts that adds or
removes one must say why here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hoshin.analyzer.report import check
from hoshin.okrs.models import Cycle

TODAY = dt.date(2026, 11, 20)

# Milestones whose success is the team delivering something: outputs.
OUTPUTS = {
    "Recurring billing live", "Service-plan billing automated", "Kestrel Care launch",
    "Installer academy cohort running", "K2 launch readiness gates passed",
    "Installer scheme audit passed", "K2 certification tests passed",
    "Second compressor supplier qualified", "Firmware 3.0 released",
    "Consignment stock with the valve supplier",
    "K2 line balanced to a 12-minute takt", "Standard install kit used by every crew",
    # A share of jobs where the crew did a step: an activity counted, not a result for the
    # homeowner (first-time-right is measured by the callbacks beside it).
    "Commissioning checklists completed with photos",
}
# A careful reader calls this an output too (an app switched on for everyone); the model
# fitted on 43 organisations weighs "for all advisers" as reach and stays silent. A known miss,
# kept here so that a change that finds it is seen.
MISSED_OUTPUTS = {"Remote survey app live for all advisers"}
ROUTINE_OBJECTIVES = {"Keep every certification current", "Keep quotes accurate"}
# Thresholds whose baseline already holds, with nothing else in the objective moving.
HELD_LEVELS = {"Calls answered within 60 seconds", "Median email response time"}


@pytest.fixture
def demo_quarter(db):
    from hoshin.demo.generate import demo_plan
    from hoshin.planfile.importer import import_plan

    import_plan(demo_plan(TODAY))
    return Cycle.objects.get(kind="quarter", start__lte=TODAY, end__gte=TODAY)


def _titles(report, code):
    return {f.items[0].title for f in report.findings if f.code == code}


def test_the_demo_quarter_gets_the_findings_a_careful_reader_raises(demo_quarter):
    report = check(demo_quarter.key)

    assert _titles(report, "output-kr") == OUTPUTS
    assert not MISSED_OUTPUTS & _titles(report, "output-kr")
    assert _titles(report, "bau-okr") == ROUTINE_OBJECTIVES
    assert _titles(report, "kpi-in-disguise") == HELD_LEVELS
    # Every child objective says what its unit changes from its own position, and every
    # key result that names a measure with a target measures its objective rather than
    # copying it ("K2 units built per week" under "Ramp K2 assembly to its full weekly rate").
    assert _titles(report, "fake-cascade") == set()
    for code in ("unmeasurable-kr", "vague-objective", "overspecified-objective",
                 "contradiction"):
        assert _titles(report, code) == set(), code
    # Two units measuring the same thing: the callbacks, the margin, certified installers.
    overlaps = {frozenset(i.title for i in f.items) for f in report.findings
                if f.code == "overlap"}
    assert overlaps == {
        frozenset({"Callbacks within 30 days of install"}),
        frozenset({"Gross margin on new orders", "Average gross margin on signed orders"}),
        frozenset({"Certified installer crews", "New installers certified"}),
    }
