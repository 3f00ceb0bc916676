"""The audit log page, for admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from hoshin.audit import services
from hoshin.audit.models import AuditEntry
from hoshin.org.decorators import domain_errors_as_http

PER_PAGE = 100


@login_required
@domain_errors_as_http
def audit_log(request):
    kind = request.GET.get("kind") or None
    if kind not in AuditEntry.Kind.values:
        kind = None
    rows = services.entries(request.user, kind=kind)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {
        "page": page, "kinds": AuditEntry.Kind.choices, "kind": kind})
