"""Quarter close and annual review pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from hoshin.closing import grading, services
from hoshin.closing.models import AnnualDecision, CarryOver, Grade, Retrospective
from hoshin.core import errors
from hoshin.okrs.models import Cycle, KeyResult
from hoshin.org import permissions
from hoshin.org.models import Unit


def _try(request, action, success: str) -> bool:
    try:
        action()
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.DomainError as e:
        messages.error(request, e.detail)
        return False
    messages.success(request, success)
    return True


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@login_required
def quarter_close(request, key: str):
    cycle = get_object_or_404(Cycle, key=key, kind=Cycle.Kind.QUARTER)
    user = request.user
    closed = cycle.state == Cycle.State.CLOSED
    if request.method == "POST":
        if closed:
            raise PermissionDenied("this quarter is closed and read-only")
        do = request.POST.get("do")
        ok = True
        if do == "grade":
            kr = get_object_or_404(KeyResult, key=request.POST.get("key_result"),
                                   objective__cycle=cycle)
            ok = _try(request, lambda: services.grade_key_result(
                user, kr, grade=_float(request.POST.get("grade")),
                reason=request.POST.get("reason", "")), f"{kr.key} graded.")
        elif do == "carry":
            kr = get_object_or_404(KeyResult, key=request.POST.get("key_result"),
                                   objective__cycle=cycle)
            ok = _try(request, lambda: services.decide_carry_over(
                user, kr, decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", "")), f"Decision on {kr.key} recorded.")
        elif do == "retro":
            unit = get_object_or_404(Unit, key=request.POST.get("unit"))
            ok = _try(request, lambda: services.write_retrospective(
                user, cycle, unit, worked=request.POST.get("worked", ""),
                did_not_work=request.POST.get("did_not_work", ""),
                change=request.POST.get("change", ""),
                share_as_learning=request.POST.get("share") == "on"), "Retrospective saved.")
        elif do == "close":
            ok = _try(request, lambda: services.close_quarter(
                user, cycle, override_reason=request.POST.get("override_reason", "")),
                f"{cycle.key} is closed.")
        if ok:
            # Back at the row just graded or decided, not at the top of a long table.
            anchor = f"#kr{kr.pk}" if do in ("grade", "carry") else ""
            return redirect(reverse("closing:quarter", args=[cycle.key]) + anchor)
    suggested = services.suggestions(cycle)
    krs = list(services._key_results(cycle).select_related(
        "objective__unit", "owner").order_by("objective__unit__name", "objective__key", "key"))
    grades = {g.key_result_id: g for g in Grade.objects.filter(key_result__in=krs)}
    carries = {c.key_result_id: c for c in CarryOver.objects.filter(key_result__in=krs)}
    rows = []
    for kr in krs:
        g = grades.get(kr.pk)
        value = g.grade if g else None
        words, tone = grading.reading(value, kr.objective.kind) if g else ("not graded", "")
        rows.append({"kr": kr, "suggested": suggested.get(kr.pk, 0.0), "grade": g,
                     "reading": words, "tone": tone, "carry": carries.get(kr.pk),
                     "can_grade": not closed and services.can_grade(user, kr),
                     "can_decide": not closed and permissions.can_edit_unit_plan(
                         user, kr.objective.unit),
                     "unfinished": g is not None and g.grade < 1.0})
    units = sorted({kr.objective.unit for kr in krs}, key=lambda u: u.name)
    retros = {r.unit_id: r for r in Retrospective.objects.filter(cycle=cycle)}
    check = services.close_check(cycle)
    return render(request, "closing/quarter.html", {
        "nav": "reviews", "cycle": cycle, "rows": rows, "closed": closed, "check": check,
        "units": [(u, retros.get(u.pk), not closed and permissions.can_edit_unit_plan(user, u))
                  for u in units],
        "can_close": not closed and permissions.can_edit_strategy(user),
        "record": getattr(cycle, "close_record", None)})


@login_required
def annual_review(request, year: int):
    user = request.user
    if request.method == "POST":
        ok = _try(request, lambda: services.decide_annual(
            user, year=year, item_type=request.POST.get("item_type", ""),
            item_key=request.POST.get("item_key", ""), decision=request.POST.get("decision", ""),
            rationale=request.POST.get("rationale", ""),
            new_title=request.POST.get("new_title", "")), "Decision recorded.")
        if ok:
            return redirect("closing:annual", year=year)
    data = services.read_year(year)
    records = services.annual_records(year, data=data)
    from hoshin.strategy import xmatrix
    from hoshin.strategy.views import xmatrix_data

    matrix = xmatrix_data(year, services.annual_statuses(year, records=records, data=data))
    svg, _ = xmatrix.build_svg(matrix, f"X-matrix {year}: coloured by real results")
    return render(request, "closing/annual.html", {
        "nav": "reviews", "year": year, "records": records, "svg": mark_safe(svg),  # noqa: S308
        "can_decide": permissions.can_edit_strategy(user),
        "decisions": AnnualDecision.Decision.choices})
