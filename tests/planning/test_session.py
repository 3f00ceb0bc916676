"""The alignment session: grouping by question, decisions applied through the services,
re-runs keeping decisions, the close gate, the approved set and permissions."""

import pytest

from hoshin.core.errors import Conflict, DomainError, PermissionDenied
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, Dependency, KeyResult, Objective
from hoshin.planning import session as grouping
from hoshin.planning import session_services as sessions


def finding(code, *items, severity="warning"):
    return {"code": code, "severity": severity, "message": code,
            "items": [{"type": t, "id": i, "title": i} for t, i in items]}


def test_each_finding_lands_under_one_question():
    agenda = grouping.group([
        finding("orphan-objective", ("objective", "O9"), severity="error"),
        finding("gap", ("theme", "T1"), ("cycle", "Q")),
        finding("gap", ("annual_objective", "A1"), ("cycle", "Q")),
        finding("output-kr", ("key_result", "KR1")),
        finding("overlap", ("objective", "O2"), ("objective", "O1")),
        finding("bau-okr", ("objective", "O3")),
        finding("a-rule-added-later", ("objective", "O3")),
    ])
    codes = {g.key: [e.code for e in g.entries] for g in agenda.groups}
    assert codes == {"themes": ["orphan-objective", "gap"],
                     "business": ["gap", "output-kr"],
                     "conflicts": ["overlap", "a-rule-added-later"],
                     "remove": ["bau-okr"]}


def test_fingerprint_ignores_item_order_and_wording():
    assert grouping.fingerprint("overlap", ["O2", "O1"]) == grouping.fingerprint(
        "overlap", ["O1", "O2"]) == "overlap:O1,O2"


@pytest.fixture
def session(plan):
    Cycle.objects.filter(pk=plan.quarter.pk).update(state="planning")
    # An orphan (error) and a routine objective (warning) for the leaders to decide on.
    okrs.save_objective(None, key="O7", cycle=plan.quarter.key, unit="ops",
                        title="Maintain weekly reporting")
    okrs.save_key_result(None, key="KR7", objective="O7", title="Weekly report sent every week",
                         owner=plan.other_lead.email, kind="milestone")
    return sessions.open_session(plan.office, plan.quarter.key)


def marks(session, code=None):
    return [e.fingerprint for e in sessions.agenda(session).entries
            if code is None or e.code == code]


def test_opening_stores_the_report_and_groups_it(session):
    assert session.opening_report["findings"]
    assert "orphan-objective:O7" in marks(session)
    assert sessions.blockers(session)


def test_remove_archives_the_objective(session, plan):
    d = sessions.decide(plan.office, session, "orphan-objective:O7", "remove")
    assert d.applied and d.subject == "O7"
    assert Objective.objects.get(key="O7").archived_at is not None
    assert KeyResult.objects.get(key="KR7").archived_at is not None


def test_accept_needs_a_reason(session, plan):
    with pytest.raises(DomainError) as err:
        sessions.decide(plan.office, session, "orphan-objective:O7", "accept")
    assert err.value.errors[0].field == "reason"
    d = sessions.decide(plan.office, session, "orphan-objective:O7", "accept",
                        reason="Ops keeps it one quarter while reporting moves to KPIs")
    assert not d.applied
    assert Objective.objects.get(key="O7").archived_at is None


def test_reparent_sets_the_new_parent(session, plan):
    sessions.decide(plan.office, session, "orphan-objective:O7", "reparent", target="T1")
    assert Objective.objects.get(key="O7").parent_theme.key == "T1"


def test_merge_moves_key_results_and_archives_the_duplicate(session, plan):
    sessions.decide(plan.office, session, "orphan-objective:O7", "merge", target="O2")
    assert KeyResult.objects.get(key="KR7").objective.key == "O2"
    assert Objective.objects.get(key="O7").archived_at is not None


def test_add_dependency_requests_it(session, plan):
    sessions.decide(plan.office, session, "orphan-objective:O7", "add_dependency",
                    subject="KR7", providing_unit="sales", reason="Sales sends the numbers")
    dep = Dependency.objects.get(key_result__key="KR7")
    assert dep.providing_unit.key == "sales" and dep.state == "requested"


