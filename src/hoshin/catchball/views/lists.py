"""The lists of threads: my inbox, and the strategy office's overview of every unit's open
threads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from hoshin.catchball import services
from hoshin.catchball.models import PlanningDeadline
from hoshin.catchball.views.common import OFFICE, today_for
from hoshin.okrs.models import Cycle
from hoshin.org import permissions
from hoshin.org.decorators import role_required
from hoshin.org.models import Role


@login_required
def inbox(request):
    today = today_for(request)
    user = request.user
    return render(request, "catchball/inbox.html", {
        "nav": "catchball", "today": today,
        "awaiting": services.awaiting_answer(user, today),
        "waiting": services.waiting_on_others(user, today),
        "closed": services.recently_closed(user),
        "can_propose": not user.role == Role.VIEWER and (
            permissions.can_edit_strategy(user) or user.led_units.exists()),
        "is_office": permissions.can_edit_strategy(user),
    })


@login_required
@role_required(*OFFICE)
def overview(request):
    today = today_for(request)
    return render(request, "catchball/overview.html", {
        "nav": "catchball", "today": today, "units": services.overview(today),
        "deadlines": PlanningDeadline.objects.select_related("cycle")
        .filter(cycle__archived_at__isnull=True).exclude(cycle__state=Cycle.State.CLOSED),
    })

