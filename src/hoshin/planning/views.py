"""Planning pages: the overview of a cycle (readiness, alignment, brief, state and its
gate), the readiness questionnaire, ranking and results of an alignment round, and the
quarter's brief."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from hoshin.core.errors import DomainError
from hoshin.core.keys import key_owner
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, Theme, TradeOff
from hoshin.org import permissions
from hoshin.planning import concordance, readiness, services
from hoshin.planning.forms import (
    BriefForm,
    MoveForm,
    RankingForm,
    ReadinessForm,
    RoundForm,
    ThemeForm,
    TradeOffForm,
    add_domain_errors,
)
from hoshin.planning.models import AlignmentRound, GateOverride
from hoshin.strategy.models import AnnualObjective
from hoshin.org.decorators import domain_errors_as_http, forbid_viewers

STATE_ORDER = [s.value for s in Cycle.State]


def _cycles():
    return list(Cycle.objects.filter(archived_at__isnull=True).order_by("start", "kind"))


def _pick_cycle(request, cycles) -> Cycle | None:
    key = request.GET.get("cycle")
    if key:
        for c in cycles:
            if c.key == key:
                return c
        raise Http404(f'unknown cycle "{key}"')
    # The cycle being prepared is what people come here for.
    for state in ("draft", "planning"):
        for c in cycles:
            if c.state == state:
                return c
    return cycles[-1] if cycles else None


def _cycle(key: str) -> Cycle:
    cycle = Cycle.objects.filter(key=key).first()
    if cycle is None:
        raise Http404(f'unknown cycle "{key}"')
    return cycle


def _next_states(cycle: Cycle) -> list[tuple[str, str]]:
    """Forward moves offered here; closing a cycle is the quarter close's job."""
    here = STATE_ORDER.index(cycle.state)
    return [(s.value, s.label) for s in Cycle.State
            if here < STATE_ORDER.index(s.value) <= STATE_ORDER.index("active")]


def _theme_key(cycle: Cycle) -> str:
    """"2026-Q3-T4": the demo's and the plan file's convention, readable in every list."""
    n = Theme.objects.filter(cycle=cycle).count() + 1
    while key_owner(f"{cycle.key}-T{n}"):
        n += 1
    return f"{cycle.key}-T{n}"


def _dimension_rows(results: readiness.Results | None):
    return {d.key: d for d in results.dimensions} if results else {}


@login_required
@forbid_viewers
@domain_errors_as_http
def overview(request):
    cycles = _cycles()
    cycle = _pick_cycle(request, cycles)
    user = request.user
    can_edit = permissions.can_edit_strategy(user)
    context = {"nav": "planning", "cycles": cycles, "cycle": cycle, "can_edit": can_edit}
    if cycle is None:
        return render(request, "planning/overview.html", context)

    move_form = MoveForm(states=_next_states(cycle))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "move":
            move_form = MoveForm(request.POST, states=_next_states(cycle))
            if move_form.is_valid():
                try:
                    cycle = services.move_cycle(user, cycle, move_form.cleaned_data["to_state"],
                                                move_form.cleaned_data["override_reason"])
                except DomainError as exc:
                    if exc.status_code in (403, 404):
                        raise
                    add_domain_errors(move_form, exc, {"state": "to_state"})
                else:
                    messages.success(request, f"{cycle.key} is now {cycle.get_state_display()}.")
                    return redirect(f"{reverse('planning:overview')}?cycle={cycle.key}")
        elif action == "open-survey":
            services.open_survey(user, cycle)
            messages.success(request, f"Readiness survey for {cycle.key} is open.")
            return redirect(f"{reverse('planning:overview')}?cycle={cycle.key}")
        else:
            raise Http404("unknown action")
        cycle.refresh_from_db()

    survey = services.survey_for(cycle)
    results = None
    if survey and services.can_see_results(user, survey):
        results = services.survey_results(survey)
    trend = services.readiness_trend(user)
    rounds = list(AlignmentRound.objects.filter(cycle=cycle).prefetch_related("executives")
                  .order_by("-opened_at", "-id"))
    brief = services.brief_view(cycle) if cycle.kind == Cycle.Kind.QUARTER else None
    context.update({
        "survey": survey, "results": results,
        "my_response": services.my_response(survey, user) if survey else None,
        "is_leader": services.is_leader(user),
        "response_count": survey.responses.count() if survey else 0,
        "min_shared": services.MIN_SHARED_RESPONSES,
        "trend": trend, "dimensions": readiness.DIMENSIONS,
        "trend_rows": [(p.cycle, p.results, _dimension_rows(p.results)) for p in trend],
        "rounds": rounds, "gate": services.gate(cycle),
        "gate_applies": cycle.state == Cycle.State.DRAFT,
        "overrides": GateOverride.objects.filter(cycle=cycle).select_related("by"),
        "brief": brief, "move_form": move_form, "next_states": _next_states(cycle),
    })
    return render(request, "planning/overview.html", context)