def test_rerun_keeps_decisions(session, plan):
    sessions.decide(plan.office, session, "orphan-objective:O7", "accept", reason="ok")
    session = sessions.rerun(plan.office, session)
    assert session.reruns == 1
    entry = next(e for e in sessions.agenda(session).entries
                 if e.fingerprint == "orphan-objective:O7")
    assert entry.decision is not None and entry.decision.kind == "accept"


def test_close_is_blocked_until_every_error_and_warning_is_decided(session, plan):
    with pytest.raises(Conflict):
        sessions.close(plan.office, session)
    session.refresh_from_db()
    assert session.state == "open"
    for mark in [e.fingerprint for e in sessions.blockers(session)]:
        sessions.decide(plan.office, session, mark, "accept", reason="seen, kept")
    session = sessions.close(plan.office, session)
    assert session.state == "closed" and session.closed_by == plan.office
    assert Cycle.objects.get(pk=plan.quarter.pk).state == "active"
    assert "O7" in session.approved["objectives"] and "KR1" in session.approved["key_results"]


def test_close_leaves_out_what_was_removed(session, plan):
    sessions.decide(plan.office, session, "orphan-objective:O7", "remove")
    session = sessions.rerun(plan.office, session)
    for mark in [e.fingerprint for e in sessions.blockers(session)]:
        sessions.decide(plan.office, session, mark, "accept", reason="kept")
    session = sessions.close(plan.office, session)
    assert "O7" not in session.approved["objectives"]
    assert "KR7" not in session.approved["key_results"]


def test_permissions(session, plan):
    with pytest.raises(PermissionDenied):
        sessions.decide(plan.member, session, "orphan-objective:O7", "accept", reason="x")
    with pytest.raises(PermissionDenied):
        sessions.decide(plan.viewer, session, "orphan-objective:O7", "accept", reason="x")
    # A unit lead decides, but changes only the units they lead (O7 belongs to ops).
    with pytest.raises(PermissionDenied):
        sessions.decide(plan.lead, session, "orphan-objective:O7", "remove")
    sessions.decide(plan.other_lead, session, "orphan-objective:O7", "remove")
    with pytest.raises(PermissionDenied):
        sessions.close(plan.lead, session)
    with pytest.raises(PermissionDenied):
        sessions.rerun(plan.member, session)


def test_session_verb(session, plan):
    import io
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    def run(*args) -> str:
        out = io.StringIO()
        call_command("session", *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    text = run(plan.quarter.key)
    assert "Does it support the themes?" in text and "orphan-objective:O7 — undecided" in text
    with pytest.raises(CommandError, match="no decision yet"):
        run(plan.quarter.key, "--close")
    for mark in [e.fingerprint for e in sessions.blockers(session)]:
        sessions.decide(plan.office, session, mark, "accept", reason="kept for now")
    data = json.loads(run(plan.quarter.key, "--close", "--format", "json"))
    assert data["state"] == "closed" and "O7" in data["approved"]["objectives"]
    assert Cycle.objects.get(pk=plan.quarter.pk).state == "active"


def test_a_change_refreshes_the_report(session, plan):
    assert "bau-okr:O7" in marks(session)
    sessions.decide(plan.office, session, "orphan-objective:O7", "remove")
    session.refresh_from_db()
    assert "bau-okr:O7" not in marks(session)
    # The decision stays on the agenda, marked resolved, and counts as decided.
    entry = next(e for e in sessions.agenda(session).entries
                 if e.fingerprint == "orphan-objective:O7")
    assert entry.severity == "resolved" and entry.decision.kind == "remove"
    assert session.reruns == 0


def test_close_from_draft_passes_the_gate_only_with_a_reason(plan):
    from hoshin.planning.models import GateOverride

    Cycle.objects.filter(pk=plan.quarter.pk).update(state="draft")
    session = sessions.open_session(plan.office, plan.quarter.key)
    for mark in [e.fingerprint for e in sessions.blockers(session)]:
        sessions.decide(plan.office, session, mark, "accept", reason="kept")
    with pytest.raises(Conflict) as err:
        sessions.close(plan.office, session)
    assert "override_reason" in [e.field for e in err.value.errors]
    session = sessions.close(plan.office, session, "The board set the priorities itself")
    assert Cycle.objects.get(pk=plan.quarter.pk).state == "active"
    assert GateOverride.objects.get(cycle=plan.quarter).reason.startswith("The board")
