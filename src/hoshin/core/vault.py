"""Secrets kept at rest (tokens, signing secrets, database URLs with passwords), encrypted.

Fernet (AES-128-CBC with HMAC-SHA256) under a key from HOSHIN_SECRETS_KEY, or derived
from SECRET_KEY when that is not set. A changed key makes the stored secrets unreadable:
`unseal` then raises `SecretUnreadable` and the integration that owns the secret says so
and asks for it again. Every app that keeps a secret (sources, work trackers, webhooks,
Teams) seals it here, so one key and one rotation story cover them all.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    pass


def _fernet() -> Fernet:
    configured = getattr(settings, "HOSHIN_SECRETS_KEY", "") or ""
    if configured:
        try:
            return Fernet(configured.encode())
        except ValueError:
            # Any other text is taken as a passphrase.
            seed = configured.encode()
    else:
        seed = settings.SECRET_KEY.encode()
    # The label predates the other integrations; changing it would make every secret
    # already stored unreadable.
    digest = hashlib.sha256(b"hoshin.sources.secrets\0" + seed).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(values: dict) -> str:
    """The values encrypted (empty text when there is nothing secret)."""
    values = {k: v for k, v in values.items() if v}
    if not values:
        return ""
    return _fernet().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def unseal(sealed: str, *, owner: str = "the integration") -> dict:
    if not sealed:
        return {}
    try:
        return json.loads(_fernet().decrypt(sealed.encode()))
    except InvalidToken:
        raise SecretUnreadable(f"{owner}'s stored secrets cannot be read (the secrets key "
                               "changed?): enter them again") from None


def seal_text(secret: str) -> str:
    """One secret text encrypted ("" stays "")."""
    return seal({"secret": secret}) if secret else ""


def unseal_text(sealed: str, *, owner: str = "the integration") -> str:
    return unseal(sealed, owner=owner).get("secret", "")
