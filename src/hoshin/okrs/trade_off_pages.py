"""The trade-off register (SPEC §5): every deprioritisation with what, why, who decided,
who was told, when, the items it affects and where it came from. Searchable, newest
first; an entry is never deleted, only superseded by a new one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from hoshin.core import errors, exports
from hoshin.core.history_view import history_rows
from hoshin.okrs import services
from hoshin.okrs.forms import TradeOffForm
from hoshin.okrs.models import Cycle, TradeOff
from hoshin.okrs.trade_offs import affected_keys, register
from hoshin.org import permissions
from hoshin.org.models import Unit

PER_PAGE = 50

# The register as a file (?export=csv|xlsx): every entry the filters keep, not one page.
EXPORT_COLUMNS = [
    exports.Column("Entry", "pk", exports.NUMBER),
    exports.Column("Decided on", "decided_on", exports.DATE),
    exports.Column("Quarter", "cycle.key"),
    exports.Column("What", "title"),
    exports.Column("Kind", lambda t: t.get_kind_display()),
    exports.Column("Why", "reason"),
    exports.Column("Decided by", "decided_by.name"),
    exports.Column("Unit", "unit.name"),
    exports.Column("Told", lambda t: ", ".join([p.name for p in t.told_people.all()]
                                                + [u.name for u in t.told_units.all()])),
    exports.Column("Affects", lambda t: ", ".join(affected_keys(t))),
    exports.Column("Source", lambda t: t.get_source_display()),
    exports.Column("Source note", "source_note"),
    exports.Column("Supersedes entry", "supersedes.pk", exports.NUMBER),
    exports.Column("Current", "is_current"),
]


def may_write(user) -> bool:
    """Who sees the form: the strategy office and unit leads (the service checks which
    units a lead may write for)."""
    return permissions.can_edit_strategy(user) or bool(permissions.led_unit_ids(user))


def _save(request, form: TradeOffForm, write) -> TradeOff | None:
    """Run the service; its refusals land on the form's fields."""
    if not form.is_valid():
        return None
    try:
        return write(**form.service_kwargs())
    except errors.PermissionDenied as e:
        raise PermissionDenied(str(e)) from e
    except errors.DomainError as e:
        for err in e.errors:
            form.add_error(err.field if err.field in form.fields else None, err.message)
    return None


@login_required
def register_page(request):
    params = {name: (request.GET.get(name) or "").strip()
              for name in ("q", "cycle", "unit", "source")}
    if params["source"] and params["source"] not in TradeOff.Source.values:
        raise Http404(f'no source "{params["source"]}"')
    if params["cycle"] and not Cycle.objects.filter(key=params["cycle"]).exists():
        raise Http404(f'no cycle "{params["cycle"]}"')
    if params["unit"] and not Unit.objects.filter(key=params["unit"]).exists():
        raise Http404(f'no unit "{params["unit"]}"')
    rows = register(cycle=params["cycle"] or None, unit=params["unit"] or None,
                    source=params["source"] or None, q=params["q"] or None)
    if request.method == "GET" and (response := exports.respond(
            request, "trade-offs", EXPORT_COLUMNS, rows, what="Trade-off register")):
        return response
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    can_write = may_write(request.user)
    form = None
    status = 200
    if can_write:
        if request.method == "POST":
            form = TradeOffForm(request.POST, prefix="entry")
            entry = _save(request, form, lambda **kw: services.add_trade_off(
                request.user, source=TradeOff.Source.MANUAL, **kw))
            if entry is not None:
                messages.success(request, f"Trade-off {entry.pk} written to the register.")
                return redirect(entry.get_absolute_url())
            status = 400
        else:
            form = TradeOffForm(prefix="entry")
    elif request.method == "POST":
        raise PermissionDenied("only the strategy office and unit leads record trade-offs")
    query = urlencode({k: v for k, v in params.items() if v})
    return render(request, "okrs/trade_offs.html", {
        "page": page, "params": params, "query": query, "form": form,
        "sources": TradeOff.Source.choices,
        "cycles": Cycle.objects.filter(archived_at__isnull=True).order_by("-start"),
        "units": Unit.objects.filter(archived_at__isnull=True).order_by("name"),
    }, status=status)


@login_required
def entry_page(request, pk: int):
    entry = register().filter(pk=pk).first()
    if entry is None:
        raise Http404(f"no trade-off {pk}")
    can_write = may_write(request.user) and entry.is_current
    form = None
    status = 200
    if can_write:
        if request.method == "POST":
            form = TradeOffForm(request.POST, prefix="entry", superseding=entry)
            new = _save(request, form, lambda **kw: services.supersede_trade_off(
                request.user, entry, **kw))
            if new is not None:
                messages.success(request, f"Trade-off {entry.pk} is superseded by {new.pk}.")
                return redirect(new.get_absolute_url())
            status = 400
        else:
            form = TradeOffForm(prefix="entry", superseding=entry, initial={
                "title": entry.title, "kind": entry.kind, "cycle": entry.cycle.key
                if entry.cycle.state != Cycle.State.CLOSED else None,
                "unit": entry.unit.key if entry.unit_id else "",
                "told_people": ", ".join(p.email for p in entry.told_people.all()),
                "told_units": ", ".join(u.key for u in entry.told_units.all()),
                "affects": ", ".join(affected_keys(entry))})
    elif request.method == "POST":
        raise PermissionDenied("this entry is superseded already" if not entry.is_current
                               else "only the strategy office and unit leads record trade-offs")
    return render(request, "okrs/trade_off.html", {
        "entry": entry, "form": form, "affects": _affects(entry),
        "history": history_rows(TradeOff.history.filter(id=entry.pk), limit=20),
    }, status=status)


def _affects(entry: TradeOff) -> list[tuple[str, str, str]]:
    """(kind, label, url) of each item the entry affects."""
    out = []
    for o in entry.objectives.all():
        out.append(("Objective", f"{o.key} {o.title}", f"/objectives/{o.key}/"))
    for k in entry.key_results.all():
        out.append(("Key result", f"{k.key} {k.title}", f"/key-results/{k.key}/"))
    for i in entry.initiatives.all():
        out.append(("Initiative", f"{i.key} {i.title}", f"/key-results/{i.key_result.key}/"
                                                         f"#initiative-{i.key}"))
    for a in entry.annual_objectives.all():
        out.append(("Annual objective", f"{a.key} {a.title}", f"/strategy/annual/{a.key}/"))
    return out
