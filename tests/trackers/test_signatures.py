"""Webhook signatures computed the way each tracker computes them, and checked against
GitHub's own published example. No Django database here."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from hoshin.trackers import signatures


def test_githubs_published_example_verifies():
    # The example in GitHub's "Validating webhook deliveries": this secret and payload
    # give this X-Hub-Signature-256.
    secret = "It's a Secret to Everybody"
    payload = b"Hello, World!"
    header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signatures.verify_github(secret, payload, header)
    assert not signatures.verify_github(secret, b"Hello, World?", header)
    assert not signatures.verify_github("another secret", payload, header)


def github_sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def asana_sign(secret: str, body: bytes) -> str:
    # Asana: the hex HMAC-SHA256 of the body keyed with the handshake's X-Hook-Secret.
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("verify, sign", [
    (signatures.verify_github, github_sign),
    (signatures.verify_jira, github_sign),  # Jira Cloud's X-Hub-Signature: sha256=<hex>
    (signatures.verify_asana, asana_sign),
])
def test_only_the_right_signature_of_the_exact_body_passes(verify, sign):
    secret, body = "b537207f20cbfa02357cf448134da559", b'{"events": []}'
    assert verify(secret, body, sign(secret, body))
    assert verify(secret, body, sign(secret, body).upper().replace("SHA256=", "sha256="))
    assert not verify(secret, body + b" ", sign(secret, body))
    assert not verify(secret, body, sign("other", body))
    assert not verify(secret, body, None)
    assert not verify(secret, body, "")
    assert not verify("", body, sign("", body))  # no secret stored: nothing passes


def test_a_prefix_other_than_sha256_is_refused():
    body = b"{}"
    sha1 = "sha1=" + hmac.new(b"s" * 20, body, hashlib.sha1).hexdigest()
    assert not signatures.verify_github("s" * 20, body, sha1)


def test_which_items_a_call_is_about():
    github = (b'{"action": "closed", "issue": {"number": 3, "repository_url": '
              b'"https://api.github.com/repos/acme/api"}, "repository": {"full_name": '
              b'"acme/portal"}}')
    assert signatures.refs_in("github", github) == {"acme/api#3"}
    sub = (b'{"action": "sub_issue_added", "parent_issue": {"number": 1}, "sub_issue": '
           b'{"number": 2}, "repository": {"full_name": "acme/portal"}}')
    assert signatures.refs_in("github", sub) == {"acme/portal#1", "acme/portal#2"}
    jira = (b'{"webhookEvent": "jira:issue_updated", "issue": {"key": "PAY-3", "fields": '
            b'{"parent": {"key": "PAY-1"}}}}')
    assert signatures.refs_in("jira", jira) == {"PAY-3", "PAY-1"}
    asana = (b'{"events": [{"action": "changed", "resource": {"gid": "3002", '
             b'"resource_type": "task"}, "parent": null}, {"action": "added", "resource": '
             b'{"gid": "3003"}, "parent": {"gid": "1201", "resource_type": "project"}}]}')
    assert signatures.refs_in("asana", asana) == {"3002", "3003", "1201"}
    assert signatures.refs_in("asana", b"not json") == set()
