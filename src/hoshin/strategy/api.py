"""REST API of the strategic plan: vision, breakthroughs, annual objectives, improvement
priorities and metrics (with their monthly actuals)."""

from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from hoshin.core.api import ERRORS, Listing, Pagination, live, one
from hoshin.core.errors import NotFound
from hoshin.strategy import services
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    ImprovementPriority,
    Metric,
    MetricActual,
    Vision,
)
from hoshin.strategy.schemas import (
    YEAR,
    AnnualObjectiveCreate,
    AnnualObjectiveOut,
    AnnualObjectivePatch,
    BreakthroughCreate,
    BreakthroughOut,
    BreakthroughPatch,
    ImprovementPriorityCreate,
    ImprovementPriorityOut,
    ImprovementPriorityPatch,
    MetricActualIn,
    MetricActualOut,
    MetricCreate,
    MetricOut,
    MetricPatch,
    VisionIn,
    VisionOut,
    annual_objective_dicts,
    breakthrough_dicts,
    improvement_priority_dicts,
    metric_actual_dict,
    metric_dicts,
)

router = Router(tags=["strategy"])

ARCHIVED = Query(False, description="Include archived items.")
OWNER = Query(None, description="Email of the owner.")


def _create(saver, actor, payload) -> dict:
    data = payload.given()
    return saver(actor, key=data.pop("id", None), **data)


# Vision -------------------------------------------------------------------------------


def _vision(vision: Vision) -> dict:
    return {"statement": vision.statement, "horizon": vision.horizon,
            "customer_ideal": vision.customer_ideal}


@router.get("/vision", response={200: VisionOut, **ERRORS})
def get_vision(request):
    vision = Vision.objects.filter(pk=1).first()
    if vision is None:
        raise NotFound.field("", "no vision has been written yet")
    return _vision(vision)


@router.put("/vision", response={200: VisionOut, **ERRORS})
def set_vision(request, payload: VisionIn):
    return _vision(services.set_vision(request.auth, **payload.given()))


# Breakthrough objectives --------------------------------------------------------------


@router.get("/breakthroughs", response={200: list[BreakthroughOut], **ERRORS})
@paginate(Pagination)
def list_breakthroughs(request, owner: str = OWNER, archived: bool = ARCHIVED):
    rows = live(Breakthrough.objects.select_related("owner").order_by("key"), archived)
    if owner:
        rows = rows.filter(owner__email=owner.lower())
    return Listing(rows, breakthrough_dicts)


@router.post("/breakthroughs", response={201: BreakthroughOut, **ERRORS})
def create_breakthrough(request, payload: BreakthroughCreate):
    obj = _create(services.save_breakthrough, request.auth, payload)
    return Status(201, breakthrough_dicts([obj])[0])


@router.get("/breakthroughs/{id}", response={200: BreakthroughOut, **ERRORS})
def get_breakthrough(request, id: str):
    return breakthrough_dicts([one(Breakthrough, id, "owner")])[0]


@router.patch("/breakthroughs/{id}", response={200: BreakthroughOut, **ERRORS})
def update_breakthrough(request, id: str, payload: BreakthroughPatch):
    obj = services.save_breakthrough(request.auth, one(Breakthrough, id), **payload.given())
    return breakthrough_dicts([obj])[0]


@router.post("/breakthroughs/{id}/archive", response={200: BreakthroughOut, **ERRORS})
def archive_breakthrough(request, id: str):
    obj = one(Breakthrough, id, "owner")
    services.archive(request.auth, obj)
    return breakthrough_dicts([obj])[0]


# Annual objectives --------------------------------------------------------------------


@router.get("/annual-objectives", response={200: list[AnnualObjectiveOut], **ERRORS})
@paginate(Pagination)
def list_annual_objectives(request, year: int = Query(None, **YEAR), owner: str = OWNER,
                           archived: bool = ARCHIVED):
    rows = live(AnnualObjective.objects.select_related("owner").order_by("year", "key"), archived)
    if year is not None:
        rows = rows.filter(year=year)
    if owner:
        rows = rows.filter(owner__email=owner.lower())
    return Listing(rows, annual_objective_dicts)


@router.post("/annual-objectives", response={201: AnnualObjectiveOut, **ERRORS})
def create_annual_objective(request, payload: AnnualObjectiveCreate):
    obj = _create(services.save_annual_objective, request.auth, payload)
    return Status(201, annual_objective_dicts([obj])[0])


@router.get("/annual-objectives/{id}", response={200: AnnualObjectiveOut, **ERRORS})
def get_annual_objective(request, id: str):
    return annual_objective_dicts([one(AnnualObjective, id, "owner")])[0]


