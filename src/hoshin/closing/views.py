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
from hoshin.core import errors, gates
from hoshin.okrs.models import Cycle
from hoshin.okrs.selectors import active_quarters
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


def _row_errors(error: errors.DomainError) -> dict[str, list[str]]:
    """A refused save's messages by the form field they belong to ("other" for the rest)."""
    out: dict[str, list[str]] = {}
    for e in error.errors:
        out.setdefault(e.field if e.field in ROW_FIELDS else "other", []).append(e.message)
    return out


ROW_FIELDS = {"grade", "reason", "decision", "parent"}


def _failed(row: dict, do: str, row_errors: dict, posted) -> None:
    """Put a refused save's errors and what was typed back on the form that was sent."""
    prefix = "grade" if do == "grade" else "carry"
    row[f"{prefix}_errors"], row[f"{prefix}_posted"] = row_errors, posted


def _rows(cycle: Cycle, user, krs, *, suggested=None, into=None, choices=None) -> list[dict]:
    """The close page's rows: each key result with its suggestion, grade, decision, and
    for an undecided unfinished one where a carried copy would land (or that it needs a
    parent, with the picker's choices)."""
    closed = cycle.state == Cycle.State.CLOSED
    suggested = suggested if suggested is not None else services.suggestions(cycle)
    grades = {g.key_result_id: g for g in Grade.objects.filter(key_result__in=krs)}
    carries = {c.key_result_id: c for c in CarryOver.objects.filter(key_result__in=krs)
               .select_related("carried_to__objective")}
    rows = []
    for kr in krs:
        g = grades.get(kr.pk)
        words, tone = grading.reading(g.grade, kr.objective.kind) if g else ("not graded", "")
        can_decide = not closed and permissions.can_edit_unit_plan(user, kr.objective.unit)
        unfinished = g is not None and g.grade < 1.0
        place = None
        if unfinished and can_decide and kr.pk not in carries and into is not None:
            place = services.landing(kr.objective, into)
        rows.append({"kr": kr, "suggested": suggested.get(kr.pk, 0.0), "grade": g,
                     "reading": words, "tone": tone, "carry": carries.get(kr.pk),
                     "can_grade": not closed and services.can_grade(user, kr),
                     "can_decide": can_decide, "unfinished": unfinished, "into": into,
                     "landing": place, "choices": choices if place and place.needs_parent
                     else None, "grade_errors": {}, "grade_posted": None, "carry_errors": {},
                     "carry_posted": None, "saved": False})
    return rows


def _page_krs(cycle: Cycle):
    return services._key_results(cycle).select_related(
        "objective__unit", "objective__parent_annual", "objective__parent_priority",
        "objective__parent_theme__cycle", "objective__parent_objective", "owner")


def _gate(cycle: Cycle, user) -> tuple[bool, list[str]]:
    """What the close gate says right now, reason by reason: the same check that refuses
    the close (the page shows it so the person knows what to fix or why to override)."""
    result = services.close_gate_check(gates.Transition(user, cycle, cycle.state,
                                                        Cycle.State.CLOSED))
    if result.passed:
        return True, []
    reasons = result.reason.removeprefix("not ready to close: ")
    return False, [r for r in reasons.split("; ") if r]


def _close_context(cycle: Cycle, user, close_errors=None, override="") -> dict:
    """The close panel and the steps at the top of the page (both sent again, out of band,
    with every row saved in place). The gate's reasons come grouped: the date, then the key
    results without a grade and the unfinished ones without a decision as two counts with
    their names, not one line per key result (65 lines of keys on the demo)."""
    closed = cycle.state == Cycle.State.CLOSED
    passed, reasons = _gate(cycle, user) if not closed else (True, [])
    check = services.close_check(cycle)
    early = [r for r in reasons if r.startswith("the quarter runs until")]
    other = [r for r in reasons if r not in early and not r.endswith(" has no grade")
             and not r.endswith(" is unfinished: carry it over or drop it")]
    return {"cycle": cycle, "closed": closed, "gate_passed": passed, "gate_reasons": reasons,
            "gate_early": early[0] if early else "", "gate_other": other,
            "ungraded": check.ungraded if not passed else [],
            "undecided": check.undecided if not passed else [], "check": check,
            "missing_retros": check.missing_retrospectives,
            "can_close": not closed and permissions.can_edit_strategy(user),
            "close_errors": close_errors or [], "override_reason": override,
            # Where a carry-over's "no decision in the annual review" is fixed.
            "review_year": services._fiscal_year(cycle)}


@login_required
def current_quarter(request):
    """/closing/: the close page of the quarter to close now (the earliest running one, else
    the latest quarter), so the navigation can offer "Quarter close" without a key."""
    cycle = active_quarters().first() or (
        Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
        .order_by("-end").first())
    if cycle is None:
        messages.info(request, "There is no quarter to close yet.")
        return redirect("reviews:list")
    return redirect("closing:quarter", key=cycle.key)


