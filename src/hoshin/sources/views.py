"""A key result's or metric's source on the web: "Sync now" (a POST; htmx swaps the
source's panel in place), and the page that sets, changes, tries and removes the source
(/sources/<key>/), for who may set it (services.can_manage: the same rule as the API's and
the CLI's). Every write goes through the services; the stored secrets are never shown."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hoshin.core import errors
from hoshin.okrs.models import KeyResult
from hoshin.sources import services
from hoshin.sources.forms import SourceForm
from hoshin.sources.models import Source
from hoshin.sources.templatetags.sources import panel_context
from hoshin.strategy.models import Metric


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


def _managed(request, key: str) -> KeyResult | Metric:
    """The key result or metric (not archived) whose source the person may set: 404 for
    an unknown key, 403 for who may not."""
    target = (KeyResult.objects.select_related("objective__cycle", "objective__unit", "owner")
              .filter(key=key, archived_at__isnull=True).first()
              or Metric.objects.select_related("owner")
              .filter(key=key, archived_at__isnull=True).first())
    if target is None:
        raise Http404(f'no key result or metric "{key}"')
    if not services.can_manage(request.user, target):
        raise PermissionDenied(f"you may not set the source of {key}")
    return target


def _source_of(target: KeyResult | Metric) -> Source | None:
    field = "metric" if isinstance(target, Metric) else "key_result"
    return Source.objects.filter(**{field: target}).first()


def _page(request, target, form: SourceForm, source: Source | None, tried=None,
          status: int = 200):
    response = render(request, "sources/setup.html", {
        "target": target, "is_metric": isinstance(target, Metric), "form": form,
        "source": source, "tried": tried, "stored": form.stored}, status=status)
    # The page carries no secret, but what was typed into it may be in the browser's form
    # state: not kept in its cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def setup(request, key: str):
    """The source's page: what feeds the key result now, and the form to set or change
    it (a good post goes back to the key result, whose panel has "Sync now")."""
    target = _managed(request, key)
    source = _source_of(target)
    is_metric = isinstance(target, Metric)
    if request.method != "POST":
        return _page(request, target, SourceForm(is_metric=is_metric, source=source), source)
    form = SourceForm(request.POST, is_metric=is_metric, source=source)
    if form.is_valid():
        try:
            saved = services.change_source(request.user, target, **form.service_arguments())
        except errors.PermissionDenied as e:
            raise PermissionDenied(str(e)) from e
        except errors.DomainError as e:
            form.add_domain_error(e)
        else:
            messages.success(request, f"{target.key} is fed by {saved.get_kind_display()}"
                                      f"{': ' + saved.location if saved.location else ''}, "
                                      f"read every {saved.every_minutes} minutes. "
                                      "Sync now to read it at once.")
            return redirect(target.get_absolute_url() + "#source")
    return _page(request, target, form, source, status=400)


@login_required
@require_POST
def try_now(request, key: str):
    """Read the source as the form sets it, storing nothing: htmx shows the value (or why
    it failed) under the form, leaving what was typed in place; without scripts, the page
    comes back with it (secrets to be typed again)."""
    target = _managed(request, key)
    source = _source_of(target)
    form = SourceForm(request.POST, is_metric=isinstance(target, Metric), source=source)
    tried = None
    if form.is_valid():
        try:
            tried = services.try_source(request.user, target, **form.service_arguments())
        except errors.PermissionDenied as e:
            raise PermissionDenied(str(e)) from e
        except errors.DomainError as e:
            form.add_domain_error(e)
    if request.htmx:
        return render(request, "sources/_tried.html", {
            "target": target, "tried": tried,
            "problems": [(form[name].label if name in form.fields else "", message)
                         for name, texts in form.errors.items()
                         for message in texts]})
    return _page(request, target, form, source, tried=tried,
                 status=200 if tried is not None else 400)


@login_required
@require_POST
def remove(request, key: str):
    """Stop feeding the key result or metric; its check-ins and actuals stay."""
    target = _managed(request, key)
    try:
        services.remove_source(request.user, target)
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.NotFound as e:
        raise Http404(str(e)) from e
    messages.success(request, f"{target.key} is no longer fed by a source; its "
                              f"{'actuals' if isinstance(target, Metric) else 'check-ins'} "
                              "stay. Values are typed by hand again.")
    return redirect(target.get_absolute_url() + "#source")
