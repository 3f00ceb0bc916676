"""Template context: how many catchball threads await the logged-in person's answer."""

from __future__ import annotations

from django.utils.functional import cached_property


class Awaiting:
    """Counted on first use only (one query), so pages that never show the nav pay nothing."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def count(self) -> int:
        from hoshin.catchball.services import awaiting_count

        return awaiting_count(self._user)


def awaiting(request):
    return {"catchball_awaiting": Awaiting(getattr(request, "user", None))}