@router.patch("/annual-objectives/{id}", response={200: AnnualObjectiveOut, **ERRORS})
def update_annual_objective(request, id: str, payload: AnnualObjectivePatch):
    obj = services.save_annual_objective(request.auth, one(AnnualObjective, id),
                                         **payload.given())
    return annual_objective_dicts([obj])[0]


@router.post("/annual-objectives/{id}/archive", response={200: AnnualObjectiveOut, **ERRORS})
def archive_annual_objective(request, id: str):
    obj = one(AnnualObjective, id, "owner")
    services.archive(request.auth, obj)
    return annual_objective_dicts([obj])[0]


# Improvement priorities ---------------------------------------------------------------


@router.get("/improvement-priorities", response={200: list[ImprovementPriorityOut], **ERRORS})
@paginate(Pagination)
def list_improvement_priorities(request, year: int = Query(None, **YEAR),
                                unit: str = Query(None, description="Id of the unit."),
                                archived: bool = ARCHIVED):
    rows = live(ImprovementPriority.objects.select_related("unit").order_by("year", "key"),
                 archived)
    if year is not None:
        rows = rows.filter(year=year)
    if unit:
        rows = rows.filter(unit__key=unit)
    return Listing(rows, improvement_priority_dicts)


@router.post("/improvement-priorities", response={201: ImprovementPriorityOut, **ERRORS})
def create_improvement_priority(request, payload: ImprovementPriorityCreate):
    obj = _create(services.save_improvement_priority, request.auth, payload)
    return Status(201, improvement_priority_dicts([obj])[0])


@router.get("/improvement-priorities/{id}", response={200: ImprovementPriorityOut, **ERRORS})
def get_improvement_priority(request, id: str):
    return improvement_priority_dicts([one(ImprovementPriority, id, "unit")])[0]


@router.patch("/improvement-priorities/{id}", response={200: ImprovementPriorityOut, **ERRORS})
def update_improvement_priority(request, id: str, payload: ImprovementPriorityPatch):
    obj = services.save_improvement_priority(request.auth, one(ImprovementPriority, id, "unit"),
                                             **payload.given())
    return improvement_priority_dicts([obj])[0]


@router.post("/improvement-priorities/{id}/archive",
             response={200: ImprovementPriorityOut, **ERRORS})
def archive_improvement_priority(request, id: str):
    obj = one(ImprovementPriority, id, "unit")
    services.archive(request.auth, obj)
    return improvement_priority_dicts([obj])[0]


# Metrics ------------------------------------------------------------------------------


@router.get("/metrics", response={200: list[MetricOut], **ERRORS})
@paginate(Pagination)
def list_metrics(request, owner: str = OWNER,
                 priority: str = Query(None, description="Metrics moved by this improvement "
                                                         "priority."),
                 archived: bool = ARCHIVED):
    rows = live(Metric.objects.select_related("owner").order_by("key"), archived)
    if owner:
        rows = rows.filter(owner__email=owner.lower())
    if priority:
        rows = rows.filter(correlations__priority__key=priority)
    return Listing(rows, metric_dicts)


@router.post("/metrics", response={201: MetricOut, **ERRORS})
def create_metric(request, payload: MetricCreate):
    obj = _create(services.save_metric, request.auth, payload)
    return Status(201, metric_dicts([obj])[0])


@router.get("/metrics/{id}", response={200: MetricOut, **ERRORS})
def get_metric(request, id: str):
    return metric_dicts([one(Metric, id, "owner")])[0]


@router.patch("/metrics/{id}", response={200: MetricOut, **ERRORS})
def update_metric(request, id: str, payload: MetricPatch):
    obj = services.save_metric(request.auth, one(Metric, id), **payload.given())
    return metric_dicts([obj])[0]


@router.post("/metrics/{id}/archive", response={200: MetricOut, **ERRORS})
def archive_metric(request, id: str):
    obj = one(Metric, id, "owner")
    services.archive(request.auth, obj)
    return metric_dicts([obj])[0]


@router.get("/metrics/{id}/actuals", response={200: list[MetricActualOut], **ERRORS},
            summary="Monthly plan and actual of a metric (the bowling chart)")
def list_metric_actuals(request, id: str):
    metric = one(Metric, id)
    return [metric_actual_dict(row)
            for row in MetricActual.objects.filter(metric=metric).order_by("period")]


@router.post("/metrics/{id}/actuals", response={200: MetricActualOut, **ERRORS},
             summary="Set one month's plan and/or actual")
def record_metric_actual(request, id: str, payload: MetricActualIn):
    row = services.record_metric_actual(request.auth, one(Metric, id), **payload.given())
    return metric_actual_dict(row)
