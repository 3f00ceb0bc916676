"""What the operator configured for single sign-on (settings.py reads it from the
environment: HOSHIN_OIDC_*, HOSHIN_PASSWORD_LOGIN), and the provider's discovery document.

The endpoints come from the issuer's discovery document
(`{issuer}/.well-known/openid-configuration`), read when first needed and kept for an
hour: the server starts even while the identity provider is down, and a provider that
moves its endpoints or rotates its keys is followed without a restart.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import requests
from django.conf import settings

from hoshin.org.models import Role

DISCOVERY_TTL = 3600  # seconds a discovery document is kept


class ProviderUnavailable(Exception):
    """The identity provider's discovery document could not be read or is not its own."""


def enabled() -> bool:
    return bool(settings.HOSHIN_OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def password_login() -> bool:
    return bool(getattr(settings, "HOSHIN_PASSWORD_LOGIN", True))


def issuer() -> str:
    return settings.HOSHIN_OIDC_ISSUER.rstrip("/")


def provider_name() -> str:
    return settings.HOSHIN_OIDC_PROVIDER_NAME or "single sign-on"


@dataclass(frozen=True)
class ClaimNames:
    email: str
    name: str
    role: str
    unit: str


def claim_names() -> ClaimNames:
    return ClaimNames(email=settings.HOSHIN_OIDC_EMAIL_CLAIM or "email",
                      name=settings.HOSHIN_OIDC_NAME_CLAIM or "name",
                      role=settings.HOSHIN_OIDC_ROLE_CLAIM, unit=settings.HOSHIN_OIDC_UNIT_CLAIM)


def parse_role_map(text: str) -> dict[str, str]:
    """`hoshin-admins=admin, okr-office=strategy_office` → {group: role}. An unknown role
    is a configuration error, said at start-up rather than at someone's first sign-in."""
    mapping = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        group, sep, role = item.rpartition("=")
        group, role = group.strip(), role.strip()
        if not sep or not group:
            raise ValueError(f'HOSHIN_OIDC_ROLES: "{item.strip()}" is not GROUP=ROLE')
        if role not in Role.values:
            raise ValueError(f'HOSHIN_OIDC_ROLES: unknown role "{role}" '
                             f'(expected one of {", ".join(Role.values)})')
        mapping[group] = role
    return mapping


_cache: dict[str, tuple[float, dict]] = {}
_lock = threading.Lock()


def discovery() -> dict:
    url = issuer() + "/.well-known/openid-configuration"
    with _lock:
        cached = _cache.get(url)
        if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
            return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT,
                                verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"could not read {url}: {exc}") from exc
    # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was asked for,
    # or a look-alike could hand out its own endpoints and keys.
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer():
        raise ProviderUnavailable(f"{url} names another issuer: {document.get('issuer')!r}")
    with _lock:
        _cache[url] = (time.monotonic(), document)
    return document


def forget_discovery() -> None:
    with _lock:
        _cache.clear()


# mozilla-django-oidc's endpoint settings, answered from the discovery document unless the
# operator set them (OIDC_OP_*_ENDPOINT in the settings).
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def get(name: str, *default):
    """A setting for mozilla-django-oidc: endpoints from the discovery document."""
    if name in ENDPOINTS and not getattr(settings, name, None):
        value = discovery().get(ENDPOINTS[name])
        if not value:
            raise ProviderUnavailable(f"the discovery document has no {ENDPOINTS[name]}")
        return value
    if default:
        return getattr(settings, name, default[0])
    return getattr(settings, name)
