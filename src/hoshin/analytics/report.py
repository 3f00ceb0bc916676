"""Execution analytics as plain dicts: the one shape the CLI's JSON, the API and the pages
share."""

from __future__ import annotations

from hoshin.analytics import selectors
from hoshin.analytics.selectors import Scope


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def regularity_dict(scope: Scope) -> dict:
    bands, n = selectors.regularity(scope)
    return {"scope": scope.words(), "n": n, "bands": [
        {"label": b.label, "low": b.low, "high": b.high, "n": b.n, "reached": b.reached,
         "reached_share": _round(b.reached_share), "mean_grade": _round(b.mean_grade),
         "interval": [round(v, 4) for v in b.interval] if b.interval else None}
        for b in bands]}


def calibration_dict(scope: Scope) -> dict:
    cal = selectors.calibration(scope)
    return {"scope": scope.words(), "brier": _round(cal.brier), "n": cal.n,
            "key_results": cal.key_results, "base_rate": _round(cal.base_rate),
            "reference": _round(cal.reference), "skill": _round(cal.skill),
            "bins": [{"confidence": b.confidence, "n": b.n, "hits": b.hits,
                      "observed": _round(b.observed)} for b in cal.bins]}


def forecast_dict(f) -> dict:
    kr = f.key_result
    return {"key_result": kr.key, "title": kr.title, "unit": kr.objective.unit.key,
            "unit_name": kr.objective.unit.name, "cycle": kr.objective.cycle.key,
            "grade": round(f.grade, 2), "low": round(f.low, 2), "high": round(f.high, 2),
            "checkins": f.checkins, "trend_grade": _round(f.trend_grade, 2),
            "similar": f.similar, "similar_grade": _round(f.similar_grade, 2),
            "history_weight": round(f.history_weight, 2), "explanation": f.explanation,
            "as_of": f.as_of.isoformat()}


def forecast_dicts(scope: Scope, limit: int | None = None) -> list[dict]:
    rows, _total = selectors.forecasts(scope, limit)
    return [forecast_dict(f) for f in rows]


def trends_dict() -> dict:
    counted, missing = selectors.trends()
    return {"quarters": [
        {"cycle": t.cycle.key, "objectives": t.objectives, "key_results": t.key_results,
         "orphan_objectives": t.orphan_objectives, "output_key_results": t.output_key_results,
         "reviews_held": t.reviews_held, "reviews_with_decisions": t.reviews_with_decisions,
         "decisions": t.decisions, "trade_offs": t.trade_offs,
         "counted_at": t.counted_at.isoformat()} for t in counted],
        "not_counted": [c.key for c in missing]}
