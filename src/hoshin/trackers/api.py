"""REST API of work trackers. Tokens and webhook secrets go in and never come out (a new
webhook's secret is answered once, when Hoshin made it)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from hoshin.core.api import ERRORS, Input
from hoshin.core.errors import NotFound
from hoshin.org import permissions
from hoshin.trackers import services
from hoshin.trackers.models import Connection, Hook, TrackerLink

router = Router(tags=["trackers"])


class ConnectionOut(Schema):
    kind: str = Field(description="jira, asana or github.")
    base_url: str
    account: str = Field(description="Jira: the e-mail the API token belongs to.")
    has_token: bool = Field(description="Whether a token is stored (encrypted; never shown).")
    every_minutes: int
    updated_at: dt.datetime


class ConnectionIn(Input):
    base_url: str = Field("", max_length=500, description="Jira: https://YOURS.atlassian.net; "
                          "Asana and GitHub default to their public APIs.")
    account: str = Field("", max_length=254, description="Jira: the account's e-mail.")
    token: str = Field("", max_length=4000, description="The API token (stored encrypted). "
                       "Empty keeps the stored one.")
    every_minutes: int = Field(30, ge=services.MIN_EVERY, le=services.MAX_EVERY)


class ItemOut(Schema):
    ref: str
    title: str
    category: str = Field(description="todo, in_progress or done.")
    status: str = Field(description="The tracker's own status word.")


class ProgressOut(Schema):
    total: int
    done: int
    in_progress: int
    todo: int
    share_done: float | None = Field(description="0..1; null when nothing is counted yet.")
    share_in_progress: float | None


class LinkOut(Schema):
    id: int
    initiative: str
    kind: str
    ref: str = Field(description="PROJ-12 (Jira), a task or project id (Asana), "
                                 "owner/repo#12 (GitHub).")
    title: str
    url: str
    scope: str = Field(description="item, or children (an epic's issues, a project's "
                                    "tasks, a tracking issue's sub-issues).")
    progress: ProgressOut
    items: list[ItemOut]
    synced_at: dt.datetime | None
    failing: bool
    failures: int
    error: str
    error_kind: str
    next_at: dt.datetime


class TrackerLinkIn(Input):
    initiative: str = Field(max_length=64)
    kind: str = Field(pattern="^(jira|asana|github)$")
    ref: str = Field(max_length=200)


class InitiativeWorkOut(Schema):
    initiative: str
    title: str
    progress: ProgressOut
    links: list[LinkOut]


class OutcomeOut(Schema):
    initiative: str
    kind: str
    ref: str
    result: str = Field(description="synced, or failed (nothing changed).")
    error: str
    progress: ProgressOut | None


class HookIn(Input):
    kind: str = Field(pattern="^(jira|asana|github)$")
    secret: str = Field("", max_length=200, description="GitHub, Jira: the secret to sign "
                        "with (made when empty). Asana sends its own in the handshake.")


class HookSecretIn(Input):
    secret: str = Field("", max_length=200, description="the new secret (made when empty)")


class HookOut(Schema):
    id: int
    kind: str
    path: str = Field(description="The address the tracker calls, below Hoshin's own.")
    confirmed: bool = Field(description="Asana: the handshake happened.")
    created_at: dt.datetime
    last_call_at: dt.datetime | None
    calls: int


class NewHookOut(HookOut):
    secret: str = Field(description="Shown this once (GitHub, Jira); empty for Asana.")


def connection_dict(c: Connection) -> dict:
    return {"kind": c.kind, "base_url": c.base_url, "account": c.account,
            "has_token": bool(c.sealed), "every_minutes": c.every_minutes,
            "updated_at": c.updated_at}


def link_dict(row: TrackerLink) -> dict:
    return {"id": row.pk, "initiative": row.initiative.key, "kind": row.kind, "ref": row.ref,
            "title": row.title, "url": row.url, "scope": row.scope,
            "progress": row.progress.as_dict(), "items": list(row.items or []),
            "synced_at": row.synced_at, "failing": row.failing, "failures": row.failures,
            "error": row.error, "error_kind": row.error_kind, "next_at": row.next_at}


def hook_dict(hook: Hook) -> dict:
    return {"id": hook.pk, "kind": hook.kind, "path": f"/trackers/hooks/{hook.kind}/{hook.token}/",
            "confirmed": hook.confirmed_at is not None, "created_at": hook.created_at,
            "last_call_at": hook.last_call_at, "calls": hook.calls}


def _admin(request, what: str) -> None:
    permissions.require(permissions.is_admin(request.auth), what)


@router.get("/trackers/connections", response={200: list[ConnectionOut], **ERRORS})
def list_tracker_connections(request):
    """The trackers connected (admins only)."""
    _admin(request, "see the tracker connections")
    return [connection_dict(c) for c in Connection.objects.all()]


@router.put("/trackers/connections/{kind}", response={200: ConnectionOut, **ERRORS})
def put_tracker_connection(request, kind: str, payload: ConnectionIn):
    """Connect a tracker, or change its connection (admins only)."""
    return connection_dict(services.connect(request.auth, kind, **payload.given()))


@router.delete("/trackers/connections/{kind}", response={204: None, **ERRORS})
def delete_tracker_connection(request, kind: str):
    services.disconnect(request.auth, kind)
    return Status(204, None)


@router.get("/trackers/hooks", response={200: list[HookOut], **ERRORS})
def list_tracker_hooks(request):
    _admin(request, "see the tracker webhooks")
    return [hook_dict(h) for h in Hook.objects.all()]


@router.post("/trackers/hooks", response={201: NewHookOut, **ERRORS})
def create_tracker_hook(request, payload: HookIn):
    """A webhook address for a tracker (admins only); its secret is answered this once."""
    hook, secret = services.add_hook(request.auth, payload.kind, secret=payload.secret)
    return Status(201, {**hook_dict(hook), "secret": secret})


@router.delete("/trackers/hooks/{hook_id}", response={204: None, **ERRORS})
def delete_tracker_hook(request, hook_id: int):
    _admin(request, "remove tracker webhooks")
    hook = Hook.objects.filter(pk=hook_id).first()
    if hook is None:
        raise NotFound.field("hook_id", "no such webhook")
    services.remove_hook(request.auth, hook.token)
    return Status(204, None)


@router.get("/trackers/links", response={200: list[LinkOut], **ERRORS})
def list_tracker_links(request, initiative: str | None = Query(None, max_length=64),
                       failing: bool = Query(False, description="Only failing links.")):
    rows = TrackerLink.objects.select_related("initiative").order_by(
        "initiative__key", "kind", "ref")
    if initiative:
        rows = rows.filter(initiative__key=initiative)
    if failing:
        rows = rows.filter(failures__gt=0)
    return [link_dict(r) for r in rows[:1000]]


@router.post("/trackers/links", response={201: LinkOut, **ERRORS})
def create_tracker_link(request, payload: TrackerLinkIn):
    """Link an initiative to a work item (whoever may edit the initiative). It is synced
    by the next run of the job, or at once with the initiative's sync."""
    row = services.link(request.auth, payload.initiative, payload.kind, payload.ref)
    return Status(201, link_dict(TrackerLink.objects.select_related("initiative").get(pk=row.pk)))


