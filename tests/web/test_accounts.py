"""Accounts: log in/out, password change and reset, login throttling, 403/404 pages."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from hoshin.core import errors
from hoshin.org.models import Role
from hoshin.org import decorators as permissions
from hoshin.web.context import Roles
from hoshin.web.models import LoginAttempt
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- log in / log out -----------------------------------------------------------------

def test_login_page_renders_with_a_reset_link(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b'for="id_username"' in response.content
    assert reverse("password_reset").encode() in response.content


def test_login_with_the_right_password_rotates_the_session(client, plan):
    client.get("/login/")
    before = client.session.session_key
    response = login(client, "Member@Acme.test")
    assert response.status_code == 302 and response.url == "/"
    assert logged_in(client)
    assert client.session.session_key != before


def test_wrong_password_shows_an_error(client, plan):
    response = login(client, "member@acme.test", "nope")
    assert response.status_code == 200
    assert b"role=\"alert\"" in response.content
    assert not logged_in(client)


def test_logout_is_post_only_and_needs_csrf(plan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    client.post("/login/", {"username": "member@acme.test", "password": PASSWORD,
                            "csrfmiddlewaretoken": token})
    assert logged_in(client)
    assert client.get("/logout/").status_code == 405
    assert logged_in(client)
    response = client.post("/logout/")
    assert response.status_code == 403
    assert b"This form has expired" in response.content
    assert logged_in(client)
    token = client.cookies["csrftoken"].value
    response = client.post("/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response.url == "/login/"
    assert not logged_in(client)


# --- password change ------------------------------------------------------------------

def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_password_change_keeps_the_session_and_the_new_password_works(client, plan):
    login(client, "member@acme.test")
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and b'for="id_old_password"' in page.content
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "lantern-orbit-42",
        "new_password2": "lantern-orbit-42"})
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    assert client.get("/").status_code == 200  # still logged in
    client.post("/logout/")
    assert login(client, "member@acme.test", PASSWORD).status_code == 200
    assert not logged_in(client)
    assert login(client, "member@acme.test", "lantern-orbit-42").status_code == 302
    assert logged_in(client)


def test_password_change_errors_are_next_to_the_field(client, plan):
    login(client, "member@acme.test")
    response = client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": "a", "new_password2": "b"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your old password was entered incorrectly" in html
    assert html.count('class="errorlist" role="alert"') >= 2


# --- password reset -------------------------------------------------------------------

def test_reset_email_has_a_working_link_on_the_base_url(client, plan, mailoutbox, settings):
    settings.BASE_URL = "https://hoshin.example.org"
    for _ in range(5):  # locked out: the reset lifts the lock
        login(client, "member@acme.test", "wrong")
    response = client.post(reverse("password_reset"), {"email": "MEMBER@acme.test"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["member@acme.test"]
    assert mail.subject == "Reset your Hoshin password"
    link = re.search(r"https://hoshin\.example\.org(/password-reset/\S+/\S+/)", mail.body)
    assert link, mail.body
    confirm = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in confirm.content
    response = client.post(confirm.redirect_chain[-1][0], {
        "new_password1": "lantern-orbit-42", "new_password2": "lantern-orbit-42"})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    assert login(client, "member@acme.test", "lantern-orbit-42").status_code == 302
    # The link works once.
    client.post("/logout/")
    again = client.get(link.group(1), follow=True)
    assert b"This link no longer works" in again.content


def test_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client, plan, mailoutbox):
    known = client.post(reverse("password_reset"), {"email": "member@acme.test"}, follow=True)
    mailoutbox.clear()
    unknown = client.post(reverse("password_reset"), {"email": "nobody@acme.test"}, follow=True)
    assert mailoutbox == []
    assert unknown.redirect_chain == known.redirect_chain
    # Identical but for the per-response CSRF mask.
    assert _unmasked(unknown.content) == _unmasked(known.content)


def _unmasked(html: bytes) -> bytes:
    return re.sub(rb"[A-Za-z0-9]{64}", b"TOKEN", html)


# --- throttling -----------------------------------------------------------------------

def test_sixth_attempt_is_refused_even_with_the_right_password(client, plan):
    for _ in range(5):
        assert login(client, "member@acme.test", "wrong").status_code == 200
    response = login(client, "MEMBER@acme.test", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed log-in attempts" in response.content
    assert b"15 minutes" in response.content
    assert not logged_in(client)
    # Refused attempts are not counted, so the lock ends when the window has passed.
    assert LoginAttempt.objects.count() == 5
    LoginAttempt.objects.update(at=LoginAttempt.objects.first().at - timedelta(minutes=16))
    assert login(client, "member@acme.test", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_lock_is_per_email(client, plan):
    for _ in range(5):
        login(client, "member@acme.test", "wrong")
    assert login(client, "lead@acme.test").status_code == 302


def test_success_clears_the_email_counter(client, plan):
    for _ in range(4):
        login(client, "member@acme.test", "wrong")
    assert login(client, "member@acme.test").status_code == 302
    assert not LoginAttempt.objects.filter(email="member@acme.test").exists()
    client.post("/logout/")
    for _ in range(4):
        login(client, "member@acme.test", "wrong")
    assert login(client, "member@acme.test").status_code == 302


def test_one_address_guessing_many_accounts_loses_only_those_accounts(client, plan):
    # Twenty failures from one address (a guesser, or a shared proxy): the address may no
    # longer try the accounts it failed on, from there; those accounts still log in from
    # anywhere else.
    for i in range(19):
        login(client, f"guess{i}@acme.test", "wrong", REMOTE_ADDR="10.0.0.9")
    login(client, "member@acme.test", "wrong", REMOTE_ADDR="10.0.0.9")
    locked = login(client, "member@acme.test", REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429 and b"to this account from this network" in locked.content
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
    assert LoginAttempt.objects.count() == 20  # the refused try is not counted
    assert login(client, "member@acme.test", REMOTE_ADDR="10.0.0.10").status_code == 302


def test_a_shared_address_over_its_limit_still_logs_in_everyone_else(client, plan):
    # Behind one proxy, many people mistype: the proxy passes its limit, yet a colleague
    # who has not failed logs in through it with the right password, at once.
    for i in range(25):
        login(client, f"typo{i}@acme.test", "wrong", REMOTE_ADDR="10.0.0.9")
    for email in ("lead@acme.test", "member@acme.test"):
        response = login(client, email, REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 302, email
        assert logged_in(client)
        client.post("/logout/")


def test_one_persons_typos_lock_only_their_account(client, plan):
    for _ in range(5):
        login(client, "member@acme.test", "wrong", REMOTE_ADDR="10.0.0.9")
    # Their account is locked from everywhere, and says for how long.
    for address in ("10.0.0.9", "10.0.0.10"):
        locked = login(client, "member@acme.test", REMOTE_ADDR=address)
        assert locked.status_code == 429
        assert b"to this account is paused" in locked.content
        assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    # Everyone else logs in, from the same address too.
    assert login(client, "lead@acme.test", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_admin_login_is_throttled_too(client, plan):
    for _ in range(5):
        login(client, "admin@acme.test", "wrong")
    response = client.post("/admin/login/", {"username": "admin@acme.test", "password": PASSWORD})
    assert response.status_code == 200  # the admin form just refuses
    assert not logged_in(client)


def test_failures_spread_over_more_than_the_window_do_not_lock(client, plan):
    for _ in range(4):
        login(client, "member@acme.test", "wrong")
    LoginAttempt.objects.update(at=LoginAttempt.objects.first().at - timedelta(minutes=16))
    login(client, "member@acme.test", "wrong")
    assert login(client, "member@acme.test").status_code == 302


# --- roles, 403 and 404 ---------------------------------------------------------------

def _request(user, method="get"):
    request = getattr(RequestFactory(), method)("/x")
    request.user = user
    return request


def _ok(request):
    return HttpResponse("ok")


@pytest.mark.parametrize("email, can_post", [
    ("admin@acme.test", True), ("member@acme.test", True), ("viewer@acme.test", False)])
def test_forbid_viewers(plan, email, can_post):
    user = get_user_model().objects.get(email=email)
    view = permissions.forbid_viewers(_ok)
    assert view(_request(user)).status_code == 200
    if can_post:
        assert view(_request(user, "post")).status_code == 200
    else:
        with pytest.raises(PermissionDenied):
            view(_request(user, "post"))


def test_role_required(plan):
    people = get_user_model().objects
    view = permissions.role_required(Role.ADMIN, Role.STRATEGY_OFFICE)(_ok)
    assert view(_request(people.get(email="office@acme.test"))).status_code == 200
    with pytest.raises(PermissionDenied):
        view(_request(people.get(email="lead@acme.test")))
    writes_only = permissions.role_required(Role.ADMIN, methods=("POST",))(_ok)
    assert writes_only(_request(people.get(email="viewer@acme.test"))).status_code == 200
    with pytest.raises(PermissionDenied):
        writes_only(_request(people.get(email="viewer@acme.test"), "post"))


def test_domain_errors_become_http_errors():
    from django.http import Http404

    def denied(request):
        raise errors.PermissionDenied("you are not allowed to edit this unit")

    def missing(request):
        raise errors.NotFound("no such objective")

    with pytest.raises(PermissionDenied, match="edit this unit"):
        permissions.domain_errors_as_http(denied)(None)
    with pytest.raises(Http404):
        permissions.domain_errors_as_http(missing)(None)


@pytest.mark.parametrize("email, strategy, write, viewer", [
    ("admin@acme.test", True, True, False),
    ("office@acme.test", True, True, False),
    ("lead@acme.test", False, True, False),
    ("member@acme.test", False, True, False),
    ("viewer@acme.test", False, False, True)])
def test_roles_context(plan, client, email, strategy, write, viewer):
    login(client, email)
    roles = client.get("/").context["roles"]
    assert (roles.can_edit_strategy, roles.can_write, roles.is_viewer) == (strategy, write, viewer)
    # The admin leads Acme.
    assert roles.leads_a_unit == (email in ("admin@acme.test", "lead@acme.test"))


def test_anonymous_roles():
    from django.contrib.auth.models import AnonymousUser

    roles = Roles(AnonymousUser())
    assert roles.is_viewer and not roles.can_write and not roles.can_edit_strategy


def test_403_and_404_pages_use_the_layout(client, plan, settings):
    settings.DEBUG = False
    login(client, "viewer@acme.test")
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert b"Page not found" in missing.content and b"Viewer" in missing.content
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/x")
    request.user = get_user_model().objects.get(email="viewer@acme.test")
    denied = permission_denied(request, PermissionDenied("Viewers can look but not change."))
    assert denied.status_code == 403
    assert b"Viewers can look but not change." in denied.content
    assert b'class="brand"' in denied.content
