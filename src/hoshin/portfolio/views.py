"""Portfolio pages: the initiatives ranked by WSJF with the value/size chart, and the
scoring session where a team scores them relative to each other."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hoshin.core import clock, errors, exports
from hoshin.okrs.models import Initiative
from hoshin.org import permissions
from hoshin.org.forms import unit_options
from hoshin.org.models import Unit
from hoshin.portfolio import chart, flow, flow_chart, selectors, services, tracked, wsjf
from hoshin.portfolio.forms import SCALE_CHOICES, ScoringSessionForm
from hoshin.portfolio.models import ScoringSession
from hoshin.strategy.models import AnnualObjective


def _named(model, key: str | None, what: str, **filters):
    """The element `key` names (None when no key is given); a 404 naming the key when
    none has it, rather than silently showing the whole organisation."""
    if not key:
        return None
    found = model.objects.filter(key=key, **filters).first()
    if found is None:
        raise Http404(f'no {what} "{key}"')
    return found


def _scope(request):
    return (_named(Unit, request.GET.get("unit"), "unit", archived_at__isnull=True),
            _named(AnnualObjective, request.GET.get("annual"), "annual objective"))


# The portfolio as a file (?export=csv|xlsx): every open initiative in the page's scope,
# the ranked ones first, then those not scored yet (the page lists only 100 of them).
# With ?status= (a status, or "all"), every initiative of that status in scope instead,
# done and cancelled ones and those of closed quarters included, with their rank when
# they are ranked and their latest score when they have one.
EXPORT_COLUMNS = [
    exports.Column("Rank", "rank", exports.NUMBER),
    exports.Column("Initiative id", "initiative.key"),
    exports.Column("Initiative", "initiative.title"),
    exports.Column("Unit", "initiative.key_result.objective.unit.name"),
    exports.Column("Key result id", "initiative.key_result.key"),
    exports.Column("Quarter", "initiative.key_result.objective.cycle.key"),
    exports.Column("Owner", "initiative.owner.name"),
    exports.Column("Status", lambda r: r["initiative"].get_status_display()),
    exports.Column("Business value", "score.business_value", exports.NUMBER),
    exports.Column("Time criticality", "score.time_criticality", exports.NUMBER),
    exports.Column("Risk reduction", "score.risk_reduction", exports.NUMBER),
    exports.Column("Cost of delay", "score.cost_of_delay", exports.NUMBER),
    exports.Column("Job size", "score.job_size", exports.NUMBER),
    exports.Column("WSJF", lambda r: round(r["score"].wsjf, 4) if r["score"] else None,
                   exports.NUMBER),
    exports.Column("Annual objectives", lambda r: ", ".join(r["annual_objectives"])),
    exports.Column("Scored on", "scored_on", exports.DATE),
    # Its work linked in a tracker (portfolio/tracked.py), blank when none is linked.
    exports.Column("Work items", "tracked.total", exports.NUMBER),
    exports.Column("Work done", "tracked.done", exports.NUMBER),
    exports.Column("Work in progress", "tracked.in_progress", exports.NUMBER),
    exports.Column("Work to do", "tracked.to_do", exports.NUMBER),
    exports.Column("Work done %", lambda r: None if not r["tracked"] or r["tracked"]["share_done"]
                   is None else round(100 * r["tracked"]["share_done"], 1), exports.PERCENT),
    exports.Column("Work last sync failed", lambda r: r["tracked"]["failing"] if r["tracked"]
                   else None),
]


def _export_rows(found) -> list[dict]:
    work = found.tracked
    found.read_whole()
    rows = [{"rank": r.rank, "initiative": r.initiative, "score": r.score,
             "scored_on": r.scored_on, "annual_objectives": r.annual_objectives,
             "tracked": work.get(r.pk)}
            for r in found.rows]
    rows += [{"rank": None, "initiative": i, "score": None, "scored_on": None,
              "annual_objectives": [], "tracked": work.get(i.pk)} for i in found.unscored]
    return rows


STATUS_CHOICES = [("", "Open, ranked"), ("all", "Every status")] + list(
    Initiative.Status.choices)
LISTED = 100  # initiatives the page lists with a status filter; the export has them all


def _status(request) -> str:
    status = request.GET.get("status") or ""
    if status not in dict(STATUS_CHOICES):
        raise Http404(f'no status "{status}": one of '
                      + ", ".join(k for k, _ in STATUS_CHOICES if k))
    return status


def _status_rows(initiatives: list[Initiative], found) -> list[dict]:
    ranked = {r.pk: r for r in found.rows}
    latest = selectors.latest_score_values(i.pk for i in initiatives)
    serves = selectors.annual_objectives_by_id({i.key_result.objective_id for i in initiatives})
    work = tracked.counts_of([i.pk for i in initiatives])
    rows = []
    for i in initiatives:
        scored = latest.get(i.pk)
        score = wsjf.Score(key=i.key, business_value=scored.business_value,
                           time_criticality=scored.time_criticality,
                           risk_reduction=scored.risk_reduction,
                           job_size=scored.job_size) if scored else None
        rows.append({"rank": ranked[i.pk].rank if i.pk in ranked else None, "initiative": i,
                     "score": score, "scored_on": scored.held_at if scored else None,
                     "annual_objectives": serves.get(i.key_result.objective_id, []),
                     "tracked": work.get(i.pk)})
    return rows


@login_required
def portfolio(request):
    unit, annual = _scope(request)
    status = _status(request)
    if status:
        listed = selectors.initiatives_with_status(
            status, unit=unit, annual_objective=annual.key if annual else None)
        if response := exports.respond(
                request, "initiatives", EXPORT_COLUMNS,
                lambda: _status_rows(list(listed), selectors.portfolio(
                    unit=unit, annual_objective=annual.key if annual else None)),
                what="Initiatives" + ("" if status == "all" else f" ({status})")):
            return response
        return render(request, "portfolio/list.html", {
            "nav": "portfolio", "unit": unit, "annual": annual, "status": status,
            "status_label": dict(STATUS_CHOICES)[status], "status_choices": STATUS_CHOICES,
            "listed": listed[:LISTED], "listed_count": listed.count(), "page_size": LISTED,
            "unit_options": unit_options(unit),
            "annuals": AnnualObjective.objects.filter(archived_at__isnull=True)
                                              .order_by("-year", "key")})
    found = selectors.portfolio(unit=unit, annual_objective=annual.key if annual else None)
    if response := exports.respond(request, "portfolio", EXPORT_COLUMNS,
                                   lambda: _export_rows(found),
                                   what="Initiative portfolio"):
        return response
    ranked = [wsjf.Ranked(rank=r.rank, score=r.score, tie_break=r.tie_break) for r in found.rows]
    # The chart places every scored initiative; the table lists the highest LISTED (some
    # hundreds are scored at 20,000 people: rendering 600 rows took most of the page's
    # half second). The export and the API have them all.
    shown = found.rows[:LISTED]
    found.read_whole(shown)
    return render(request, "portfolio/list.html", {
        "nav": "portfolio", "found": found, "shown": shown, "page_size": LISTED,
        "unit": unit, "annual": annual,
        "tracked_any": _with_tracked_work(found, shown),
        "chart": chart.scatter_svg(ranked) if ranked else "",
        "unit_options": unit_options(unit),
        "annuals": AnnualObjective.objects.filter(archived_at__isnull=True).order_by("-year", "key"),
        "status": "", "status_choices": STATUS_CHOICES,
        "can_score": services.can_score(request.user, unit),
        "sessions": ScoringSession.objects.select_related("unit", "recorded_by")
                                          .prefetch_related("participants")[:5],
        "scale": wsjf.SCALE})


def _with_tracked_work(found: selectors.Portfolio, rows: list[selectors.Row]) -> bool:
    """Mark each initiative the page shows (the ranked `rows` listed, the first unscored)
    with its work tracked elsewhere (`tracked_work`), asking the providers once for them
    all, so the page's queries do not grow with its rows. True when any has some."""
    shown = [r.initiative for r in rows]
    if found.unscored_count:  # the template counts them anyway; read only when shown
        shown += found.unscored_first
    work = tracked.work_of(i.pk for i in shown)
    for initiative in shown:
        initiative.tracked_work = work.get(initiative.pk, [])
    return bool(work)


