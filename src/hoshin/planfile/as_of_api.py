"""The API's reads that answer "as the plan stood on a date": GET /cycles/{id}/tree,
/objectives, /objectives/{id}, /key-results and /key-results/{id} with `?as_of=`.

With `as_of` the answer is rebuilt from the history tables (hoshin.planfile.as_of), in
the same shapes as the live one; without it, okrs answers with today's plan (the `*_now`
readers of okrs/api.py). These endpoints share their paths with okrs's writes (POST
/objectives, PATCH /key-results/{id}, ...): hoshin/api.py gathers each path's methods
into one, so the paths and the OpenAPI document read as one API.
"""

from collections.abc import Callable
from typing import Literal

from django.http import JsonResponse
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import NinjaJSONEncoder

from hoshin.core.api import ERRORS, Listing, Pagination
from hoshin.okrs import api as okrs_api
from hoshin.okrs.api import ARCHIVED, CYCLE, KEY_RESULTS, OBJECTIVES, OWNER, UNIT
from hoshin.okrs.schemas import KeyResultOut, ObjectiveOut
from hoshin.org.services import get_unit
from hoshin.planfile.as_of import Items, plan_at

router = Router()

AS_OF = Query(None, description="Show the plan as it stood then, read back from the history: "
                                "a date (2026-10-01, the end of that day in the server's time "
                                "zone) or a date-time (2026-10-01T09:30:00Z). Progress and "
                                "status are judged on that day, from the check-ins up to it.")


def _listing(as_of: str | None, then: str, now: Callable[..., Listing], **filters) -> Listing:
    """Today's list from okrs (`now`); with `as_of`, the plan's `then` list as it stood."""
    if as_of:
        return Listing(Items(getattr(plan_at(as_of), then)(**filters)), lambda page: page)
    return now(**filters)


def _one(as_of: str | None, kind: str, id: str, now: Callable[[str], dict]) -> dict:
    """One objective or key result today (okrs's `now`), or as it stood on `as_of`."""
    return plan_at(as_of).one(kind, id) if as_of else now(id)


@router.get("/cycles/{id}/tree", response=okrs_api.TREE_RESPONSES, tags=["cycles"],
            summary="The alignment tree of a cycle, with progress and status")
def cycle_tree(request, id: str,
               unit: str = Query(None, description="Keep only this unit's (and its sub-units') "
                                                   "objectives; empty branches are pruned."),
               format: Literal["nested", "flat"] = Query(
                   "nested", description="nested: one root with children; flat: a list of "
                                         "nodes in depth-first order with their parent's id."),
               as_of: str = AS_OF):
    """Vision → breakthroughs → annual objectives → improvement priorities and themes →
    objectives → key results. Elements not linked upward hang from the root, so gaps show."""
    if as_of:
        if unit:
            get_unit(unit, "unit")
        tree = plan_at(as_of).tree(id, unit or None)
    else:
        tree = okrs_api.tree_now(id, unit or None)
    # The tree of a large cycle is big: it is sent as built rather than re-validated node
    # by node (its shape is the documented one, checked by the API tests).
    return JsonResponse(okrs_api.flatten_tree(tree) if format == "flat" else tree, safe=False,
                        encoder=NinjaJSONEncoder)


@router.get("/objectives", response={200: list[ObjectiveOut], **ERRORS}, tags=OBJECTIVES,
            summary="Objectives, each with its key results' progress and status")
@paginate(Pagination)
def list_objectives(request, cycle: str = CYCLE, unit: str = UNIT,
                    owner: str = Query(None, description="Objectives with a key result owned "
                                                         "by this email."),
                    parent: str = Query(None, description="Id of the annual objective, "
                                                          "improvement priority, theme or "
                                                          "objective they serve."),
                    archived: bool = ARCHIVED, as_of: str = AS_OF):
    return _listing(as_of, "objectives", okrs_api.objectives_now, cycle=cycle, unit=unit,
                    owner=owner, parent=parent, archived=archived)


@router.get("/objectives/{id}", response={200: ObjectiveOut, **ERRORS}, tags=OBJECTIVES)
def get_objective(request, id: str, as_of: str = AS_OF):
    return _one(as_of, "objective", id, okrs_api.objective_now)


@router.get("/key-results", response={200: list[KeyResultOut], **ERRORS}, tags=KEY_RESULTS)
@paginate(Pagination)
def list_key_results(request, cycle: str = CYCLE, unit: str = UNIT, owner: str = OWNER,
                     objective: str = Query(None, description="Id of the objective."),
                     archived: bool = ARCHIVED, as_of: str = AS_OF):
    return _listing(as_of, "key_results", okrs_api.key_results_now, cycle=cycle, unit=unit,
                    owner=owner, objective=objective, archived=archived)


@router.get("/key-results/{id}", response={200: KeyResultOut, **ERRORS}, tags=KEY_RESULTS)
def get_key_result(request, id: str, as_of: str = AS_OF):
    return _one(as_of, "key_result", id, okrs_api.key_result_now)
