"""Writing and reading the audit log. Entries are written by the handlers (handlers.py)
of org's AccessChanged, the exports' DataExported and Django's sign-in signals, and by the
API for each write done with a token made for someone else; only admins read them."""

from __future__ import annotations

from django.db.models import QuerySet

from hoshin.audit.models import AuditEntry
from hoshin.org import permissions
from hoshin.org.models import Person


def client_address(request) -> str | None:
    """The caller's address as the server saw it (REMOTE_ADDR: a proxy's own address
    unless the proxy is trusted to rewrite it)."""
    return (getattr(request, "META", None) or {}).get("REMOTE_ADDR") or None


def record(kind: str, what: str, *, actor: Person | None = None, person: Person | None = None,
           request=None) -> AuditEntry:
    actor = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        kind=kind, what=what[:5000], actor=actor, actor_name=actor.name if actor else "",
        person=person if getattr(person, "pk", None) else None,
        address=client_address(request) if request is not None else None)


def can_read(actor: Person | None) -> bool:
    return actor is not None and actor.is_authenticated and permissions.is_admin(actor)


def entries(actor: Person | None, *, kind: str | None = None,
            person: str | None = None) -> QuerySet[AuditEntry]:
    """The log, newest first, for admins only."""
    permissions.require(actor is None or can_read(actor), "read the audit log")
    rows = AuditEntry.objects.select_related("actor", "person")
    if kind:
        rows = rows.filter(kind=kind)
    if person:
        rows = rows.filter(person__email__iexact=person) | rows.filter(
            actor__email__iexact=person)
    return rows.order_by("-at", "-pk")


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def acted_on_behalf(request, token) -> None:
    """A request made with a token someone else made for its person (an admin's token for
    a colleague): its writes are credited to the token's person in the history with the
    change reason "X on behalf of Y" (core.history reads `request.hoshin_on_behalf`), and
    each write request is an audit entry of its own. Reads are not logged."""
    maker, person = token.created_by, token.person
    note = f"{maker.name} on behalf of {person.name} (API token {token.prefix}…)"
    request.hoshin_on_behalf = note
    if request.method not in SAFE_METHODS:
        record(AuditEntry.Kind.ON_BEHALF, f"{note}: {request.method} {request.path}",
               actor=maker, person=person, request=request)