@login_required
def score(request):
    unit, _ = _scope(request)
    if not services.can_score(request.user, unit):
        raise PermissionDenied("you are not allowed to score these initiatives")
    initiatives = list(selectors.open_initiatives(unit=unit))
    latest = selectors.latest_scores(i.pk for i in initiatives)
    form = ScoringSessionForm(request.POST or None, initiatives=initiatives)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            session = services.record_scoring_session(
                request.user, scores=form.cleaned_data["scores"],
                unit=unit.key if unit else None, participants=form.cleaned_data["people"],
                note=form.cleaned_data["note"])
        except errors.PermissionDenied as e:
            raise PermissionDenied(str(e)) from e
        except errors.DomainError as e:
            form.domain_errors = e.errors
            status = 400
        else:
            messages.success(request, f"Scores of {session.scores.count()} initiatives recorded.")
            return redirect(f"/portfolio/{'?unit=' + unit.key if unit else ''}")
    elif request.method == "POST":
        status = 400
    rows = form.rows()
    for row in rows:
        row["last"] = latest.get(row["initiative"].pk)
    return render(request, "portfolio/score.html", {
        "nav": "portfolio", "form": form, "unit": unit, "rows": rows,
        "scale_choices": SCALE_CHOICES, "columns": wsjf.COLUMN_NAMES,
        "domain_errors": getattr(form, "domain_errors", [])}, status=status)


