"""Who may write what through the API (SPEC §10): each role against each kind of write.

Allowed writes answer 2xx and change the database; refused ones answer 403 (401 when
anonymous) with the JSON error shape and change nothing at all."""

import pytest
from django.apps import apps

from tests.api.conftest import ApiClient

ROLES = ["admin", "strategy_office", "sales_lead", "ops_lead", "kr_owner", "other_member",
         "viewer", "anonymous"]

EDITORS = {"admin", "strategy_office"}
SALES_PLAN = EDITORS | {"sales_lead"}
KR1_WORK = SALES_PLAN | {"kr_owner"}


# action → (method, path, body, roles allowed); {quarter} and {year} are the plan's cycles.
ACTIONS = {
    "edit vision": ("put", "/vision", {"statement": "Heat without fire"}, EDITORS),
    "edit breakthrough": ("patch", "/breakthroughs/B1", {"title": "Own the market"}, EDITORS),
    "edit annual objective": ("patch", "/annual-objectives/A1", {"title": "Triple installs"},
                              EDITORS),
    "edit sales priority": ("patch", "/improvement-priorities/P1", {"title": "Installers"},
                            SALES_PLAN),
    "create objective in sales": ("post", "/objectives",
                                  {"cycle": "{quarter}", "unit": "sales", "title": "Win the west",
                                   "parent": "P1"}, SALES_PLAN),
    "edit KR1 target": ("patch", "/key-results/KR1", {"target": 40, "reason": "Boom"},
                        SALES_PLAN),
    "check in on KR1": ("post", "/key-results/KR1/checkins", {"value": 25, "confidence": 7},
                        KR1_WORK),
    "create initiative on KR1": ("post", "/initiatives",
                                 {"key_result": "KR1", "title": "Installer portal"}, KR1_WORK),
    "create person": ("post", "/people", {"email": "new@acme.test", "name": "New"}, {"admin"}),
    "create unit": ("post", "/units", {"id": "hr", "name": "People"}, {"admin"}),
    "change cycle state": ("post", "/cycles/{year}/state",
                           {"state": "planning", "override_reason": "test"}, EDITORS),
}


def _fill(value, plan):
    if isinstance(value, str):
        return value.format(quarter=plan.quarter.key, year=plan.year.key)
    if isinstance(value, dict):
        return {k: _fill(v, plan) for k, v in value.items()}
    return value


def _who(plan, other_member, role):
    return {"admin": plan.admin, "strategy_office": plan.office, "sales_lead": plan.lead,
            "ops_lead": plan.other_lead, "kr_owner": plan.member, "other_member": other_member,
            "viewer": plan.viewer, "anonymous": None}[role]


def database_state() -> dict:
    """Every row of every Hoshin table, history included (API tokens aside: using one
    stamps its last use)."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in ("org", "strategy", "okrs") and model.__name__ != "ApiToken":
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(plan, other_member, as_, action, role):
    method, path, payload, allowed = ACTIONS[action]
    path, payload = _fill(path, plan), _fill(payload, plan)
    who = _who(plan, other_member, role)
    client = as_(who) if who is not None else ApiClient()
    before = database_state()

    response = getattr(client, method)(path, payload)

    if role in allowed:
        assert response.status_code in (200, 201), response.content
        assert database_state() != before
    else:
        assert response.status_code == (401 if who is None else 403), response.content
        body = response.json()
        assert set(body) == {"detail", "errors"} and body["detail"]
        assert database_state() == before


def test_everyone_signed_in_may_read_everything(plan, other_member, as_):
    for role in ROLES[:-1]:
        client = as_(_who(plan, other_member, role))
        for path in ("/objectives", "/key-results/KR1", f"/cycles/{plan.quarter.key}/tree",
                     "/people", "/vision", "/key-results/KR1/checkins"):
            assert client.get(path).status_code == 200, (role, path)


def test_ops_lead_may_edit_ops_but_sales_lead_may_not(plan, as_):
    target = {"target": 10, "reason": "New vans"}
    assert as_(plan.lead).patch("/key-results/KR3", target).status_code == 403
    assert as_(plan.other_lead).patch("/key-results/KR3", target).status_code == 200


def test_members_edit_only_their_own_tokens(plan, other_member, as_):
    as_(plan.member)  # gives the owner a token
    prefix = plan.member.api_tokens.get().prefix
    response = as_(other_member).post(f"/tokens/{prefix}/revoke")
    assert response.status_code == 404
    assert plan.member.api_tokens.get().revoked_at is None
