"""REST API of the audit log: admins read it; nothing writes it through the API."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hoshin.audit import services
from hoshin.audit.models import AuditEntry
from hoshin.core.api import ERRORS, Listing, Pagination

router = Router(tags=["audit"])

Kind = Literal[tuple(AuditEntry.Kind.values)]  # type: ignore[valid-type]


class AuditEntryOut(Schema):
    at: dt.datetime
    kind: str = Field(..., description="One of: " + ", ".join(AuditEntry.Kind.values))
    what: str = Field(..., description="What happened, in words.")
    actor: str | None = Field(..., description="Who did it (email); null for the server's "
                                               "operator or nobody signed in")
    actor_name: str
    person: str | None = Field(..., description="Whose access or account it concerns (email)")
    address: str | None = Field(..., description="The caller's address, for sign-ins")


def _rows(entries) -> list[dict]:
    return [{"at": e.at, "kind": e.kind, "what": e.what,
             "actor": e.actor.email if e.actor else None, "actor_name": e.actor_name,
             "person": e.person.email if e.person else None, "address": e.address}
            for e in entries]


@router.get("/audit", response={200: list[AuditEntryOut], **ERRORS},
            summary="The audit log, newest first (admins only)")
@paginate(Pagination)
def list_audit_entries(request, kind: Kind = Query(None),
                       person: str = Query(None, description="Entries by or about this "
                                                             "person (email).")):
    return Listing(services.entries(request.auth, kind=kind, person=person), _rows)
