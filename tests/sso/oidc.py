"""A real OpenID Connect provider for the tests (tests/sso/provider: panva's oidc-provider
under Node), started on a port the system picks with the people below, and Hoshin
configured to use it.

Used by tests/sso/ and the browser test (tests/e2e/test_sso.py). Node and the provider's
packages must be there: scripts/test.sh runs `npm ci` in tests/sso/provider.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
# Where the provider of the running tests is: set by start_provider from the address the
# provider reports once it listens on a port the system picked (no fixed port: two test
# processes side by side would collide on it).
ISSUER = "http://127.0.0.1:0"
CLIENT_ID = "hoshin"
CLIENT_SECRET = "hoshin-test-client-secret-0123456789abcdef"
KID = "hoshin-test-key"
PASSWORD = "provider-password"

# Who can sign in at the provider (login name -> claims).
ACCOUNTS = {
    # Nobody in Hoshin has this address: created, role and unit from the claims.
    "nora": {"email": "Nora.New@Acme.test", "email_verified": True, "name": "Nora New",
             "groups": ["staff", "okr-office"], "department": "Sales"},
    # Mia exists in Hoshin (mia@acme.test): matched whatever the case.
    "mia": {"email": "MIA@Acme.Test", "email_verified": True, "name": "Mia from the provider",
            "groups": ["staff"], "department": "ops"},
    # Archived in Hoshin.
    "gone": {"email": "gone@acme.test", "email_verified": True, "name": "Gone Person",
             "groups": ["hoshin-admins"]},
    # The provider has not verified this address.
    "sly": {"email": "ana@acme.test", "email_verified": False, "name": "Not Ana",
            "groups": ["hoshin-admins"]},
    # The last admin, whom the provider no longer lists as one.
    "ana": {"email": "ana@acme.test", "email_verified": True, "name": "Ana Admin",
            "groups": ["staff"]},
    # An e-mail claim that is no address.
    "odd": {"email": "not an address", "email_verified": True, "name": "Odd Claims"},
    # A department Hoshin does not know.
    "uma": {"email": "uma@acme.test", "email_verified": True, "name": "Uma Unknown",
            "groups": ["staff"], "department": "Skunkworks"},
}


@dataclass
class Provider:
    issuer: str
    private_key: rsa.RSAPrivateKey
    process: subprocess.Popen

    def sign(self, claims: dict, key: rsa.RSAPrivateKey | None = None) -> str:
        """An ID token signed as this provider signs them (or with another key)."""
        return jwt.encode(claims, key or self.private_key, algorithm="RS256",
                          headers={"kid": KID})


def node_available() -> bool:
    return bool(shutil.which("node")) and (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir()


def start_provider(redirect_uris: list[str], tmp_dir: Path) -> Provider:
    if not node_available():
        pytest.fail("node and tests/sso/provider/node_modules are needed: scripts/test.sh "
                    "runs npm ci in tests/sso/provider")
    global ISSUER
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    jwk.update(kid=KID, alg="RS256", use="sig")
    config = {
        "port": 0, "jwks": {"keys": [jwk]},
        "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                     "redirect_uris": redirect_uris}],
        "accounts": [{"login": login, "password": PASSWORD, "claims": claims}
                     for login, claims in ACCOUNTS.items()],
    }
    path = tmp_dir / "provider.json"
    path.write_text(json.dumps(config))
    log = (tmp_dir / "provider.log").open("w")
    process = subprocess.Popen(["node", str(PROVIDER_DIR / "provider.mjs"), str(path)],
                               stdout=log, stderr=subprocess.STDOUT, cwd=PROVIDER_DIR)
    deadline = time.monotonic() + 20
    issuer = None
    while True:
        try:
            if issuer is None:
                # "listening on http://127.0.0.1:<port>" once it listens (provider.mjs).
                found = re.search(r"^listening on (http://\S+)$",
                                  (tmp_dir / "provider.log").read_text(), re.MULTILINE)
                issuer = found and found.group(1)
            if issuer is None:
                raise requests.ConnectionError("not listening yet")
            answer = requests.get(f"{issuer}/jwks", timeout=1)
            # Ours, not one left over from an earlier run on the same port.
            if answer.ok and answer.json()["keys"][0]["n"] == jwk["n"]:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the OpenID provider did not start: "
                               + (tmp_dir / "provider.log").read_text())
        time.sleep(0.1)
    ISSUER = issuer
    return Provider(ISSUER, key, process)


def stop_provider(provider: Provider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()


def configure(settings, **overrides) -> None:
    """Hoshin set up as docs/integrations.md says, against the test provider."""
    from hoshin.sso import conf

    values = {
        "HOSHIN_OIDC_ISSUER": ISSUER,
        "HOSHIN_OIDC_PROVIDER_NAME": "Test IdP",
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "HOSHIN_OIDC_ROLES": "hoshin-admins=admin, okr-office=strategy_office",
        "HOSHIN_OIDC_DEFAULT_ROLE": "member",
        "HOSHIN_OIDC_ROLE_CLAIM": "groups",
        "HOSHIN_OIDC_UNIT_CLAIM": "department",
        "HOSHIN_OIDC_CREATE_PEOPLE": True,
        "HOSHIN_PASSWORD_LOGIN": True,
    }
    values.update(overrides)
    for name, value in values.items():
        setattr(settings, name, value)
    conf.forget_discovery()


def sign_in(base_url: str, login: str, *, next_path: str = "/", tamper=None,
            session: requests.Session | None = None) -> requests.Response:
    """The whole redirect flow with a real HTTP client: Hoshin's "Sign in with …" link,
    the provider's login form (posted as a browser would), back to Hoshin's callback.
    `tamper(url) -> url` may change the authorization request on its way to the provider."""
    import re

    session = session or requests.Session()
    response = session.get(f"{base_url}/sso/login/?next={next_path}", allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    authorize = response.headers["Location"]
    if not authorize.startswith(ISSUER):
        return session.get(base_url + authorize if authorize.startswith("/") else authorize)
    if tamper:
        authorize = tamper(authorize)
    form_page = session.get(authorize)
    assert form_page.status_code == 200 and "/interaction/" in form_page.url, form_page.text[:500]
    action = re.search(r'<form method="post" action="([^"]+)"', form_page.text).group(1)
    response = session.post(requests.compat.urljoin(form_page.url, action),
                            data={"login": login, "password": PASSWORD})
    response.session = session
    return response
