"""Single sign-on against a real OpenID Connect provider (tests/sso/provider, started by
these tests), driven through the whole redirect flow with a real HTTP client: Hoshin's
"Sign in with …", the provider's own login form, the callback, the token exchange (with
PKCE: the provider refuses a client that sends no code challenge) and the userinfo call.
"""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import SuspiciousOperation
from cryptography.hazmat.primitives.asymmetric import rsa

from hoshin.audit.models import AuditEntry
from hoshin.org import services as org
from hoshin.org.models import Person, Role, Unit
from tests.factories import person
from tests.sso import oidc

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    started = oidc.start_provider([f"{live_server.url}/sso/callback/"],
                                  tmp_path_factory.mktemp("provider"))
    yield started
    oidc.stop_provider(started)


@pytest.fixture
def hoshin(provider, live_server, settings):
    """The organisation: Ana the only admin, Mia a member of Sales, Gone archived; units
    Sales (key "sales") and Operations (key "ops")."""
    oidc.configure(settings)
    ana = person("ana@acme.test", Role.ADMIN, "Ana Admin")
    sales = org.create_unit(None, name="Sales", key="sales")
    org.create_unit(None, name="Operations", key="ops")
    mia = person("mia@acme.test", Role.MEMBER, "Mia Member", units=[sales.key])
    gone = person("gone@acme.test", Role.MEMBER, "Gone Person")
    org.update_person(None, gone, is_active=False)
    return {"url": live_server.url, "ana": ana, "mia": mia, "gone": gone}


def signed_in_as(response) -> str:
    """Who Hoshin's home page says is signed in (the account menu names them)."""
    assert response.status_code == 200, response.text[:300]
    return response.text


def entries(kind: str) -> list[str]:
    return list(AuditEntry.objects.filter(kind=kind).order_by("pk").values_list("what", flat=True))


def test_a_new_person_is_created_with_role_and_unit_from_the_claims(hoshin):
    response = oidc.sign_in(hoshin["url"], "nora", next_path="/alignment/")
    assert response.url == hoshin["url"] + "/alignment/"
    assert "Nora New" in signed_in_as(response)
    nora = Person.objects.get(email="nora.new@acme.test")
    # okr-office maps to the strategy office, which outranks the unmapped "staff".
    assert (nora.name, nora.role, nora.is_active) == ("Nora New", Role.STRATEGY_OFFICE, True)
    assert [m.unit.key for m in nora.memberships.all()] == ["sales"]
    assert not nora.has_usable_password()
    assert "Nora New signed in with single sign-on" in entries(AuditEntry.Kind.LOGIN)
    assert any("Nora New added as Strategy office" in e
               for e in entries(AuditEntry.Kind.PERSON_ADDED))
    # Signed in for real: a page for signed-in people opens with the same session.
    again = response.session.get(hoshin["url"] + "/account/password/", allow_redirects=False)
    assert again.status_code == 200


def test_an_existing_person_is_matched_by_email_whatever_its_case(hoshin):
    response = oidc.sign_in(hoshin["url"], "mia")
    assert response.url == hoshin["url"] + "/"
    assert Person.objects.filter(email__iexact="mia@acme.test").count() == 1
    mia = Person.objects.get(pk=hoshin["mia"].pk)
    # Her name stays Hoshin's; "staff" maps to no role, so the default (member) holds;
    # the provider's department adds Operations beside the Sales membership given here.
    assert (mia.name, mia.role) == ("Mia Member", Role.MEMBER)
    assert sorted(mia.memberships.values_list("unit__key", flat=True)) == ["ops", "sales"]
    assert entries(AuditEntry.Kind.LOGIN) == ["Mia Member signed in with single sign-on"]


def test_the_provider_decides_the_role_at_each_sign_in(hoshin, settings):
    org.update_person(None, Person.objects.get(pk=hoshin["mia"].pk), role=Role.UNIT_LEAD)
    settings.HOSHIN_OIDC_ROLES = "staff=viewer"
    oidc.sign_in(hoshin["url"], "mia")
    assert Person.objects.get(pk=hoshin["mia"].pk).role == Role.VIEWER
    assert any("Unit lead → Viewer" in e for e in entries(AuditEntry.Kind.ROLE_CHANGED))


def test_without_a_role_mapping_hoshin_keeps_the_role(hoshin, settings):
    org.update_person(None, Person.objects.get(pk=hoshin["mia"].pk), role=Role.UNIT_LEAD)
    settings.HOSHIN_OIDC_ROLES = ""
    oidc.sign_in(hoshin["url"], "mia")
    assert Person.objects.get(pk=hoshin["mia"].pk).role == Role.UNIT_LEAD


def test_an_archived_person_is_refused(hoshin):
    response = oidc.sign_in(hoshin["url"], "gone")
    assert response.url.startswith(hoshin["url"] + "/login/")
    assert "this person is archived" in response.text
    assert Person.objects.get(pk=hoshin["gone"].pk).is_active is False
    assert entries(AuditEntry.Kind.LOGIN) == []
    assert entries(AuditEntry.Kind.LOGIN_FAILED) == [
        "Single sign-on (Test IdP) refused for Gone Person: this person is archived"]
    # Not signed in: a signed-in page sends back to the log-in.
    page = response.session.get(hoshin["url"] + "/account/password/", allow_redirects=False)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login/")


def test_an_unverified_email_does_not_take_over_the_account(hoshin):
    response = oidc.sign_in(hoshin["url"], "sly")
    assert response.url.startswith(hoshin["url"] + "/login/")
    assert "has not verified this e-mail address" in response.text
    assert entries(AuditEntry.Kind.LOGIN) == []
    assert len(entries(AuditEntry.Kind.LOGIN_FAILED)) == 1


