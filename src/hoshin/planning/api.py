"""REST API of planning: the readiness diagnostic, executive alignment rounds, the
quarter's brief and moving a cycle through the drafting gate."""

from ninja import Query, Router
from ninja.responses import Status

from hoshin.core.api import ERRORS
from hoshin.core.errors import NotFound, PermissionDenied
from hoshin.okrs.models import Cycle
from hoshin.planning import schemas as s
from hoshin.planning import services
from hoshin.planning.models import AlignmentRound, ReadinessSurvey

router = Router(tags=["planning"])
READINESS = ["readiness"]
ALIGNMENT = ["alignment"]
BRIEF = ["strategic brief"]


# Readiness ------------------------------------------------------------------------------


@router.get("/planning/questions", response={200: list[s.DimensionOut], **ERRORS},
            tags=READINESS, summary="The readiness questionnaire, by dimension")
def readiness_questions(request):
    return s.questions_out()


@router.get("/planning/surveys", response={200: list[s.SurveyOut], **ERRORS}, tags=READINESS)
def list_surveys(request):
    return [s.survey_out(x) for x in ReadinessSurvey.objects.select_related("cycle")
            .order_by("cycle__start", "cycle__kind")]


@router.post("/planning/surveys", response={201: s.SurveyOut, **ERRORS}, tags=READINESS,
             summary="Open the readiness survey of a cycle (strategy office)")
def open_survey(request, payload: s.SurveyIn):
    return Status(201, s.survey_out(services.open_survey(request.auth, payload.cycle)))


@router.post("/planning/surveys/{cycle}/close", response={200: s.SurveyOut, **ERRORS},
             tags=READINESS)
def close_survey(request, cycle: str):
    return s.survey_out(services.close_survey(request.auth, services.get_survey(cycle)))


@router.get("/planning/surveys/{cycle}/response", response={200: s.ResponseOut, **ERRORS},
            tags=READINESS, summary="My answers")
def my_readiness_response(request, cycle: str):
    mine = services.my_response(services.get_survey(cycle), request.auth)
    if mine is None:
        raise NotFound.field("cycle", "you have not answered this survey")
    return s.response_out(mine)


@router.put("/planning/surveys/{cycle}/response", response={200: s.ResponseOut, **ERRORS},
            tags=READINESS, summary="Answer (or revise) the questionnaire, while it is open")
def answer_readiness(request, cycle: str, payload: s.ResponseIn):
    return s.response_out(services.save_response(request.auth, services.get_survey(cycle),
                                                 payload.answers))


@router.get("/planning/surveys/{cycle}/results", response={200: s.ResultsOut, **ERRORS},
            tags=READINESS, summary="Scores per dimension and overall, spread, what to fix")
def readiness_results(request, cycle: str):
    """Shown to the strategy office always, to everyone once enough leaders have answered
    that nobody's answers can be told apart."""
    survey = services.get_survey(cycle)
    if not services.can_see_results(request.auth, survey):
        raise PermissionDenied(f"results are shared once {services.MIN_SHARED_RESPONSES} "
                               "leaders have answered")
    return s.results_out(survey.cycle, services.survey_results(survey))


@router.get("/planning/surveys/{cycle}/responses", response={200: list[s.ResponseOut],
                                                              **ERRORS},
            tags=READINESS, summary="Every leader's answers (strategy office only)")
def readiness_responses(request, cycle: str):
    if not services.can_see_answers(request.auth):
        raise PermissionDenied("individual answers are for the strategy office only")
    survey = services.get_survey(cycle)
    return [s.response_out(r) for r in survey.responses.select_related("respondent",
                                                                        "survey__cycle")]


# Alignment ------------------------------------------------------------------------------


@router.get("/planning/rounds", response={200: list[s.AlignmentRoundOut], **ERRORS}, tags=ALIGNMENT)
def list_rounds(request, cycle: str = Query(None, description="Id of the cycle.")):
    rows = AlignmentRound.objects.select_related("cycle").order_by("opened_at", "id")
    if cycle:
        rows = rows.filter(cycle=services.get_cycle(cycle))
    return [s.round_out(r) for r in rows]


