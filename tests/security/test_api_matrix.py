"""Every API operation × every persona: each may do exactly what SPEC §10 allows.

The operations come from the OpenAPI document, so a new one fails `test_every_operation_
has_an_expectation` until it is given a line in EXPECTED. Each line names who may call it
(a set of personas, see conftest.PERSONAS) and the request that proves it: the path's ids
and a body that is valid, so the answer shows the permission and not a validation error.
Allowed means the service let the person through (any answer but 401/403: a rule of the
model may still refuse, 400 or 409); denied means 403 (401 for anonymous callers), or the
listed status where the API hides what the caller may not see (404).

Every object acted on belongs to Sales: "lead_in" leads Sales, "lead_out" leads
Manufacturing, "owner" owns the key result, "executive" ranks in the alignment round but
leads another division (Corporate), "member" owns nothing, "viewer" reads only.
"""

from __future__ import annotations

import base64

import json
from dataclasses import dataclass, field

import pytest
from django.test import Client

from hoshin.api import api
from tests.security.conftest import PERSONAS

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(PERSONAS) - {"anonymous"}
WRITERS = EVERYONE - {"viewer"}
ADMIN = frozenset({"admin"})
PLAN = frozenset({"admin", "office"})
LEADS = PLAN | {"executive", "lead_in", "lead_out"}  # every unit lead, and the plan editors
SALES = PLAN | {"lead_in"}  # the plan editors and the lead whose subtree holds Sales
KR_OWNER = SALES | {"owner"}
EXECUTIVES = frozenset({"admin", "executive"})  # who ranks in the alignment round
LEAD_IN = frozenset({"lead_in"})
GRADERS = LEADS | {"owner"}  # whoever owns or leads some key result of the quarter
NOBODY = frozenset()


@dataclass(frozen=True)
class Op:
    allowed: frozenset
    params: dict = field(default_factory=dict)  # path parameter -> key of world.ids
    body: object = None  # a dict, or a function of world.ids giving one
    query: str = ""
    hidden: int = 403  # what a denied persona gets
    public: bool = False  # anonymous callers are let in too


def read(params=None, **kw) -> Op:
    return Op(EVERYONE, params or {}, **kw)