def test_the_last_admin_keeps_the_role_and_the_log_says_why(hoshin):
    response = oidc.sign_in(hoshin["url"], "ana")
    assert response.url == hoshin["url"] + "/"
    assert Person.objects.get(pk=hoshin["ana"].pk).role == Role.ADMIN
    assert any("role kept as Admin" in e and "last active admin" in e
               for e in entries(AuditEntry.Kind.LOGIN))


def test_an_unknown_unit_is_noted_and_the_sign_in_goes_through(hoshin):
    response = oidc.sign_in(hoshin["url"], "uma")
    assert response.url == hoshin["url"] + "/"
    uma = Person.objects.get(email="uma@acme.test")
    assert list(uma.memberships.all()) == []
    assert any('unit "Skunkworks" from the identity provider is not known here' in e
               for e in entries(AuditEntry.Kind.LOGIN))


def test_claims_that_break_a_rule_of_hoshin_are_refused_cleanly(hoshin):
    response = oidc.sign_in(hoshin["url"], "odd")
    assert response.url.startswith(hoshin["url"] + "/login/")
    assert "is not a valid email address" in response.text
    assert not Person.objects.filter(name="Odd Claims").exists()
    assert len(entries(AuditEntry.Kind.LOGIN_FAILED)) == 1


def test_people_are_not_created_when_creation_is_off(hoshin, settings):
    settings.HOSHIN_OIDC_CREATE_PEOPLE = False
    response = oidc.sign_in(hoshin["url"], "nora")
    assert response.url.startswith(hoshin["url"] + "/login/")
    assert not Person.objects.filter(email__iexact="nora.new@acme.test").exists()
    assert entries(AuditEntry.Kind.LOGIN_FAILED) == [
        "Single sign-on (Test IdP) refused for nora.new@acme.test: nobody here has this "
        "e-mail address (people are not created at sign-in)"]


def test_a_tampered_nonce_is_refused(hoshin):
    """The authorization request is changed on its way to the provider (another nonce):
    the provider signs a token with that nonce, which is not the one Hoshin keeps."""
    def other_nonce(url: str) -> str:
        import re

        return re.sub(r"nonce=[^&]+", "nonce=attackers-nonce-0123456789", url)

    response = oidc.sign_in(hoshin["url"], "nora", tamper=other_nonce)
    assert response.url.startswith(hoshin["url"] + "/login/")
    assert not Person.objects.filter(email__iexact="nora.new@acme.test").exists()
    assert any("Nonce verification failed" in e for e in entries(AuditEntry.Kind.LOGIN_FAILED))


def test_a_replayed_callback_is_refused(hoshin):
    """The provider's answer (code and state) used a second time, as by someone who read
    it from a log or a browser history: the state was spent, the code too."""
    first = oidc.sign_in(hoshin["url"], "nora")
    callback = next(r.headers["Location"] for r in first.history
                    if "/sso/callback/" in r.headers.get("Location", ""))
    fresh = oidc.requests.Session()
    replay = fresh.get(callback if callback.startswith("http") else hoshin["url"] + callback)
    assert replay.url.startswith(hoshin["url"] + "/login/")
    assert len(entries(AuditEntry.Kind.LOGIN)) == 1


@pytest.fixture
def backend(hoshin):
    from hoshin.sso.backend import SingleSignOnBackend

    return SingleSignOnBackend()


def id_token_claims(**changes) -> dict:
    now = int(time.time())
    claims = {"iss": oidc.ISSUER, "aud": oidc.CLIENT_ID, "sub": "nora", "nonce": "n-1",
              "iat": now, "exp": now + 300}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_a_token_signed_by_the_provider_for_hoshin_is_accepted(provider, backend):
    """The check below can fail: the same token, well formed, passes (the key is the
    provider's, fetched from its JWKS endpoint)."""
    payload = backend.verify_token(provider.sign(id_token_claims()), nonce="n-1")
    assert payload["sub"] == "nora"


@pytest.mark.parametrize("change, why", [
    ({"aud": "another-app"}, "meant for another application"),
    ({"aud": ["another-app", oidc.CLIENT_ID], "azp": "another-app"},
     "issued to another application"),
    ({"iss": "http://127.0.0.1:9/"}, "another issuer"),
])
def test_a_token_for_another_audience_or_issuer_is_refused(provider, backend, change, why):
    with pytest.raises(SuspiciousOperation, match=why):
        backend.verify_token(provider.sign(id_token_claims(**change)), nonce="n-1")


def test_a_token_signed_with_another_key_is_refused(provider, backend):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SuspiciousOperation, match="verification failed"):
        backend.verify_token(provider.sign(id_token_claims(), key=forger), nonce="n-1")


def test_an_expired_token_is_refused(provider, backend):
    import jwt

    old = int(time.time()) - 3600
    with pytest.raises(jwt.ExpiredSignatureError):
        backend.verify_token(provider.sign(id_token_claims(iat=old, exp=old + 60)),
                             nonce="n-1")


def test_a_discovery_document_naming_another_issuer_is_refused(hoshin, settings):
    """A look-alike issuer URL whose document names the real provider is not trusted."""
    settings.HOSHIN_OIDC_ISSUER = oidc.ISSUER + "/"  # the same, written with a slash: fine
    oidc.sign_in(hoshin["url"], "mia")
    assert entries(AuditEntry.Kind.LOGIN) == ["Mia Member signed in with single sign-on"]
    settings.HOSHIN_OIDC_ISSUER = oidc.ISSUER.replace("127.0.0.1", "localhost")
    response = oidc.sign_in(hoshin["url"], "mia")
    assert response.url.startswith(hoshin["url"] + "/login/")
    assert "could not be reached" in response.text
