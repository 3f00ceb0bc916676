"""API tokens: scoped (read, check-in, write), expiring (by default and as asked), and
recording who made them for whom; what is done with a token an admin made for someone
else is credited to that person "on behalf of" the admin, in the history and the audit
log (issue #13, item 3)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.audit.models import AuditEntry
from hoshin.core import clock
from hoshin.okrs.models import KeyResult
from hoshin.org import services as org
from hoshin.org.models import ApiToken

pytestmark = pytest.mark.django_db

API = "/api/v1"


def call(token: str, method: str, path: str, body=None):
    return Client().generic(method, API + path, json.dumps(body) if body is not None else "",
                            content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_read_token_reads_and_writes_nothing(plan):
    token = org.create_token(None, plan.member, "dashboard", scope="read")
    assert call(token, "GET", f"/key-results/{plan.kr_sales.key}").status_code == 200
    refused = call(token, "POST", f"/key-results/{plan.kr_sales.key}/checkins",
                   {"value": 12, "confidence": 7})
    assert refused.status_code == 403
    assert "scope (read)" in refused.json()["detail"]
    assert not plan.kr_sales.checkins.exists()


def test_a_checkin_token_checks_in_and_changes_nothing_else(plan):
    token = org.create_token(None, plan.member, "chat bot", scope="checkin")
    done = call(token, "POST", f"/key-results/{plan.kr_sales.key}/checkins",
                {"value": 12, "confidence": 7})
    assert done.status_code == 201, done.content
    assert plan.kr_sales.checkins.count() == 1
    refused = call(token, "PATCH", f"/key-results/{plan.kr_sales.key}",
                   {"title": "Changed"})
    assert refused.status_code == 403
    # The scope adds nothing to the person's rights: someone else's key result stays closed.
    other = KeyResult.objects.exclude(owner=plan.member).exclude(
        objective__unit__key="sales").first()
    assert call(token, "POST", f"/key-results/{other.key}/checkins",
                {"value": 1}).status_code == 403


def test_a_write_token_does_what_its_person_may(plan):
    token = org.create_token(None, plan.lead, "sync")
    assert call(token, "PATCH", f"/key-results/{plan.kr_sales.key}",
                {"title": "Sign 40 installers by December"}).status_code == 200
    assert call(token, "PUT", "/vision", {"statement": "x"}).status_code == 403


def test_tokens_expire_after_the_default_days_or_those_asked(plan, settings):
    settings.HOSHIN_TOKEN_DAYS = 30
    start = clock.now()
    with clock.at(start):
        raw = org.create_token(None, plan.member, "default")
        short = org.create_token(None, plan.member, "short", days=2)
    token = ApiToken.objects.get(digest=ApiToken.digest_of(raw))
    assert token.expires_at == start + dt.timedelta(days=30)
    assert call(raw, "GET", "/me").status_code == 200
    with clock.at(start + dt.timedelta(days=2, seconds=1)):
        assert call(short, "GET", "/me").status_code == 401
        assert call(raw, "GET", "/me").status_code == 200
    with clock.at(start + dt.timedelta(days=30, seconds=1)):
        assert call(raw, "GET", "/me").status_code == 401


def test_the_api_makes_a_token_with_its_scope_and_expiry_and_refuses_a_past_one(plan):
    own = org.create_token(None, plan.member, "bootstrap")
    made = call(own, "POST", "/tokens", {"name": "bot", "scope": "checkin",
                                         "expires_at": str(clock.today() + dt.timedelta(days=7))})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["scope"] == "checkin" and body["created_by"] == plan.member.email
    assert body["expires_at"].startswith(str(clock.today() + dt.timedelta(days=7)))
    past = call(own, "POST", "/tokens", {"expires_at": str(clock.today() - dt.timedelta(days=1))})
    assert past.status_code == 400
    assert past.json()["errors"][0]["field"] == "expires_at"
    assert call(own, "POST", "/tokens", {"scope": "admin"}).status_code == 422


def test_only_an_admin_makes_a_token_for_someone_else(plan):
    member = org.create_token(None, plan.member, "mine")
    assert call(member, "POST", "/tokens", {"email": plan.lead.email}).status_code == 403
    lead = org.create_token(None, plan.lead, "mine")
    assert call(lead, "POST", "/tokens", {"email": plan.member.email}).status_code == 403
    assert ApiToken.objects.filter(person=plan.member).count() == 1


def test_an_admins_token_for_someone_else_is_recorded_and_so_is_everything_done_with_it(plan):
    admin = org.create_token(None, plan.admin, "admin's own")
    made = call(admin, "POST", "/tokens", {"email": plan.member.email, "name": "for Mia"})
    assert made.status_code == 201
    raw = made.json()["token"]
    token = ApiToken.objects.get(digest=ApiToken.digest_of(raw))
    assert token.person == plan.member and token.created_by == plan.admin
    created = AuditEntry.objects.get(kind="token-created", person=plan.member)
    assert created.actor == plan.admin and "for Mia Member" in created.what

    # A check-in (which keeps no history of its own) is in the audit log as the admin's
    # on behalf of Mia; a change to a key result is in its history with the same words.
    assert call(raw, "POST", f"/key-results/{plan.kr_sales.key}/checkins",
                {"value": 15, "confidence": 6}).status_code == 201
    assert call(raw, "PATCH", f"/key-results/{plan.kr_sales.key}",
                {"title": "Typed by the admin"}).status_code in (200, 403)
    acted = AuditEntry.objects.filter(kind="on-behalf").order_by("pk")
    assert [e.what.split(":")[0] for e in acted][0] == (
        f"Ana Admin on behalf of Mia Member (API token {token.prefix}…)")
    assert acted[0].actor == plan.admin and acted[0].person == plan.member
    assert "/checkins" in acted[0].what
    # Reads are not logged.
    call(raw, "GET", "/me")
    assert AuditEntry.objects.filter(kind="on-behalf").count() == acted.count()


def test_history_names_the_admin_acting_on_behalf(plan):
    admin = org.create_token(None, plan.admin)
    raw = call(admin, "POST", "/tokens", {"email": plan.lead.email}).json()["token"]
    response = call(raw, "PATCH", f"/key-results/{plan.kr_sales.key}",
                    {"title": "Sign 40 installers by December"})
    assert response.status_code == 200, response.content
    change = plan.kr_sales.history.order_by("-history_id").first()
    assert change.history_user == plan.lead
    assert "Ana Admin on behalf of Lea Lead (API token" in change.history_change_reason
    # The lead's own token leaves no such note.
    own = org.create_token(None, plan.lead)
    call(own, "PATCH", f"/key-results/{plan.kr_sales.key}", {"title": "Again"})
    latest = plan.kr_sales.history.order_by("-history_id").first()
    assert "on behalf" not in (latest.history_change_reason or "")


def test_revoking_is_recorded_and_an_admin_revokes_anyones(plan):
    spare = org.create_token(None, plan.member, "spare")
    prefix = spare[:10]
    lead = org.create_token(None, plan.lead)
    assert call(lead, "POST", f"/tokens/{prefix}/revoke").status_code == 404
    admin = org.create_token(None, plan.admin)
    assert call(admin, "POST", f"/tokens/{prefix}/revoke").status_code == 204
    token = ApiToken.objects.get(prefix=prefix)
    assert token.revoked_by == plan.admin
    assert call(spare, "GET", "/me").status_code == 401
    entry = AuditEntry.objects.get(kind="token-revoked")
    assert entry.actor == plan.admin and entry.person == plan.member


def test_the_token_command_takes_a_scope_and_days(plan):
    out = io.StringIO()
    with clock.at(clock.now()) as now:
        call_command("token", plan.member.email, "--scope", "read", "--days", "5", stdout=out)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(digest=ApiToken.digest_of(raw))
    assert token.scope == "read" and token.created_by is None
    assert token.expires_at == now + dt.timedelta(days=5)
    entry = AuditEntry.objects.get(kind="token-created")
    assert entry.actor is None and entry.person == plan.member
