"""Template context shared by every page."""

from __future__ import annotations

from django.utils.functional import cached_property

from hoshin.org import permissions
from hoshin.org.models import Role


class Roles:
    """What the logged-in person may do, for templates to hide controls they cannot use.

    Hiding a control is a courtesy only: the view must still check on the server (see
    hoshin.org.decorators), because a viewer can post a form by hand.

    In a template: ``{% if roles.can_edit_strategy %}<a href="…">Edit</a>{% endif %}``.
    Unit-specific rights (leading one unit but not another) need the object, so views
    compute those with hoshin.org.permissions and pass them in the context.
    """

    def __init__(self, user):
        self._user = user if user is not None and user.is_authenticated else None

    @property
    def role(self) -> str:
        return self._user.role if self._user else ""

    @property
    def is_admin(self) -> bool:
        return self._user is not None and permissions.is_admin(self._user)

    @property
    def is_viewer(self) -> bool:
        """True for the viewer role and for anyone not logged in or deactivated."""
        return self._user is None or not self._user.is_active or self._user.role == Role.VIEWER

    @property
    def can_write(self) -> bool:
        """Anyone who may change something somewhere (every role but viewer)."""
        return not self.is_viewer

    @property
    def can_edit_strategy(self) -> bool:
        return self._user is not None and permissions.can_edit_strategy(self._user)

    @cached_property
    def leads_a_unit(self) -> bool:
        # Lazy: one query, and only on pages that ask.
        return (self._user is not None and self.can_write
                and self._user.led_units.exists())


def roles(request):
    """Context processor: ``roles`` (a `Roles`) on every template rendered with a request."""
    return {"roles": Roles(getattr(request, "user", None))}