@router.post("/planning/rounds", response={201: s.AlignmentRoundOut, **ERRORS}, tags=ALIGNMENT,
             summary="Open an alignment round (strategy office)")
def open_round(request, payload: s.RoundIn):
    data = payload.given()
    items = [i if isinstance(i, str) else i.given() for i in payload.items]
    round_ = services.open_round(request.auth, payload.cycle, items=items,
                                 executives=payload.executives, title=data.get("title", ""),
                                 threshold=data.get("threshold"))
    return Status(201, s.round_out(round_))


@router.get("/planning/rounds/{id}", response={200: s.AlignmentRoundOut, **ERRORS}, tags=ALIGNMENT)
def get_round(request, id: int):
    return s.round_out(services.get_round(id))


@router.get("/planning/rounds/{id}/ranking", response={200: s.RankingOut, **ERRORS},
            tags=ALIGNMENT, summary="My ranking")
def my_ranking(request, id: int):
    mine = services.get_round(id).rankings.filter(executive=request.auth).first()
    if mine is None:
        raise NotFound.field("id", "you have not ranked in this round")
    return s.ranking_out(mine)


@router.put("/planning/rounds/{id}/ranking", response={200: s.RankingOut, **ERRORS},
            tags=ALIGNMENT, summary="Rank the candidates (the round's executives, while open)")
def rank(request, id: int, payload: s.RankingIn):
    return s.ranking_out(services.save_ranking(request.auth, services.get_round(id),
                                               payload.positions))


@router.post("/planning/rounds/{id}/close", response={200: s.AlignmentRoundOut, **ERRORS},
             tags=ALIGNMENT, summary="Close the round and keep its W (strategy office)")
def close_round(request, id: int):
    return s.round_out(services.close_round(request.auth, services.get_round(id)))


@router.get("/planning/rounds/{id}/results", response={200: s.RoundResultOut, **ERRORS},
            tags=ALIGNMENT, summary="W, rank table, disagreeing pairs and widest items")
def round_results(request, id: int):
    """Sealed until the round closes, for everyone: an executive who sees the others'
    orders first no longer ranks independently."""
    round_ = services.get_round(id)
    if not services.can_see_rankings(request.auth, round_):
        raise PermissionDenied("the rankings are sealed until the round closes")
    return s.result_out(round_, services.round_result(round_))


# Brief and gate -------------------------------------------------------------------------


@router.get("/planning/briefs/{cycle}", response={200: s.BriefOut, **ERRORS}, tags=BRIEF)
def get_brief(request, cycle: str):
    return s.brief_out(services.brief_view(services.get_cycle(cycle)))


@router.put("/planning/briefs/{cycle}", response={200: s.BriefOut, **ERRORS}, tags=BRIEF,
            summary="Write the brief's success statement, risks and constraints (themes and "
                    "trade-offs have their own endpoints)")
def put_brief(request, cycle: str, payload: s.BriefIn):
    services.save_brief(request.auth, cycle, **payload.given())
    return s.brief_out(services.brief_view(services.get_cycle(cycle)))


@router.get("/planning/cycles/{id}/gate", response={200: s.GateOut, **ERRORS},
            tags=["cycles"], summary="Whether drafting may open, and the recorded overrides")
def cycle_gate(request, id: str):
    return s.gate_out(services.get_cycle(id, "id"))


@router.post("/planning/cycles/{id}/move", response={200: s.GateOut, **ERRORS},
             tags=["cycles"], summary="Move a cycle forward through the alignment gate")
def move_cycle(request, id: str, payload: s.MoveIn):
    """Opening drafting (draft → planning or beyond) needs the latest closed alignment
    round of the cycle or its year at or above its threshold; otherwise 409 unless an
    `override_reason` is given, which is recorded with who and when."""
    cycle: Cycle = services.get_cycle(id, "id")
    cycle = services.move_cycle(request.auth, cycle, payload.state,
                                payload.given().get("override_reason"))
    return s.gate_out(cycle)


# The alignment session's endpoints live beside it and register on this router.
from hoshin.planning import session_api  # noqa: E402, F401
