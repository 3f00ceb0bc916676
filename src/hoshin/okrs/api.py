"""REST API of quarterly execution: cycles (with the alignment tree), the strategic
brief, objectives, key results, check-ins and initiatives.

Five reads also answer "as the plan stood on a date" (`?as_of=`), rebuilt from the history
tables by hoshin.planfile.as_of: GET /cycles/{id}/tree, /objectives, /objectives/{id},
/key-results and /key-results/{id}. Their endpoints are in planfile/as_of_api.py, on these
paths (hoshin/api.py gathers each path's methods), and answer today's plan with the
`*_now` readers below.
"""

from django.db.models import Q
from ninja import Field, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from hoshin.core.api import ERRORS, Listing, Pagination, live, one
from hoshin.core.errors import NotFound
from hoshin.okrs import services
from hoshin.okrs.models import CheckIn, Cycle, Initiative, KeyResult, Objective, Theme, TradeOff
from hoshin.okrs.progress import alignment_tree_data
from hoshin.okrs.trade_offs import register
from hoshin.okrs.schemas import (
    INITIATIVE_RELATED,
    KR_RELATED,
    OBJECTIVE_RELATED,
    CheckInIn,
    CheckInOut,
    CycleCreate,
    CycleKind,
    CycleOut,
    CyclePatch,
    CycleState,
    CycleStateIn,
    FlatNodeOut,
    InitiativeCreate,
    InitiativeOut,
    InitiativePatch,
    InitiativeStatus,
    KeyResultCreate,
    KeyResultOut,
    KeyResultPatch,
    ObjectiveCreate,
    ObjectiveOut,
    ObjectivePatch,
    ThemeCreate,
    ThemeOut,
    ThemePatch,
    TradeOffCreate,
    TradeOffOut,
    TradeOffSource,
    TradeOffSupersede,
    TreeNodeOut,
    checkin_dicts,
    cycle_dicts,
    initiative_dicts,
    key_result_dicts,
    objective_dicts,
    theme_dicts,
    trade_off_dicts,
)
from hoshin.org.services import get_unit

router = Router()

ARCHIVED = Query(False, description="Include archived items.")
CYCLE = Query(None, description="Id of the cycle.")
UNIT = Query(None, description="Id of the unit.")
OWNER = Query(None, description="Email of the owner.")


def _create(saver, actor, payload, **extra):
    data = payload.given()
    return saver(actor, key=data.pop("id", None), **data, **extra)


# Cycles -------------------------------------------------------------------------------


@router.get("/cycles", response={200: list[CycleOut], **ERRORS}, tags=["cycles"])
@paginate(Pagination)
def list_cycles(request, state: CycleState = Query(None), kind: CycleKind = Query(None),
                archived: bool = ARCHIVED):
    rows = live(Cycle.objects.order_by("start", "kind", "key"), archived)
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    return Listing(rows, cycle_dicts)


@router.post("/cycles", response={201: CycleOut, **ERRORS}, tags=["cycles"])
def create_cycle(request, payload: CycleCreate):
    return Status(201, cycle_dicts([_create(services.save_cycle, request.auth, payload)])[0])


@router.get("/cycles/{id}", response={200: CycleOut, **ERRORS}, tags=["cycles"])
def get_cycle(request, id: str):
    return cycle_dicts([one(Cycle, id)])[0]


@router.patch("/cycles/{id}", response={200: CycleOut, **ERRORS}, tags=["cycles"])
def update_cycle(request, id: str, payload: CyclePatch):
    return cycle_dicts([services.save_cycle(request.auth, one(Cycle, id), **payload.given())])[0]


@router.post("/cycles/{id}/archive", response={200: CycleOut, **ERRORS}, tags=["cycles"])
def archive_cycle(request, id: str):
    return cycle_dicts([services.archive_cycle(request.auth, one(Cycle, id))])[0]


@router.post("/cycles/{id}/state", response={200: CycleOut, **ERRORS}, tags=["cycles"],
             summary="Move a cycle forward: draft → planning → active → closed")
def change_cycle_state(request, id: str, payload: CycleStateIn):
    # The one writer of a cycle's state, with every registered gate (the alignment test
    # before drafting opens, the close checks before a quarter closes).
    cycle = services.transition_cycle(request.auth, one(Cycle, id), payload.state,
                                      override_reason=payload.override_reason)
    return cycle_dicts([cycle])[0]


