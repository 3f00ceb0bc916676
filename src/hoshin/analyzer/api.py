"""REST API of the analyzer: the report of a cycle, the check of a draft, the rules,
the limits, and cross-unit dependencies (which the analyzer reads)."""

from django.db.models import Q
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from hoshin.analyzer import report, services
from hoshin.analyzer.models import LIMIT_FIELDS, AnalyzerSettings
from hoshin.analyzer.rules import RULES
from hoshin.analyzer.schemas import (
    AnalyzerRuleOut,
    AnalyzerSettingsOut,
    AnalyzerSettingsPatch,
    CheckReportOut,
    DependencyDecisionIn,
    DependencyDeliveredIn,
    DependencyOut,
    DependencyRequestIn,
    DraftCheckIn,
    DraftCheckOut,
    Severity,
)
from hoshin.core import clock
from hoshin.core.api import ERRORS, Listing, Pagination, live, one
from hoshin.core.memory import no_cycle_collection
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Dependency

router = Router(tags=["analyzer"])


@router.get("/check", response={200: CheckReportOut, **ERRORS},
            summary="The analyzer's findings for a cycle (the same as hoshin check --format json)")
def check(request, cycle: str = Query(None, description="Id of the quarter (default: every "
                                                        "quarter in planning or active)."),
          severity: Severity = Query("info", description="This severity or worse.")):
    with no_cycle_collection():  # see views.report_page
        return report.check(cycle, severity=severity).as_dict()


@router.post("/check/draft", response={200: DraftCheckOut, **ERRORS},
             summary="Findings for an objective draft, in the context of the stored plan")
def check_draft(request, payload: DraftCheckIn):
    draft = payload.model_dump()
    draft["key_results"] = [kr.model_dump() for kr in payload.key_results]
    # Thousands of short-lived objects and no cycles among them (see views.draft_check).
    with no_cycle_collection():
        return report.findings_dict(report.check_draft(draft))


@router.get("/check/rules", response={200: list[AnalyzerRuleOut], **ERRORS}, summary="Every rule")
def check_rules(request):
    return [{"code": r.code, "severity": r.severity, "description": r.description}
            for r in RULES.values()]


def _settings_dict(settings: AnalyzerSettings) -> dict:
    return {name: getattr(settings, name) for name in LIMIT_FIELDS}


@router.get("/check/settings", response={200: AnalyzerSettingsOut, **ERRORS},
            summary="The analyzer's limits")
def get_check_settings(request):
    return _settings_dict(AnalyzerSettings.current())


@router.patch("/check/settings", response={200: AnalyzerSettingsOut, **ERRORS},
              summary="Change the analyzer's limits (strategy office)")
def update_check_settings(request, payload: AnalyzerSettingsPatch):
    return _settings_dict(services.update_settings(request.auth, **payload.given()))


# Dependencies -----------------------------------------------------------------------------


def dependency_dicts(rows) -> list[dict]:
    today = clock.today()
    return [{"id": d.key, "key_result": d.key_result.key if d.key_result else None,
             "objective": d.objective.key if d.objective else None,
             "providing_unit": d.providing_unit.key, "description": d.description,
             "state": d.state, "note": d.note,
             "requested_by": d.requested_by.email if d.requested_by else None,
             "decided_by": d.decided_by.email if d.decided_by else None,
             "requested_at": d.requested_at.isoformat(),
             "decided_at": d.decided_at.isoformat() if d.decided_at else None,
             "deliverable": d.deliverable, "due": d.due, "delivered_on": d.delivered_on,
             "late": d.is_late(today)} for d in rows]


_RELATED = ("key_result", "objective", "providing_unit", "requested_by", "decided_by")


@router.get("/dependencies", response={200: list[DependencyOut], **ERRORS},
            tags=["dependencies"])
@paginate(Pagination)
def list_dependencies(request, state: str = Query(None), unit: str = Query(
        None, description="Dependencies this unit provides or relies on."),
        cycle: str = Query(None), archived: bool = False):
    rows = live(Dependency.objects.select_related(*_RELATED).order_by("id"), archived)
    if state:
        rows = rows.filter(state=state)
    if unit:
        rows = rows.filter(Q(providing_unit__key=unit) | Q(key_result__objective__unit__key=unit)
                           | Q(objective__unit__key=unit))
    if cycle:
        rows = rows.filter(Q(key_result__objective__cycle__key=cycle)
                           | Q(objective__cycle__key=cycle))
    return Listing(rows, dependency_dicts)


@router.post("/dependencies", response={201: DependencyOut, **ERRORS}, tags=["dependencies"],
             summary="Ask another unit for work a key result relies on")
def request_dependency(request, payload: DependencyRequestIn):
    data = payload.given()
    dep = okrs.request_dependency(request.auth, key=data.pop("id", None), **data)
    return Status(201, dependency_dicts([dep])[0])


@router.get("/dependencies/{id}", response={200: DependencyOut, **ERRORS},
            tags=["dependencies"])
def get_dependency(request, id: str):
    return dependency_dicts([one(Dependency, id, *_RELATED)])[0]


@router.post("/dependencies/{id}/accept", response={200: DependencyOut, **ERRORS},
             tags=["dependencies"], summary="The providing unit commits to the work")
def accept_dependency(request, id: str, payload: DependencyDecisionIn):
    dep = okrs.decide_dependency(request.auth, one(Dependency, id, *_RELATED), "accepted",
                                 payload.note, deliverable=payload.deliverable, due=payload.due)
    return dependency_dicts([dep])[0]


@router.post("/dependencies/{id}/decline", response={200: DependencyOut, **ERRORS},
             tags=["dependencies"], summary="The providing unit cannot take the work on")
def decline_dependency(request, id: str, payload: DependencyDecisionIn):
    dep = okrs.decide_dependency(request.auth, one(Dependency, id, *_RELATED), "declined",
                                 payload.note)
    return dependency_dicts([dep])[0]


@router.post("/dependencies/{id}/delivered", response={200: DependencyOut, **ERRORS},
             tags=["dependencies"], summary="The providing unit has delivered the work")
def deliver_dependency(request, id: str, payload: DependencyDeliveredIn):
    dep = okrs.mark_dependency_delivered(request.auth, one(Dependency, id, *_RELATED),
                                         on=payload.delivered_on)
    return dependency_dicts([dep])[0]
