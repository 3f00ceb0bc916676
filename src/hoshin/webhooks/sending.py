"""Sign a message per the Standard Webhooks specification and POST it (no Django here).

The headers are `webhook-id` (the message's id, the same on every attempt and replay),
`webhook-timestamp` (seconds since the epoch, of this attempt) and `webhook-signature`
("v1,<base64 HMAC-SHA256 of id.timestamp.body>"), made by the `standardwebhooks`
reference library so a receiver verifying with any Standard Webhooks library agrees.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
USER_AGENT = "Hoshin-Webhooks/1"
# A receiver's answer worth trying again: its server failed or is overloaded, or it timed
# out waiting for its own request. Any other refusal (400, 401, 404...) will not change by
# itself, so the message is given up at once (and can be replayed once it is fixed).
RETRYABLE = frozenset({408, 425, 429})


def new_secret() -> str:
    """A fresh signing secret: 24 random bytes, base64, with the whsec_ prefix."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def check_secret(secret: str) -> str | None:
    """Why `secret` cannot sign (None when it can): whsec_ and base64 of 24 to 64 bytes,
    as the specification asks."""
    if not secret.startswith(SECRET_PREFIX):
        return "a signing secret starts with whsec_"
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        return "a signing secret is whsec_ followed by base64"
    if not 24 <= len(key) <= 64:
        return f"a signing secret holds 24 to 64 bytes (this one {len(key)})"
    return None


def signed_headers(secret: str, message_id: str, body: str, when: dt.datetime) -> dict[str, str]:
    signature = Webhook(secret).sign(message_id, when, body)
    return {"webhook-id": message_id, "webhook-timestamp": str(int(when.timestamp())),
            "webhook-signature": signature, "content-type": "application/json",
            "user-agent": USER_AGENT}


@dataclass(frozen=True)
class Answer:
    status: int | None  # the receiver's HTTP status; None when it never answered
    error: str  # empty when delivered
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        return not self.delivered and (self.status is None or self.status >= 500
                                       or self.status in RETRYABLE)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A webhook goes where it was registered: a redirect is an answer (3xx), not followed,
    # so a signed body is never replayed to another address.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, secret: str, message_id: str, body: str, *, timeout: float,
         when: dt.datetime | None = None) -> Answer:
    """POST the signed body; never raises for what the receiver does (its answer, a
    timeout, a refused connection): the Answer says what happened."""
    # The signature's timestamp is the wall clock's, never the simulated clock's: the
    # receiver compares it with its own clock to refuse old, replayed requests.
    when = when or dt.datetime.now(dt.timezone.utc)
    request = urllib.request.Request(url, data=body.encode(), method="POST",
                                     headers=signed_headers(secret, message_id, body, when))
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with _opener.open(request, timeout=timeout) as response:  # noqa: S310 (admin's URL)
            response.read(65536)
            status = response.status
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, f"the receiver answered HTTP {exc.code} {exc.reason}"[:500],
                      took())
    except (TimeoutError, socket.timeout):
        return Answer(None, f"no answer within {timeout:g} s", took())
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return Answer(None, f"no answer within {timeout:g} s", took())
        return Answer(None, f"could not connect: {reason}"[:500], took())
    except (OSError, ValueError) as exc:  # reset connections, malformed answers
        return Answer(None, f"{type(exc).__name__}: {exc}"[:500], took())
    if 200 <= status < 300:
        return Answer(status, "", took())
    return Answer(status, f"the receiver answered HTTP {status}", took())