def flatten_tree(root: dict) -> list[dict]:
    """The tree as FlatNodeOut rows: depth first, each with its parent's id and depth."""
    rows: list[dict] = []
    stack: list[tuple[dict, str | None, int]] = [(root, None, 0)]
    while stack:
        node, parent, depth = stack.pop()
        rows.append({"id": node["id"], "type": node["type"], "title": node["title"],
                     "progress": node["progress"], "status": node["status"],
                     "parent": parent, "depth": depth})
        stack.extend((child, node["id"], depth + 1) for child in reversed(node["children"]))
    return rows


# GET /cycles/{id}/tree: planfile/as_of_api.py (it takes ?as_of=).
TREE_RESPONSES = {200: TreeNodeOut | list[FlatNodeOut], **ERRORS}


def tree_now(id: str, unit: str | None) -> dict:
    """The alignment tree of a cycle today, optionally of one unit and its sub-units."""
    cycle = one(Cycle, id)
    return alignment_tree_data(cycle, unit=get_unit(unit, "unit") if unit else None)


# Strategic brief ----------------------------------------------------------------------

BRIEF = ["strategic brief"]


@router.get("/themes", response={200: list[ThemeOut], **ERRORS}, tags=BRIEF)
@paginate(Pagination)
def list_themes(request, cycle: str = CYCLE, archived: bool = ARCHIVED):
    rows = live(Theme.objects.select_related("cycle").order_by("cycle__start", "key"), archived)
    if cycle:
        rows = rows.filter(cycle__key=cycle)
    return Listing(rows, theme_dicts)


@router.post("/themes", response={201: ThemeOut, **ERRORS}, tags=BRIEF)
def create_theme(request, payload: ThemeCreate):
    return Status(201, theme_dicts([_create(services.save_theme, request.auth, payload)])[0])


@router.get("/themes/{id}", response={200: ThemeOut, **ERRORS}, tags=BRIEF)
def get_theme(request, id: str):
    return theme_dicts([one(Theme, id, "cycle")])[0]


@router.patch("/themes/{id}", response={200: ThemeOut, **ERRORS}, tags=BRIEF)
def update_theme(request, id: str, payload: ThemePatch):
    theme = services.save_theme(request.auth, one(Theme, id, "cycle"), **payload.given())
    return theme_dicts([theme])[0]


@router.post("/themes/{id}/archive", response={200: ThemeOut, **ERRORS}, tags=BRIEF)
def archive_theme(request, id: str):
    return theme_dicts([services.archive_theme(request.auth, one(Theme, id, "cycle"))])[0]


TRADE_OFFS = ["trade-offs"]


def _trade_off(id: int) -> TradeOff:
    entry = register().filter(pk=id).first()
    if entry is None:
        raise NotFound.field("id", f"unknown trade-off {id}")
    return entry


@router.get("/trade-offs", response={200: list[TradeOffOut], **ERRORS}, tags=TRADE_OFFS,
            summary="The trade-off register, newest first")
@paginate(Pagination)
def list_trade_offs(request, cycle: str = CYCLE, unit: str = UNIT,
                    source: TradeOffSource = Query(None, description="Where it came from."),
                    q: str = Query(None, max_length=200, description="Words in the title, the "
                                   "reason, where it came from or who decided."),
                    current: bool = Query(False, description="Leave out superseded entries.")):
    return Listing(register(cycle=cycle, unit=unit, source=source, q=q, current_only=current),
                   trade_off_dicts)


@router.get("/trade-offs/{id}", response={200: TradeOffOut, **ERRORS}, tags=TRADE_OFFS)
def get_trade_off(request, id: int):
    return trade_off_dicts([_trade_off(id)])[0]


@router.post("/trade-offs", response={201: TradeOffOut, **ERRORS}, tags=TRADE_OFFS,
             summary="Write an entry (the reason is required; you are who decided)")
def create_trade_off(request, payload: TradeOffCreate):
    entry = services.add_trade_off(request.auth, **payload.given())
    return Status(201, trade_off_dicts([_trade_off(entry.pk)])[0])


@router.post("/trade-offs/{id}/supersede", response={201: TradeOffOut, **ERRORS},
             tags=TRADE_OFFS, summary="Replace an entry by a new one; both are kept")