@login_required
@forbid_viewers
@domain_errors_as_http
def readiness_page(request, cycle: str):
    cycle_obj = _cycle(cycle)
    user = request.user
    survey = services.survey_for(cycle_obj)
    if survey is None:
        raise Http404(f'cycle "{cycle_obj.key}" has no readiness survey yet')
    mine = services.my_response(survey, user)
    form = ReadinessForm(initial={k: str(v) for k, v in (mine.answers if mine else {}).items()})
    if request.method == "POST":
        action = request.POST.get("action", "answer")
        if action == "close":
            services.close_survey(user, survey)
            messages.success(request, "The readiness survey is closed.")
            return redirect(request.path)
        form = ReadinessForm(request.POST)
        if not services.is_leader(user):
            raise HttpPermissionDenied("The questionnaire is for leaders.")
        if form.is_valid():
            try:
                services.save_response(user, survey, form.cleaned_data)
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                add_domain_errors(form, exc)
            else:
                messages.success(request, "Thank you: your answers are saved. You can change "
                                          "them until the survey closes.")
                return redirect(f"{reverse('planning:overview')}?cycle={cycle_obj.key}")
    results = services.survey_results(survey) if services.can_see_results(user, survey) \
        else None
    answers = None
    if services.can_see_answers(user):
        answers = [(r.respondent, readiness.respondent_scores(r.answers))
                   for r in survey.responses.select_related("respondent")
                   .order_by("respondent__name")]
    return render(request, "planning/readiness.html", {
        "nav": "planning", "cycle": cycle_obj, "survey": survey, "form": form, "mine": mine,
        "is_leader": services.is_leader(user), "results": results, "answers": answers,
        "dimensions": readiness.DIMENSIONS, "can_edit": permissions.can_edit_strategy(user),
        "response_count": survey.responses.count(), "min_shared": services.MIN_SHARED_RESPONSES})


@login_required
@forbid_viewers
@domain_errors_as_http
def round_new(request):
    user = request.user
    if not permissions.can_edit_strategy(user):
        raise HttpPermissionDenied("Only the strategy office opens alignment rounds.")
    cycles = [c for c in _cycles() if c.state != Cycle.State.CLOSED]
    people = services.leaders()
    form = RoundForm(initial={"cycle": request.GET.get("cycle")}, cycles=cycles, people=people)
    if request.method == "POST":
        form = RoundForm(request.POST, cycles=cycles, people=people)
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_ = services.open_round(user, data["cycle"], items=form.lines(),
                                             executives=data["executives"],
                                             title=data["title"], threshold=data["threshold"])
            except DomainError as exc:
                if exc.status_code in (403,):
                    raise
                add_domain_errors(form, exc)
            else:
                messages.success(request, "The round is open: each executive ranks privately.")
                return redirect("planning:round", pk=round_.pk)
    return render(request, "planning/round_new.html", {"nav": "planning", "form": form})