@router.delete("/trackers/links/{link_id}", response={204: None, **ERRORS})
def delete_tracker_link(request, link_id: int):
    row = TrackerLink.objects.select_related("initiative").filter(pk=link_id).first()
    if row is None:
        raise NotFound.field("link_id", "no such link")
    services.unlink(request.auth, row.initiative, row.kind, row.ref)
    return Status(204, None)


@router.get("/trackers/initiatives/{key}", response={200: InitiativeWorkOut, **ERRORS})
def get_initiative_work(request, key: str):
    """An initiative's progress from its linked work items, and each link."""
    initiative = services._initiative(key)
    rows = list(initiative.tracker_links.select_related("initiative"))
    progress = services.combine(r.progress for r in rows)
    return {"initiative": initiative.key, "title": initiative.title,
            "progress": progress.as_dict(), "links": [link_dict(r) for r in rows]}


@router.post("/trackers/initiatives/{key}/sync", response={200: list[OutcomeOut], **ERRORS})
def sync_initiative_work(request, key: str):
    """Read the initiative's links now. A failure is answered (result "failed" with the
    reason) and kept on the link; the figures last read stay."""
    return [o.as_dict() for o in services.sync_initiative(request.auth, key)]


@router.post("/trackers/hooks/{hook_id}/secret", response={200: NewHookOut, **ERRORS})
def rotate_tracker_hook_secret(request, hook_id: int, payload: HookSecretIn):
    """A new secret for a GitHub or Jira webhook (admins only), answered this once; the old
    one stops verifying at once. Asana's comes in its handshake: 400."""
    _admin(request, "change tracker webhooks")
    hook = Hook.objects.filter(pk=hook_id).first()
    if hook is None:
        raise NotFound.field("hook_id", "no such webhook")
    hook, secret = services.rotate_hook_secret(request.auth, hook.token, secret=payload.secret)
    return {**hook_dict(hook), "secret": secret}
