"""Work trackers: connecting a tracker (admins), linking an initiative to work items (who
may edit the initiative), syncing what the items say, and receiving the trackers'
webhook calls.

Reading a tracker waits on the network, so it runs outside any transaction; only what it
found is written, in one transaction per link (`_record_snapshot`, `_record_failure`).
A failure changes only the link's failure fields: the counts and items of the last good
reading stay, and are shown with the failure. Retries: 5 minutes after a failure, then
10, 20, ... doubling up to 12 hours; the initiative's owner is told at the third failure
in a row.

A webhook call changes nothing unless its signature is right (401 otherwise); a verified
call marks the links it concerns due now and queues their sync for the worker, so the
tracker gets its answer at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q

from hoshin.audit.models import AuditEntry
from hoshin.audit.services import record
from hoshin.core import clock, vault
from hoshin.core.errors import DomainError, ErrorCollector, NotFound
from hoshin.core.history import service
from hoshin.okrs.models import Cycle, Initiative
from hoshin.org import permissions
from hoshin.org.models import Person
from hoshin.trackers import peers, signatures
from hoshin.trackers.models import DEFAULT_BASE_URLS, Connection, Hook, Kind, TrackerLink
from hoshin.trackers.progress import Progress, combine

log = logging.getLogger("hoshin.trackers")

FIRST_RETRY = dt.timedelta(minutes=5)
LONGEST_RETRY = dt.timedelta(hours=12)
TELL_OWNER_AFTER = 3
MIN_EVERY, MAX_EVERY = 5, 24 * 60
# A claimed link is not due again for this long, unless its sync records sooner.
CLAIM = dt.timedelta(minutes=15)


def retry_delay(failures: int) -> dt.timedelta:
    return min(FIRST_RETRY * (2 ** max(0, min(failures, 20) - 1)), LONGEST_RETRY)


def can_manage(actor: Person | None, initiative: Initiative) -> bool:
    """Who may edit the initiative (its owner, the key result's owner, the unit's leads,
    the plan editors)."""
    return permissions.can_edit_initiative(actor, initiative=initiative)


def _initiative(key: str | Initiative) -> Initiative:
    if isinstance(key, Initiative):
        return key
    found = (Initiative.objects.select_related("key_result__objective__unit",
                                               "key_result__objective__cycle", "owner")
             .filter(key=key).first())
    if found is None:
        raise NotFound.field("initiative", f'unknown initiative "{key}"')
    return found


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise DomainError.field("kind", "must be jira, asana or github")
    return kind


# Connections (admins) -------------------------------------------------------------------


@service
def connect(actor: Person | None, kind: str, *, base_url: str = "", account: str = "",
            token: str = "", every_minutes: int = 30) -> Connection:
    """Set how Hoshin reaches a tracker (replacing what was set). An empty token keeps
    the one stored."""
    permissions.require(permissions.is_admin(actor) or actor is None,
                        "connect work trackers")
    _kind(kind)
    errors = ErrorCollector()
    base_url = (base_url or DEFAULT_BASE_URLS.get(kind, "")).strip().rstrip("/")
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors.add("base_url", "must be an http(s) address"
                   + (" (your site, https://YOURS.atlassian.net)" if kind == Kind.JIRA else ""))
    elif parts.username or parts.password:
        errors.add("base_url", "put credentials in the token, not in the address")
    account = (account or "").strip()
    if kind == Kind.JIRA and not account:
        errors.add("account", "Jira needs the e-mail of the account the API token belongs to")
    if not isinstance(every_minutes, int) or not MIN_EVERY <= every_minutes <= MAX_EVERY:
        errors.add("every_minutes", f"must be from {MIN_EVERY} to {MAX_EVERY}")
    existing = Connection.objects.filter(kind=kind).first()
    token = (token or "").strip()
    new_token = bool(token)
    if not token and existing is not None:
        try:
            token = vault.unseal(existing.sealed, owner="the tracker").get("token", "")
        except vault.SecretUnreadable:
            token = ""
    if not token:
        errors.add("token", "is required (an API token; stored encrypted, never shown)")
    errors.raise_if_any()
    connection, _ = Connection.objects.update_or_create(kind=kind, defaults=dict(
        base_url=base_url, account=account, sealed=vault.seal({"token": token}),
        every_minutes=every_minutes, updated_by=actor, updated_at=clock.now()))
    # The log says what changed, never the token itself: only that a new one was given.
    label = Kind(kind).label
    if existing is None:
        record(AuditEntry.Kind.TRACKER_CONNECTED,
               f"Connected {label} at {base_url}" + (f" as {account}" if account else "")
               + f", synced every {every_minutes} minutes", actor=actor)
    else:
        changes = [f"{name} {before or '(none)'} → {after or '(none)'}"
                   for name, before, after in (
                       ("address", existing.base_url, base_url),
                       ("account", existing.account, account),
                       ("every", f"{existing.every_minutes} minutes",
                        f"{every_minutes} minutes")) if before != after]
        if new_token:
            changes.append("a new token")
        record(AuditEntry.Kind.TRACKER_CHANGED,
               f"Changed {label}'s connection: " + ("; ".join(changes) or "nothing"),
               actor=actor)
    return connection


@service
def disconnect(actor: Person | None, kind: str) -> None:
    """Forget a tracker's credentials; its links stay, and fail until it is connected."""
    permissions.require(permissions.is_admin(actor) or actor is None,
                        "disconnect work trackers")
    existing = Connection.objects.filter(kind=_kind(kind)).first()
    if existing is None:
        raise NotFound.field("kind", f"{kind} is not connected")
    existing.delete()
    record(AuditEntry.Kind.TRACKER_DISCONNECTED,
           f"Disconnected {Kind(kind).label} at {existing.base_url} (its token forgotten; "
           f"{TrackerLink.objects.filter(kind=kind).count()} link(s) kept)", actor=actor)


