"""Secrets of sources (tokens, headers, database URLs with passwords), encrypted at rest
with the key every integration shares (`hoshin.core.vault`)."""

from __future__ import annotations

from hoshin.core.vault import SecretUnreadable, seal
from hoshin.core.vault import unseal as _unseal

__all__ = ["SecretUnreadable", "seal", "unseal"]


def unseal(sealed: str) -> dict:
    try:
        return _unseal(sealed, owner="the source")
    except SecretUnreadable:
        raise SecretUnreadable("the source's stored secrets cannot be read (the secrets key "
                               "changed?): remove the source and add it again") from None