EXPECTED: dict[str, Op] = {
    # Organisation
    "get_organization": read(),
    "update_organization": Op(ADMIN, body={"name": "Kestrel Heat"}),
    "me": read(),
    "list_people": read(),
    "create_person": Op(ADMIN, body={"email": "new.person@kestrelheat.test",
                                     "name": "New Person"}),
    "get_person": read({"email": "member"}),
    "update_person": Op(ADMIN, {"email": "member"}, body={"name": "Renamed Person"}),
    "archive_person": Op(ADMIN, {"email": "member"}),
    "list_units": read(),
    "create_unit": Op(ADMIN, body={"name": "Inside sales", "parent": "sales"}),
    "get_unit": read({"id": "unit"}),
    "update_unit": Op(ADMIN, {"id": "unit"}, body={"name": "Sales and leads"}),
    "archive_unit": Op(ADMIN, {"id": "unit"}),
    "list_tokens": read(),
    "list_audit_entries": Op(ADMIN),
    "create_token": Op(EVERYONE, body={"name": "my script"}),
    "revoke_token": Op(frozenset({"admin", "owner"}), {"prefix": "spare_token"}, hidden=404),
    # Strategy
    "get_vision": read(),
    "set_vision": Op(PLAN, body={"statement": "Heat every home without fossil fuel"}),
    "list_breakthroughs": read(),
    "create_breakthrough": Op(PLAN, body={"title": "Own the retrofit market"}),
    "get_breakthrough": read({"id": "breakthrough"}),
    "update_breakthrough": Op(PLAN, {"id": "breakthrough"}, body={"title": "Renamed"}),
    "archive_breakthrough": Op(PLAN, {"id": "breakthrough"}),
    "list_annual_objectives": read(),
    "create_annual_objective": Op(PLAN, body={"year": 2026, "title": "Halve install time"}),
    "get_annual_objective": read({"id": "annual"}),
    "update_annual_objective": Op(PLAN, {"id": "annual"}, body={"title": "Renamed"}),
    "archive_annual_objective": Op(PLAN, {"id": "annual"}),
    "list_improvement_priorities": read(),
    "create_improvement_priority": Op(SALES, body={"year": 2026, "unit": "sales",
                                                   "title": "Qualify leads in a day"}),
    "get_improvement_priority": read({"id": "priority"}),
    # A lead edits their unit's priority (here refused as agreed in catchball: 409).
    "update_improvement_priority": Op(SALES, {"id": "priority"}, body={"title": "Renamed"}),
    "archive_improvement_priority": Op(SALES, {"id": "priority"}),
    "list_metrics": read(),
    "create_metric": Op(PLAN, body={"title": "Installs per week"}),
    "get_metric": read({"id": "metric"}),
    "update_metric": Op(PLAN, {"id": "metric"}, body={"title": "Renamed"}),
    "archive_metric": Op(PLAN, {"id": "metric"}),
    "list_metric_actuals": read({"id": "metric"}),
    "record_metric_actual": Op(PLAN, {"id": "metric"}, body={"period": "2026-10",
                                                             "actual": 12}),
    # Cycles, themes, trade-offs
    "list_cycles": read(),
    "create_cycle": Op(PLAN, body={"start": "2027-04-01", "end": "2027-06-30"}),
    "get_cycle": read({"id": "quarter"}),
    "update_cycle": Op(PLAN, {"id": "quarter"}, body={"name": "Autumn"}),
    "archive_cycle": Op(PLAN, {"id": "draft"}),
    "change_cycle_state": Op(PLAN, {"id": "draft"}, body={"state": "planning"}),
    "list_themes": read(),
    "create_theme": Op(PLAN, body={"cycle": "2026-Q4", "title": "Speed"}),
    "get_theme": read({"id": "theme"}),
    "update_theme": Op(PLAN, {"id": "theme"}, body={"title": "Renamed"}),
    "archive_theme": Op(PLAN, {"id": "theme"}),
    "list_trade_offs": read(),
    # An entry of the whole organisation is the office's; a lead writes only about their
    # units' work. Entries are never deleted: DELETE is refused (409) to whoever may write
    # the register, 403 to the rest. The world's entry is a brief's, about no unit.
    "create_trade_off": Op(PLAN, body={"cycle": "2026-Q4", "title": "Pause the web shop",
                                       "reason": "Installers first"}),
    "get_trade_off": read({"id": "trade_off"}),
    "supersede_trade_off": Op(PLAN, {"id": "trade_off"}, body={"reason": "Decided again"}),
    "delete_trade_off": Op(LEADS, {"id": "trade_off"}),
    # Objectives, key results, check-ins, initiatives
    "list_objectives": read(),
    "create_objective": Op(SALES, body={"cycle": "2026-Q4", "unit": "sales",
                                        "title": "Win the installers"}),
    "get_objective": read({"id": "objective"}),
    "update_objective": Op(SALES, {"id": "objective"}, body={"description": "Why it matters"}),
    "archive_objective": Op(SALES, {"id": "objective"}),
    "list_key_results": read(),
    "create_key_result": Op(SALES, body=lambda ids: {
        "objective": ids["objective"], "title": "Sign 40 installers", "owner": ids["owner_email"],
        "baseline": 0, "target": 40}),
    "get_key_result": read({"id": "kr"}),
    "update_key_result": Op(SALES, {"id": "kr"}, body={"title": "Sign 40 installers"}),
    "archive_key_result": Op(SALES, {"id": "kr"}),
    "list_checkins": read({"id": "kr"}),
    "create_checkin": Op(KR_OWNER, {"id": "kr"}, body={"confidence": 6, "note": "steady"}),
    "list_initiatives": read(),
    "create_initiative": Op(KR_OWNER, body=lambda ids: {"key_result": ids["kr"],
                                                        "title": "Installer roadshow"}),
    "get_initiative": read({"id": "initiative"}),
    "update_initiative": Op(KR_OWNER, {"id": "initiative"}, body={"title": "Renamed"}),
    "archive_initiative": Op(KR_OWNER, {"id": "initiative"}),
    "cycle_tree": read({"id": "quarter"}),
    # Analyzer and dependencies
    "check": read(),
    "check_draft": read(body={"objectives": []}),
    "check_rules": read(),
    "get_check_settings": read(),
    "update_check_settings": Op(PLAN, body={}),
    "list_dependencies": read(),
    "request_dependency": Op(SALES, body=lambda ids: {
        "key_result": ids["kr"], "providing_unit": "finance", "description": "Budget sign-off"}),
    "get_dependency": read({"id": "dependency"}),
    "accept_dependency": Op(SALES, {"id": "dependency"}, body={}),
    "decline_dependency": Op(SALES, {"id": "dependency"}, body={"note": "No capacity"}),
    "deliver_dependency": Op(SALES, {"id": "dependency"}, body={}),
    # Planning
    "readiness_questions": read(),
    "list_surveys": read(),
    "open_survey": Op(PLAN, body={"cycle": "2027-Q1"}),
    "close_survey": Op(PLAN, {"cycle": "draft"}),
    "my_readiness_response": read({"cycle": "draft"}),
    "answer_readiness": Op(LEADS, {"cycle": "draft"}, body={"answers": {}}),
    "readiness_results": read({"cycle": "draft"}),
    "readiness_responses": Op(PLAN, {"cycle": "draft"}),
    "list_rounds": read(),
    "open_round": Op(PLAN, body=lambda ids: {"cycle": ids["draft"], "items": [],
                                             "executives": [ids["owner_email"]]}),
    "get_round": read({"id": "round"}),
    "my_ranking": read({"id": "round"}),
    "rank": Op(EXECUTIVES, {"id": "round"}, body={"positions": {}}),
    "close_round": Op(PLAN, {"id": "round"}),
    "round_results": read({"id": "round"}),
    "get_brief": read({"cycle": "draft"}),
    "put_brief": Op(PLAN, {"cycle": "draft"}, body={"success": "Installers say yes"}),
    "cycle_gate": read({"id": "draft"}),
    "move_cycle": Op(PLAN, {"id": "draft"}, body={"state": "planning"}),
    "get_alignment_session": read({"cycle": "draft"}),
    "open_alignment_session": Op(PLAN, body={"cycle": "2027-Q1"}),
    # Any lead decides, on the findings about their units only (test_decisions.py).
    "decide_on_finding": Op(LEADS, {"cycle": "draft"}, body={"fingerprint": "x",
                                                            "kind": "keep"}),
    "rerun_session": Op(PLAN, {"cycle": "draft"}),
    "close_session": Op(PLAN, {"cycle": "draft"}, body={}),
    # Catchball
    "list_threads": read(),
    "propose": Op(SALES, body=lambda ids: {"element": ids["objective"], "unit": "sales"}),
    "inbox": read(),
    "overview": Op(PLAN),
    "get_thread": read({"id": "thread"}),
    # The thread is Commercial's proposal to Sales: Sales's lead answers; only Commercial's
    # lead (who proposed) revises or withdraws it, not the plan editors.
    "respond": Op(LEAD_IN, {"id": "thread"}, body={"contribution": "We can do 30"}),
    "revise": Op(NOBODY, {"id": "thread"}, body={"title": "Win 30 installers"}),
    "accept": Op(LEAD_IN, {"id": "thread"}, body={}),
    "withdraw": Op(NOBODY, {"id": "thread"}, body={}),
    "delegate": Op(SALES, {"id": "thread"}, body=lambda ids: {"person": ids["owner_email"]}),
    "list_deadlines": read(),
    "set_deadline": Op(PLAN, body={"cycle": "2027-Q1", "what": "catchball_response",
                                   "due": "2026-12-15"}),
    # Notifications and flags
    "get_rhythm": Op(PLAN),
    "put_rhythm": Op(PLAN, body={}),
    "get_my_preference": read(),
    "put_my_preference": Op(EVERYONE, body={}),
    "list_flags": read(),
    "get_settings": read(),
    "put_settings": Op(PLAN, body={}),
    # PDCA
    "list_countermeasures": read(),
    "create_countermeasure": Op(KR_OWNER, body=lambda ids: {"problem": "Leads go cold",
                                                            "key_result": ids["kr"]}),
    "get_countermeasure": read({"id": "countermeasure"}),
    "update_countermeasure": Op(KR_OWNER, {"id": "countermeasure"},
                                body={"countermeasure": "Call back within a day"}),
    "search_learnings": read(),
    "create_learning": Op(WRITERS, body={"title": "Answer the same day"}),
    "get_learning": read({"id": "learning"}),
    "adopt_learning": Op(SALES, {"id": "learning"}, body={"unit": "sales"}),
    # Reviews: decisions on a Sales item only by those who lead Sales (or edit the plan)
    "list_reviews": read(),
    "get_review": read({"id": "review"}),
    "schedule_quarter": Op(LEADS),
    "build_agenda": Op(LEADS, {"id": "review"}),
    "add_item": Op(LEADS, {"id": "review"}, body={"title": "Hiring freeze"}),
    "decide": Op(SALES, {"id": "item"}, body={"kind": "continue", "rationale": "On track"}),
    "continue_rest": Op(LEADS, {"id": "review"}, body={}),
    "add_action": Op(LEADS, {"id": "review"}, body=lambda ids: {
        "title": "Ring the installers", "owner": ids["owner_email"], "due": "2026-12-01"}),
    "complete_action": Op(LEADS | {"owner"}, {"id": "action"}),
    "close_review": Op(LEADS, {"id": "review"}, body={}),
    # Closing
    "close_status": read({"cycle": "quarter"}),
    "grade": Op(KR_OWNER, {"id": "kr"}, body={"grade": 0.7}),
    "carry_over": Op(SALES, {"id": "kr"}, body={"decision": "drop", "reason": "Done"}),
    # Each grades or carries over only the key results they may (tests/security/
    # test_decisions.py): refused outright to whoever may touch none.
    "accept_suggested": Op(GRADERS, {"cycle": "quarter"}),
    "carry_over_unfinished": Op(LEADS, {"cycle": "quarter"}, body={}),
    "retrospective": Op(SALES, {"cycle": "quarter", "unit": "unit"}, body={"worked": "Calls"}),
    "close": Op(PLAN, {"cycle": "quarter"}, body={}),
    "annual_review": read({"year": "year"}),
    "annual_decision": Op(PLAN, {"year": "year"}, body=lambda ids: {
        "item_type": "annual_objective", "item_key": ids["annual"], "decision": "continue",
        "rationale": "Still needed"}),
    # Portfolio and analytics
    "get_portfolio": read(),
    "list_sessions": read(),
    "create_session": Op(PLAN, body=lambda ids: {"scores": [{
        "initiative": ids["initiative"], "business_value": 1, "time_criticality": 1,
        "risk_reduction": 1, "job_size": 1}]}),
    "list_wip": read(),
    "set_wip": Op(SALES, {"unit": "unit"}, body={"limit": 5}),
    # Whoever may edit the initiative changes its status (stopping one writes a trade-off).
    "change_status": Op(KR_OWNER, {"id": "initiative"}, body={"status": "in_progress"}),
    "get_flow": read(),
    "regularity": read(),
    "calibration": read(),
    "forecast": read(),
    "trends": read(),
    # Key results fed by data: whoever may check in on the key result
    "list_sources": read(),
    "get_source": read({"key_result": "kr"}),
    "create_source": Op(KR_OWNER, body=lambda ids: {
        "key_result": ids["kr"], "kind": "http", "url": "https://example.test/total",
        "json_path": "$.total"}),
    "delete_source": Op(KR_OWNER, {"key_result": "kr"}),
    # The key result has no source: that is found out before the rights are (404 to all).
    "sync_source": Op(KR_OWNER, {"key_result": "kr"}, hidden=404),
    # Work trackers: connections and webhooks are admins'; links are written by who may
    # edit the initiative. The world has no tracker connected, no hook and no link: the
    # admin's connection of kind "sales" (the unit id) is a 400, a hook or link id (the
    # review's pk) names none, a link to an unconnected tracker is a 400; the others get
    # the 403 that comes before (a link's id is looked up first: 404 to all).
    "list_tracker_connections": Op(ADMIN),
    "put_tracker_connection": Op(ADMIN, {"kind": "unit"}, body={"token": "t-123"}),
    "delete_tracker_connection": Op(ADMIN, {"kind": "unit"}),
    "list_tracker_hooks": Op(ADMIN),
    "create_tracker_hook": Op(ADMIN, body={"kind": "github"}),
    "delete_tracker_hook": Op(ADMIN, {"hook_id": "review"}),
    "rotate_tracker_hook_secret": Op(ADMIN, {"hook_id": "review"}, body={}),
    "list_tracker_links": read(),
    "create_tracker_link": Op(KR_OWNER, body=lambda ids: {
        "initiative": ids["initiative"], "kind": "github", "ref": "acme/portal#1"}),
    "delete_tracker_link": Op(KR_OWNER, {"link_id": "review"}, hidden=404),
    "get_initiative_work": read({"key": "initiative"}),
    "sync_initiative_work": Op(KR_OWNER, {"key": "initiative"}),
    # Signed outgoing webhooks: admins only. The world has no subscription: 2026 (the
    # "year" id) and a key result's key name none, so the admin gets 404 and the others the
    # 403 that comes before the lookup.
    "list_webhooks": Op(ADMIN),
    "create_webhook": Op(ADMIN, body={"url": "https://hooks.example.test/hoshin",
                                      "events": ["checkin", "flag"]}),
    "get_webhook": Op(ADMIN, {"id": "year"}),
    "update_webhook": Op(ADMIN, {"id": "year"}, body={"active": False}),
    "delete_webhook": Op(ADMIN, {"id": "year"}),
    "list_webhook_deliveries": Op(ADMIN, {"id": "year"}),
    "replay_webhook_message": Op(ADMIN, {"message_id": "kr"}),
    # The board pack (a PDF of the quarter): admins, the strategy office and unit leads.
    "get_board_pack": Op(LEADS, query="?cycle=2026-Q4"),
    "import_markdown_page": Op(PLAN, body={"markdown": "# Sales\n\n1. Win installers\n",
                                           "cycle": "2027-Q1"}),
    # The goal-list import: the same right as the web page's (a dry run here).
    "import_goal_list": Op(PLAN, body={
        "content": base64.b64encode(b"Row ID,Parent,Type,Title,Team\n"
                                    b"O1,,objective,Win installers,sales\n").decode(),
        "filename": "goals.csv", "cycle": "2027-Q1", "dry_run": True}),
}