@service
def add_hook(actor: Person | None, kind: str, *, secret: str = "") -> tuple[Hook, str]:
    """A webhook address for a tracker: (the hook, its secret). GitHub's and Jira's
    secret is given here (or made: shown once, then kept encrypted); Asana's arrives in
    its handshake, so none is returned."""
    permissions.require(permissions.is_admin(actor) or actor is None,
                        "set up tracker webhooks")
    _kind(kind)
    secret = (secret or "").strip()
    if kind == Kind.ASANA:
        if secret:
            raise DomainError.field("secret", "Asana gives the secret in its handshake")
    else:
        if secret and len(secret) < 16:
            raise DomainError.field("secret", "must be at least 16 characters")
        secret = secret or secrets.token_hex(24)
    hook = Hook.objects.create(kind=kind, token=secrets.token_urlsafe(24),
                               sealed=vault.seal_text(secret), created_by=actor,
                               confirmed_at=None if kind == Kind.ASANA else clock.now())
    record(AuditEntry.Kind.TRACKER_HOOK_ADDED,
           f"Added the {hook} (/trackers/hooks/{kind}/…)"
           + (" (its secret comes in Asana's handshake)" if kind == Kind.ASANA else ""),
           actor=actor)
    return hook, secret


@service
def rotate_hook_secret(actor: Person | None, token: str, *, secret: str = "") -> tuple[Hook, str]:
    """A new secret for a GitHub or Jira webhook (given, or made), answered this once and
    kept sealed; the old one stops verifying at once, so paste the new one into the
    tracker straight away. Asana's secret is its handshake's: remove the webhook and add
    another instead."""
    permissions.require(permissions.is_admin(actor) or actor is None,
                        "change tracker webhooks")
    hook = Hook.objects.select_for_update().filter(token=token).first()
    if hook is None:
        raise NotFound.field("hook", "no such webhook")
    if hook.kind == Kind.ASANA:
        raise DomainError.field("secret", "Asana gives the secret in its handshake: remove "
                                          "this webhook and add a new one")
    secret = (secret or "").strip()
    if secret and len(secret) < 16:
        raise DomainError.field("secret", "must be at least 16 characters")
    secret = secret or secrets.token_hex(24)
    hook.sealed = vault.seal_text(secret)
    hook.save(update_fields=["sealed"])
    record(AuditEntry.Kind.TRACKER_HOOK_ROTATED, f"Replaced the secret of the {hook}",
           actor=actor)
    return hook, secret


