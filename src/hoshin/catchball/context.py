"""Template context: the catchball threads awaiting the logged-in person's answer."""

from __future__ import annotations

from django.utils.functional import cached_property

from hoshin.core import clock


class Awaiting:
    """Fetched on first use only. The nav's badge on every page asks for the count alone
    (one narrow COUNT); the home page's list reads the threads with everything they show
    (a wide join), and once read the count is their number, so no page pays twice."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def threads(self) -> list:

        from hoshin.catchball.services import awaiting_answer

        user = self._user
        if user is None or not getattr(user, "is_authenticated", False):
            return []
        return awaiting_answer(user, clock.today())

    @cached_property
    def count(self) -> int:
        if "threads" in self.__dict__:  # already read for a list on this page
            return len(self.threads)
        from hoshin.catchball.services import awaiting_count

        return awaiting_count(self._user)


def awaiting(request):
    return {"catchball_awaiting": Awaiting(getattr(request, "user", None))}
