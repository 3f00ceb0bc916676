"""Each rule fires on a minimal plan built through the services, and not on the clean
`plan` fixture."""

import pytest

from hoshin.analyzer.report import check
from hoshin.analyzer.rules import RULES
from hoshin.okrs import services as okrs
from hoshin.org import services as org
from hoshin.strategy import services as strategy
from tests.analyzer.helpers import STRUCTURAL, codes_for, found
from tests.factories import person


def _kr(objective, title, owner, key=None, kind="increase", baseline=1, target=2):
    return okrs.save_key_result(None, key=key, objective=objective, title=title, owner=owner,
                                kind=kind, baseline=baseline, target=target)


def test_the_clean_plan_has_no_structural_finding(plan):
    report = check(plan.quarter.key)

    assert [c.key for c in report.cycles] == [plan.quarter.key]
    assert not [f for f in report.findings if f.code in STRUCTURAL]
    for f in report.findings:
        assert f.code in RULES and f.severity == RULES[f.code].severity and f.message


def test_without_a_cycle_the_current_quarters_are_checked(plan):
    assert [c.key for c in check().cycles] == [plan.quarter.key]


def test_orphan_objective(plan):
    okrs.save_objective(None, key="O9", cycle=plan.quarter.key, unit="sales",
                        title="Win the Nordic market")

    report = check(plan.quarter.key)
    orphan = [f for f in report.findings if f.code == "orphan-objective"]
    assert [[i.id for i in f.items] for f in orphan] == [["O9"]]
    assert orphan[0].severity == "error"
    assert "no parent" in orphan[0].message and "Link it" in orphan[0].message


def test_shared_owner_a_team_account(plan):
    person("sales-team@acme.test", "member", "Sales Team", units=["sales"])
    _kr("O1", "Installer NPS from 30 to 45", "sales-team@acme.test", key="KR9")

    assert "shared-owner" in codes_for(plan.quarter.key, "KR9")
    assert "shared-owner" not in codes_for(plan.quarter.key, "KR1")


def test_shared_owner_a_unit_mailbox(plan):
    person("ops@acme.test", "member", "Ops Mailbox", units=["ops"])
    _kr("O2", "Install defects from 8 to 3", "ops@acme.test", key="KR9")

    assert "shared-owner" in codes_for(plan.quarter.key, "KR9")


def test_too_many_objectives_per_unit_and_the_override(plan):
    for i in range(3):
        okrs.save_objective(None, key=f"O1{i}", cycle=plan.quarter.key, unit="sales",
                            title=f"Sales goal number {i}", parent="P1")

    hits = [ids for code, ids in found(plan.quarter.key) if code == "too-many-objectives"]
    assert hits == [("sales", "O1", "O10", "O11", "O12")]
    assert not [c for c, _ in found(plan.quarter.key, max_objectives=4)
                if c == "too-many-objectives"]


def test_too_many_key_results(plan):
    for i in range(4):
        _kr("O1", f"Installer metric {i} from 1 to 2", plan.member.email, key=f"KR1{i}")

    hits = [ids for code, ids in found(plan.quarter.key) if code == "too-many-krs"]
    assert hits == [("O1", "KR1", "KR2", "KR10", "KR11", "KR12", "KR13")]


def test_overloaded_owner_with_a_configured_limit(plan):
    from hoshin.analyzer.services import update_settings

    for i in range(2):
        _kr("O2", f"Ops measure {i} from 1 to 2", plan.member.email, key=f"KR2{i}")
    assert "overloaded-owner" not in {c for c, _ in found(plan.quarter.key)}

    update_settings(None, max_owner_krs=2)
    hits = [ids for code, ids in found(plan.quarter.key) if code == "overloaded-owner"]
    assert [(ids[0], set(ids[1:])) for ids in hits] == [("member@acme.test",
                                                         {"KR1", "KR20", "KR21"})]


def test_too_many_themes(plan):
    for i in range(2, 5):
        okrs.save_theme(None, key=f"T{i}", cycle=plan.quarter.key, title=f"Theme {i}",
                        annual_objectives=["A1"])

    hits = [ids for code, ids in found(plan.quarter.key) if code == "too-many-themes"]
    assert hits == [(plan.quarter.key, "T1", "T2", "T3", "T4")]


def test_gap_theme_annual_objective_and_priority_nobody_serves(plan):
    year = plan.quarter.start.year
    okrs.save_theme(None, key="T2", cycle=plan.quarter.key, title="Service revenue")
    strategy.save_annual_objective(None, key="A2", year=year, title="Launch in Germany")
    strategy.save_improvement_priority(None, key="P2", year=year, unit="ops",
                                       title="Cut install cost", annual_objectives={"A1": "weak"})

    gaps = {ids[0] for code, ids in found(plan.quarter.key) if code == "gap"}
    assert gaps == {"T2", "A2", "P2"}


def test_gap_closes_through_a_child_objective():
    from hoshin.analyzer import plan as p
    from hoshin.analyzer.rules import analyze

    plan = p.Plan(cycles=[p.Cycle("Q1", "Q1", 2026)],
                  annual_objectives=[p.AnnualObjective("A2", "Launch in Germany", 2026)],
                  outside_objectives={"OY": p.Objective("OY", "German distributors signed",
                                                        "sales", "2026", parent="A2")})
    assert [f.items[0].id for f in analyze(plan, codes=["gap"])] == ["A2"]

    plan.objectives.append(p.Objective("O7", "First German installers certified", "sales",
                                       "Q1", parent="OY"))
    assert analyze(plan, codes=["gap"]) == []


