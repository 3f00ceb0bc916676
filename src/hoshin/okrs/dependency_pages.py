"""Dependencies between units (SPEC §5): the requests my units received and made, answered
in place, and the quarter's graph with its chains and cycles."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoshin.core import clock, errors, exports
from hoshin.okrs import dependency_graph as graph
from hoshin.okrs import services
from hoshin.okrs.dependencies import RELATED, consumer_of, edges, in_cycle, shown_state
from hoshin.okrs.models import Cycle, Dependency
from hoshin.okrs.selectors import quarter_or_current
from hoshin.org import permissions


def _cycle(request) -> Cycle | None:
    key = request.GET.get("cycle")
    cycle = quarter_or_current(key)
    if key and cycle is None:
        raise Http404(f'no quarter "{key}"')
    return cycle


# The quarter's dependencies as a file (?export=csv|xlsx): every request of the quarter,
# as the page's full list shows them to everyone signed in.
EXPORT_COLUMNS = [
    exports.Column("Id", "dep.key"),
    exports.Column("Requesting unit", "consumer.name"),
    exports.Column("For (key result or objective)",
                   lambda r: (r["dep"].key_result or r["dep"].objective).key),
    exports.Column("Providing unit", "dep.providing_unit.name"),
    exports.Column("Asked", "dep.description"),
    exports.Column("State", "state"),
    exports.Column("Deliverable", "dep.deliverable"),
    exports.Column("Due", "dep.due", exports.DATE),
    exports.Column("Delivered on", "dep.delivered_on", exports.DATE),
    exports.Column("Answer", "dep.note"),
    exports.Column("Requested by", "dep.requested_by.name"),
    exports.Column("Requested on", "dep.requested_at", exports.DATE),
    exports.Column("Decided by", "dep.decided_by.name"),
]


@login_required
def dependencies_page(request):
    today = clock.today()
    cycle = _cycle(request)
    deps = list(in_cycle(cycle)) if cycle else []
    led = permissions.led_unit_ids(request.user)
    office = permissions.can_edit_strategy(request.user)
    rows = [{"dep": d, "consumer": consumer_of(d), "state": shown_state(d, today),
             "can_answer": office or d.providing_unit_id in led} for d in deps]
    if response := exports.respond(request, f"dependencies-{cycle.key}" if cycle else
                                   "dependencies", EXPORT_COLUMNS, rows,
                                   what="Dependencies between units"):
        return response
    incoming = [r for r in rows if r["dep"].providing_unit_id in led]
    outgoing = [r for r in rows if r["consumer"].pk in led]
    if len(incoming) == len(outgoing) == len(rows):
        # Whoever leads the whole organisation would see the same list three times.
        incoming = outgoing = []
    drawn = edges(deps, today)
    # Both ends of every request were read with it (dependencies.RELATED).
    names = {unit.key: unit.name for d in deps for unit in (consumer_of(d), d.providing_unit)}
    return render(request, "okrs/dependencies.html", {
        "nav": "dependencies", "cycle": cycle, "rows": rows, "incoming": incoming,
        "outgoing": outgoing, "office": office, "today": today,
        "svg": graph.graph_svg(drawn, names) if drawn else "",
        "loops": [[names.get(u, u) for u in group] for group in graph.cycles(drawn)],
        "chains": [[names.get(u, u) for u in chain] for chain in graph.longest_chains(drawn)],
        "quarters": Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
                                 .order_by("-start"),
        "colours": graph.STATE_COLOURS})


@login_required
@require_POST
def answer(request, key: str):
    dep = get_object_or_404(Dependency.objects.select_related(*RELATED), key=key)
    action = request.POST.get("action")
    try:
        if action == "accept":
            due = request.POST.get("due") or ""
            try:
                day = dt.date.fromisoformat(due) if due else None
            except ValueError:
                raise errors.DomainError.field("due", f'"{due}" is not a date') from None
            services.decide_dependency(request.user, dep, "accepted",
                                       note=request.POST.get("note", ""),
                                       deliverable=request.POST.get("deliverable", ""), due=day)
            messages.success(request, f"{dep.key} accepted: {dep.providing_unit.name} is "
                                      "committed to it.")
        elif action == "decline":
            services.decide_dependency(request.user, dep, "declined",
                                       note=request.POST.get("note", ""))
            messages.success(request, f"{dep.key} declined.")
        elif action == "delivered":
            services.mark_dependency_delivered(request.user, dep)
            messages.success(request, f"{dep.key} delivered.")
        else:
            raise errors.DomainError.field("action", "accept, decline or delivered")
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.DomainError as e:
        for problem in e.errors:
            messages.error(request, f"{dep.key}: {problem}")
    cycle = (dep.key_result.objective if dep.key_result else dep.objective).cycle
    return redirect(f"{reverse('okrs:dependencies')}?cycle={cycle.key}#{dep.key}")
