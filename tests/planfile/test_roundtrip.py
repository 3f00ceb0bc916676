"""Export → import into an empty database → export gives the same bytes (SPEC §8)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.utils import timezone

from hoshin.okrs import services as okrs
from hoshin.okrs.models import (
    CheckIn,
    Cycle,
    Dependency,
    KeyResult,
    Objective,
    Theme,
    TradeOff,
)
from hoshin.org import services as org
from hoshin.org.models import Membership, Person, Unit
from hoshin.planning import services as planning
from hoshin.planfile.exporter import dump, export_plan
from hoshin.planfile.importer import import_plan, load
from hoshin.planning.models import Brief
from hoshin.strategy import services as strategy
from hoshin.strategy.models import Metric, Resource


def enrich(plan) -> None:
    """Everything the fixture plan lacks: check-ins, initiatives, actuals, a trade-off,
    phases, archived items, an inactive person, text that is awkward for YAML."""
    today = timezone.localdate()
    okrs.record_checkin(plan.member, plan.kr_sales, value=22, confidence=7, date=today,
                        note="Two installers signed\nThird in talks")
    okrs.record_checkin(plan.member, plan.kr_sales, value=24.5, confidence=6, date=today,
                        note="  indented: yes\n2026-01-09 \n", blockers="Waiting on legal")
    okrs.record_checkin(plan.lead, plan.kr_milestone, steps_done=["S1"], confidence=8,
                        date=today)
    okrs.record_checkin(None, plan.kr_milestone, steps_done=["S1", "S2"], date=today)
    okrs.save_initiative(None, key="I1", key_result=plan.kr_sales.key, title="Installer portal",
                         owner=plan.member.email, status="in_progress", size=3,
                         links=[{"url": "https://jira.example/PORTAL-1", "title": "Epic"},
                                {"url": "https://github.example/acme/portal"}])
    dropped = okrs.save_initiative(None, key="I2", key_result=plan.kr_sales.key,
                                   title="Cold-call installers")
    okrs.archive_initiative(None, dropped)
    okrs.save_key_result(None, plan.kr_sales, phases=[
        {"date": plan.quarter.start + dt.timedelta(days=40), "target": 27.5},
        {"date": plan.quarter.end, "target": 35}])
    okrs.archive_key_result(None, KeyResult.objects.get(key="KR3"))
    metric = Metric.objects.get(key="M1")
    strategy.record_metric_actual(None, metric, period=f"{plan.year.start.year}-01", plan=110,
                                  actual=104.5)
    strategy.record_metric_actual(None, metric, period=f"{plan.year.start.year}-02", plan=120)
    # The trade-off register: who was told, what it affects, where it came from, and an
    # entry superseded by another (both kept).
    paused = okrs.add_trade_off(
        None, cycle=plan.quarter.key, title="Pause the partner programme",
        reason="No capacity this quarter", kind="stopped", decided_by=plan.admin.email,
        source="brief", source_note="Strategic brief", told_people=[plan.member.email,
                                                                    plan.lead.email],
        told_units=["ops"], affects=["O1", "KR1", "I1", "A1"],
        decided_on=timezone.localdate() - dt.timedelta(days=3))
    okrs.supersede_trade_off(None, paused, reason="Two partners signed after all",
                             kind="resumed", decided_by=plan.admin.email)
    okrs.save_objective(None, key="O3", cycle=plan.quarter.key, unit="sales",
                        title="Certify the first installers", parent="O1",
                        kind="aspirational", description="Résumé: 日本 ✓")
    org.update_person(None, plan.office, is_active=False)
    # The plan-side records added to the format later: the brief's success, risks and
    # constraints, dependencies on other units (answered and not), an archived theme and an
    # archived cycle.
    planning.save_brief(None, plan.quarter, success="A third of units sold by installers",
                        risks="Installer churn\nSupply of heat pumps", constraints="No new hires")
    asked = okrs.request_dependency(None, providing_unit="ops", key_result="KR1", key="D1",
                                    description="Install slots for installer-sold units")
    okrs.decide_dependency(None, asked, "accepted", note="Weeks 3-6",
                           deliverable="Two install slots a week", due=plan.quarter.end)
    okrs.request_dependency(None, providing_unit="sales", objective="O2", key="D2",
                            description="Forecast of installs per week")
    okrs.archive_theme(None, okrs.save_theme(None, key="T2", cycle=plan.quarter.key,
                                             title="Dropped theme", annual_objectives=["A1"]))
    okrs.archive_cycle(None, okrs.save_cycle(None, key="2031-Q1", start=dt.date(2031, 1, 1),
                                             end=dt.date(2031, 3, 31)))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_import_export_is_byte_identical(plan, wipe, fmt):
    enrich(plan)
    text = dump(export_plan(), fmt)
    wipe()

    import_plan(load(f"plan.{fmt}", text))

    assert dump(export_plan(), fmt) == text


def test_the_import_restores_the_plan_itself(plan, wipe):
    enrich(plan)
    text = dump(export_plan())
    wipe()

    counts = import_plan(load("plan.yaml", text))

    assert counts["people"] == 6 and counts["key_results"] == 3 and counts["checkins"] == 4
    kr = KeyResult.objects.select_related("last_checkin", "owner").get(key="KR1")
    assert kr.owner.email == "member@acme.test"
    assert kr.last_checkin.value == 24.5
    assert kr.last_checkin.note == "  indented: yes\n2026-01-09 \n"
    assert kr.last_checkin.author.email == "member@acme.test"
    assert list(kr.phases.values_list("target", flat=True)) == [27.5, 35]
    assert KeyResult.objects.get(key="KR2").last_checkin.steps_done == ["S1", "S2"]
    assert KeyResult.objects.get(key="KR3").archived
    assert Objective.objects.get(key="O3").parent_objective.key == "O1"
    assert Objective.objects.get(key="O2").parent_theme.key == "T1"
    assert list(Theme.objects.get(key="T1").annual_objectives.values_list("key", flat=True)) \
        == ["A1"]
    assert Unit.objects.get(key="sales").parent.key == "acme"
    # The lead of a unit is one of its members.
    assert Membership.objects.filter(unit__key="ops", person__email="opslead@acme.test").exists()
    assert {(r.role, r.holder_key) for r in Resource.objects.all()} == {
        ("primary", "lead@acme.test"), ("secondary", "ops")}
    office = Person.objects.get(email="office@acme.test")
    assert not office.is_active and office.role == "strategy_office"
    assert not is_password_usable(office.password)
    assert Person.objects.get(email="admin@acme.test").is_superuser
    brief = Brief.objects.get(cycle__key=plan.quarter.key)
    assert (brief.risks, brief.constraints) == ("Installer churn\nSupply of heat pumps",
                                                "No new hires")
    d1, d2 = Dependency.objects.order_by("key")
    assert (d1.key_result.key, d1.providing_unit.key, d1.state, d1.note) == (
        "KR1", "ops", "accepted", "Weeks 3-6")
    assert d1.decided_at is not None and d1.requested_at <= d1.decided_at
    assert (d2.objective.key, d2.state, d2.decided_at) == ("O2", "requested", None)
    assert Theme.objects.get(key="T2").archived and Cycle.objects.get(key="2031-Q1").archived


def test_every_imported_row_has_its_history(small_plan):
    import_plan(small_plan)

    for model in (KeyResult, Objective, Unit, Person, Metric, Theme):
        assert model.history.filter(history_type="+",
                                    history_change_reason="imported from plan file").count() \
            == model.objects.count() > 0
    theme_history = Theme.history.get(key="T1")
    assert [a.annualobjective.key for a in theme_history.annual_objectives.all()] == ["A1"]
    assert CheckIn.objects.count() == 4


def test_last_checkin_is_the_latest_by_date_then_entry_order(small_plan):
    kr = small_plan["objectives"][0]["key_results"][0]
    # Out of date order in the file, and two on the last day: the later entry wins.
    kr["checkins"] = [{"date": "2026-01-16", "value": 23}, {"date": "2026-01-09", "value": 21},
                      {"date": "2026-01-16", "value": 24}]

    import_plan(small_plan)

    assert KeyResult.objects.get(key="KR1").last_checkin.value == 24
    assert KeyResult.objects.get(key="KR4").last_checkin is None


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_demo_organisation_round_trips(db, wipe, fmt):
    from hoshin.demo.generate import demo_plan

    import_plan(demo_plan(dt.date(2026, 5, 20)))
    text = dump(export_plan(), fmt)
    wipe()

    import_plan(load(f"demo.{fmt}", text))

    assert dump(export_plan(), fmt) == text
    assert CheckIn.objects.count() > 100
    # The demo organisation carries every kind of plan record the format knows.
    assert "briefs:" in text or '"briefs"' in text
    assert Dependency.objects.filter(state="accepted").exists()


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_written_file_reads_back_as_the_same_document(plan, fmt):
    enrich(plan)
    doc = export_plan()

    text = dump(doc, fmt)

    if fmt == "json":
        doc = json.loads(json.dumps(doc, default=str))
    assert load(f"plan.{fmt}", text) == doc


def test_exported_file_is_readable(plan):
    enrich(plan)

    text = dump(export_plan())

    # Defaults are left out, whole numbers are integers, dates are plain, notes are blocks.
    assert "kind: increase" not in text and "weight: 1\n" not in text
    assert "    baseline: 20\n    target: 35\n" in text
    assert f"start: {plan.quarter.start.isoformat()}\n" in text
    assert "note: |-\n        Two installers signed\n        Third in talks\n" in text
    assert "&id" not in text


def test_the_trade_off_register_comes_back_whole(plan, wipe):
    enrich(plan)
    text = dump(export_plan())
    wipe()

    import_plan(load("plan.yaml", text))

    old, new = TradeOff.objects.order_by("id")
    assert (old.source, old.source_note, old.kind) == ("brief", "Strategic brief", "stopped")
    assert old.decided_on == timezone.localdate() - dt.timedelta(days=3)
    assert {p.email for p in old.told_people.all()} == {"member@acme.test", "lead@acme.test"}
    assert [u.key for u in old.told_units.all()] == ["ops"]
    assert ([o.key for o in old.objectives.all()], [k.key for k in old.key_results.all()],
            [i.key for i in old.initiatives.all()],
            [a.key for a in old.annual_objectives.all()]) == (["O1"], ["KR1"], ["I1"], ["A1"])
    assert old.unit.key == "sales" and old.decided_by.email == "admin@acme.test"
    assert new.supersedes == old and new.kind == "resumed" and not old.is_current
