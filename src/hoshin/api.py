"""The REST API root: mounts each app's router under /api/v1 and shapes every error as
{"detail": ..., "errors": [{"field": ..., "message": ...}]}."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from hoshin.core.errors import DomainError
from hoshin.org.services import authenticate_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        person = authenticate_token(token)
        if person is not None:
            request.user = person
        return person


class HoshinAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # View names are unique across the apps, and short ids make readable client code.
        return operation.view_func.__name__


api = HoshinAPI(
    title="Hoshin API",
    version="1",
    description="Strategy deployment and OKRs. Authenticate with `Authorization: Bearer <token>` "
                "(create one with `hoshin token EMAIL`).",
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


_mount()
