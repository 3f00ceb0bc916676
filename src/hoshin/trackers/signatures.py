"""Checking that a webhook call comes from the tracker, as each tracker documents it, and
reading which work items the call is about. No Django here.

* GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the
  webhook's secret>`.
* Jira Cloud (admin webhooks registered with a secret): `X-Hub-Signature:
  sha256=<hex HMAC-SHA256 of the raw body>`, the same scheme (Atlassian names the
  algorithm before "=").
* Asana: the webhook's creation sends `X-Hook-Secret` once (the handshake: answered by
  echoing it, and kept); every event after carries `X-Hook-Signature: <hex HMAC-SHA256
  of the raw body, keyed with that secret>`.

Every comparison is constant-time (hmac.compare_digest).
"""

from __future__ import annotations

import hashlib
import hmac
import json


def hex_hmac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _prefixed_sha256(secret: str, body: bytes, header: str | None) -> bool:
    if not secret or not header:
        return False
    algorithm, _, given = header.strip().partition("=")
    if algorithm.lower() != "sha256" or not given:
        return False
    return hmac.compare_digest(hex_hmac(secret, body), given.strip().lower())


def verify_github(secret: str, body: bytes, header: str | None) -> bool:
    """X-Hub-Signature-256."""
    return _prefixed_sha256(secret, body, header)


def verify_jira(secret: str, body: bytes, header: str | None) -> bool:
    """X-Hub-Signature (Jira Cloud admin webhooks with a secret)."""
    return _prefixed_sha256(secret, body, header)


def verify_asana(secret: str, body: bytes, header: str | None) -> bool:
    """X-Hook-Signature."""
    if not secret or not header:
        return False
    return hmac.compare_digest(hex_hmac(secret, body), header.strip().lower())


def refs_in(kind: str, body: bytes, event: str = "") -> set[str]:
    """The work items (as links store their references) a verified call is about: the
    item itself and its parent (an epic, a project, a tracking issue), so a link to
    either is synced again."""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return set()
    if not isinstance(payload, dict):
        return set()
    refs: set[str] = set()
    if kind == "github":
        repo = (payload.get("repository") or {}).get("full_name") or ""
        for name in ("issue", "parent_issue", "sub_issue"):
            issue = payload.get(name)
            if isinstance(issue, dict) and issue.get("number") and repo:
                refs.add(f"{_repo_of(issue, repo)}#{issue['number']}")
    elif kind == "jira":
        issue = payload.get("issue") or {}
        if isinstance(issue, dict):
            if issue.get("key"):
                refs.add(str(issue["key"]).upper())
            parent = ((issue.get("fields") or {}).get("parent") or {})
            if isinstance(parent, dict) and parent.get("key"):
                refs.add(str(parent["key"]).upper())
    elif kind == "asana":
        for event_ in payload.get("events") or []:
            if not isinstance(event_, dict):
                continue
            for name in ("resource", "parent"):
                part = event_.get(name)
                if isinstance(part, dict) and part.get("gid"):
                    refs.add(str(part["gid"]))
    return refs


def _repo_of(issue: dict, repo: str) -> str:
    url = str(issue.get("repository_url") or "")
    if "/repos/" in url:
        return "/".join(url.split("/repos/", 1)[1].split("/")[:2])
    return repo
