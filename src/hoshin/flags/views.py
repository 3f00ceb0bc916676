"""The flags page: every open warning, by unit, with its reason."""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from hoshin.core import errors, exports
from hoshin.flags import services
from hoshin.flags.models import LABELS, FlagSettings
from hoshin.okrs.models import Cycle
from hoshin.org import permissions
from hoshin.org.models import Unit


# Rows on one page of the list; the count above it is always the whole total, the same
# the X-matrix's flag box shows.
PER_PAGE = 500

# The list as a file (?export=csv|xlsx): every flag the filters keep, not one page.
EXPORT_COLUMNS = [
    exports.Column("Unit", "key_result.objective.unit.name"),
    exports.Column("Key result id", "key_result.key"),
    exports.Column("Key result", "key_result.title"),
    exports.Column("Owner", "key_result.owner.name"),
    exports.Column("Owner e-mail", "key_result.owner.email"),
    exports.Column("Warning code", "code"),
    exports.Column("Warning", lambda f: LABELS.get(f.code, f.code)),
    exports.Column("Why", "message"),
    exports.Column("Since", "raised_on", exports.DATE),
]


@login_required
def flag_list(request):
    # ?cycle= keeps one quarter's flags (the cockpit's silent count links so).
    cycle = Cycle.objects.filter(key=request.GET.get("cycle") or "").first()
    flags = services.open_flags(cycle=cycle)
    unit_key = request.GET.get("unit") or ""
    code = request.GET.get("code") or ""
    if unit_key:
        flags = flags.filter(key_result__objective__unit__key=unit_key)
    if code in LABELS:
        flags = flags.filter(code=code)
    if response := exports.respond(request, "flags", EXPORT_COLUMNS, flags,
                                   what="Open at-risk flags"):
        return response
    paginator = Paginator(flags, PER_PAGE)  # counts every open flag once (one COUNT)
    page = paginator.get_page(request.GET.get("page"))
    for flag in page.object_list:
        flag.label = LABELS.get(flag.code, flag.code)
    by_unit = [(unit, list(rows)) for unit, rows in
               groupby(page.object_list, key=lambda f: f.key_result.objective.unit)]
    units = Unit.objects.filter(archived_at__isnull=True).order_by("name").only("key", "name")
    filters = {k: v for k, v in (("cycle", cycle.key if cycle else ""), ("unit", unit_key),
                                 ("code", code)) if v}

    def page_url(number: int) -> str:
        return "?" + urlencode({**filters, "page": number})

    return render(request, "flags/list.html", {
        "nav": "flags", "by_unit": by_unit, "count": paginator.count, "units": units,
        "unit_key": unit_key, "code": code, "labels": LABELS, "page": page, "cycle": cycle,
        "all_quarters_url": "?" + urlencode({k: v for k, v in filters.items() if k != "cycle"}),
        "prev_url": page_url(page.previous_page_number()) if page.has_previous() else None,
        "next_url": page_url(page.next_page_number()) if page.has_next() else None,
        "can_configure": permissions.can_edit_strategy(request.user)})


class SettingsForm(forms.ModelForm):
    class Meta:
        model = FlagSettings
        fields = ["behind_pace_points", "confidence_drop", "low_confidence", "silent_days",
                  "forecast_shortfall_points"]
        labels = {"behind_pace_points": "Behind pace by (points of 100)",
                  "confidence_drop": "Confidence drop of",
                  "low_confidence": "Low confidence: below",
                  "silent_days": "Silent after (days)",
                  "forecast_shortfall_points": "Forecast short of the target by (points)"}


@login_required
def flag_settings(request):
    if not permissions.can_edit_strategy(request.user):
        raise PermissionDenied("only the strategy office changes the flag margins")
    current = FlagSettings.current()
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(request.user, **{
                name: form.cleaned_data[name] for name in SettingsForm.Meta.fields})
        except errors.DomainError as e:
            for error in e.errors:
                form.add_error(error.field or None, error.message)
        else:
            messages.success(request, "Flag margins saved.")
            return redirect("flags:list")
    return render(request, "flags/settings.html", {"nav": "flags", "form": form},
                  status=400 if form.errors else 200)