# Flow and WIP limits ---------------------------------------------------------------------


@login_required
def flow_page(request):
    today = clock.today()
    cycles = selectors.quarters()
    unit = _named(Unit, request.GET.get("unit"), "unit", archived_at__isnull=True)
    cycle = selectors.pick_quarter(request.GET.get("cycle"), today, cycles)
    report = selectors.flow_of(unit, cycle, today) if cycle else None
    measured = report.flow if report else None
    load = selectors.load_of(unit) if unit else None
    # A large organisation has hundreds of units with work in progress: the page lists
    # those with a limit (the over-limit first); the API and CLI give every unit.
    loads = [] if unit else selectors.loads(limited_only=True)
    return render(request, "portfolio/flow.html", {
        "nav": "portfolio", "unit": unit, "cycle": cycle, "cycles": cycles, "report": report,
        "flow": measured, "load": load, "loads": loads,
        "cfd": flow_chart.cumulative_flow_svg(measured) if measured else "",
        "wip_chart": flow_chart.wip_svg(measured, report.limit) if measured else "",
        "units": Unit.objects.filter(archived_at__isnull=True).order_by("name"),
        "can_set_limit": bool(unit) and services.can_set_wip_limit(request.user, unit),
        "statuses": Initiative.Status.choices,
        "open": _open_with_rights(request.user, unit),
        "tolerance": int(flow.LITTLE_TOLERANCE * 100)})


@login_required
@require_POST
def set_wip_limit(request, key: str):
    unit = get_object_or_404(Unit, key=key, archived_at__isnull=True)
    raw = (request.POST.get("limit") or "").strip()
    back = f"/portfolio/flow/?unit={unit.key}"
    if raw and not raw.isdigit():
        messages.error(request, f'WIP limit: "{raw[:20]}" is not a whole number.')
        return redirect(back)
    try:
        services.set_wip_limit(request.user, unit, int(raw) if raw else None)
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.DomainError as e:
        messages.error(request, "WIP limit: " + "; ".join(x.message for x in e.errors))
    else:
        messages.success(request, f"{unit.name}'s WIP limit is now {raw}." if raw
                         else f"{unit.name} has no WIP limit now.")
    return redirect(back)


@login_required
@require_POST
def change_status(request, key: str):
    """Change an initiative's status (okrs' service); a start over the unit's WIP limit
    is saved and the warning shown. Stopping or pausing one needs a reason and goes to
    the trade-off register (portfolio.services.change_status)."""
    initiative = get_object_or_404(Initiative.objects.select_related(
        "key_result__objective__unit", "key_result__objective__cycle"), key=key,
        archived_at__isnull=True)
    unit = initiative.key_result.objective.unit
    back = f"/portfolio/flow/?unit={unit.key}"
    before = initiative.status
    try:
        saved = services.change_status(request.user, initiative,
                                       status=request.POST.get("status") or "",
                                       reason=request.POST.get("reason") or "")
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.DomainError as e:
        messages.error(request, f"{initiative.key}: " + "; ".join(x.message for x in e.errors))
        return redirect(back)
    messages.success(request, f"{saved.key} is now {saved.get_status_display().lower()}."
                     + (" The trade-off is in the register."
                        if services.deprioritisation(before, saved.status) else ""))
    for warning in saved.warnings:
        messages.warning(request, warning)
    return redirect(back)


def _open_with_rights(user, unit: Unit | None) -> list[Initiative]:
    """The unit's own open initiatives, each marked with whether the person may change it."""
    if unit is None:
        return []
    found = list(selectors.open_initiatives(unit=unit).filter(key_result__objective__unit=unit)
                 .select_related("key_result__owner"))
    for i in found:
        i.editable = permissions.can_edit_initiative(user, initiative=i)
    return found
