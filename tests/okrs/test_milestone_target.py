"""A milestone key result has no numeric target (okrs.rules.key_result_errors): every path
that changes a key result refuses one the same way, with the same words: the service, the
objective form, the API, the plan file (tests/planfile/test_errors.py) and a review's
change-target decision (which names the field by its own word, new_target)."""

import datetime as dt

import pytest

from hoshin.core.errors import DomainError
from hoshin.okrs import services
from hoshin.okrs.models import KeyResult
from hoshin.org import services as org
from hoshin.reviews import services as reviews
from hoshin.reviews.models import Decision
from tests.api.conftest import ApiClient
from tests.okrs.test_pages import form_data

pytestmark = pytest.mark.django_db

MILESTONE = "a milestone key result has no numeric target; change its steps instead"


def _unchanged(kr: KeyResult) -> tuple:
    return KeyResult.objects.get(pk=kr.pk).target, kr.history.count()


def test_the_service_refuses_a_target_on_a_milestone(plan):
    before = _unchanged(plan.kr_milestone)
    with pytest.raises(DomainError) as refused:
        services.save_key_result(None, plan.kr_milestone, target=50, reason="Smaller scope")
    assert [(e.field, e.message) for e in refused.value.errors] == [("target", MILESTONE)]
    assert _unchanged(plan.kr_milestone) == before
    # Nor does a key result become a milestone while it keeps its target.
    with pytest.raises(DomainError) as refused:
        services.save_key_result(None, plan.kr_sales, kind="milestone")
    assert ("target", MILESTONE) in [(e.field, e.message) for e in refused.value.errors]
    services.save_key_result(None, plan.kr_sales, kind="milestone", baseline=None,
                             target=None, reason="Now a launch")


def test_the_api_refuses_a_target_on_a_milestone(plan):
    api = ApiClient(org.create_token(None, plan.admin))
    before = _unchanged(plan.kr_milestone)
    response = api.patch("/key-results/KR2", {"target": 50, "reason": "Smaller scope"})
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [{"field": "target", "message": MILESTONE}]
    assert _unchanged(plan.kr_milestone) == before

    response = api.post("/key-results", {
        "objective": plan.objective.key, "title": "Partner portal live", "kind": "milestone",
        "owner": plan.member.email, "target": 1})
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [{"field": "target", "message": MILESTONE}]


def test_the_objective_form_refuses_a_target_on_a_milestone(client, plan):
    client.force_login(plan.lead)
    response = client.post(f"/objectives/new/?unit=sales&cycle={plan.quarter.key}", form_data(**{
        "kr-0-title": "Certification live", "kr-0-owner": plan.lead.email,
        "kr-0-kind": "milestone", "kr-0-target": "3"}))
    assert response.status_code == 200
    assert MILESTONE in response.content.decode()
    assert not KeyResult.objects.filter(title="Certification live").exists()


def test_a_review_decision_on_a_milestones_target_meets_the_same_rule(db):
    from tests.factories import build_plan

    plan = build_plan(today=dt.date(2026, 7, 1))
    review = reviews.reviews_of(plan.quarter)[0]
    item = reviews.add_item(plan.office, review, title="Launch scope", key_result="KR2")
    before = _unchanged(plan.kr_milestone)
    with pytest.raises(DomainError) as refused:
        reviews.decide(plan.office, item, kind="change_target", rationale="Smaller scope",
                       new_target=50)
    assert [(e.field, e.message) for e in refused.value.errors] == [("new_target", MILESTONE)]
    assert _unchanged(plan.kr_milestone) == before
    assert not Decision.objects.filter(item=item).exists()
