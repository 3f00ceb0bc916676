"""REST API of signed outgoing webhooks, for admins. The signing secret is answered once,
by the POST that makes the subscription, and never again."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema
from ninja.responses import Status

from hoshin.core.api import ERRORS, Input
from hoshin.webhooks import services
from hoshin.webhooks.models import FAMILIES, Message, Subscription

router = Router(tags=["webhooks"])

EVENTS_HELP = ("Families of events to send: " + ", ".join(FAMILIES) + " (or all). "
               "docs/integrations.md lists the payload types of each.")


class WebhookOut(Schema):
    id: int
    url: str
    description: str
    events: list[str] = Field(description=EVENTS_HELP)
    active: bool = Field(description="False while paused: no new events are queued.")
    created_at: dt.datetime
    created_by: str | None = Field(description="Email of the admin who added it.")


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The whsec_ signing secret: shown this once, stored "
                                    "encrypted, never answered again.")


class WebhookIn(Input):
    url: str = Field(description="The receiver's http(s) address.", max_length=500)
    events: list[str] = Field(description=EVENTS_HELP, min_length=1, max_length=10)
    secret: str = Field("", description="A whsec_ secret (base64 of 24 to 64 bytes); "
                                        "generated when left out.", max_length=200)
    description: str = Field("", max_length=200)
    active: bool = True


class WebhookPatch(Input):
    url: str = Field(None, max_length=500)
    events: list[str] = Field(None, description=EVENTS_HELP, min_length=1, max_length=10)
    description: str = Field(None, max_length=200)
    active: bool = Field(None, description="false pauses, true resumes.")


class AttemptOut(Schema):
    at: dt.datetime
    number: int = Field(description="Attempt number within its send.")
    replay: bool = Field(description="Whether the attempt belongs to a replay.")
    outcome: str = Field(description="delivered, retrying or gave-up.")
    status_code: int | None = Field(description="The receiver's HTTP status; null when it "
                                                "never answered (timeout, refused).")
    duration_ms: int
    error: str


class MessageOut(Schema):
    message_id: str = Field(description="The webhook-id header: the same on every attempt "
                                        "and replay.")
    type: str
    created_at: dt.datetime
    body: str = Field(description="The exact JSON body signed and sent.")
    attempts: list[AttemptOut] = Field(description="Newest first.")


class ReplayOut(Schema):
    message_id: str
    queued: bool


def webhook_dict(sub: Subscription) -> dict:
    return {"id": sub.pk, "url": sub.url, "description": sub.description,
            "events": list(sub.events or []), "active": sub.active,
            "created_at": sub.created_at,
            "created_by": sub.created_by.email if sub.created_by_id else None}


def message_dict(msg: Message) -> dict:
    return {"message_id": msg.message_id, "type": msg.type, "created_at": msg.created_at,
            "body": msg.body,
            "attempts": [{"at": a.at, "number": a.number, "replay": a.replay,
                          "outcome": a.outcome, "status_code": a.status_code,
                          "duration_ms": a.duration_ms, "error": a.error}
                         for a in msg.attempts.all()]}


@router.get("/webhooks", response={200: list[WebhookOut], **ERRORS},
            summary="The organisation's webhook subscriptions (admins only)")
def list_webhooks(request):
    return [webhook_dict(s) for s in services.subscriptions(request.auth)
            .select_related("created_by")]


@router.post("/webhooks", response={201: WebhookCreated, **ERRORS},
             summary="Add a webhook subscription (admins only)")
def create_webhook(request, payload: WebhookIn):
    """The answer carries the signing secret, the only time it is shown."""
    data = payload.given()
    sub, secret = services.add_subscription(request.auth, data.pop("url"), data.pop("events"),
                                            **data)
    return Status(201, {**webhook_dict(sub), "secret": secret})


@router.get("/webhooks/{id}", response={200: WebhookOut, **ERRORS},
            summary="One webhook subscription (admins only)")
def get_webhook(request, id: int):
    return webhook_dict(services.subscription(request.auth, id))


@router.patch("/webhooks/{id}", response={200: WebhookOut, **ERRORS},
              summary="Pause, resume or change a webhook (admins only)")
def update_webhook(request, id: int, payload: WebhookPatch):
    return webhook_dict(services.update_subscription(request.auth, id, **payload.given()))


@router.delete("/webhooks/{id}", response={204: None, **ERRORS},
               summary="Remove a webhook subscription (admins only)")
def delete_webhook(request, id: int):
    services.remove_subscription(request.auth, id)
    return Status(204, None)


@router.get("/webhooks/{id}/deliveries", response={200: list[MessageOut], **ERRORS},
            summary="The webhook's messages and every delivery attempt (admins only)")
def list_webhook_deliveries(request, id: int):
    return [message_dict(m) for m in services.messages(request.auth, id)[:200]]


@router.post("/webhooks/messages/{message_id}/replay", response={202: ReplayOut, **ERRORS},
             summary="Send a webhook message again, same id and body (admins only)")
def replay_webhook_message(request, message_id: str):
    services.replay(request.auth, message_id)
    return Status(202, {"message_id": message_id, "queued": True})
