"""`Idempotency-Key` on the API's POSTs: a retried request is stored once.

A client that sends `Idempotency-Key: <any unique string>` with a POST and gets no answer
(a dropped connection, a timeout) sends the same request again with the same key; the
server answers the retry with the response the first one got (marked
`Idempotent-Replayed: true`) instead of writing twice. Keys belong to whoever sent them
(the bearer token, or the session's person), last KEEP_FOR, and are up to 255 characters.

The request and the record of its response commit in one transaction, so a server that
dies mid-request leaves neither (the retry then runs afresh) and one that answered has
both. A second request with the same key while the first is running waits for it (the
unique key's row lock) and is answered with its response. The same key sent with another
method, path or body is refused (422); a 5xx is not kept, so a retry runs again.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.http import JsonResponse

from hoshin.core import clock

HEADER = "Idempotency-Key"
KEEP_FOR = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255
_METHODS = ("POST",)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message, "errors": [{"field": HEADER, "message": message}]},
                        status=status)


def _owner(request) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "t:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"p:{user.pk}"
    return None


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _replay(row) -> JsonResponse:
    from django.http import HttpResponse

    response = HttpResponse(bytes(row.body), status=row.status,
                            content_type=row.content_type or "application/json")
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method not in _METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return _error(400, f"the {HEADER} header must be 1 to {MAX_KEY_LENGTH} printable "
                               "characters")
        owner = _owner(request)
        if owner is None:  # nobody to keep the key for: the API answers 401 anyway
            return self.get_response(request)
        return self._once(request, owner, key, _fingerprint(request))

    def _once(self, request, owner: str, key: str, fingerprint: str):
        from hoshin.core.models import IdempotentRequest

        now = clock.now()
        with transaction.atomic():
            IdempotentRequest.objects.filter(owner=owner, key=key,
                                             created_at__lt=now - KEEP_FOR).delete()
            try:
                # The row is claimed first: a concurrent request with the same key waits
                # here on the unique key until this transaction ends.
                with transaction.atomic():
                    row = IdempotentRequest.objects.create(
                        owner=owner, key=key, fingerprint=fingerprint, created_at=now)
            except IntegrityError:
                row = None
            if row is None:
                seen = IdempotentRequest.objects.filter(owner=owner, key=key).first()
                if seen is None or seen.status is None:
                    return _error(409, "a request with this Idempotency-Key is still being "
                                       "processed; retry in a moment")
                if seen.fingerprint != fingerprint:
                    return _error(422, f"this {HEADER} was used for another request: "
                                       "use a new key for a new request")
                return _replay(seen)
            response = self.get_response(request)
            if response.status_code >= 500 or response.streaming:
                # Not kept: the retry runs again, and whatever the request wrote goes.
                transaction.set_rollback(True)
                return response
            row.status = response.status_code
            row.content_type = response.get("Content-Type", "")
            row.body = response.content
            row.save(update_fields=["status", "content_type", "body"])
        # Old keys go as new ones come (bounded work per request, no extra job).
        expired = list(IdempotentRequest.objects.filter(created_at__lt=now - KEEP_FOR)
                       .values_list("pk", flat=True)[:100])
        if expired:
            IdempotentRequest.objects.filter(pk__in=expired).delete()
        return response
