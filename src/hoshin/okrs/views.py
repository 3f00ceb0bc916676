"""Key-result pages and the check-in, on the home page (HTMX) or on its own (no JavaScript)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hoshin.core import clock, errors
from hoshin.core.history_view import history_rows
from hoshin.okrs import services
from hoshin.okrs.forms import CheckInForm
from hoshin.okrs.models import Cycle, KeyResult
from hoshin.okrs.progress import KRState, key_result_states

# active_quarters is also imported from here (web.views).
from hoshin.okrs.selectors import active_quarters, my_key_results  # noqa: F401
from hoshin.org import permissions

STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
                 "no_data": "No data"}
# A weekly rhythm: a key result without a reading for this long is due.
DUE_AFTER = dt.timedelta(days=7)


@dataclass
class KRRow:
    """One key result as a row of a page: its state and, when allowed, its check-in form."""

    kr: KeyResult
    state: KRState
    due: bool
    form: CheckInForm | None = None
    saved: bool = False

    @property
    def status(self) -> str:
        return str(self.state.status)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def progress_pct(self) -> int | None:
        return None if self.state.progress is None else round(self.state.progress * 100)

    @property
    def bar_pct(self) -> int:
        return max(0, min(100, self.progress_pct or 0))

    @property
    def expected_pct(self) -> int | None:
        return None if self.state.expected is None else round(self.state.expected * 100)

    @property
    def current(self):
        last = self.kr.last_checkin
        return None if last is None else last.value


def check_in_rule(user) -> Callable[[KeyResult], bool]:
    """permissions.can_check_in for many key results at once: the units the person leads
    are looked up once, not per row. The service checks again when a check-in is posted."""
    led = permissions.led_unit_ids(user)
    return lambda kr: permissions.can_check_in(user, kr, led_units=led)


def build_rows(key_results: QuerySet, user, *, forms_for: Callable[[KeyResult], bool] | None = None,
               today: dt.date | None = None) -> list[KRRow]:
    """Rows for every key result of the queryset in a fixed number of queries."""
    today = today or clock.today()
    from hoshin.flags.models import Flag  # flags sit on top of the OKR model

    open_flags = Prefetch("flags", queryset=Flag.objects.filter(cleared_on__isnull=True)
                          .order_by("code"), to_attr="open_flags")
    krs = list(key_results.select_related("objective__unit", "objective__cycle", "owner",
                                          "last_checkin").prefetch_related("steps", open_flags))
    states = key_result_states(key_results, today)
    allowed = check_in_rule(user) if forms_for is None else forms_for
    rows = []
    for kr in krs:
        state = states[kr.pk]
        active = kr.objective.cycle.state == Cycle.State.ACTIVE
        due = active and (state.last_checkin is None or today - state.last_checkin >= DUE_AFTER)
        form = None
        if active and allowed(kr):
            form = CheckInForm(key_result=kr, steps=list(kr.steps.all()), initial=_initial(kr))
        rows.append(KRRow(kr=kr, state=state, due=due, form=form))
    return rows


def _initial(kr: KeyResult) -> dict:
    """Start from the latest reading: a check-in then means changing only what moved."""
    last = kr.last_checkin
    if last is None:
        return {}
    return {"confidence": last.confidence, "steps_done": list(last.steps_done or []),
            "done": last.value == 1}


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
    saved = False
    if form.is_valid():
        try:
            services.record_checkin(request.user, kr, **form.service_arguments())
            saved = True
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
        return render(request, "okrs/_checkin_response.html", context)
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
    here = reverse("okrs:key_result", args=[kr.key])
    next_url = here if form is None else _next_url(request, here)
    return render(request, "okrs/key_result.html",
                  {"row": row, "kr": row.kr, "checkins": checkins, "nav": "home",
                   "next": next_url, "history": history_rows(kr.history.all(), limit=50)},
                  status=status)
