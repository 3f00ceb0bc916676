"""Portfolio pages: the initiatives ranked by WSJF with the value/size chart, and the
scoring session where a team scores them relative to each other."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from hoshin.core import errors
from hoshin.org.models import Unit
from hoshin.portfolio import chart, selectors, services, wsjf
from hoshin.portfolio.forms import SCALE_CHOICES, ScoringSessionForm
from hoshin.portfolio.models import ScoringSession
from hoshin.strategy.models import AnnualObjective


def _scope(request):
    unit = Unit.objects.filter(key=request.GET.get("unit") or "", archived_at__isnull=True).first()
    annual = AnnualObjective.objects.filter(key=request.GET.get("annual") or "").first()
    return unit, annual


@login_required
def portfolio(request):
    unit, annual = _scope(request)
    found = selectors.portfolio(unit=unit, annual_objective=annual.key if annual else None)
    ranked = [wsjf.Ranked(rank=r.rank, score=r.score, tie_break=r.tie_break) for r in found.rows]
    return render(request, "portfolio/list.html", {
        "nav": "portfolio", "found": found, "unit": unit, "annual": annual,
        "chart": chart.scatter_svg(ranked) if ranked else "",
        "units": Unit.objects.filter(archived_at__isnull=True).order_by("name"),
        "annuals": AnnualObjective.objects.filter(archived_at__isnull=True).order_by("-year", "key"),
        "can_score": services.can_score(request.user, unit),
        "sessions": ScoringSession.objects.select_related("unit", "recorded_by")
                                          .prefetch_related("participants")[:5],
        "scale": wsjf.SCALE})


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