@service
def remove_hook(actor: Person | None, token: str) -> None:
    permissions.require(permissions.is_admin(actor) or actor is None,
                        "remove tracker webhooks")
    hook = Hook.objects.filter(token=token).first()
    if hook is None:
        raise NotFound.field("hook", "no such webhook")
    hook.delete()
    record(AuditEntry.Kind.TRACKER_HOOK_REMOVED,
           f"Removed the {hook} ({hook.calls} "
           f"call{'s' if hook.calls != 1 else ''} received)", actor=actor)


# Links ----------------------------------------------------------------------------------


@service
def link(actor: Person | None, initiative: str | Initiative, kind: str,
         ref: str) -> TrackerLink:
    """Link an initiative to a work item (due for a sync at once)."""
    found = _initiative(initiative)
    permissions.require(can_manage(actor, found), f'link initiative "{found.key}" to work')
    if found.archived:
        raise DomainError.field("initiative", f'initiative "{found.key}" is archived')
    _kind(kind)
    try:
        ref = peers.check_ref(kind, ref)
    except peers.TrackerFailure as exc:
        raise DomainError.field("ref", exc.message) from None
    if not Connection.objects.filter(kind=kind).exists():
        raise DomainError.field("kind", f"{Kind(kind).label} is not connected yet: an "
                                        "admin connects it first (hoshin trackers connect)")
    if TrackerLink.objects.filter(initiative=found, kind=kind, ref=ref).exists():
        raise DomainError.field("ref", f"{found.key} is already linked to {ref}")
    return TrackerLink.objects.create(initiative=found, kind=kind, ref=ref, created_by=actor,
                                      next_at=clock.now())


def find_link(initiative: str | Initiative, kind: str, ref: str) -> TrackerLink:
    found = _initiative(initiative)
    try:
        ref = peers.check_ref(kind, ref)
    except peers.TrackerFailure:
        pass
    row = (TrackerLink.objects.select_related("initiative")
           .filter(initiative=found, kind=kind, ref=ref).first())
    if row is None:
        raise NotFound.field("ref", f"{found.key} is not linked to {kind} {ref}")
    return row


@service
def unlink(actor: Person | None, initiative: str | Initiative, kind: str, ref: str) -> None:
    """Remove a link; the initiative's progress no longer counts its items."""
    row = find_link(initiative, kind, ref)
    permissions.require(can_manage(actor, row.initiative),
                        f'unlink work from initiative "{row.initiative.key}"')
    row.delete()


# Syncing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one sync did: `synced` (the counts read) or `failed` (nothing changed)."""

    initiative: str
    kind: str
    ref: str
    result: str
    progress: Progress | None = None
    error: str = ""

    def as_dict(self) -> dict:
        return {"initiative": self.initiative, "kind": self.kind, "ref": self.ref,
                "result": self.result, "error": self.error,
                "progress": self.progress.as_dict() if self.progress else None}


def read_link(row: TrackerLink, timeout: float | None = None) -> peers.Snapshot:
    """Read the linked item now (no writes). Raises peers.TrackerFailure."""
    timeout = timeout or float(getattr(settings, "HOSHIN_TRACKERS_TIMEOUT", 10))
    connection = Connection.objects.filter(kind=row.kind).first()
    if connection is None:
        raise peers.TrackerFailure("config", f"{row.get_kind_display()} is not connected "
                                             "(an admin connects it)")
    try:
        token = vault.unseal(connection.sealed, owner="the tracker").get("token", "")
    except vault.SecretUnreadable as exc:
        raise peers.TrackerFailure("config", str(exc)) from None
    return peers.read(row.kind, connection.base_url, row.ref, account=connection.account,
                      token=token, timeout=timeout)