def supersede_trade_off(request, id: int, payload: TradeOffSupersede):
    entry = services.supersede_trade_off(request.auth, _trade_off(id), **payload.given())
    return Status(201, trade_off_dicts([_trade_off(entry.pk)])[0])


@router.delete("/trade-offs/{id}", response={204: None, **ERRORS}, tags=TRADE_OFFS,
               summary="Refused: entries are never deleted (409); supersede instead")
def delete_trade_off(request, id: int):
    services.refuse_trade_off_removal(request.auth, _trade_off(id))


# Objectives ---------------------------------------------------------------------------

OBJECTIVES = ["objectives"]


def _objective(key: str) -> Objective:
    return one(Objective, key, *OBJECTIVE_RELATED)


# GET /objectives and /objectives/{id}: planfile/as_of_api.py (they take ?as_of=).


def objectives_now(*, cycle: str | None, unit: str | None, owner: str | None,
                   parent: str | None, archived: bool) -> Listing:
    """Objectives as they are, for GET /objectives (its filters, in its order)."""
    rows = live(Objective.objects.select_related(*OBJECTIVE_RELATED)
                .order_by("cycle__start", "unit__name", "key"), archived)
    if cycle:
        rows = rows.filter(cycle__key=cycle)
    if unit:
        rows = rows.filter(unit__key=unit)
    if owner:
        rows = rows.filter(id__in=KeyResult.objects.filter(
            owner__email=owner.lower(), archived_at__isnull=True).values("objective_id"))
    if parent:
        rows = rows.filter(Q(parent_annual__key=parent) | Q(parent_priority__key=parent)
                           | Q(parent_theme__key=parent) | Q(parent_objective__key=parent))
    return Listing(rows, objective_dicts)


@router.post("/objectives", response={201: ObjectiveOut, **ERRORS}, tags=OBJECTIVES)
def create_objective(request, payload: ObjectiveCreate):
    objective = _create(services.save_objective, request.auth, payload)
    return Status(201, objective_dicts([_objective(objective.key)])[0])


def objective_now(id: str) -> dict:
    return objective_dicts([_objective(id)])[0]


@router.patch("/objectives/{id}", response={200: ObjectiveOut, **ERRORS}, tags=OBJECTIVES)
def update_objective(request, id: str, payload: ObjectivePatch):
    services.save_objective(request.auth, _objective(id), **payload.given())
    return objective_dicts([_objective(id)])[0]


@router.post("/objectives/{id}/archive", response={200: ObjectiveOut, **ERRORS},
             tags=OBJECTIVES, summary="Archive an objective and its key results")
def archive_objective(request, id: str):
    services.archive_objective(request.auth, _objective(id))
    return objective_dicts([_objective(id)])[0]


# Key results --------------------------------------------------------------------------

KEY_RESULTS = ["key results"]


def _key_result(key: str) -> KeyResult:
    return one(KeyResult, key, *KR_RELATED)


# GET /key-results and /key-results/{id}: planfile/as_of_api.py (they take ?as_of=).


def key_results_now(*, cycle: str | None, unit: str | None, owner: str | None,
                    objective: str | None, archived: bool) -> Listing:
    """Key results as they are, for GET /key-results (its filters, in its order)."""
    rows = live(KeyResult.objects.select_related(*KR_RELATED)
                .order_by("objective__cycle__start", "objective__key", "id"), archived)
    if cycle:
        rows = rows.filter(objective__cycle__key=cycle)
    if unit:
        rows = rows.filter(objective__unit__key=unit)
    if owner:
        rows = rows.filter(owner__email=owner.lower())
    if objective:
        rows = rows.filter(objective__key=objective)
    return Listing(rows, key_result_dicts)


@router.post("/key-results", response={201: KeyResultOut, **ERRORS}, tags=KEY_RESULTS)
def create_key_result(request, payload: KeyResultCreate):
    key_result = _create(services.save_key_result, request.auth, payload)
    return Status(201, key_result_dicts([_key_result(key_result.key)])[0])


def key_result_now(id: str) -> dict:
    return key_result_dicts([_key_result(id)])[0]


@router.patch("/key-results/{id}", response={200: KeyResultOut, **ERRORS}, tags=KEY_RESULTS,
              description="Changing `target` or `baseline` needs a `reason`, kept in the history.")
