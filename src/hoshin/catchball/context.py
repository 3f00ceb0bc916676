"""Template context: the catchball threads awaiting the logged-in person's answer."""

from __future__ import annotations

from django.utils.functional import cached_property

from hoshin.core import clock


class Awaiting:
    """Fetched on first use only, in one query, and shared by the nav's count and the
    home page's list, so a page that shows both still pays one query."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def threads(self) -> list:

        from hoshin.catchball.services import awaiting_answer

        user = self._user
        if user is None or not getattr(user, "is_authenticated", False):
            return []
        return awaiting_answer(user, clock.today())

    @property
    def count(self) -> int:
        return len(self.threads)


def awaiting(request):
    return {"catchball_awaiting": Awaiting(getattr(request, "user", None))}
