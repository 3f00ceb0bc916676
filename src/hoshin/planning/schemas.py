"""API shapes of planning: readiness surveys, alignment rounds, briefs and the gate."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from annotated_types import Ge, Le
from ninja import Field, Schema

from hoshin.core import limits
from hoshin.core.api import Count, Input, whole
from hoshin.okrs.models import Cycle, TradeOff
from hoshin.planning import concordance, readiness, services
from hoshin.planning.models import AlignmentRound, ReadinessSurvey

CycleState = Literal[tuple(Cycle.State.values)]
Likert = whole(Ge(1), Le(5))


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# Readiness ------------------------------------------------------------------------------


class QuestionOut(Schema):
    id: str
    dimension: str
    text: str
    reverse: bool = Field(..., description="Agreeing is the bad answer; scored 6 − answer.")


class DimensionOut(Schema):
    id: str
    name: str
    questions: list[QuestionOut]


class SurveyIn(Input):
    cycle: str = Field(..., description="Id of the year or quarter.")


class SurveyOut(Schema):
    cycle: str
    open: bool
    responses: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class ResponseIn(Input):
    answers: dict[str, Likert] = Field(..., description="Question id → 1 (strongly disagree) "
                                                        "… 5 (strongly agree); all sixteen.")


class ResponseOut(Schema):
    cycle: str
    respondent: str
    answers: dict[str, int]
    scores: dict[str, float] = Field(..., description="Dimension → 1–5, higher = readier.")
    updated_at: dt.datetime


class DimensionResultOut(Schema):
    id: str
    name: str
    mean: float
    lowest: float
    highest: float
    stdev: float
    level: Literal["weak", "watch", "strong"]
    divided: bool = Field(..., description="Leaders' scores differ by a standard deviation "
                                           "of 1 or more.")


class RecommendationOut(Schema):
    dimension: str
    text: str


class ResultsOut(Schema):
    cycle: str
    respondents: int
    overall: float | None
    overall_lowest: float | None
    overall_highest: float | None
    ready: bool
    dimensions: list[DimensionResultOut]
    recommendations: list[RecommendationOut]


def questions_out() -> list[dict]:
    return [{"id": d.key, "name": d.name,
             "questions": [{"id": q.key, "dimension": q.dimension, "text": q.text,
                            "reverse": q.reverse}
                           for q in readiness.QUESTIONS if q.dimension == d.key]}
            for d in readiness.DIMENSIONS]


def survey_out(s: ReadinessSurvey) -> dict:
    return {"cycle": s.cycle.key, "open": s.is_open, "responses": s.responses.count(),
            "opened_at": s.opened_at, "closed_at": s.closed_at}


def response_out(r) -> dict:
    return {"cycle": r.survey.cycle.key, "respondent": r.respondent.email,
            "answers": r.answers, "scores": readiness.respondent_scores(r.answers),
            "updated_at": r.updated_at}


def results_out(cycle: Cycle, res: readiness.Results) -> dict:
    return {"cycle": cycle.key, "respondents": res.respondents, "overall": _r(res.overall),
            "overall_lowest": _r(res.overall_lowest), "overall_highest": _r(res.overall_highest),
            "ready": res.ready,
            "dimensions": [{"id": d.key, "name": d.name, "mean": _r(d.mean),
                            "lowest": _r(d.lowest), "highest": _r(d.highest),
                            "stdev": _r(d.stdev), "level": d.level, "divided": d.divided}
                           for d in res.dimensions],
            "recommendations": [{"dimension": r.dimension, "text": r.text}
                                for r in res.recommendations]}


# Alignment ------------------------------------------------------------------------------


# A candidate written as free text or an id: as long as a title.
ItemText = Annotated[str, Field(max_length=limits.TITLE_LENGTH)]


class ItemIn(Input):
    title: str = Field(None)
    link: str = Field(None, description="Id of an annual objective or improvement priority.")


class RoundIn(Input):
    cycle: str
    title: str = Field(None)
    items: list[ItemText | ItemIn] = Field(..., description='Candidates: free text, an id ("A1") '
                                                       'or {"title", "link"}.')
    executives: list[str] = Field(..., description="Emails of the executives who rank.")
    threshold: float = Field(None, description="Minimum Kendall's W for drafting to open "
                                               f"(default {concordance.DEFAULT_THRESHOLD}).")


class AlignmentItemOut(Schema):
    id: int
    title: str
    link: str | None


class AlignmentRoundOut(Schema):
    id: int
    cycle: str
    title: str
    threshold: float
    open: bool
    items: list[AlignmentItemOut]
    executives: list[str]
    ranked: list[str] = Field(..., description="Who has ranked (not how).")
    w: float | None = Field(..., description="Kendall's W, once the round is closed.")
    passed: bool | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class RankingIn(Input):
    positions: dict[str, Count | None] = Field(
        ..., description="Item id → position, 1 = most important. Equal positions tie; "
                         "items left out (or null) tie after the ranked ones.")


class RankingOut(Schema):
    round: int
    executive: str
    positions: dict[str, int]
    updated_at: dt.datetime


class PairOut(Schema):
    a: str
    b: str
    rho: float | None = Field(..., description="Spearman's rho between the two executives.")


class SpreadOut(Schema):
    item: int
    mean_rank: float
    lowest: float
    highest: float
    spread: float
    stdev: float


class RoundResultOut(Schema):
    round: int
    w: float | None
    strength: str
    threshold: float
    passed: bool
    chi_square: float | None
    rank_table: dict[str, dict[str, float]] = Field(..., description="Executive → item id → "
                                                                     "rank (ties as midranks).")
    mean_ranks: dict[str, float]
    consensus: list[int] = Field(..., description="Item ids by mean rank.")
    pairs: list[PairOut] = Field(..., description="Every pair, most disagreeing first.")
    spreads: list[SpreadOut] = Field(..., description="Every item, widest spread first.")


def round_out(r: AlignmentRound) -> dict:
    return {"id": r.pk, "cycle": r.cycle.key, "title": r.title, "threshold": r.threshold,
            "open": r.is_open,
            "items": [{"id": i.pk, "title": i.title, "link": i.link_key or None}
                      for i in r.items.select_related("annual_objective", "priority")],
            "executives": [p.email for p in r.executives.order_by("email")],
            "ranked": sorted(r.rankings.values_list("executive__email", flat=True)),
            "w": _r(r.w), "passed": None if r.is_open else r.passed,
            "opened_at": r.opened_at, "closed_at": r.closed_at}


def ranking_out(k) -> dict:
    return {"round": k.round_id, "executive": k.executive.email, "positions": k.positions,
            "updated_at": k.updated_at}


def result_out(r: AlignmentRound, c: concordance.Concordance) -> dict:
    return {"round": r.pk, "w": _r(c.w), "strength": concordance.strength(c.w),
            "threshold": r.threshold, "passed": c.passes(r.threshold),
            "chi_square": _r(c.chi_square),
            "rank_table": {e: dict(ranks) for e, ranks in c.ranks.items()},
            "mean_ranks": {k: _r(v) for k, v in c.mean_ranks.items()},
            "consensus": [int(i) for i in c.consensus],
            "pairs": [{"a": p.a, "b": p.b, "rho": _r(p.rho)} for p in c.pairs],
            "spreads": [{"item": int(s.item), "mean_rank": _r(s.mean_rank), "lowest": s.lowest,
                         "highest": s.highest, "spread": s.spread, "stdev": _r(s.stdev)}
                        for s in c.spreads]}


# Brief and gate -------------------------------------------------------------------------


class BriefIn(Input):
    success: str = Field(None, description="What success looks like at quarter end.")
    risks: str = Field(None)
    constraints: str = Field(None)


class BriefThemeOut(Schema):
    id: str
    title: str
    success: str
    annual_objectives: list[str]
    drafts: int = Field(..., description="Objectives that name this theme as their parent.")


class BriefTradeOffOut(Schema):
    id: int
    title: str
    kind: Literal[tuple(TradeOff.Kind.values)]
    reason: str
    decided_by: str | None
    decided_on: dt.date
    source: Literal[tuple(TradeOff.Source.values)]
    superseded_by: int | None = Field(..., description="The register entry that replaced it "
                                      "(GET /trade-offs/{id}).")


class BriefOut(Schema):
    cycle: str
    success: str
    risks: str
    constraints: str
    themes: list[BriefThemeOut]
    trade_offs: list[BriefTradeOffOut]
    warnings: list[str] = Field(..., description="E.g. more than 3 themes.")


def brief_out(view: services.BriefView) -> dict:
    b = view.brief
    return {"cycle": view.cycle.key, "success": b.success if b else "",
            "risks": b.risks if b else "", "constraints": b.constraints if b else "",
            "themes": [{"id": t.key, "title": t.title, "success": t.success,
                        "annual_objectives": [a.key for a in t.annual_objectives.all()],
                        "drafts": view.drafts_by_theme.get(t.id, 0)} for t in view.themes],
            "trade_offs": [{"id": t.pk, "title": t.title, "kind": t.kind, "reason": t.reason,
                            "decided_by": t.decided_by.email if t.decided_by else None,
                            "decided_on": t.decided_on, "source": t.source,
                            "superseded_by": None if t.is_current else t.superseded_by.pk}
                           for t in view.trade_offs],
            "warnings": view.warnings}


class MoveIn(Input):
    state: CycleState
    override_reason: str = Field(None, description="Needed to open drafting when the latest "
                                                   "closed alignment round is below its "
                                                   "threshold or there is none; recorded.")


class OverrideOut(Schema):
    from_state: str
    to_state: str
    reason: str
    by: str | None
    at: dt.datetime
    round: int | None
    w: float | None
    threshold: float | None


class GateOut(Schema):
    cycle: str
    state: CycleState
    passed: bool
    reason: str
    round: int | None
    w: float | None
    threshold: float
    overrides: list[OverrideOut]


def gate_out(cycle: Cycle) -> dict:
    g = services.gate(cycle)
    return {"cycle": cycle.key, "state": cycle.state, "passed": g.passed, "reason": g.reason,
            "round": g.round.pk if g.round else None, "w": _r(g.w), "threshold": g.threshold,
            "overrides": [{"from_state": o.from_state, "to_state": o.to_state,
                           "reason": o.reason, "by": o.by.email if o.by else None, "at": o.at,
                           "round": o.round_id, "w": _r(o.w), "threshold": o.threshold}
                          for o in cycle.gate_overrides.select_related("by")]}