@login_required
def quarter_close(request, key: str):
    """The close page. Each row's grade or decision saves in place with HTMX (the row comes
    back, and the close panel with it, out of band) and without JavaScript (a plain POST,
    then back at the row's anchor). A refused save comes back with the error on the row and
    what the person typed still in the form."""
    cycle = get_object_or_404(Cycle, key=key, kind=Cycle.Kind.QUARTER)
    user = request.user
    closed = cycle.state == Cycle.State.CLOSED
    into = services.next_quarter(cycle)
    failed: dict = {}
    close_errors, override = [], ""
    if request.method == "POST":
        if closed:
            raise PermissionDenied("this quarter is closed and read-only")
        if not services.may_work_on_close(user, cycle):
            # Rights before the form: a 403, not the page with a form's errors.
            raise PermissionDenied(f"grade or close {cycle.key}")
        do = request.POST.get("do")
        if do in ("grade", "carry"):
            kr = get_object_or_404(_page_krs(cycle), key=request.POST.get("key_result"))
            try:
                if do == "grade":
                    services.grade_key_result(user, kr, grade=_float(request.POST.get("grade")),
                                              reason=request.POST.get("reason", ""))
                else:
                    services.decide_carry_over(
                        user, kr, decision=request.POST.get("decision", ""),
                        reason=request.POST.get("reason", ""),
                        parent=request.POST.get("parent") or None)
                ok, row_errors = True, {}
            except errors.PermissionDenied as e:
                raise PermissionDenied(str(e)) from e
            except errors.DomainError as e:
                ok, row_errors = False, _row_errors(e)
            if request.htmx:
                [row] = _rows(cycle, user, [kr], into=into,
                              choices=services.parent_choices(into) if into else None)
                row["saved"] = ok
                if not ok:
                    _failed(row, do, row_errors, request.POST)
                return render(request, "closing/_row_response.html",
                              {"r": row, **_close_context(cycle, user)})
            if ok:
                messages.success(request, f"{kr.key} graded." if do == "grade"
                                 else f"Decision on {kr.key} recorded.")
                # Back at the row just graded or decided, not at the top of a long table.
                return redirect(reverse("closing:quarter", args=[cycle.key]) + f"#kr{kr.pk}")
            messages.error(request, f"{kr.key} was not saved: see its row.")
            failed = {"pk": kr.pk, "errors": row_errors, "posted": request.POST, "do": do}
        elif do == "accept":
            try:
                graded = services.accept_suggested(user, cycle)
            except errors.PermissionDenied as e:
                raise PermissionDenied(str(e)) from e
            except errors.DomainError as e:
                messages.error(request, e.detail)
            else:
                messages.success(request, f"{len(graded)} suggested grade"
                                          f"{'' if len(graded) == 1 else 's'} accepted.")
            return redirect("closing:quarter", key=cycle.key)
        elif do == "retro":
            unit = get_object_or_404(Unit, key=request.POST.get("unit"))
            if _try(request, lambda: services.write_retrospective(
                    user, cycle, unit, worked=request.POST.get("worked", ""),
                    did_not_work=request.POST.get("did_not_work", ""),
                    change=request.POST.get("change", ""),
                    share_as_learning=request.POST.get("share") == "on"),
                    "Retrospective saved."):
                return redirect("closing:quarter", key=cycle.key)
        elif do == "close":
            override = request.POST.get("override_reason", "")
            try:
                services.close_quarter(user, cycle, override_reason=override)
            except errors.PermissionDenied as e:
                raise PermissionDenied(str(e)) from e
            except errors.DomainError as e:
                close_errors = [x.message for x in e.errors]
            else:
                messages.success(request, f"{cycle.key} is closed.")
                return redirect("closing:quarter", key=cycle.key)
    krs = list(_page_krs(cycle).order_by("objective__unit__name", "objective__key", "key"))
    rows = _rows(cycle, user, krs, into=into,
                 choices=services.parent_choices(into) if into and not closed else None)
    for row in rows:
        if row["kr"].pk == failed.get("pk"):
            _failed(row, failed["do"], failed["errors"], failed["posted"])
    units = sorted({kr.objective.unit for kr in krs}, key=lambda u: u.name)
    retros = {r.unit_id: r for r in Retrospective.objects.filter(cycle=cycle)}
    acceptable = sum(1 for r in rows if r["grade"] is None and r["can_grade"])
    return render(request, "closing/quarter.html", {
        "nav": "reviews", "rows": rows, "into": into, "acceptable": acceptable,
        "units": [(u, retros.get(u.pk), not closed and permissions.can_edit_unit_plan(user, u))
                  for u in units],
        "record": getattr(cycle, "close_record", None),
        **_close_context(cycle, user, close_errors, override)})


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
