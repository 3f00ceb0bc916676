"""The last active admin cannot be archived or demoted, on the API, the admin site and the
command line (a plan import); with a second admin, both work."""

import io

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from hoshin.org import services as org
from hoshin.org.models import Person, Role
from tests.factories import person

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _api(client, plan, method, path, data=None):
    token = org.create_token(None, plan.admin)
    return getattr(client, method)(API + path, data or {}, content_type="application/json",
                                   headers={"Authorization": f"Bearer {token}"})


def test_the_api_refuses_to_archive_or_demote_the_last_admin(client, plan):
    archived = _api(client, plan, "post", "/people/admin@acme.test/archive")
    assert archived.status_code == 400
    assert "Ana Admin is the last active admin" in archived.json()["detail"]
    demoted = _api(client, plan, "patch", "/people/admin@acme.test", {"role": "member"})
    assert demoted.status_code == 400
    assert "cannot be given another role" in demoted.json()["detail"]
    plan.admin.refresh_from_db()
    assert plan.admin.is_active and plan.admin.role == Role.ADMIN


def test_with_a_second_admin_the_first_may_go(client, plan):
    person("second@acme.test", "admin", "Sam Second")
    assert _api(client, plan, "patch", "/people/admin@acme.test",
                {"role": "member"}).status_code == 200
    # Now Sam is the last one.
    sam = Person.objects.get(email="second@acme.test")
    with pytest.raises(org.DomainError, match="Sam Second is the last active admin"):
        org.update_person(None, sam, is_active=False)


def test_the_admin_site_refuses_it_with_a_message_on_the_form(client, plan):
    client.force_login(plan.admin)
    url = f"/admin/org/person/{plan.admin.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = {"email": plan.admin.email, "name": plan.admin.name, "role": "admin",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}
    # is_active left out: the checkbox unticked, archiving her.
    response = client.post(url, form)
    assert response.status_code == 200
    assert b"Ana Admin is the last active admin" in response.content
    plan.admin.refresh_from_db()
    assert plan.admin.is_active


def test_a_plan_import_that_archives_every_admin_is_refused(plan, tmp_path):
    source = tmp_path / "plan.yaml"
    call_command("export", "-o", str(source), stdout=io.StringIO(), stderr=io.StringIO())
    doc = yaml.safe_load(source.read_text())
    for entry in doc["people"]:
        if entry.get("role") == "admin":
            entry["active"] = False
    source.write_text(yaml.safe_dump(doc))
    with pytest.raises(CommandError, match="archives or demotes every active admin"):
        call_command("import", str(source), "--replace", stdout=io.StringIO(),
                     stderr=io.StringIO())
    plan.admin.refresh_from_db()
    assert plan.admin.is_active
