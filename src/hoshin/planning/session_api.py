"""REST API of the quarter's alignment session (mounted on planning's router)."""

from __future__ import annotations

from ninja import Field
from ninja.responses import Status

from hoshin.core.api import ERRORS, Input
from hoshin.planning import session_services as sessions
from hoshin.planning.api import router
from hoshin.planning.models import AlignmentSession, SessionDecision

SESSION = ["alignment session"]


class OpenIn(Input):
    cycle: str


class DecisionIn(Input):
    fingerprint: str
    kind: str
    reason: str = ""
    # As long as the columns that keep them (SessionDecision).
    subject: str = Field("", max_length=60)
    target: str = Field("", max_length=60)
    providing_unit: str = Field("", max_length=60)


class CloseIn(Input):
    override_reason: str | None = None


def decision_out(d: SessionDecision | None) -> dict | None:
    if d is None:
        return None
    return {"fingerprint": d.fingerprint, "code": d.code, "finding": d.finding, "kind": d.kind,
            "reason": d.reason, "subject": d.subject, "target": d.target,
            "providing_unit": d.providing_unit, "applied": d.applied,
            "decided_by": d.decided_by.email if d.decided_by else None,
            "decided_at": d.decided_at.isoformat()}


def session_out(session: AlignmentSession) -> dict:
    """The grouped report with decisions: what the API and `hoshin session --format json`
    give."""
    agenda = sessions.agenda(session)
    return {
        "cycle": session.cycle.key, "state": session.state,
        "opened_by": session.opened_by.email if session.opened_by else None,
        "opened_at": session.opened_at.isoformat(),
        "closed_by": session.closed_by.email if session.closed_by else None,
        "closed_at": session.closed_at.isoformat() if session.closed_at else None,
        "reruns": session.reruns,
        "decided": agenda.decided, "findings": len(agenda.entries),
        "blocking": [e.fingerprint for e in agenda.blocking],
        "questions": [{"key": g.key, "question": g.question, "count": len(g.entries),
                       "findings": [{"fingerprint": e.fingerprint, "code": e.code,
                                     "severity": e.severity, "message": e.message,
                                     "items": e.items, "decision": decision_out(e.decision)}
                                    for e in g.entries]}
                      for g in agenda.groups],
        "approved": session.approved or None,
        "opening_counts": session.opening_report.get("counts", {}),
    }


@router.get("/planning/sessions/{cycle}", response={200: dict, **ERRORS}, tags=SESSION,
            summary="The alignment session: findings by question, with their decisions")
def get_alignment_session(request, cycle: str):
    return session_out(sessions.get_session(cycle))


@router.post("/planning/sessions", response={201: dict, **ERRORS}, tags=SESSION,
             summary="Open the quarter's alignment session (runs the analyzer)")
def open_alignment_session(request, payload: OpenIn):
    return Status(201, session_out(sessions.open_session(request.auth, payload.cycle)))


@router.post("/planning/sessions/{cycle}/decisions", response={201: dict, **ERRORS},
             tags=SESSION, summary="Decide on one finding (the change is made at once)")
def decide_on_finding(request, cycle: str, payload: DecisionIn):
    decision = sessions.decide(request.auth, sessions.get_session(cycle), **payload.dict())
    return Status(201, decision_out(decision))


@router.post("/planning/sessions/{cycle}/rerun", response={200: dict, **ERRORS}, tags=SESSION,
             summary="Run the analyzer again; decided findings stay decided")
def rerun_session(request, cycle: str):
    return session_out(sessions.rerun(request.auth, sessions.get_session(cycle)))


@router.post("/planning/sessions/{cycle}/close", response={200: dict, **ERRORS}, tags=SESSION,
             summary="Close with the approved OKR set; the quarter becomes active")
def close_session(request, cycle: str, payload: CloseIn | None = None):
    reason = payload.override_reason if payload else None
    return session_out(sessions.close(request.auth, sessions.get_session(cycle), reason))
