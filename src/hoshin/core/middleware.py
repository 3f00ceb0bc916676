"""Request guards shared by the web app and the API."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest, JsonResponse

_TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")


class RejectNulBytes:
    """Refuse text input that carries a NUL character.

    PostgreSQL cannot store NUL in text columns and fails the whole statement, while
    SQLite stores it silently; refusing it at the door gives one clear 400 on both
    instead of a server error on one of them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            message = "the request contains a NUL character (\\u0000), which text cannot hold"
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": [
                    {"field": "", "message": message}]}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(
                request.META.get("QUERY_STRING", "")):
            return True
        if request.content_type in _TEXT_BODIES and request.method in ("POST", "PUT", "PATCH"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body or b"%00" in body
        return False