def sync_link(actor: Person | None, row: TrackerLink) -> Outcome:
    """Read one link and record what it gave. Not one transaction: the reading waits on
    the tracker outside any transaction, then the result is written in one."""
    row = TrackerLink.objects.select_related("initiative__key_result__objective__unit").get(
        pk=row.pk)
    permissions.require(can_manage(actor, row.initiative),
                        f'sync initiative "{row.initiative.key}"')
    try:
        snapshot = read_link(row)
    except peers.TrackerFailure as failure:
        return _record_failure(None, row.pk, failure.kind, failure.message)
    except Exception as exc:  # a reader's own bug must not stop the other links
        log.exception("reading %s %s failed unexpectedly", row.kind, row.ref)
        return _record_failure(None, row.pk, "error",
                               f"unexpected error ({type(exc).__name__}); see the server log")
    return _record_snapshot(None, row.pk, snapshot)


def sync_initiative(actor: Person | None, initiative: str | Initiative) -> list[Outcome]:
    found = _initiative(initiative)
    permissions.require(can_manage(actor, found), f'sync initiative "{found.key}"')
    return [sync_link(actor, row) for row in found.tracker_links.order_by("kind", "ref")]


@service
def _record_failure(actor, link_id: int, kind: str, message: str) -> Outcome:
    row = TrackerLink.objects.select_for_update().select_related("initiative").get(pk=link_id)
    now = clock.now()
    row.failures += 1
    row.error, row.error_kind = message[:2000], kind[:12]
    row.failing_since = row.failing_since or now
    row.checked_at = now
    row.next_at = now + retry_delay(row.failures)
    # A reading is not an edit: the link's history keeps who linked it, not every sync.
    row.save_without_historical_record(update_fields=[
        "failures", "error", "error_kind", "failing_since", "checked_at", "next_at"])
    if row.failures == TELL_OWNER_AFTER:
        _tell_owner(row)
    return Outcome(row.initiative.key, row.kind, row.ref, "failed", error=message)


def _tell_owner(row: TrackerLink) -> None:
    from hoshin.notify.channels import Link, Notice, notify

    initiative = row.initiative
    person = initiative.owner or initiative.key_result.owner
    if person is None:
        return
    url = f"/trackers/initiatives/{initiative.key}/"
    notify(person, Notice(
        subject=f"Syncing {initiative.key} with {row.get_kind_display()} {row.ref} fails"[:200],
        intro=(f"{initiative.title}: reading {row.get_kind_display()} {row.ref} failed "
               f"{row.failures} times in a row ({row.error}). It is retried with longer "
               "waits; the progress last read stays as it was."),
        links=[Link(f"{initiative.key} {initiative.title}", url)], action_url=url,
        action_label="Open the initiative's work", kind="tracker-failing"),
        dedupe_key=f"tracker-failing:{row.pk}:{row.failing_since.isoformat()}")


@service
def _record_snapshot(actor, link_id: int, snapshot: peers.Snapshot) -> Outcome:
    row = TrackerLink.objects.select_for_update().select_related("initiative").get(pk=link_id)
    connection = Connection.objects.filter(kind=row.kind).first()
    every = connection.every_minutes if connection else 30
    now = clock.now()
    counts = snapshot.counts()
    row.title, row.url, row.scope = snapshot.title[:300], snapshot.url[:500], snapshot.scope
    row.total = len(snapshot.items)
    row.done, row.in_progress = counts[peers.DONE], counts[peers.IN_PROGRESS]
    row.items = [item.as_dict() for item in snapshot.items]
    row.item_refs = " " + " ".join(item.ref for item in snapshot.items) + " "
    row.synced_at = row.checked_at = now
    row.failures, row.error, row.error_kind, row.failing_since = 0, "", "", None
    row.next_at = now + dt.timedelta(minutes=every)
    row.save_without_historical_record()
    return Outcome(row.initiative.key, row.kind, row.ref, "synced", progress=row.progress)


def live_links():
    """Links of initiatives still worked on: not archived, in a running quarter."""
    return (TrackerLink.objects.filter(
        initiative__archived_at__isnull=True,
        initiative__key_result__objective__cycle__state=Cycle.State.ACTIVE)
        .select_related("initiative"))


