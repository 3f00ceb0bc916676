"""REST API of the check-in rhythm and of a person's notification channel."""

from __future__ import annotations

from ninja import Field, Router, Schema

from hoshin.core.api import ERRORS, Input
from hoshin.core.errors import PermissionDenied
from hoshin.notify import services
from hoshin.notify.models import Preference, Rhythm
from hoshin.org import permissions

router = Router(tags=["notifications"])


class RhythmOut(Schema):
    time_zone: str
    checkin_weekday: str
    checkin_time: str = Field(description="HH:MM, in the organisation's time zone.")
    review_weekday: str
    review_time: str = Field(description="HH:MM, in the organisation's time zone.")
    nudge_hours_before_review: int
    digest_weekday: str
    digest_time: str = Field(description="HH:MM, in the organisation's time zone.")
    slack_webhook_url_set: bool = Field(description=(
        "Whether a Slack incoming webhook is stored. Webhook URLs are credentials (anyone "
        "who has one can post into the channel) and, like every secret, never returned."))
    slack_signing_secret_set: bool = Field(description="Secrets are never returned.")
    slack_bot_token_set: bool
    teams_webhook_url_set: bool
    teams_security_token_set: bool


class RhythmIn(Input):
    time_zone: str | None = Field(None, max_length=60, description="e.g. Europe/London")
    checkin_weekday: str | None = Field(None, max_length=10, description="monday … sunday")
    checkin_time: str | None = Field(None, max_length=8, description="HH:MM")
    review_weekday: str | None = Field(None, max_length=10)
    review_time: str | None = Field(None, max_length=8)
    nudge_hours_before_review: int | None = Field(None, ge=0, le=72)
    digest_weekday: str | None = Field(None, max_length=10)
    digest_time: str | None = Field(None, max_length=8)
    slack_webhook_url: str | None = Field(None, max_length=500, description=(
        "https://hooks.slack.com/…; never returned. An empty string removes it."))
    slack_signing_secret: str | None = Field(None, max_length=200)
    slack_bot_token: str | None = Field(None, max_length=200)
    teams_webhook_url: str | None = Field(None, max_length=500, description=(
        "The Teams channel's incoming webhook (https://…); never returned. An empty string "
        "removes it."))
    teams_security_token: str | None = Field(None, max_length=200, description=(
        "The outgoing webhook's HMAC security token, as Teams shows it. Never returned."))


class PreferenceOut(Schema):
    channel: str
    slack_user_id: str
    teams_user_id: str


class PreferenceIn(Input):
    channel: str | None = Field(None, description="email, slack, teams or none")
    slack_user_id: str | None = Field(None, max_length=20)
    teams_user_id: str | None = Field(None, max_length=36,
                                      description="Microsoft Entra object id (a GUID)")


def _rhythm(r: Rhythm) -> dict:
    days = services.WEEKDAYS
    return {"time_zone": r.time_zone, "checkin_weekday": days[r.checkin_weekday],
            "checkin_time": f"{r.checkin_time:%H:%M}", "review_weekday": days[r.review_weekday],
            "review_time": f"{r.review_time:%H:%M}",
            "nudge_hours_before_review": r.nudge_hours_before_review,
            "digest_weekday": days[r.digest_weekday], "digest_time": f"{r.digest_time:%H:%M}",
            "slack_webhook_url_set": bool(r.slack_webhook_url),
            "slack_signing_secret_set": bool(r.slack_signing_secret),
            "slack_bot_token_set": bool(r.slack_bot_token),
            "teams_webhook_url_set": bool(r.teams_webhook_url),
            "teams_security_token_set": bool(r.teams_security_token)}


@router.get("/rhythm", response={200: RhythmOut, **ERRORS})
def get_rhythm(request):
    if not permissions.can_edit_strategy(request.auth):
        # Even without the secrets, how the organisation is wired is the office's business.
        raise PermissionDenied("only the strategy office reads the rhythm settings")
    return _rhythm(Rhythm.current())


@router.put("/rhythm", response={200: RhythmOut, **ERRORS})
def put_rhythm(request, payload: RhythmIn):
    return _rhythm(services.update_rhythm(request.auth, **payload.given()))


def _pref(person) -> dict:
    pref = Preference.objects.filter(person=person).first()
    return {"channel": pref.channel if pref else "email",
            "slack_user_id": pref.slack_user_id if pref else "",
            "teams_user_id": pref.teams_user_id if pref else ""}


@router.get("/me/notifications", response={200: PreferenceOut, **ERRORS})
def get_my_preference(request):
    return _pref(request.auth)


@router.put("/me/notifications", response={200: PreferenceOut, **ERRORS})
def put_my_preference(request, payload: PreferenceIn):
    services.set_preference(request.auth, request.auth, **payload.given())
    return _pref(request.auth)
