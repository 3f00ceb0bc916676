"""The audit log: sign-ins and failed ones, access changes, tokens, exports and backups,
written as they happen and read by admins only, on a page and through the API; a plan
replace leaves it whole (issue #13, item 3)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from hoshin.audit.models import AuditEntry
from hoshin.org import services as org
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(plan):
    """The factories' plan, with the log its making wrote (people added, leads) cleared."""
    AuditEntry.objects.all().delete()
    return plan


def kinds() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("kind", flat=True))


def test_sign_ins_and_failed_ones_are_logged_with_the_address_and_no_password(plan):
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.post(reverse("login"), {"username": plan.member.email, "password": "wrong"})
    client.post(reverse("login"), {"username": "nobody@elsewhere.test", "password": "x"})
    client.post(reverse("login"), {"username": plan.member.email, "password": PASSWORD})
    failed, unknown, ok = AuditEntry.objects.order_by("pk")
    assert (failed.kind, failed.person, failed.address) == ("login-failed", plan.member,
                                                            "203.0.113.7")
    assert failed.what == "Failed sign-in for Mia Member"
    # Nobody's address is written out, not even the one typed for an unknown account.
    assert unknown.what == "Failed sign-in for an unknown account" and unknown.person is None
    assert "@" not in unknown.what and "wrong" not in failed.what
    assert (ok.kind, ok.actor, ok.what) == ("login", plan.member, "Mia Member signed in")


def test_role_activity_and_lead_changes_are_logged_by_whoever_made_them(plan):
    org.update_person(plan.admin, plan.member, role="unit_lead")
    org.update_person(plan.admin, plan.viewer, is_active=False)
    org.update_unit(plan.admin, plan.lead.led_units.get(), lead=plan.member.email)
    org.update_person(plan.admin, plan.member, name="Mia M.")  # not an access change
    rows = AuditEntry.objects.order_by("pk")
    assert [(e.kind, e.actor, e.person, e.what) for e in rows] == [
        ("role-changed", plan.admin, plan.member, "Mia Member: role Member → Unit lead"),
        ("person-archived", plan.admin, plan.viewer, "Vic Viewer archived"),
        ("lead-changed", plan.admin, plan.lead, "Lea Lead no longer leads Sales"),
        ("lead-changed", plan.admin, plan.member, "Mia Member leads Sales"),
    ]


def test_a_refused_change_leaves_no_entry(plan):
    with pytest.raises(Exception):
        org.update_person(plan.lead, plan.member, role="admin")
    assert kinds() == []


def test_exports_are_logged(plan, tmp_path):
    call_command("export", "--output", str(tmp_path / "plan.yaml"), stdout=io.StringIO(),
                 stderr=io.StringIO())
    entry = AuditEntry.objects.get()
    assert entry.kind == "export" and entry.actor is None
    assert "plan.yaml" in entry.what


@pytest.mark.django_db(transaction=True)
def test_backups_are_logged(plan, tmp_path):
    call_command("backup", str(tmp_path / "b.json.gz"), stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert kinds() == ["backup"]


def test_only_admins_read_the_log_on_its_page(plan, client):
    org.update_person(plan.admin, plan.member, role="unit_lead")
    client.force_login(plan.admin)
    page = client.get(reverse("audit:log"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mia Member: role Member → Unit lead" in html and "Ana Admin" in html
    assert plan.member.email not in html and plan.admin.email not in html
    only_roles = client.get(reverse("audit:log") + "?kind=role-changed").content.decode()
    assert "Role changed" in only_roles
    for person in (plan.office, plan.lead, plan.member, plan.viewer):
        client.force_login(person)
        assert client.get(reverse("audit:log")).status_code == 403
    client.logout()
    assert client.get(reverse("audit:log")).status_code == 302


def test_only_admins_read_the_log_through_the_api(plan):
    org.update_person(plan.admin, plan.member, role="unit_lead")
    for person, status in ((plan.admin, 200), (plan.office, 403), (plan.member, 403)):
        token = org.create_token(None, person)
        response = Client().get("/api/v1/audit?kind=role-changed",
                                HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == status
    token = org.create_token(None, plan.admin)
    body = Client().get("/api/v1/audit?kind=role-changed",
                        HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["count"] == 1
    assert body["items"][0]["actor"] == plan.admin.email
    assert body["items"][0]["person"] == plan.member.email


def test_a_plan_replace_keeps_the_log(plan):
    from hoshin.planfile.exporter import export_plan
    from hoshin.planfile.importer import import_plan

    org.update_person(plan.admin, plan.member, role="unit_lead")
    doc = export_plan()
    before = AuditEntry.objects.count()
    import_plan(doc, replace=True, force=True)
    assert AuditEntry.objects.count() == before
    assert AuditEntry.objects.filter(kind="role-changed", person=plan.member).exists()


def test_a_sign_in_through_single_sign_on_says_so(plan):
    from django.test import Client

    Client().force_login(plan.member, backend="hoshin.sso.backend.SingleSignOnBackend")
    entry = AuditEntry.objects.filter(kind="login").latest("pk")
    assert (entry.actor, entry.what) == (plan.member, "Mia Member signed in with single sign-on")
