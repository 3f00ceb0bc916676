"""Server-side permission checks for web views (view decorators over hoshin.org.permissions).

Templates hide what a person cannot do (``roles`` from hoshin.web.context); these make
sure a hand-made request is refused anyway, with the 403 page. Use them on every view
that writes:

    from hoshin.org.decorators import forbid_viewers, role_required, domain_errors_as_http

    @login_required
    @forbid_viewers                 # GET for everyone, POST etc. refused for viewers
    def check_in(request, pk): ...

    @login_required
    @role_required(Role.ADMIN, Role.STRATEGY_OFFICE)   # every method
    def edit_strategy(request): ...

    @role_required(Role.ADMIN, Role.STRATEGY_OFFICE, methods=("POST",))  # writes only
    def strategy(request): ...

    @domain_errors_as_http          # a service's PermissionDenied / NotFound -> 403 / 404
    def edit_objective(request, pk): ...

Object-level rights (a unit lead edits their own units only) stay with the services and
hoshin.org.permissions; call `require(can_edit_unit_plan(request.user, unit))` in the
view for an early 403, or let the service raise and wrap the view in
`domain_errors_as_http`.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404

from hoshin.core import errors
from hoshin.org.models import Role

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _is_viewer(user) -> bool:
    return not user.is_authenticated or not user.is_active or user.role == Role.VIEWER


def require(allowed: bool, message: str = "You are not allowed to do this.") -> None:
    """Raise Django's PermissionDenied (-> the 403 page) unless `allowed`."""
    if not allowed:
        raise HttpPermissionDenied(message)


def forbid_viewers(view):
    """Let everyone read; refuse any other method to viewers (and deactivated people)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            require(not _is_viewer(request.user), "Viewers can look but not change anything.")
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles: str, methods: tuple[str, ...] | None = None):
    """Refuse people whose role is not in `roles`, for every method or only `methods`."""
    allowed = {str(role) for role in roles}

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods is None or request.method in methods:
                user = request.user
                require(user.is_authenticated and user.is_active and user.role in allowed,
                        "Your role does not allow this.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def domain_errors_as_http(view):
    """Turn the services' PermissionDenied and NotFound into the 403 and 404 pages.
    Other DomainErrors are validation errors: handle them in the view, next to the field."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.PermissionDenied as exc:
            raise HttpPermissionDenied(exc.detail) from exc
        except errors.NotFound as exc:
            raise Http404(exc.detail) from exc

    return wrapper
