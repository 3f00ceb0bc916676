"""Pages of work trackers: every initiative's linked work (/trackers/), one initiative's
links with link, unlink and "Sync now" (/trackers/initiatives/<key>/), the admins'
connections to each tracker (/trackers/connections/: add, replace, remove), and the
address each tracker's webhook calls (/trackers/hooks/<kind>/<token>/, verified by
signature)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hoshin.core import errors
from hoshin.okrs.models import Initiative
from hoshin.org import permissions
from hoshin.trackers import services
from hoshin.trackers.forms import ConnectionForm
from hoshin.trackers.models import Connection, Hook, Kind, TrackerLink
from hoshin.trackers.progress import combine

# A tracker's webhook body larger than this is refused before it is read.
MAX_HOOK_BODY = 1024 * 1024


@login_required
def overview(request):
    rows = list(TrackerLink.objects.select_related("initiative__key_result__objective__unit")
                .filter(initiative__archived_at__isnull=True)
                .order_by("initiative__key", "kind", "ref"))
    grouped: dict[int, dict] = {}
    for row in rows:
        entry = grouped.setdefault(row.initiative_id, {"initiative": row.initiative, "links": []})
        entry["links"].append(row)
    for entry in grouped.values():
        entry["progress"] = combine(r.progress for r in entry["links"])
        entry["failing"] = any(r.failing for r in entry["links"])
    is_admin = permissions.is_admin(request.user)
    return render(request, "trackers/overview.html", {
        "entries": list(grouped.values()),
        "connections": list(Connection.objects.all()),
        "hooks": list(Hook.objects.all()) if is_admin else [],
        "is_admin": is_admin,
    })


def _admins_only(request, what: str) -> None:
    if not permissions.is_admin(request.user):
        raise PermissionDenied(f"only admins {what}")


@login_required
def connections(request):
    """Each tracker's connection, with a form to add or replace it (admins only). The
    form that was posted is bound; a good one goes back to the page (the token typed is
    never rendered again)."""
    _admins_only(request, "see and change the tracker connections")
    existing = {c.kind: c for c in Connection.objects.select_related("updated_by")}
    posted = request.POST.get("kind", "") if request.method == "POST" else None
    entries, status = [], 200
    for kind in Kind:
        connection = existing.get(kind.value)
        initial = ({"base_url": connection.base_url, "account": connection.account,
                    "every_minutes": connection.every_minutes} if connection else {})
        form = ConnectionForm(request.POST if posted == kind.value else None, kind=kind.value,
                              connected=connection is not None, initial=initial)
        if posted == kind.value:
            if form.is_valid() and _connect(request, kind.value, form):
                return redirect(reverse("trackers:connections"))
            status = 400
        entries.append({"kind": kind, "connection": connection, "form": form})
    if posted is not None and posted not in Kind.values:
        messages.error(request, "Say which tracker: jira, asana or github.")
        status = 400
    return render(request, "trackers/connections.html", {"entries": entries}, status=status)


def _connect(request, kind: str, form: ConnectionForm) -> bool:
    data = form.cleaned_data
    try:
        connection = services.connect(
            request.user, kind, base_url=data["base_url"], account=data.get("account", ""),
            token=data["token"], every_minutes=data["every_minutes"])
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.DomainError as e:
        for error in e.errors:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    messages.success(request, f"{connection} connected; links synced every "
                              f"{connection.every_minutes} minutes.")
    return True


@login_required
@require_POST
def disconnect(request, kind: str):
    """Forget a tracker's connection (admins only); its links stay and fail until it is
    connected again."""
    _admins_only(request, "remove tracker connections")
    try:
        services.disconnect(request.user, kind)
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.NotFound as e:
        raise Http404(str(e)) from e
    except errors.DomainError as e:
        raise Http404("; ".join(x.message for x in e.errors)) from e
    messages.success(request, f"{Kind(kind).label} is disconnected: its token is forgotten; "
                              "its links stay and are read again once it is connected.")
    return redirect(reverse("trackers:connections"))


def _initiative_or_404(key: str) -> Initiative:
    found = (Initiative.objects.select_related("key_result__objective__unit",
                                               "key_result__objective__cycle", "owner")
             .filter(key=key).first())
    if found is None:
        raise Http404(f'no initiative "{key}"')
    return found


@login_required
def initiative_page(request, key: str):
    initiative = _initiative_or_404(key)
    may = services.can_manage(request.user, initiative)
    if request.method == "POST":
        if not may:
            raise PermissionDenied(f'you are not allowed to change the work of "{key}"')
        return _act(request, initiative)
    rows = list(initiative.tracker_links.order_by("kind", "ref"))
    by_category = defaultdict(int)
    for row in rows:
        for item in row.items or []:
            by_category[item.get("category")] += 1
    return render(request, "trackers/initiative.html", {
        "initiative": initiative, "rows": rows, "may": may,
        "progress": combine(r.progress for r in rows),
        "kinds": [(k.value, k.label) for k in Kind
                  if Connection.objects.filter(kind=k.value).exists()],
    })


def _act(request, initiative: Initiative):
    back = reverse("trackers:initiative", args=[initiative.key])
    action = request.POST.get("action", "")
    try:
        if action == "link":
            row = services.link(request.user, initiative, request.POST.get("kind", ""),
                                request.POST.get("ref", ""))
            outcome = services.sync_link(request.user, row)
            _tell(request, outcome)
        elif action == "unlink":
            row = initiative.tracker_links.filter(pk=request.POST.get("link") or 0).first()
            if row is None:
                raise errors.NotFound.field("link", "no such link")
            services.unlink(request.user, initiative, row.kind, row.ref)
            messages.success(request, f"{initiative.key} is no longer linked to "
                                      f"{row.get_kind_display()} {row.ref}.")
        elif action == "sync":
            outcomes = services.sync_initiative(request.user, initiative)
            for outcome in outcomes:
                _tell(request, outcome)
            if not outcomes:
                messages.info(request, "Nothing is linked yet.")
        else:
            messages.error(request, "Unknown action.")
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.DomainError as e:
        messages.error(request, "; ".join(x.message for x in e.errors))
    return redirect(back)


def _tell(request, outcome) -> None:
    where = f"{outcome.kind} {outcome.ref}"
    if outcome.result == "synced":
        messages.success(request, f"Synced {where}: {outcome.progress.words()}.")
    else:
        messages.error(request, f"Syncing {where} failed: {outcome.error}. The figures "
                                "last read stay; it is retried.")


@csrf_exempt
def hook(request, kind: str, token: str):
    """A tracker's webhook call: only POST, verified by its signature (401 otherwise,
    with nothing written)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    if kind not in Kind.values:
        return HttpResponse(status=401)
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > MAX_HOOK_BODY:
        return HttpResponse(status=413)
    answer = services.receive(kind, token, dict(request.headers), request.body)
    response = HttpResponse(status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response

