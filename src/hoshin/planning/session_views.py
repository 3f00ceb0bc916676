"""The alignment session page: the analyzer's findings by question, a decision form on each,
re-run and close. Plain forms that post back here (no JS needed); errors show next to
the finding they belong to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from hoshin.core.errors import DomainError
from hoshin.okrs.models import Cycle
from hoshin.planning import services
from hoshin.planning import session_services as sessions
from hoshin.planning.models import SessionDecision
from hoshin.org import permissions
from hoshin.org.decorators import domain_errors_as_http, forbid_viewers

LINKS = {"objective": "okrs:objective", "key_result": "okrs:key_result",
         "annual_objective": "strategy:annual", "improvement_priority": "strategy:priority"}


def _link(item: dict) -> str:
    name = LINKS.get(item["type"])
    try:
        return reverse(name, args=[item["id"]]) if name else ""
    except NoReverseMatch:
        return ""


def _errors(exc: DomainError) -> dict[str, str]:
    return {e.field: e.message for e in exc.errors}


@login_required
@forbid_viewers
@domain_errors_as_http
def session_page(request, cycle: str):
    cycle_obj = services.get_cycle(cycle)
    user = request.user
    here = reverse("planning:session", args=[cycle_obj.key])
    session = sessions.session_for(cycle_obj)
    failed: dict[str, dict] = {}  # fingerprint (or "close"/"open") → field → message
    posted: dict[str, str] = {}
    if request.method == "POST":
        # Rights before the form: every action here needs at least the right to decide.
        permissions.require(sessions.can_decide(user), "act in the alignment session")
        action = request.POST.get("action")
        try:
            if action == "open":
                sessions.open_session(user, cycle_obj)
                messages.success(request, "The session is open: the analyzer ran on the plan.")
                return redirect(here)
            if session is None:
                return redirect(here)
            if action == "decide":
                mark = request.POST.get("fingerprint", "")
                posted = {k: request.POST.get(k, "") for k in
                          ("fingerprint", "kind", "reason", "subject", "target",
                           "providing_unit")}
                try:
                    decision = sessions.decide(user, session, mark,
                                               posted["kind"], reason=posted["reason"],
                                               subject=posted["subject"],
                                               target=posted["target"],
                                               providing_unit=posted["providing_unit"])
                except DomainError as exc:
                    if exc.status_code == 403:
                        raise
                    failed[mark] = _errors(exc)
                else:
                    messages.success(request, f"Decided: {decision.get_kind_display()} "
                                              f"({decision.code}).")
                    return redirect(f"{here}#q-top")
            elif action == "rerun":
                sessions.rerun(user, session)
                messages.success(request, "The analyzer ran again; decisions are kept.")
                return redirect(here)
            elif action == "close":
                try:
                    sessions.close(user, session, request.POST.get("override_reason") or None)
                except DomainError as exc:
                    if exc.status_code == 403:
                        raise
                    failed["close"] = _errors(exc)
                else:
                    messages.success(request, f"Session closed: {cycle_obj.key} is active.")
                    return redirect(here)
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            failed[action or "open"] = _errors(exc)
        session = sessions.session_for(cycle_obj)
    agenda = sessions.agenda(session) if session else None
    if agenda:
        for entry in agenda.entries:
            for item in entry.items:
                item["url"] = _link(item)
            entry.errors = failed.get(entry.fingerprint, {})
            entry.posted = posted if posted.get("fingerprint") == entry.fingerprint else {}
            entry.types = {i["type"] for i in entry.items}
        # An error about a finding no longer on the agenda (the report moved on) or about
        # a re-run has no place of its own: say it at the top.
        shown = {e.fingerprint for e in agenda.entries} | {"close", "open"}
        for mark, errors in failed.items():
            if mark not in shown:
                messages.error(request, " ".join(errors.values()))
    can_run = sessions.can_run(user)
    is_open = session is not None and session.state == "open"
    return render(request, "planning/session.html", {
        "nav": "planning", "cycle": cycle_obj, "session": session, "agenda": agenda,
        "can_decide": is_open and sessions.can_decide(user),
        "can_run": is_open and can_run,
        "can_open": session is None and can_run and cycle_obj.kind == Cycle.Kind.QUARTER
        and cycle_obj.state in (Cycle.State.DRAFT, Cycle.State.PLANNING),
        "kinds": SessionDecision.Kind.choices, "failed": failed,
        "gated": cycle_obj.state == Cycle.State.DRAFT,
    })
