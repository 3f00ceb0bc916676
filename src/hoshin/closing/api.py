"""REST API of the quarter close and the annual review.

Grades are listed per key result, never per person: no endpoint returns an owner with a
grade or sums grades by person (grades are for learning, SPEC §9)."""

from __future__ import annotations

from ninja import Field, Router, Schema

from hoshin.closing import services
from hoshin.closing.models import CarryOver, Grade
from hoshin.core.api import ERRORS, Input
from hoshin.core.errors import NotFound
from hoshin.okrs.models import Cycle, KeyResult
from hoshin.org.models import Unit

router = Router(tags=["closing"])


class GradeRow(Schema):
    key_result: str
    objective_kind: str
    suggested: float
    grade: float | None
    reason: str
    carry_over: str | None = Field(description="carry_over, drop or null")
    landing: str | None = Field(None, description="For an unfinished, undecided key result: "
                                "where a carried copy would land in the next quarter")
    needs_parent: bool = Field(False, description="Carrying it over needs a parent (give "
                               "`parent`): its objective's place cannot be worked out")


class CloseStatus(Schema):
    cycle: str
    state: str
    ready: bool
    blocking: list[str]
    key_results: list[GradeRow]


class GradeIn(Input):
    grade: float = Field(..., ge=0, le=1)
    reason: str = Field("", max_length=5000)


class CarryIn(Input):
    decision: str = Field(..., description="carry_over or drop")
    reason: str = Field(..., max_length=5000)
    into: str | None = Field(None, max_length=64, description="Quarter key (default: next).")
    parent: str | None = Field(None, max_length=64, description="Parent of the objective's "
                               "twin in that quarter, when it cannot be worked out "
                               "(`needs_parent` in the close status).")


class CarryAllIn(Input):
    reason: str = Field("", max_length=5000, description="Default: unfinished at the close.")
    parents: dict[str, str] = Field(default_factory=dict, description="Key result or "
                                    "objective key → parent key, for those that need one.")
    into: str | None = Field(None, max_length=64, description="Quarter key (default: next).")


class RetroIn(Input):
    worked: str = Field("", max_length=10000)
    did_not_work: str = Field("", max_length=10000)
    change: str = Field("", max_length=10000)
    share_as_learning: bool = False


class QuarterCloseIn(Input):
    override_reason: str = Field("", max_length=5000)


class RecordOut(Schema):
    kind: str
    key: str
    title: str
    mean_grade: float | None
    status: str
    decision: str | None
    rationale: str | None


class AnnualDecisionIn(Input):
    item_type: str = Field(..., description="annual, priority or breakthrough")
    item_key: str = Field(..., max_length=64)
    decision: str = Field(..., description="carry_over, modify or drop")
    rationale: str = Field(..., max_length=5000)
    new_title: str = Field("", max_length=300)


def _cycle(key: str) -> Cycle:
    cycle = Cycle.objects.filter(key=key, kind=Cycle.Kind.QUARTER).first()
    if cycle is None:
        raise NotFound.field("cycle", f'no quarter "{key}"')
    return cycle


def _status(cycle: Cycle) -> dict:
    cycle.refresh_from_db()
    suggested = services.suggestions(cycle)
    krs = list(services._key_results(cycle).select_related("objective").order_by("key"))
    grades = {g.key_result_id: g for g in Grade.objects.filter(key_result__in=krs)}
    carries = dict(CarryOver.objects.filter(key_result__in=krs).values_list("key_result_id",
                                                                           "decision"))
    check = services.close_check(cycle)
    into = services.next_quarter(cycle) if check.undecided else None
    places = {kr.pk: services.landing(kr.objective, into)
              for kr in check.undecided} if into else {}
    return {"cycle": cycle.key, "state": cycle.state, "ready": check.ready,
            "blocking": [x for x in check.lines() if "not required" not in x],
            "key_results": [{"key_result": kr.key, "objective_kind": kr.objective.kind,
                             "suggested": suggested.get(kr.pk, 0.0),
                             "grade": grades[kr.pk].grade if kr.pk in grades else None,
                             "reason": grades[kr.pk].reason if kr.pk in grades else "",
                             "carry_over": carries.get(kr.pk),
                             "landing": places[kr.pk].describe() if kr.pk in places else None,
                             "needs_parent": kr.pk in places and places[kr.pk].needs_parent}
                            for kr in krs]}


def _kr(key: str) -> KeyResult:
    kr = KeyResult.objects.filter(key=key).first()
    if kr is None:
        raise NotFound.field("id", f'no key result "{key}"')
    return kr


@router.get("/closing/{cycle}", response={200: CloseStatus, **ERRORS})
def close_status(request, cycle: str):
    return _status(_cycle(cycle))


@router.put("/key-results/{id}/grade", response={200: CloseStatus, **ERRORS})
def grade(request, id: str, payload: GradeIn):
    kr = _kr(id)
    services.grade_key_result(request.auth, kr, **payload.given())
    return _status(kr.objective.cycle)


@router.post("/key-results/{id}/carry-over", response={200: CloseStatus, **ERRORS})
def carry_over(request, id: str, payload: CarryIn):
    kr = _kr(id)
    services.decide_carry_over(request.auth, kr, **payload.given())
    return _status(kr.objective.cycle)


@router.post("/closing/{cycle}/accept-suggested", response={200: CloseStatus, **ERRORS})
def accept_suggested(request, cycle: str):
    """Grade every ungraded key result you may grade with its suggested grade."""
    c = _cycle(cycle)
    services.accept_suggested(request.auth, c)
    return _status(c)


@router.post("/closing/{cycle}/carry-over", response={200: CloseStatus, **ERRORS})
def carry_over_unfinished(request, cycle: str, payload: CarryAllIn):
    """Carry over every unfinished, undecided key result; all or nothing: any that needs a
    parent not given in `parents` is named in the error and nothing is written."""
    c = _cycle(cycle)
    services.carry_over_unfinished(request.auth, c, **payload.given())
    return _status(c)


@router.put("/closing/{cycle}/retrospectives/{unit}", response={200: CloseStatus, **ERRORS})
def retrospective(request, cycle: str, unit: str, payload: RetroIn):
    row = Unit.objects.filter(key=unit).first()
    if row is None:
        raise NotFound.field("unit", f'no unit "{unit}"')
    c = _cycle(cycle)
    services.write_retrospective(request.auth, c, row, **payload.given())
    return _status(c)


@router.post("/closing/{cycle}/close", response={200: CloseStatus, **ERRORS})
def close(request, cycle: str, payload: QuarterCloseIn):
    c = _cycle(cycle)
    services.close_quarter(request.auth, c, **payload.given())
    return _status(c)


def _records(year: int) -> list[dict]:
    return [{"kind": r.kind, "key": r.key, "title": r.title,
             "mean_grade": None if r.mean_grade is None else round(r.mean_grade, 2),
             "status": r.status, "decision": r.decision.decision if r.decision else None,
             "rationale": r.decision.rationale if r.decision else None}
            for r in services.annual_records(year)]


@router.get("/annual-reviews/{year}", response={200: list[RecordOut], **ERRORS})
def annual_review(request, year: int):
    return _records(year)


@router.post("/annual-reviews/{year}/decisions", response={200: list[RecordOut], **ERRORS})
def annual_decision(request, year: int, payload: AnnualDecisionIn):
    services.decide_annual(request.auth, year=year, **payload.given())
    return _records(year)