def test_silos_a_department_sharing_nothing(plan):
    year = plan.quarter.start.year
    org.create_unit(None, key="hr", name="People", parent="acme", lead=plan.admin.email)
    strategy.save_annual_objective(None, key="A2", year=year, title="Best place to work")
    okrs.save_objective(None, key="O5", cycle=plan.quarter.key, unit="hr",
                        title="Engineers stay with us", parent="A2")

    silos = [ids for code, ids in found(plan.quarter.key) if code == "silos"]
    # Sales and Operations share the annual objective A1 (through P1 and T1).
    assert silos == [("hr", "O5")]


def test_missing_dependency_until_the_other_unit_accepts(plan):
    dep = okrs.request_dependency(plan.lead, key_result="KR1", providing_unit="ops",
                                  description="Install slots for installer-sold orders")
    assert "missing-dependency" in codes_for(plan.quarter.key, "KR1")

    okrs.decide_dependency(plan.other_lead, dep, "declined", note="No crews free")
    msg = next(f.message for f in check(plan.quarter.key).findings
               if f.code == "missing-dependency")
    assert "declined" in msg

    okrs.decide_dependency(plan.other_lead, dep, "accepted", deliverable="Two slots a week",
                           due=plan.quarter.end)
    assert "missing-dependency" not in codes_for(plan.quarter.key, "KR1")


def test_missing_dependency_named_in_the_text(plan):
    _kr("O1", "Same-week installs for 80% of orders together with Operations",
        plan.member.email, key="KR9")
    _kr("O1", "Quote acceptance from 20% to 30% with the ops team", plan.member.email,
        key="KR8")

    assert "missing-dependency" in codes_for(plan.quarter.key, "KR9")
    assert "missing-dependency" in codes_for(plan.quarter.key, "KR8")
    okrs.request_dependency(None, key_result="KR9", providing_unit="ops",
                            description="Same-week install slots")
    report = check(plan.quarter.key)
    kr9 = [f for f in report.findings if f.code == "missing-dependency"
           and f.items[0].id == "KR9"]
    # Now recorded: it is reported as not yet accepted, not as unrecorded.
    assert len(kr9) == 1 and "has not accepted it yet" in kr9[0].message


def test_dependency_permissions(plan):
    from hoshin.core.errors import DomainError, PermissionDenied

    with pytest.raises(PermissionDenied):
        okrs.request_dependency(plan.other_lead, key_result="KR1", providing_unit="ops",
                                description="x")
    with pytest.raises(DomainError) as exc:
        okrs.request_dependency(plan.lead, key_result="KR1", providing_unit="sales",
                                description="x")
    assert exc.value.errors[0].field == "providing_unit"
    dep = okrs.request_dependency(plan.lead, key_result="KR1", providing_unit="ops",
                                  description="Slots")
    with pytest.raises(PermissionDenied):
        okrs.decide_dependency(plan.lead, dep, "accepted", deliverable="Slots",
                               due=plan.quarter.end)
    assert okrs.decide_dependency(plan.office, dep, "accepted", deliverable="Slots",
                                  due=plan.quarter.end).decided_by == plan.office
    assert dep.history.count() == 2


def test_output_kr_from_the_text_rules(plan):
    _kr("O1", "Launch the new website", plan.member.email, key="KR9", kind="milestone",
        baseline=None, target=None)

    report = check(plan.quarter.key)
    hit = [f for f in report.findings if f.code == "output-kr" and f.items[0].id == "KR9"]
    assert len(hit) == 1 and hit[0].severity == "warning"
    assert "launch" in hit[0].message.lower()
    assert "KR1" not in {f.items[0].id for f in report.findings if f.code == "output-kr"}


def test_fake_cascade_copies_the_parent(plan):
    okrs.save_objective(None, key="O8", cycle=plan.quarter.key, unit="ops",
                        title="Double installations", parent="A1")

    assert ("fake-cascade", ("O8", "A1")) in found(plan.quarter.key)


def test_a_key_result_that_measures_its_objective_is_no_fake_cascade(plan):
    okrs.save_objective(None, key="O8", cycle=plan.quarter.key, unit="ops",
                        title="Ramp the K2 line to 40 units a week", parent="A1")
    # Names a measure with a target: it says what the objective counts.
    _kr("O8", "K2 line units per week", plan.member.email, key="KR8", kind="increase",
        baseline=12, target=40)
    # A milestone that only restates the objective measures nothing of its own.
    _kr("O8", "Ramp the K2 line to 40 units a week", plan.member.email, key="KR9",
        kind="milestone", baseline=None, target=None)

    cascades = {ids for code, ids in found(plan.quarter.key) if code == "fake-cascade"}
    assert ("KR9", "O8") in cascades
    assert not any("KR8" in ids for ids in cascades)


def test_overlap_between_two_units(plan):
    _kr("O1", "Cut installation lead time from 30 to 10 days", plan.member.email, key="KR8",
        kind="decrease", baseline=30, target=10)
    _kr("O2", "Cut installation lead time from 30 to 10 days", plan.other_lead.email,
        key="KR9", kind="decrease", baseline=30, target=10)

    assert any(code == "overlap" and set(ids) == {"KR8", "KR9"}
               for code, ids in found(plan.quarter.key))


def test_contradiction_same_measure_opposite_directions(plan):
    _kr("O1", "Reduce average handle time from 9 to 6 minutes", plan.member.email, key="KR8",
        kind="decrease", baseline=9, target=6)
    _kr("O2", "Increase average handle time from 9 to 12 minutes", plan.other_lead.email,
        key="KR9", kind="increase", baseline=9, target=12)

    hits = [f for f in check(plan.quarter.key).findings if f.code == "contradiction"]
    assert [{i.id for i in f.items} for f in hits] == [{"KR8", "KR9"}]
    assert hits[0].severity == "error"
