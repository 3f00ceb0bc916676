"""What the catchball pages share: who the strategy office is, and the day they judge
deadlines by."""

from __future__ import annotations

from hoshin.core import clock
from hoshin.org.models import Role

OFFICE = (Role.ADMIN, Role.STRATEGY_OFFICE)


def today_for(request):
    return clock.today()
