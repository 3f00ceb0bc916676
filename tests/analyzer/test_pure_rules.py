"""Rules on hand-built plain plans: cases the database cannot hold (a key result with no
owner or no target comes from drafts and imported text)."""

from hoshin.analyzer import plan as p
from hoshin.analyzer.rules import RULES, analyze, group_owner_reason


def _plan(*krs: p.KeyResult, title="Make installers our best channel") -> p.Plan:
    objective = p.Objective("O1", title, "sales", "Q1", parent="A1", key_results=list(krs))
    return p.Plan(cycles=[p.Cycle("Q1", "Q1", 2026)],
                  units={"acme": p.Unit("acme", "Acme"),
                         "sales": p.Unit("sales", "Sales", "acme"),
                         "ops": p.Unit("ops", "Operations", "acme")},
                  annual_objectives=[p.AnnualObjective("A1", "Double installations", 2026)],
                  objectives=[objective])


def kr(id="KR1", title="Installer share from 20% to 35%", owner="ana@acme.test", **kw):
    values = {"kind": "increase", "baseline": 20.0, "target": 35.0, **kw}
    return p.KeyResult(id, title, "O1", p.Owner(owner, "Ana Silva") if owner else None,
                       **values)


STRUCTURE = ["missing-owner", "shared-owner", "unmeasurable-kr", "orphan-objective"]


def test_a_clean_key_result_has_no_structural_finding():
    assert analyze(_plan(kr()), codes=STRUCTURE) == []


def test_missing_owner():
    findings = analyze(_plan(kr(owner=None)), codes=STRUCTURE)
    assert [(f.code, f.severity, [i.id for i in f.items]) for f in findings] == [
        ("missing-owner", "error", ["KR1"])]


def test_several_names_in_one_owner_is_shared():
    shared = p.KeyResult("KR1", "Installer share from 20% to 35%", "O1",
                         p.Owner("Ana and Raj"), "increase", 20, 35)
    findings = analyze(_plan(shared), codes=STRUCTURE)
    assert [f.code for f in findings] == ["shared-owner"]
    assert '"Ana and Raj" names 2 owners' in findings[0].message


def test_group_recognition():
    units = {"sales": "Sales", "operations": "Operations"}
    assert group_owner_reason(p.Owner("growth-squad@acme.test", "Growth"), units)
    assert group_owner_reason(p.Owner("x@acme.test", "Operations"), units)
    assert group_owner_reason(p.Owner("Raj, Ana"), units)
    assert group_owner_reason(p.Owner("ana.silva@acme.test", "Ana Silva"), units) is None
    assert group_owner_reason(p.Owner("oscar@acme.test", "Oscar Office"), units) is None


def test_increase_with_no_baseline_is_unmeasurable():
    findings = analyze(_plan(kr(baseline=None)), codes=STRUCTURE)
    assert [f.code for f in findings] == ["unmeasurable-kr"]
    assert "no baseline" in findings[0].message


def test_stay_below_needs_its_threshold():
    findings = analyze(_plan(kr(kind="stay_below", baseline=None, target=None)),
                       codes=STRUCTURE)
    assert [f.code for f in findings] == ["unmeasurable-kr"]


def test_every_code_of_the_spec_table_is_registered_with_a_severity():
    spec = {"orphan-objective", "missing-owner", "shared-owner", "unmeasurable-kr", "output-kr",
            "bau-okr", "kpi-in-disguise", "vague-objective", "overspecified-objective",
            "fake-cascade", "overlap", "contradiction", "gap", "too-many-objectives",
            "too-many-krs", "overloaded-owner", "too-many-themes", "missing-dependency", "silos"}
    # Codes the issues add beyond SPEC §4's table (issue #14: WIP limits per unit).
    added = {"wip-over-limit"}
    assert set(RULES) == spec | added
    assert {r.severity for r in RULES.values()} <= {"error", "warning", "info"}


def test_focus_reports_only_the_draft_items():
    plan = _plan(kr(owner=None), kr(id="draft-kr-1", owner=None))
    findings = analyze(plan, codes=STRUCTURE, focus={"draft-kr-1"})
    assert [[i.id for i in f.items] for f in findings] == [["draft-kr-1"]]
