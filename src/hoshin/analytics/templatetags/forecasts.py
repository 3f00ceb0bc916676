"""`{% grade_forecast kr %}`: a running key result's end-of-quarter grade forecast on its
page (okrs's key_result.html loads it, as it loads other apps' panels, so okrs imports no
analytics): the point, the 80 % interval, the trend and the similar key results with n."""

from __future__ import annotations

from django import template

from hoshin.analytics import charts, outcomes
from hoshin.core import clock
from hoshin.engine import grade_forecast
from hoshin.okrs.models import Cycle

register = template.Library()


def panel_context(key_result) -> dict:
    cycle = key_result.objective.cycle
    today = clock.today()
    if (key_result.kind not in outcomes.FORECAST_KINDS or cycle.state != Cycle.State.ACTIVE
            or not cycle.start <= today <= cycle.end or key_result.archived_at is not None):
        return {"forecast": None}
    readings, steps = outcomes.readings_of([key_result.pk])
    found = outcomes.forecast_for(key_result, today, readings.get(key_result.pk, ()),
                                  steps.get(key_result.pk, ()),
                                  outcomes.table([key_result.kind]))
    return {"forecast": found, "kr": key_result,
            "explanation": grade_forecast.describe(found) if found else "",
            "svg": charts.forecast_svg(found) if found else "",
            "on_track": grade_forecast.ON_TRACK_GRADE,
            "min_similar": grade_forecast.MIN_SIMILAR}


@register.inclusion_tag("analytics/_forecast_panel.html")
def grade_forecast_panel(key_result):
    return panel_context(key_result)
