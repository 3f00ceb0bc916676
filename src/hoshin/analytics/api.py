"""REST API of execution analytics: the same figures as `hoshin analytics … --format json`."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hoshin.analytics import report, selectors
from hoshin.analytics.selectors import Scope
from hoshin.core.api import ERRORS, Listing, Pagination
from hoshin.core.errors import NotFound, PermissionDenied
from hoshin.okrs.models import Cycle
from hoshin.org import permissions
from hoshin.org.models import Person, Unit

router = Router(tags=["analytics"])


class BandOut(Schema):
    label: str
    low: float
    high: float
    n: int = Field(..., description="graded key results in the band")
    reached: int
    reached_share: float | None
    mean_grade: float | None
    interval: list[float] | None = Field(None, description="90% Wilson interval of the share")


class RegularityOut(Schema):
    scope: str
    n: int
    bands: list[BandOut]


class BinOut(Schema):
    confidence: int
    n: int
    hits: int
    observed: float | None


class CalibrationOut(Schema):
    scope: str
    brier: float | None = Field(None, description="mean (confidence/10 − reached)², 0 is perfect")
    n: int = Field(..., description="check-ins (forecasts) counted")
    key_results: int
    base_rate: float | None
    reference: float | None = Field(None, description="the Brier score of always forecasting "
                                                      "the base rate")
    skill: float | None
    bins: list[BinOut]


class ForecastOut(Schema):
    key_result: str
    title: str
    unit: str
    unit_name: str
    cycle: str
    grade: float = Field(..., description="forecast end-of-quarter grade, 0.0–1.0")
    low: float = Field(..., description="80% interval")
    high: float
    checkins: int = Field(..., description="check-ins the trend is fitted to")
    trend_grade: float | None = Field(None, description="the key result's own trend alone")
    similar: int = Field(..., description="similar key results of closed quarters (n)")
    similar_grade: float | None = Field(None, description="their mean final grade")
    history_weight: float = Field(..., description="the history's share of the forecast")
    explanation: str
    as_of: str


class TrendOut(Schema):
    cycle: str
    objectives: int
    key_results: int
    orphan_objectives: int
    output_key_results: int
    reviews_held: int
    reviews_with_decisions: int
    decisions: int
    trade_offs: int
    counted_at: str


class TrendsOut(Schema):
    quarters: list[TrendOut]
    not_counted: list[str]


def scope_for(actor: Person | None, unit: str | None, cycle: str | None,
              person: str | None) -> Scope:
    """The scope asked for; one person's figures only for that person and the strategy
    office (grades are for learning, never for rating people)."""
    found_unit = found_cycle = found_person = None
    if unit:
        found_unit = Unit.objects.filter(key=unit, archived_at__isnull=True).first()
        if found_unit is None:
            raise NotFound.field("unit", f'no unit "{unit}"')
    if cycle:
        found_cycle = Cycle.objects.filter(key=cycle).first()
        if found_cycle is None:
            raise NotFound.field("cycle", f'no cycle "{cycle}"')
    if person:
        found_person = (Person.objects.filter(pk=int(person)) if person.isdigit()
                        else Person.objects.filter(email__iexact=person)).first()
        if found_person is None:
            raise NotFound.field("person", f'no person "{person}"')
        if not (permissions.can_edit_strategy(actor)
                or (actor is not None and actor.pk == found_person.pk)):
            raise PermissionDenied("one person's figures are for that person and the "
                                   "strategy office only")
    return Scope(unit=found_unit, cycle=found_cycle, person=found_person)


def _params(request, unit, cycle, person) -> Scope:
    return scope_for(request.auth, unit, cycle, person)


UNIT = Query(None, max_length=64, description="a unit and the units below it")
CYCLE = Query(None, max_length=64, description="one quarter")
PERSON = Query(None, max_length=254, description="key results this person owns (that "
                                                 "person and the strategy office only)")


@router.get("/analytics/regularity", response={200: RegularityOut, **ERRORS})
def regularity(request, unit: str | None = UNIT, cycle: str | None = CYCLE,
               person: str | None = PERSON):
    """Graded key results banded by the share of their quarter's weeks with a check-in."""
    return report.regularity_dict(_params(request, unit, cycle, person))


@router.get("/analytics/calibration", response={200: CalibrationOut, **ERRORS})
def calibration(request, unit: str | None = UNIT, cycle: str | None = CYCLE,
                person: str | None = PERSON):
    """Stated confidence (0–10 read as the probability of reaching the target) against
    whether the key result reached it: the Brier score and the reliability table."""
    return report.calibration_dict(_params(request, unit, cycle, person))


@router.get("/analytics/forecast", response={200: list[ForecastOut], **ERRORS})
@paginate(Pagination)
def forecast(request, unit: str | None = UNIT, cycle: str | None = CYCLE,
             person: str | None = PERSON):
    """Running key results' end-of-quarter grade forecast, lowest first: their own trend
    blended with what similar key results of closed quarters ended at, with the 80%
    interval and n (refreshed after each check-in and nightly). A list like the others:
    `?limit=&offset=`, answered as {"items": [...], "count": N}. At 20,000 people a quarter
    holds some 18,000 forecasts; one unpaged answer of them all took seconds to build."""
    scope = _params(request, unit, cycle, person)
    return Listing(selectors.forecast_query(scope),
                   lambda rows: [report.forecast_dict(f) for f in rows])


@router.get("/analytics/trends", response={200: TrendsOut, **ERRORS})
def trends(request):
    """Each quarter's counts (objectives, orphans, output key results, reviews that
    decided something, trade-offs), as last counted by the nightly job."""
    return report.trends_dict()
