"""Request guards shared by the web app and the API."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

from hoshin.core import limits

_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_TOO_BIG = (f"the request body is larger than the {limits.describe_bytes(limits.BODY_BYTES)} "
            "limit")


class BadInput(Exception):
    def __init__(self, status: int, errors: list[tuple[str, str]], detail: str | None = None):
        self.status = status
        self.errors = errors
        self.detail = detail or "; ".join(f"{field}: {message}" if field else message
                                          for field, message in errors)
        super().__init__(self.detail)


def error_response(request, status: int, detail: str, errors=()) -> HttpResponse:
    """The API's JSON error shape under /api/, a page in the site's style elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": detail, "errors": [
            {"field": field, "message": message} for field, message in errors]}, status=status)
    # A page lists the fields at fault; a 413 has one message, already the detail.
    page = render_to_string(f"{status}.html", {"detail": detail,
                                               "errors": errors if status == 400 else ()})
    return HttpResponse(page, status=status)


class RejectBadInput:
    """Refuse, before any view reads it, input that no field could store: text holding a
    NUL character or invalid Unicode (in the path, the query, a form, a multipart field or
    a body of any content type, JSON escapes included), a body over the size limit, and
    JSON nested deeper than any API shape.

    PostgreSQL cannot store NUL in text and no database can encode a lone surrogate; both
    used to reach the database and fail there with an HTML 500 (or, for NUL on SQLite, be
    stored). Refused at the door, they give one 400 naming the field on both databases.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self._check(request)
        except BadInput as exc:
            return error_response(request, exc.status, exc.detail, exc.errors)
        return self.get_response(request)

    def _check(self, request) -> None:
        if problem := limits.text_problem(request.path):
            raise BadInput(400, [("path", problem)])
        _check_pairs(request.META.get("QUERY_STRING", ""), "query")
        if request.method not in _BODY_METHODS:
            return
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise BadInput(400, [("", "the Content-Length header is not a number")]) from None
        if length > limits.BODY_BYTES:
            raise BadInput(413, [("body", _TOO_BIG)], _TOO_BIG)
        try:
            if request.content_type == "multipart/form-data":
                # Files are the importers' to judge; the text fields are checked here.
                for name, values in request.POST.lists():
                    for value in values:
                        _check_text(name, value)
                return
            body = request.body
        except RequestDataTooBig:
            raise BadInput(413, [("body", _TOO_BIG)], _TOO_BIG) from None
        except (MultiPartParserError, SuspiciousOperation) as exc:
            raise BadInput(400, [("body", f"the form cannot be read: {exc}")]) from None
        if not body:
            return
        if request.content_type == "application/x-www-form-urlencoded":
            _check_pairs(body, "body")
        elif request.path_info.startswith("/api/"):
            # Django Ninja reads the body as JSON whatever its declared type (text/plain
            # included), so it is checked as JSON here whatever its type too.
            _check_json(body)
        elif b"\x00" in body:
            raise BadInput(400, [("body", limits.text_problem("\x00"))])


def _check_text(field: str, value: str) -> None:
    if problem := limits.text_problem(value):
        raise BadInput(400, [(field, problem)])


def _check_pairs(raw: str | bytes, where: str) -> None:
    """A query string or form body: each name and value must be storable text. Invalid
    UTF-8 is kept as surrogates by the decoding, so it is caught like a lone surrogate."""
    if isinstance(raw, str):
        # The WSGI server hands the query over as Latin-1; these are its bytes.
        raw = raw.encode("latin-1", "replace")
    if not raw or (b"%" not in raw and b"\x00" not in raw and raw.isascii()):
        return
    try:
        pairs = parse_qsl(raw.decode("ascii", "surrogateescape"), keep_blank_values=True,
                          encoding="utf-8", errors="surrogateescape")
    except ValueError:
        return
    for name, value in pairs:
        if problem := limits.text_problem(name):
            raise BadInput(400, [(where, f"a field name {problem}")])
        _check_text(name, value)


def _check_json(body: bytes) -> None:
    if limits.json_depth(body, limits.BODY_DEPTH) > limits.BODY_DEPTH:
        raise BadInput(400, [("body", f"nests deeper than {limits.BODY_DEPTH} levels")])
    text = body.decode("utf-8", "surrogateescape")
    try:
        data = json.loads(text)
    except ValueError:
        if b"\x00" in body:
            raise BadInput(400, [("body", limits.text_problem("\x00"))]) from None
        return  # malformed JSON: the API answers it in its own words
    errors = list(limits.data_problems(data, limits.BODY_DEPTH))
    if errors:
        raise BadInput(400, errors)


# The earlier name, kept for settings written before the guard grew.
RejectNulBytes = RejectBadInput