def update_key_result(request, id: str, payload: KeyResultPatch):
    services.save_key_result(request.auth, _key_result(id), **payload.given())
    return key_result_dicts([_key_result(id)])[0]


@router.post("/key-results/{id}/archive", response={200: KeyResultOut, **ERRORS},
             tags=KEY_RESULTS)
def archive_key_result(request, id: str):
    services.archive_key_result(request.auth, _key_result(id))
    return key_result_dicts([_key_result(id)])[0]


CHECKINS = ["check-ins"]


@router.get("/key-results/{id}/checkins", response={200: list[CheckInOut], **ERRORS},
            tags=CHECKINS, summary="Check-in history of a key result, newest first")
@paginate(Pagination)
def list_checkins(request, id: str):
    key_result = one(KeyResult, id)
    rows = (CheckIn.objects.filter(key_result=key_result).select_related("author")
            .order_by("-date", "-id"))
    return Listing(rows, lambda page: checkin_dicts(page, key_result.key))


@router.post("/key-results/{id}/checkins", response={201: CheckInOut, **ERRORS}, tags=CHECKINS,
             summary="Check in on a key result",
             description="Check-ins are append-only: to correct one, record a new one.")
def create_checkin(request, id: str, payload: CheckInIn):
    checkin = services.record_checkin(request.auth, _key_result(id), **payload.given())
    return Status(201, checkin_dicts([checkin], id)[0])


# Initiatives --------------------------------------------------------------------------

INITIATIVES = ["initiatives"]


def _initiative(key: str) -> Initiative:
    return one(Initiative, key, *INITIATIVE_RELATED)


@router.get("/initiatives", response={200: list[InitiativeOut], **ERRORS}, tags=INITIATIVES)
@paginate(Pagination)
def list_initiatives(request, key_result: str = Query(None, description="Id of the key result."),
                     owner: str = OWNER, status: InitiativeStatus = Query(None),
                     cycle: str = CYCLE, archived: bool = ARCHIVED):
    rows = live(Initiative.objects.select_related(*INITIATIVE_RELATED).order_by("id"), archived)
    if key_result:
        rows = rows.filter(key_result__key=key_result)
    if owner:
        rows = rows.filter(owner__email=owner.lower())
    if status:
        rows = rows.filter(status=status)
    if cycle:
        rows = rows.filter(key_result__objective__cycle__key=cycle)
    return Listing(rows, initiative_dicts)


class InitiativeSaved(InitiativeOut):
    warnings: list[str] = Field(None, description="Only when the change should make you "
                                                   "reconsider it (a unit now over its WIP "
                                                   "limit); the change is saved all the same.")
    trade_off: int = Field(None, description="Only when the change stopped or paused the "
                                             "initiative: the trade-off register entry "
                                             "written with it (GET /trade-offs/{id}).")


def _saved(initiative: Initiative) -> dict:
    # Without a warning or a trade-off the answer is the initiative exactly as GET gives it.
    found = initiative_dicts([_initiative(initiative.key)])[0]
    if warnings := getattr(initiative, "warnings", []):
        found["warnings"] = warnings
    if entry := getattr(initiative, "trade_off", None):
        found["trade_off"] = entry.pk
    return found


@router.post("/initiatives", response={201: InitiativeSaved, **ERRORS}, tags=INITIATIVES,
             exclude_unset=True)
def create_initiative(request, payload: InitiativeCreate):
    initiative = _create(services.save_initiative, request.auth, payload, via="API")
    return Status(201, _saved(initiative))


@router.get("/initiatives/{id}", response={200: InitiativeOut, **ERRORS}, tags=INITIATIVES)
def get_initiative(request, id: str):
    return initiative_dicts([_initiative(id)])[0]


@router.patch("/initiatives/{id}", response={200: InitiativeSaved, **ERRORS}, tags=INITIATIVES,
              exclude_unset=True)
def update_initiative(request, id: str, payload: InitiativePatch):
    return _saved(services.save_initiative(request.auth, _initiative(id), via="API",
                                           **payload.given()))


@router.post("/initiatives/{id}/archive", response={200: InitiativeOut, **ERRORS},
             tags=INITIATIVES)
def archive_initiative(request, id: str):
    services.archive_initiative(request.auth, _initiative(id))
    return initiative_dicts([_initiative(id)])[0]
