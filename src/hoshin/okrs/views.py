"""Key-result pages and the check-in, on the home page (HTMX) or on its own (no JavaScript).
Rows of key results are presented by okrs/rows.py."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hoshin.core import clock, errors
from hoshin.core.history_view import history_rows
from hoshin.okrs import charts, services
from hoshin.okrs.breadcrumbs import key_result_trail
from hoshin.okrs.forms import CheckInForm
from hoshin.okrs.models import KeyResult
from hoshin.okrs.rows import build_rows

# active_quarters is also imported from here (web.views).
from hoshin.okrs.selectors import active_quarters, my_key_results  # noqa: F401
from hoshin.org import permissions


def _next_url(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return default


def _key_results():
    return KeyResult.objects.filter(archived_at__isnull=True)


@login_required
@require_POST
def checkin(request, key: str):
    kr = get_object_or_404(_key_results().select_related("objective__unit", "objective__cycle"),
                           key=key)
    if not permissions.can_check_in(request.user, kr):
        raise PermissionDenied("you may not check in on this key result")
    form = CheckInForm(request.POST, key_result=kr, steps=list(kr.steps.all()))
    saved = None
    if form.is_valid():
        try:
            saved = services.record_checkin(request.user, kr, **form.service_arguments())
        except errors.PermissionDenied as e:
            raise PermissionDenied(str(e)) from e
        except errors.DomainError as e:
            form.add_domain_error(e)
    form.mark_errors()
    detail = reverse("okrs:key_result", args=[kr.key])
    next_url = _next_url(request, detail)
    if request.htmx:
        [row] = build_rows(_key_results().filter(pk=kr.pk), request.user)
        if saved:
            row.saved = True
        else:
            row.form = form
        context = {"row": row, "next": next_url}
        if saved:
            # The home page also shows how many of my check-ins are due: keep it true.
            mine = build_rows(my_key_results(request.user), request.user,
                              forms_for=lambda kr: False)
            context.update(due=sum(r.due for r in mine), has_krs=bool(mine))
        response = render(request, "okrs/_checkin_response.html", context)
        if saved:
            # The stored check-in's id, for a client (or a test) that must know it was
            # stored: a header, and an htmx event the page may listen to.
            response["Hoshin-Checkin-Id"] = str(saved.pk)
            response["HX-Trigger"] = json.dumps({"checkin-saved": {"id": saved.pk,
                                                                   "key_result": kr.key}})
        return response
    if saved:
        messages.success(request, f"Checked in on {kr.key}.")
        return redirect(next_url)
    return _detail(request, kr, form=form, status=400)


@login_required
def key_result(request, key: str):
    kr = get_object_or_404(_key_results(), key=key)
    return _detail(request, kr)


def _detail(request, kr: KeyResult, form: CheckInForm | None = None, status: int = 200):
    [row] = build_rows(_key_results().filter(pk=kr.pk), request.user)
    if form is not None:
        row.form = form
    checkins = list(kr.checkins.select_related("author").order_by("-date", "-id"))
    steps = {s.key: s.title for s in row.kr.steps.all()}
    for c in checkins:
        c.step_titles = [steps.get(k, k) for k in c.steps_done or []]
    cycle = row.kr.objective.cycle  # the chart draws from the check-ins read above
    row.extra["chart"] = charts.kr_chart(row.kr, cycle, checkins,
                                         phases=[(p.date, p.target) for p in kr.phases.all()],
                                         steps=list(row.kr.steps.all()), today=clock.today())
    here = reverse("okrs:key_result", args=[kr.key])
    next_url = here if form is None else _next_url(request, here)
    return render(request, "okrs/key_result.html",
                  {"row": row, "kr": row.kr, "checkins": checkins, "nav": "home",
                   "crumbs": key_result_trail(row.kr),
                   "next": next_url, "history": history_rows(kr.history.all(), limit=50)},
                  status=status)
