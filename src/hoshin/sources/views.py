"""A key result's or metric's "Sync now" (a POST; htmx swaps the source's panel in place)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hoshin.core import errors
from hoshin.sources import services
from hoshin.sources.models import Source
from hoshin.sources.templatetags.sources import panel_context


@login_required
@require_POST
def sync_now(request, key: str):
    from django.db.models import Q

    source = Source.objects.select_related("key_result", "metric").filter(
        Q(key_result__key=key) | Q(metric__key=key)).first()
    if source is None:
        raise Http404(f'"{key}" has no source')
    try:
        outcome = services.sync_source(request.user, source)
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    if request.htmx:
        source.refresh_from_db()
        return render(request, "sources/_panel.html",
                      panel_context(request.user, source.target, outcome=outcome))
    return redirect(source.target.get_absolute_url() + "#source")
