"""The REST API root: mounts each app's router under /api/v1 and shapes every error as
{"detail": ..., "errors": [{"field": ..., "message": ...}]}."""

from __future__ import annotations

import functools
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from hoshin.audit.services import acted_on_behalf
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.org.services import authenticate_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        person = authenticate_token(token)
        if person is None:
            return None
        api_token = person.api_token
        if not api_token.allows(request.method, request.path):
            raise PermissionDenied(f"this token's scope ({api_token.scope}) does not reach "
                                   f"{request.method} {request.path}: use a token with "
                                   "the write scope")
        request.user = person
        if api_token.on_behalf:
            # An admin's token for someone else: the history and the audit log name both.
            acted_on_behalf(request, api_token)
        return person


class HoshinAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # The document only changes with the code: build it once per process (it takes
        # over a second for a hundred paths) instead of on every /openapi.json request.
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache = self.__dict__.setdefault("_openapi_cache", {})
        if path_prefix not in cache:
            cache[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return cache[path_prefix]  # shared: callers serialise it, never change it

    def get_openapi_operation_id(self, operation) -> str:
        # View names are unique across the apps, and short ids make readable client code.
        return operation.view_func.__name__

    def _get_bound_routers(self):
        fresh = self._bound_routers_cache is None
        bound = super()._get_bound_routers()
        if fresh:
            _gather_shared_paths(bound)
        return bound

    def _get_urls(self):
        # Ninja answers a wrong method or an unknown path with HTML; clients of a JSON API
        # should get the same error shape for those as for everything else.
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        urls.append(re_path(r"", _unknown_endpoint))
        return urls


# The order of an OpenAPI path's methods, as each app declares them.
_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _gather_shared_paths(bound_routers) -> None:
    """Let several apps' routers serve one path with different methods (planfile answers
    GET /objectives, which takes ?as_of=; okrs answers POST): each path's operations are
    gathered on the first router that has the path. Django dispatches a URL to the first
    pattern that matches it, and that pattern must then know every method."""
    first: dict[str, object] = {}
    for bound in bound_routers:
        for path in list(bound.path_operations):
            full = "/" + "/".join(p.strip("/") for p in (bound.prefix, path) if p.strip("/"))
            view = bound.path_operations[path]
            if full not in first:
                first[full] = view
                continue
            shared = first[full]
            shared.operations.extend(view.operations)
            shared.operations.sort(key=lambda op: min(_METHOD_ORDER.index(m)
                                                      for m in op.methods))
            shared.is_async = shared.is_async or view.is_async
            del bound.path_operations[path]


def _json_method_not_allowed(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response["Allow"]
            json_response = _error(request, 405, f"{request.method} is not allowed here "
                                                 f"(allowed: {allowed})")
            json_response["Allow"] = allowed
            return json_response
        return response

    return wrapped


@csrf_exempt
def _unknown_endpoint(request):
    return _error(request, 404, f"no such endpoint: {request.path}")


api = HoshinAPI(
    title="Hoshin API",
    version="1",
    description=(
        "Strategy deployment (Hoshin Kanri) and OKRs.\n\n"
        "**Authentication**: `Authorization: Bearer <token>`. Create a token with "
        "`hoshin token EMAIL`, in the admin, or with `POST /api/v1/tokens` (shown once; only "
        "a digest is stored). A signed-in browser session works too (writes then need the "
        "CSRF token).\n\n"
        "**Ids**: every element is addressed by its human id, the same as in the plan file and "
        "the CLI (`/key-results/KR1`); people by their email.\n\n"
        "**Lists** take `limit` and `offset` and answer `{\"items\": [...], \"count\": N}`; "
        "archived items are left out unless `archived=true`.\n\n"
        "**Updates** (`PATCH`) change only the fields sent. **Archiving** (`POST .../archive`) "
        "replaces deleting: history keeps pointing at archived items.\n\n"
        "**Errors** are JSON: `{\"detail\": \"...\", \"errors\": [{\"field\": \"...\", "
        "\"message\": \"...\"}]}` with 400 (a rule of the model), 401, 403 (not allowed), "
        "404 (unknown id), 409 (conflict), 413 (body over the size limit) or 422 (malformed "
        "request). Text holding a NUL character or invalid Unicode is refused with a 400 "
        "naming the field, whatever the content type."),
    auth=[BearerToken(), django_auth],
    urls_namespace="api-v1",
)


def _error(request, status: int, detail: str, errors=None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


# The API names a plan element's human key "id" everywhere; the services call it "key".
_API_FIELD_NAMES = {"key": "id"}


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return _error(request, exc.status_code, exc.detail,
                  [{"field": _API_FIELD_NAMES.get(e.field, e.field), "message": e.message}
                   for e in exc.errors])


_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _loc_to_field(loc) -> str:
    """("body", "payload", "key_results", 0, "owner") → "key_results[0].owner"."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A body schema sits under its parameter's name, which the client never sees.
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
        # Paging parameters are grouped under an internal name too.
        if source == "query" and parts and parts[0] == "ninja_pagination":
            parts.pop(0)
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors = [{"field": _loc_to_field(e.get("loc", ())), "message": e.get("msg", "invalid")}
              for e in exc.errors]
    return _error(request, 422, "invalid request: " + "; ".join(
        f"{e['field']}: {e['message']}" for e in errors), errors)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return _error(request, 401, "authentication required: send 'Authorization: Bearer <token>'")


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, str(exc) or "not found")


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    # Whatever broke, a client of the API reads JSON, never Django's HTML page; the
    # traceback goes to the log as Django's own handler would send it.
    if isinstance(exc, DjangoPermissionDenied):
        return _error(request, 403, str(exc) or "not allowed")
    if isinstance(exc, SuspiciousOperation):
        return _error(request, 400, "the request cannot be read",
                      [{"field": "", "message": str(exc) or "suspicious request"}])
    logging.getLogger("django.request").error(
        "Internal Server Error: %s", request.path, exc_info=exc,
        extra={"status_code": 500, "request": request})
    return _error(request, 500, "the server failed to answer this request; the error "
                                "has been logged")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _error(request, 400, "the request body is not valid JSON",
                      [{"field": "body", "message": "not valid JSON"}])
    return _error(request, exc.status_code, str(exc))


def _mount() -> None:
    from hoshin.okrs.api import router as okrs_router
    from hoshin.org.api import router as org_router
    from hoshin.strategy.api import router as strategy_router

    api.add_router("", org_router)
    api.add_router("", strategy_router)
    api.add_router("", okrs_router)
    # The tree, objectives and key results, today or as of a date (GET on okrs's paths).
    from hoshin.planfile.as_of_api import router as as_of_router

    api.add_router("", as_of_router)
    from hoshin.analyzer.api import router as analyzer_router
    from hoshin.catchball.api import router as catchball_router
    from hoshin.notify.api import router as notify_router
    from hoshin.planning.api import router as planning_router

    api.add_router("", analyzer_router)
    api.add_router("", planning_router)
    api.add_router("", catchball_router)
    api.add_router("", notify_router)
    from hoshin.flags.api import router as flags_router

    api.add_router("", flags_router)
    from hoshin.pdca.api import router as pdca_router

    api.add_router("", pdca_router)
    from hoshin.reviews.api import router as reviews_router

    api.add_router("", reviews_router)
    from hoshin.closing.api import router as closing_router

    api.add_router("", closing_router)
    from hoshin.planfile.api import router as planfile_router

    api.add_router("", planfile_router)
    from hoshin.audit.api import router as audit_router

    api.add_router("", audit_router)
    from hoshin.portfolio.api import router as portfolio_router

    api.add_router("", portfolio_router)
    from hoshin.analytics.api import router as analytics_router

    api.add_router("", analytics_router)
    from hoshin.sources.api import router as sources_router

    api.add_router("", sources_router)
    from hoshin.webhooks.api import router as webhooks_router

    api.add_router("", webhooks_router)
    from hoshin.trackers.api import router as trackers_router

    api.add_router("", trackers_router)
    from hoshin.boardpack.api import router as boardpack_router

    api.add_router("", boardpack_router)


_mount()
