"""API tokens can be created in the Django admin; the secret is shown once, stored hashed."""

import re

from django.contrib.messages import get_messages
from django.test import Client

from hoshin.audit.models import AuditEntry
from hoshin.org.models import ApiToken
from hoshin.org.services import authenticate_token
from tests.factories import PASSWORD


def test_admin_creates_a_token_and_sees_it_once(plan):
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username="admin@acme.test", password=PASSWORD)
    response = client.post("/admin/org/apitoken/add/",
                           {"person": plan.member.pk, "name": "reporting"})
    assert response.status_code == 302
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    raw = re.search(r"hsn_[\w-]+", shown).group(0)
    token = ApiToken.objects.get(name="reporting")
    assert token.person == plan.member and raw not in token.digest
    assert authenticate_token(raw) == plan.member
    # Made by the admin for someone else: recorded, with the default scope and expiry.
    assert token.created_by == plan.admin and token.scope == "write"
    assert token.expires_at is not None
    assert AuditEntry.objects.filter(kind="token-created", actor=plan.admin,
                                     person=plan.member).exists()


def test_revoking_a_token_in_the_admin_is_recorded(plan):
    from hoshin.org import services

    services.create_token(None, plan.member, "old script")
    token = ApiToken.objects.get(name="old script")
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username="admin@acme.test", password=PASSWORD)
    response = client.post(f"/admin/org/apitoken/{token.pk}/change/", {
        "person": plan.member.pk, "name": "old script", "scope": "write",
        "expires_at_0": "", "expires_at_1": "", "revoked_at_0": "2026-01-01",
        "revoked_at_1": "09:00:00"})
    assert response.status_code == 302, response.content[:500]
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == plan.admin
    assert AuditEntry.objects.filter(kind="token-revoked", actor=plan.admin).exists()


def test_only_admins_enter_the_admin(plan):
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(username="office@acme.test", password=PASSWORD)
    assert client.get("/admin/org/apitoken/add/").status_code == 302  # to the login page