def sync_due(now: dt.datetime | None = None) -> list[Outcome]:
    """Sync every due link (the periodic job); one failing link never stops the rest.
    Each is claimed first, so two runs at once never read the same link twice."""
    outcomes = []
    due = live_links().filter(next_at__lte=now or clock.now()).order_by("next_at", "pk")
    for row in list(due):
        claimed = TrackerLink.objects.filter(pk=row.pk, next_at=row.next_at).update(
            next_at=clock.now() + CLAIM)
        if claimed:
            outcomes.append(sync_link(None, row))
    return outcomes


def sync_links(ids: list[int]) -> list[Outcome]:
    """Sync these links now (a webhook's queued task)."""
    return [sync_link(None, row) for row in TrackerLink.objects.filter(pk__in=ids)]


# Reading progress -----------------------------------------------------------------------


def progress_by_initiative(initiative_ids) -> dict[int, Progress]:
    """Each initiative's progress from its links, in one query."""
    parts: dict[int, list[Progress]] = {}
    for row in TrackerLink.objects.filter(initiative_id__in=list(initiative_ids)).only(
            "initiative_id", "total", "done", "in_progress"):
        parts.setdefault(row.initiative_id, []).append(row.progress)
    return {pk: combine(found) for pk, found in parts.items()}


# Webhooks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the webhook view answers: the status, headers to send, links marked due."""

    status: int
    headers: dict
    due: tuple[int, ...] = ()
    reason: str = ""


REFUSED = Answer(401, {}, reason="unverified")


def receive(kind: str, token: str, headers: dict[str, str], body: bytes) -> Answer:
    """A tracker's webhook call. Verified as the tracker documents it, or refused (401)
    with nothing written."""
    headers = {k.lower(): v for k, v in headers.items()}
    hook = Hook.objects.filter(kind=kind, token=token).first()
    if hook is None:
        return REFUSED
    if kind == Kind.ASANA and "x-hook-secret" in headers:
        return _asana_handshake(hook, headers["x-hook-secret"])
    try:
        secret = vault.unseal_text(hook.sealed, owner="the webhook")
    except vault.SecretUnreadable:
        log.warning("the secret of %s cannot be read: call refused", hook)
        return REFUSED
    if kind == Kind.GITHUB:
        verified = signatures.verify_github(secret, body, headers.get("x-hub-signature-256"))
    elif kind == Kind.JIRA:
        verified = signatures.verify_jira(secret, body, headers.get("x-hub-signature"))
    else:
        verified = signatures.verify_asana(secret, body, headers.get("x-hook-signature"))
    if not verified:
        log.warning("a %s webhook call with a wrong or missing signature was refused", kind)
        return REFUSED
    refs = signatures.refs_in(kind, body, headers.get("x-github-event", ""))
    return _mark_due(hook.pk, kind, sorted(refs))


@service
def _asana_handshake(hook: Hook, secret: str) -> Answer:
    """Asana's handshake, accepted once per hook: the secret it sends signs every event
    after. A second handshake (someone replaying or guessing) is refused: the secret
    is never replaced through the address."""
    secret = (secret or "").strip()
    locked = Hook.objects.select_for_update().get(pk=hook.pk)
    if locked.confirmed_at is not None or not secret or len(secret) > 200:
        return REFUSED
    locked.sealed = vault.seal_text(secret)
    locked.confirmed_at = clock.now()
    locked.save(update_fields=["sealed", "confirmed_at"])
    return Answer(200, {"X-Hook-Secret": secret}, reason="handshake")


@service
def _mark_due(hook_id: int, kind: str, refs: list[str]) -> Answer:
    now = clock.now()
    Hook.objects.filter(pk=hook_id).update(last_call_at=now, calls=F("calls") + 1)
    ids: set[int] = set()
    for ref in refs[:200]:
        rows = TrackerLink.objects.filter(kind=kind).filter(
            Q(ref=ref) | Q(item_refs__contains=f" {ref} "))
        ids.update(rows.values_list("pk", flat=True))
    if ids:
        TrackerLink.objects.filter(pk__in=ids).update(next_at=now)
        # Queued in this transaction (the task queue is the database): the worker syncs
        # them once the call's answer has gone, and a call that rolls back queues nothing.
        from hoshin.trackers.tasks import sync_links_task

        sync_links_task.enqueue(sorted(ids))
    return Answer(200, {}, due=tuple(sorted(ids)), reason="verified")

