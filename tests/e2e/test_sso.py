"""Single sign-on in Chromium: "Sign in with …" on the log-in page, the real OpenID
provider's login form (tests/sso/provider), back in Hoshin as the person the provider
named, with the role its groups map to. Passwords are turned off, so the page offers
nothing else."""

import pytest

from tests.sso import oidc

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    started = oidc.start_provider([f"{live_server.url}/sso/callback/"],
                                  tmp_path_factory.mktemp("provider"))
    yield started
    oidc.stop_provider(started)


def test_sign_in_with_the_identity_provider(provider, live_server, page, settings, screenshot):
    from hoshin.org import services as org
    from hoshin.org.models import Person, Role
    from tests.factories import person

    oidc.configure(settings, HOSHIN_PASSWORD_LOGIN=False,
                   AUTHENTICATION_BACKENDS=["hoshin.sso.backend.SingleSignOnBackend"])
    person("ana@acme.test", Role.ADMIN, "Ana Admin")
    org.create_unit(None, name="Sales", key="sales")

    page.goto(f"{live_server.url}/login/?next=/alignment/")
    assert page.get_by_label("Password").count() == 0
    screenshot("sso-login")
    page.get_by_role("link", name="Sign in with Test IdP").click()

    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Password").fill(oidc.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server.url}/alignment/")
    me = page.locator("header.top .me")
    assert "Nora New" in me.inner_text() and "Strategy office" in me.inner_text()
    nora = Person.objects.get(email="nora.new@acme.test")
    assert nora.role == Role.STRATEGY_OFFICE
    assert list(nora.memberships.values_list("unit__key", flat=True)) == ["sales"]
