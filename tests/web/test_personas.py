"""One-click demo personas on the login page: offered only when the database holds a demo
(the flag `hoshin demo` records), each logs in as its person in one POST, refused (404)
outside demo mode."""

import pytest
from django.test import Client
from django.urls import reverse

from hoshin.org import services as org
from hoshin.org.models import Person

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "hoshin-demo"


@pytest.fixture
def demo(plan, monkeypatch):
    """The factories' plan marked as a demo, everyone on the demo password, as `hoshin demo`
    leaves it."""
    monkeypatch.delenv("HOSHIN_PASSWORD", raising=False)
    org.set_shared_password(list(Person.objects.values_list("email", flat=True)),
                            DEMO_PASSWORD)
    org.set_demo_mode(None, True)
    return plan


def personas(html: str) -> dict[str, str]:
    """slot -> the email its button logs in as."""
    import re

    return dict(re.findall(r'data-persona="(\w+)">.*?name="email" value="([^"]+)"', html,
                           flags=re.S))


def logged_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return Person.objects.get(pk=user_id).email if user_id else None


def test_no_personas_outside_demo_mode(client, plan):
    org.set_shared_password([plan.admin.email], DEMO_PASSWORD)
    html = client.get(reverse("login")).content.decode()
    assert "Try the demo as" not in html and "data-persona" not in html
    response = client.post(reverse("demo_login"), {"email": plan.admin.email})
    assert response.status_code == 404
    assert logged_in_as(client) is None


def test_login_page_offers_one_person_per_role_with_what_they_will_see(client, demo):
    html = client.get(reverse("login")).content.decode()
    assert "Try the demo as" in html
    # The first admin; the unit lead whose unit has the most objectives (Sales and
    # Operations have one each: the first by name); the member with key results due a
    # check-in; the first viewer.
    assert personas(html) == {"office": demo.admin.email, "lead": demo.lead.email,
                              "owner": demo.member.email, "viewer": demo.viewer.email}
    for role, name in (("Strategy office", "Ana Admin"), ("Unit lead", "Lea Lead"),
                       ("Key-result owner", "Mia Member"), ("Viewer", "Vic Viewer")):
        assert role in html and f"<strong>{name}</strong>" in html
        assert f"Try as {name.split()[0]}</button>" in html
    assert "Their unit (Sales): its objectives" in html
    assert "Today&#x27;s check-in first: their key result, due a check-in" in html


@pytest.mark.parametrize("slot", ["office", "lead", "owner", "viewer"])
def test_each_persona_logs_in_as_its_person_in_one_post(slot, demo):
    client = Client(enforce_csrf_checks=True)
    html = client.get(reverse("login")).content.decode()
    email = personas(html)[slot]
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("demo_login"), {"email": email, "next": "/",
                                                   "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_as(client) == email
    assert client.get("/").status_code == 200


def test_persona_login_needs_the_csrf_token(demo):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    response = client.post(reverse("demo_login"), {"email": demo.admin.email})
    assert response.status_code == 403
    assert logged_in_as(client) is None


def test_persona_login_keeps_a_safe_next_only(client, demo):
    response = client.post(reverse("demo_login"), {"email": demo.viewer.email,
                                                   "next": "/company/"})
    assert response["Location"] == "/company/"
    response = client.post(reverse("demo_login"), {"email": demo.viewer.email,
                                                   "next": "https://evil.test/"})
    assert response["Location"] == "/"


def test_someone_who_changed_their_password_is_not_entered(client, demo):
    demo.member.set_password("my-own-secret-now")
    demo.member.save()
    response = client.post(reverse("demo_login"), {"email": demo.member.email}, follow=True)
    assert logged_in_as(client) is None
    assert "no longer logs in with the demo password" in response.content.decode()


def test_get_is_not_allowed(client, demo):
    assert client.get(reverse("demo_login")).status_code == 405


def test_importing_a_plan_ends_demo_mode(client, demo):
    from hoshin.planfile.exporter import export_plan
    from hoshin.planfile.importer import import_plan

    import_plan(export_plan(), replace=True)
    assert not org.is_demo()
    assert "Try the demo as" not in client.get(reverse("login")).content.decode()
    assert client.post(reverse("demo_login"), {"email": demo.admin.email}).status_code == 404


def test_hoshin_demo_turns_demo_mode_on_and_the_persona_is_the_printed_admin(db, client,
                                                                             monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.delenv("HOSHIN_PASSWORD", raising=False)
    out = StringIO()
    call_command("demo", "--people", "30", "--today", "2026-11-20", stdout=out)
    assert org.is_demo()
    printed = next(line.split()[-1] for line in out.getvalue().splitlines()
                   if line.strip().startswith("email:"))
    offered = personas(client.get(reverse("login")).content.decode())
    assert offered["office"] == printed
    response = client.post(reverse("demo_login"), {"email": offered["office"]})
    assert response.status_code == 302 and logged_in_as(client) == printed


def test_in_demo_mode_the_personas_come_first_and_a_refused_log_in_puts_the_form_first(
        client, demo):
    html = client.get(reverse("login")).content.decode()
    assert html.index("data-persona") < html.index('id="id_username"')
    assert '<h1 id="personas-h">Try the demo as…</h1>' in html
    assert "<h2>Or log in with your email</h2>" in html
    assert "autofocus" not in html  # a phone's keyboard would hide the personas
    refused = client.post(reverse("login"), {"username": demo.admin.email,
                                             "password": "wrong"}).content.decode()
    assert refused.index('id="id_username"') < refused.index("data-persona")
    assert "<h1>Log in</h1>" in refused and 'role="alert"' in refused
    assert '<h2 id="personas-h">Try the demo as…</h2>' in refused
    assert "autofocus" in refused


def test_outside_demo_mode_the_form_is_the_page(client, plan):
    html = client.get(reverse("login")).content.decode()
    assert "<h1>Log in</h1>" in html and "autofocus" in html and "personas-h" not in html


def test_the_owner_persona_stays_the_same_after_the_visitor_checks_in(client, demo):
    """Before: once the one member due had checked in nobody was due, and the card went to
    whoever came first by number of key results and name."""
    from hoshin.okrs import services as okrs
    from tests.factories import person

    other = person("abe@acme.test", "member", "Abe Able", units=["sales"])
    org.set_shared_password([other.email], DEMO_PASSWORD)
    for key in ("KR7", "KR8"):  # more key results than Mia, none due
        kr = okrs.save_key_result(None, key=key, objective="O1", title=f"Able {key}",
                                  owner=other.email, kind="increase", baseline=0, target=10)
        okrs.record_checkin(None, kr, value=1, confidence=7)
    assert personas(client.get(reverse("login")).content.decode())["owner"] == demo.member.email
    for kr in okrs.KeyResult.objects.filter(owner=demo.member):
        okrs.record_checkin(demo.member, kr, value=kr.baseline + 1, confidence=7)
    html = client.get(reverse("login")).content.decode()
    assert personas(html)["owner"] == demo.member.email