# The same operations on other objects or with other bodies: object-level rules both
# ways (Manufacturing's key result and objective are outside lead_in's reach and inside
# lead_out's), and the writes a
# decision causes, checked as the person deciding.
MANUFACTURING = PLAN | {"lead_out"}
VARIANTS: dict[str, tuple[str, Op]] = {
    "create_checkin:manufacturing": ("create_checkin", Op(
        MANUFACTURING, {"id": "kr_out"}, body={"confidence": 6})),
    "update_objective:manufacturing": ("update_objective", Op(
        MANUFACTURING, {"id": "objective_out"}, body={"description": "Why it matters"})),
    "update_key_result:manufacturing": ("update_key_result", Op(
        MANUFACTURING, {"id": "kr_out"}, body={"title": "Build 40 units a day"})),
    # A deprioritisation writes to the trade-off register as the person deciding: the
    # plan editors about any unit's work, a lead about their own units' (the lead whose
    # subtree holds the item's key result), as when writing an entry directly.
    "decide:deprioritise": ("decide", Op(SALES, {"id": "item"}, body={
        "kind": "deprioritise", "rationale": "Not this quarter"})),
    "decide:change_target": ("decide", Op(SALES, {"id": "item"}, body={
        "kind": "change_target", "rationale": "Fewer installers", "new_target": 33})),
    "create_token:for_someone_else": ("create_token", Op(ADMIN, body=lambda ids: {
        "email": ids["outsider"], "name": "for a colleague"})),
    "list_tokens:someone_elses": ("list_tokens", Op(ADMIN, query="?email=")),
}


