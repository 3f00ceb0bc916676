"""A time limit on every request's database work (issue #13: a request ran for 110 s, held
a server thread and SQLite's write lock all along, and nothing stopped it).

Every SQL statement a request runs first checks the request's deadline; past it, the
statement is not run and the request ends with a 503 (JSON on the API, a short page on
the web), rolling back whatever it had written (each service call is one transaction).
Work that may take longer belongs in the task queue (docs/operations.md). The limit is
HOSHIN_REQUEST_SECONDS (default 60; 0 turns it off); the worker, the scheduler and the
CLI have none.
"""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse

DEFAULT_SECONDS = 60.0


class RequestTookTooLong(Exception):
    pass


def limit_seconds() -> float:
    value = getattr(settings, "HOSHIN_REQUEST_SECONDS", None)
    if value is None:
        value = os.environ.get("HOSHIN_REQUEST_SECONDS", "") or DEFAULT_SECONDS
    return float(value)


class RequestTimeLimit:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = limit_seconds()
        if seconds <= 0:
            return self.get_response(request)
        deadline = time.monotonic() + seconds
        tripped = []

        def check(execute, sql, params, many, context):
            if tripped or time.monotonic() > deadline:
                tripped.append(True)
                raise RequestTookTooLong(seconds)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(check):
            response = self.get_response(request)
        # Whatever the layers inside made of the exception (the API's handler answers
        # 500), the request was stopped: say so.
        return too_long(request, seconds) if tripped else response


def too_long(request, seconds: float) -> HttpResponse:
    message = (f"the request took longer than its limit ({seconds:g} s) and was stopped; "
               "nothing it started was stored")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": [
            {"field": "", "message": message}]}, status=503)
    else:
        response = HttpResponse(
            "<!doctype html><title>Took too long</title><h1>That took too long</h1>"
            f"<p>{message}. Try again; if it happens again, tell an administrator.</p>",
            status=503)
    response["Retry-After"] = "5"
    return response
