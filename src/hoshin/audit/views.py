"""The audit log page, for admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from hoshin.audit import services
from hoshin.audit.models import AuditEntry
from hoshin.core import exports
from hoshin.org.decorators import domain_errors_as_http

PER_PAGE = 100

# The log as a file (?export=csv|xlsx): every entry of the kind shown, not one page.
EXPORT_COLUMNS = [
    exports.Column("When", "at", exports.DATETIME),
    exports.Column("Kind", lambda e: e.get_kind_display()),
    exports.Column("What", "what"),
    exports.Column("By", lambda e: e.actor.name if e.actor else e.actor_name),
    exports.Column("By (e-mail)", "actor.email"),
    exports.Column("Concerning", "person.email"),
    exports.Column("From", "address"),
]


@login_required
@domain_errors_as_http
def audit_log(request):
    kind = request.GET.get("kind") or None
    if kind not in AuditEntry.Kind.values:
        kind = None
    rows = services.entries(request.user, kind=kind)
    if response := exports.respond(request, "audit", EXPORT_COLUMNS, rows, what="Audit log"):
        return response
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {
        "page": page, "kinds": AuditEntry.Kind.choices, "kind": kind})
