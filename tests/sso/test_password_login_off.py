"""HOSHIN_PASSWORD_LOGIN=off: the log-in page offers only the identity provider, every
password page and form refuses, no backend checks a password, API tokens still work."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core import checks
from django.test import Client

from hoshin.org import services as org
from hoshin.org.models import Role
from hoshin.sso.apps import check_configuration
from tests.factories import PASSWORD, person
from tests.sso import oidc

pytestmark = pytest.mark.django_db

PASSWORD_BACKEND = "hoshin.web.throttle.ThrottledModelBackend"
SSO_BACKEND = "hoshin.sso.backend.SingleSignOnBackend"


@pytest.fixture
def passwords_off(settings):
    oidc.configure(settings, HOSHIN_PASSWORD_LOGIN=False)
    # What settings.py makes of HOSHIN_PASSWORD_LOGIN=off.
    settings.AUTHENTICATION_BACKENDS = [SSO_BACKEND]
    return person("ana@acme.test", Role.ADMIN, "Ana Admin")


def test_the_login_page_offers_only_the_provider(passwords_off):
    page = Client().get("/login/?next=/alignment/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sign in with Test IdP" in html
    assert 'href="/sso/login/?next=/alignment/"' in html
    assert 'name="password"' not in html and "Forgot your password" not in html


def test_the_login_page_offers_both_while_passwords_are_on(settings, db):
    oidc.configure(settings)
    html = Client().get("/login/").content.decode()
    assert 'name="password"' in html and "Sign in with Test IdP" in html


def test_without_single_sign_on_the_login_page_is_as_before(settings, db):
    settings.HOSHIN_OIDC_ISSUER = ""
    html = Client().get("/login/").content.decode()
    assert 'name="password"' in html and "Sign in with" not in html
    assert Client().get("/sso/login/").status_code == 404


@pytest.mark.parametrize("path", [
    "/account/password/", "/password-reset/", "/password-reset/sent/",
    "/password-reset/MQ/set-password/", "/password-reset/complete/", "/admin/login/",
    "/login/verify/", "/account/two-factor/", "/login/demo/",
])
def test_password_pages_refuse(passwords_off, path):
    client = Client()
    client.force_login(passwords_off)
    for response in (client.get(path), client.post(path, {"email": "ana@acme.test"})):
        assert response.status_code == 403
        assert "Passwords are turned off here" in response.content.decode()


def test_a_posted_password_is_refused_even_when_right(passwords_off):
    client = Client()
    response = client.post("/login/", {"username": "ana@acme.test", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    # And no backend would have taken it anyway.
    assert authenticate(None, username="ana@acme.test", password=PASSWORD) is None


def test_api_tokens_still_work(passwords_off):
    token = org.create_token(None, passwords_off, "script")
    response = Client().get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_a_signed_in_session_survives(passwords_off):
    client = Client()
    client.force_login(passwords_off, backend=SSO_BACKEND)
    assert client.get("/").status_code == 200


def test_passwords_off_without_single_sign_on_is_a_configuration_error(settings):
    settings.HOSHIN_OIDC_ISSUER = ""
    settings.HOSHIN_PASSWORD_LOGIN = False
    assert "hoshin.sso.E004" in [e.id for e in check_configuration()]


def test_a_role_mapping_naming_an_unknown_role_is_a_configuration_error(settings):
    settings.HOSHIN_OIDC_ROLES = "hoshin-admins=superuser"
    errors = check_configuration()
    assert [e.id for e in errors] == ["hoshin.sso.E001"]
    assert isinstance(errors[0], checks.Error) and "superuser" in errors[0].msg
