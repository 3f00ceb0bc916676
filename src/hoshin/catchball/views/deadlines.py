"""The planning calendar: the strategy office sets by when units answer and agree."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from hoshin.catchball import services
from hoshin.catchball.forms import DeadlineForm, show_errors
from hoshin.catchball.models import PlanningDeadline
from hoshin.catchball.views.common import OFFICE
from hoshin.core.errors import DomainError
from hoshin.okrs.models import Cycle
from hoshin.org.decorators import role_required


@login_required
@role_required(*OFFICE)
def calendar(request):
    cycles = list(Cycle.objects.filter(archived_at__isnull=True)
                  .exclude(state=Cycle.State.CLOSED))
    form = DeadlineForm(request.POST or None, cycles=cycles,
                        whats=PlanningDeadline.What.choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_deadline(request.user, **form.cleaned_data)
        except DomainError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Deadline saved.")
            return redirect("catchball:calendar")
    return render(request, "catchball/calendar.html", {
        "nav": "catchball", "form": form,
        "deadlines": PlanningDeadline.objects.select_related("cycle")
        .filter(cycle__in=cycles),
    })