@login_required
@forbid_viewers
@domain_errors_as_http
def round_page(request, pk: int):
    round_ = services.get_round(pk)
    user = request.user
    items = list(round_.items.select_related("annual_objective", "priority"))
    executives = list(round_.executives.order_by("name"))
    is_exec = any(p.pk == user.pk for p in executives)
    mine = round_.rankings.filter(executive=user).first()
    form = None
    if round_.is_open and is_exec:
        form = RankingForm(items=items, initial=mine.positions if mine else None)
    if request.method == "POST":
        action = request.POST.get("action", "rank")
        if action == "close":
            try:
                services.close_round(user, round_)
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                messages.error(request, exc.detail)
            else:
                messages.success(request, "The round is closed; the results are visible to "
                                          "everyone.")
            return redirect("planning:round", pk=round_.pk)
        if not is_exec:
            raise HttpPermissionDenied("Only the round's executives rank.")
        form = RankingForm(request.POST, items=items)
        if form.is_valid():
            try:
                services.save_ranking(user, round_, form.positions())
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                add_domain_errors(form, exc, {f"positions.{i.pk}": f"item_{i.pk}"
                                              for i in items})
            else:
                messages.success(request, "Your ranking is saved. Nobody sees it before the "
                                          "round closes.")
                return redirect("planning:round", pk=round_.pk)
    ranked = set(round_.rankings.values_list("executive_id", flat=True))
    result = None
    table = []
    if services.can_see_rankings(user, round_):
        result = services.round_result(round_)
        by_id = {str(i.pk): i for i in items}
        by_email = {p.email: p for p in executives}
        for item_id in result.consensus:
            table.append({"item": by_id[item_id], "mean": result.mean_ranks[item_id],
                          "ranks": [result.ranks[e].get(item_id) for e in result.raters]})
        result_pairs = [(by_email.get(p.a, p.a), by_email.get(p.b, p.b), p.rho)
                        for p in result.pairs[:3]]
        result_spreads = [(by_id[s.item], s) for s in result.spreads[:3] if s.spread > 0]
    return render(request, "planning/round.html", {
        "nav": "planning", "round": round_, "items": items, "executives": executives,
        "ranked": ranked, "is_exec": is_exec, "mine": mine, "form": form,
        "can_edit": permissions.can_edit_strategy(user), "result": result, "table": table,
        "raters": [next((p for p in executives if p.email == e), e) for e in result.raters]
        if result else [],
        "pairs": result_pairs if result else [], "spreads": result_spreads if result else [],
        "strength": concordance.strength(round_.w) if result else "",
        "my_positions": {int(k): v for k, v in mine.positions.items()} if mine else {}})


@login_required
@forbid_viewers
@domain_errors_as_http
def brief_page(request, cycle: str):
    cycle_obj = _cycle(cycle)
    user = request.user
    can_edit = permissions.can_edit_strategy(user) and cycle_obj.state != Cycle.State.CLOSED
    annuals = list(AnnualObjective.objects.filter(archived_at__isnull=True,
                                                  year=cycle_obj.start.year).order_by("key")) \
        or list(AnnualObjective.objects.filter(archived_at__isnull=True).order_by("key"))
    view = services.brief_view(cycle_obj)
    for theme in view.themes:
        theme.drafts = view.drafts_by_theme.get(theme.id, 0)
    brief = view.brief
    brief_form = BriefForm(initial={"success": brief.success, "risks": brief.risks,
                                    "constraints": brief.constraints} if brief else None)
    theme_form = ThemeForm(prefix="theme", annuals=annuals)
    trade_form = TradeOffForm(prefix="tradeoff")
    if request.method == "POST":
        action = request.POST.get("action")
        here = reverse("planning:brief", args=[cycle_obj.key])
        try:
            if action == "brief":
                brief_form = BriefForm(request.POST)
                if brief_form.is_valid():
                    services.save_brief(user, cycle_obj, **brief_form.cleaned_data)
                    messages.success(request, "The brief is saved.")
                    return redirect(here)
            elif action == "theme":
                theme_form = ThemeForm(request.POST, prefix="theme", annuals=annuals)
                if theme_form.is_valid():
                    okrs.save_theme(user, key=_theme_key(cycle_obj), cycle=cycle_obj.key,
                                    **theme_form.cleaned_data)
                    messages.success(request, "Theme added.")
                    return redirect(here)
            elif action == "archive-theme":
                theme = Theme.objects.filter(cycle=cycle_obj, key=request.POST.get("key")).first()
                if theme is None:
                    raise Http404("unknown theme")
                okrs.archive_theme(user, theme)
                messages.success(request, f"Theme {theme.key} archived.")
                return redirect(here)
            elif action == "trade-off":
                trade_form = TradeOffForm(request.POST, prefix="tradeoff")
                if trade_form.is_valid():
                    entry = okrs.add_trade_off(user, cycle=cycle_obj.key,
                                               source=TradeOff.Source.BRIEF,
                                               source_note=f"Strategic brief {cycle_obj.key}",
                                               **trade_form.service_kwargs())
                    messages.success(request, f"Trade-off recorded in the register "
                                              f"(entry {entry.pk}).")
                    return redirect(here)
            else:
                raise Http404("unknown action")
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            target = {"brief": brief_form, "theme": theme_form,
                      "trade-off": trade_form}.get(action, brief_form)
            add_domain_errors(target, exc)
    return render(request, "planning/brief.html", {
        "nav": "planning", "cycle": cycle_obj, "view": view, "can_edit": can_edit,
        "brief_form": brief_form, "theme_form": theme_form, "trade_form": trade_form,
        "theme_limit": services.THEME_LIMIT})
