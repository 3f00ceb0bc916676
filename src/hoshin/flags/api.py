"""REST API of at-risk flags and their margins."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hoshin.core.api import ERRORS, Input, Listing, Pagination
from hoshin.flags import services
from hoshin.flags.models import Flag, FlagSettings

router = Router(tags=["flags"])


class FlagOut(Schema):
    key_result: str = Field(description="Key of the flagged key result.")
    key_result_title: str
    owner: str = Field(description="Email of the key result's owner.")
    unit: str
    code: str = Field(description="forecast-miss, behind-pace, confidence-drop, "
                                  "low-confidence, blockers or silent.")
    message: str = Field(description="Why, in words, and what to do.")
    raised_on: dt.date
    cleared_on: dt.date | None


class FlagSettingsOut(Schema):
    behind_pace_points: int
    confidence_drop: int
    low_confidence: int
    silent_days: int
    forecast_shortfall_points: int


class FlagSettingsIn(Input):
    behind_pace_points: int | None = Field(None, ge=1, le=100)
    confidence_drop: int | None = Field(None, ge=1, le=10)
    low_confidence: int | None = Field(None, ge=0, le=10)
    silent_days: int | None = Field(None, ge=1, le=90)
    forecast_shortfall_points: int | None = Field(None, ge=0, le=100)


def _dicts(flags) -> list[dict]:
    return [{"key_result": f.key_result.key, "key_result_title": f.key_result.title,
             "owner": f.key_result.owner.email, "unit": f.key_result.objective.unit.key,
             "code": f.code, "message": f.message, "raised_on": f.raised_on,
             "cleared_on": f.cleared_on} for f in flags]


@router.get("/flags", response={200: list[FlagOut], **ERRORS})
@paginate(Pagination)
def list_flags(request, unit: str | None = Query(None, description="Unit key."),
               key_result: str | None = Query(None, description="Key result key."),
               state: str = Query("open", pattern="^(open|cleared|all)$",
                                  description="open (default), cleared or all.")):
    rows = Flag.objects.select_related("key_result__owner", "key_result__objective__unit")
    if state == "open":
        rows = rows.filter(cleared_on__isnull=True)
    elif state == "cleared":
        rows = rows.filter(cleared_on__isnull=False)
    if unit:
        rows = rows.filter(key_result__objective__unit__key=unit)
    if key_result:
        rows = rows.filter(key_result__key=key_result)
    return Listing(rows.order_by("-raised_on", "key_result__key", "code"), _dicts)


def _settings(s: FlagSettings) -> dict:
    return {name: getattr(s, name) for name in FlagSettingsOut.model_fields}


@router.get("/flag-settings", response={200: FlagSettingsOut, **ERRORS})
def get_settings(request):
    return _settings(FlagSettings.current())


@router.put("/flag-settings", response={200: FlagSettingsOut, **ERRORS})
def put_settings(request, payload: FlagSettingsIn):
    return _settings(services.update_settings(request.auth, **payload.given()))
