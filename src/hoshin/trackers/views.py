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

from hoshin.core import errors, exports
from hoshin.okrs.models import Initiative
from hoshin.org import permissions
from hoshin.trackers import services
from hoshin.trackers.forms import ConnectionForm, HookForm
from hoshin.trackers.models import Connection, Hook, Kind, TrackerLink
from hoshin.trackers.progress import combine

# A tracker's webhook body larger than this is refused before it is read.
MAX_HOOK_BODY = 1024 * 1024


# Every initiative with linked work as a file (?export=csv|xlsx), one row each, as listed.
EXPORT_COLUMNS = [
    exports.Column("Initiative id", "initiative.key"),
    exports.Column("Initiative", "initiative.title"),
    exports.Column("Unit", "initiative.key_result.objective.unit.name"),
    exports.Column("Key result id", "initiative.key_result.key"),
    exports.Column("Status", lambda e: e["initiative"].get_status_display()),
    exports.Column("Linked work", lambda e: ", ".join(f"{r.get_kind_display()} {r.ref}"
                                                     for r in e["links"])),
    exports.Column("Work items", "progress.total", exports.NUMBER),
    exports.Column("Done", "progress.done", exports.NUMBER),
    exports.Column("In progress", "progress.in_progress", exports.NUMBER),
    exports.Column("To do", "progress.todo", exports.NUMBER),
    exports.Column("Done %", "progress.percent_done", exports.PERCENT),
    exports.Column("Last synced", lambda e: max((r.synced_at for r in e["links"]
                                                if r.synced_at), default=None),
                   exports.DATETIME),
    exports.Column("Last sync failed", "failing"),
]


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
    if response := exports.respond(request, "tracked-initiatives", EXPORT_COLUMNS,
                                   list(grouped.values()),
                                   what="Initiatives' work in trackers"):
        return response
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
        entry = _entry(kind, existing.get(kind.value),
                       request.POST if posted == kind.value else None)
        if posted == kind.value:
            if entry["form"].is_valid() and _connect(request, kind.value, entry["form"]):
                return redirect(reverse("trackers:connections"))
            status = 400
        entries.append(entry)
    if posted is not None and posted not in Kind.values:
        messages.error(request, "Say which tracker: jira, asana or github.")
        status = 400
    return _connections_page(request, entries, HookForm(), status=status)


def _entry(kind: Kind, connection: Connection | None = None, data=None) -> dict:
    """A tracker's section of the page: its connection and the form to add or replace it."""
    initial = ({"base_url": connection.base_url, "account": connection.account,
                "every_minutes": connection.every_minutes} if connection else {})
    return {"kind": kind, "connection": connection,
            "form": ConnectionForm(data, kind=kind.value, connected=connection is not None,
                                   initial=initial)}


def _connections_page(request, entries: list[dict], hook_form: HookForm, status: int = 200):
    return render(request, "trackers/connections.html", {
        "entries": entries, "hooks": _hook_rows(request), "hook_form": hook_form},
        status=status)


def _hook_address(request, hook: Hook) -> str:
    """The whole address to paste into the tracker, on the host the admin reached Hoshin
    by (behind a proxy, settings decide what build_absolute_uri trusts)."""
    return request.build_absolute_uri(reverse("trackers:hook", args=[hook.kind, hook.token]))


def _hook_rows(request) -> list[dict]:
    return [{"hook": h, "address": _hook_address(request, h)}
            for h in Hook.objects.select_related("created_by")]


def _secret_shown_once(request, hook: Hook, secret: str, what: str):
    """The page that shows a webhook's address and secret, this once: rendered in answer
    to the POST (never through a redirect, a message or the session, which would keep the
    secret somewhere) and not to be stored by the browser."""
    response = render(request, "trackers/hook_secret.html", {
        "hook": hook, "address": _hook_address(request, hook), "secret": secret,
        "what": what})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def hook_new(request):
    """Add a webhook address for a tracker (admins only); its secret is shown once."""
    _admins_only(request, "set up tracker webhooks")
    form = HookForm(request.POST)
    if form.is_valid():
        try:
            hook, secret = services.add_hook(request.user, form.cleaned_data["kind"],
                                             secret=form.cleaned_data["secret"])
        except errors.PermissionDenied as e:
            raise PermissionDenied(str(e)) from e
        except errors.DomainError as e:
            for error in e.errors:
                form.add_error(error.field if error.field in form.fields else None,
                               error.message)
        else:
            return _secret_shown_once(request, hook, secret, "added")
    existing = {c.kind: c for c in Connection.objects.select_related("updated_by")}
    return _connections_page(request, [_entry(k, existing.get(k.value)) for k in Kind], form,
                             status=400)


def _hook_or_404(pk: int) -> Hook:
    hook = Hook.objects.filter(pk=pk).first()
    if hook is None:
        raise Http404("no such webhook")
    return hook


@login_required
@require_POST
def hook_secret(request, pk: int):
    """A new secret for a GitHub or Jira webhook (admins only), shown once; the old one
    stops verifying at once."""
    _admins_only(request, "change tracker webhooks")
    hook = _hook_or_404(pk)
    try:
        hook, secret = services.rotate_hook_secret(request.user, hook.token)
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.DomainError as e:
        messages.error(request, "; ".join(x.message for x in e.errors))
        return redirect(reverse("trackers:connections") + "#webhooks")
    return _secret_shown_once(request, hook, secret, "replaced")


@login_required
@require_POST
def hook_remove(request, pk: int):
    """Remove a tracker webhook (admins only): its address answers 401 from now on."""
    _admins_only(request, "remove tracker webhooks")
    hook = _hook_or_404(pk)
    try:
        services.remove_hook(request.user, hook.token)
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    messages.success(request, f"The {hook} is removed; calls to its address are refused. "
                              "Remove it in the tracker too.")
    return redirect(reverse("trackers:connections") + "#webhooks")


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