def operations() -> list[tuple[str, str, str]]:
    """(operationId, method, path) of every operation in the OpenAPI document."""
    schema = api.get_openapi_schema()
    return [(op["operationId"], method.upper(), path)
            for path, methods in schema["paths"].items()
            for method, op in methods.items()]


OPERATIONS = operations()


def test_every_operation_has_an_expectation():
    ids = {op_id for op_id, _, _ in OPERATIONS}
    assert len(ids) == len(OPERATIONS), "operation ids must be unique"
    assert sorted(ids - EXPECTED.keys()) == [], "operations with no line in EXPECTED"
    assert sorted(EXPECTED.keys() - ids) == [], "lines in EXPECTED for no operation"


def _call(world, persona: str, method: str, path: str, op: Op):
    ids = dict(world.ids)
    ids.setdefault("theme", _first_theme())
    url = path
    for name, key in op.params.items():
        url = url.replace("{" + name + "}", str(ids[key]))
    body = op.body(ids) if callable(op.body) else op.body
    headers = {}
    if persona != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[persona]}"
    data = json.dumps(body) if body is not None else ""
    return Client().generic(method, url + op.query, data, content_type="application/json",
                            **headers)


def _first_theme():
    from hoshin.okrs.models import Theme

    return Theme.objects.order_by("key").values_list("key", flat=True).first() or "none"


CASES = [(op_id, op_id, method, path) for op_id, method, path in OPERATIONS] + [
    (name, op_id, method, path) for name, (op_id, _) in VARIANTS.items()
    for known, method, path in OPERATIONS if known == op_id]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case,op_id,method,path", CASES, ids=[c[0] for c in CASES])
def test_operation(world, case, op_id, method, path, persona):
    op = VARIANTS[case][1] if case in VARIANTS else EXPECTED.get(op_id)
    assert op is not None, f"{method} {path} ({op_id}) has no line in EXPECTED"
    if case == "list_tokens:someone_elses":
        op = Op(op.allowed, query=op.query + world.ids["outsider"])
    response = _call(world, persona, method, path, op)
    status = response.status_code
    said = response.content[:300].decode(errors="replace")
    if persona in op.allowed or (persona == "anonymous" and op.public):
        assert status not in (401, 403), f"{persona} refused {case}: {status} {said}"
        assert status < 500, f"{case} as {persona}: {status} {said}"
    elif persona == "anonymous":
        assert status == 401, f"anonymous {case}: {status} {said}"
    else:
        assert status == op.hidden, f"{persona} allowed {case}: {status} {said}"
