"""Web pages of the analyzer: the report of a cycle, the limits form, and the live
check of an objective draft (an HTMX fragment the objective form asks for as it is typed)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from hoshin.analyzer import report, services
from hoshin.analyzer.models import LIMIT_FIELDS, AnalyzerSettings
from hoshin.analyzer.plan import SEVERITIES
from hoshin.analyzer.rules import RULES, counts
from hoshin.core.errors import DomainError
from hoshin.core.memory import no_cycle_collection
from hoshin.okrs.models import Cycle
from hoshin.org.models import Person, Role
from hoshin.org.decorators import role_required

_ITEM_URLS = {  # item type → URL name taking the item's id
    "objective": "okrs:objective", "key_result": "okrs:key_result", "unit": "okrs:unit",
    "annual_objective": "strategy:annual", "improvement_priority": "strategy:priority",
    "metric": "strategy:metric",
}


def item_url(item) -> str | None:
    name = _ITEM_URLS.get(item.type)
    if name is None or item.id.startswith(report.DRAFT_ID):
        return None
    try:
        return reverse(name, args=[item.id])
    except NoReverseMatch:
        return None


def _people(findings) -> dict[str, Person]:
    """The people the findings name, by address: a person item's id is their address
    (the JSON and the CLI keep it), the page shows who they are. One query."""
    emails = {i.id.lower() for f in findings for i in f.items if i.type == "person" and i.id}
    if not emails:
        return {}
    return {p.email.lower(): p for p in Person.objects.filter(email__in=emails)
            .only("id", "email", "name")}


def person_name(item, people: dict[str, Person]) -> str:
    """A person item as people know them: the person's name, else the name the finding
    gave; never an address (an owner typed as an unknown address shows the part before
    the @)."""
    found = people.get((item.id or "").lower())
    name = found.name if found is not None else (item.title or item.id or "")
    return name.partition("@")[0] if "@" in name else name


def _view(findings, labels: dict | None = None) -> list[dict]:
    labels = labels or {}
    people = _people(findings)
    return [{"finding": f, "items": [
        {"item": i, "url": item_url(i), "label": labels.get(i.id, i.id),
         **({"person": people.get(i.id.lower()), "name": person_name(i, people)}
            if i.type == "person" else {})}
        for i in f.items]} for f in findings]


# A page of thousands of overlaps helps nobody; the CLI and the API give them all.
PER_RULE = 100


@login_required
def report_page(request):
    quarters = list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
                    .order_by("-start"))
    cycle = request.GET.get("cycle") or None
    severity = request.GET.get("severity")
    severity = severity if severity in SEVERITIES else "info"
    error = None
    try:
        # The whole quarter's plan and findings: hundreds of thousands of objects at 20,000
        # people, no cycles among them; the collector's rescans cost a quarter of the time.
        with no_cycle_collection():
            result = report.check(cycle, severity=severity)
    except DomainError as exc:
        error, result = exc.detail, report.Report([], [])
    groups = []
    for code, rule in RULES.items():
        found = [f for f in result.findings if f.code == code]
        if found:
            groups.append({"rule": rule, "findings": _view(found[:PER_RULE]), "total": len(found),
                           "more": max(0, len(found) - PER_RULE)})
    return render(request, "analyzer/report.html", {
        "nav": "analyzer", "quarters": quarters, "checked": result.cycles,
        "selected": cycle or "", "severity": severity, "severities": SEVERITIES,
        "groups": groups, "counts": counts(result.findings), "total": len(result.findings),
        "error": error, "can_configure": request.user.role in (Role.ADMIN, Role.STRATEGY_OFFICE),
    })


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AnalyzerSettings
        fields = list(LIMIT_FIELDS)


@login_required
@role_required(Role.ADMIN, Role.STRATEGY_OFFICE)
def settings_page(request):
    current = AnalyzerSettings.current()
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(request.user, **{n: form.cleaned_data[n]
                                                      for n in LIMIT_FIELDS})
        except DomainError as exc:
            for err in exc.errors:
                form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, "The analyzer's limits are saved.")
            return redirect("analyzer:settings")
    return render(request, "analyzer/settings.html", {"nav": "analyzer", "form": form,
                                                      "rules": RULES})


def _draft_from_form(request) -> dict:
    """The objective form's fields (formset prefix "kr") as a draft."""
    data = request.POST
    rows = []
    total = data.get("kr-TOTAL_FORMS", "0")
    for i in range(min(int(total) if total.isdigit() else 0, 50)):
        row = {name: data.get(f"kr-{i}-{name}", "").strip()
               for name in ("title", "owner", "kind", "baseline", "target")}
        row["id"] = data.get(f"kr-{i}-key", "").strip() or None
        row["steps"] = [line for line in data.get(f"kr-{i}-steps", "").splitlines()
                        if line.strip()]
        rows.append(row)
    return {"cycle": request.GET.get("cycle") or data.get("cycle"),
            "unit": request.GET.get("unit") or data.get("unit"),
            "id": request.GET.get("objective") or data.get("objective"),
            "title": data.get("title", ""), "parent": data.get("parent") or None,
            "kind": data.get("kind") or None, "key_results": rows}


@login_required
def draft_check(request):
    """Findings for the objective being typed, as an HTML fragment (HTMX swaps it in).
    A GET (nothing typed yet) answers the empty fragment."""
    if request.method != "POST":
        return render(request, "analyzer/_draft_findings.html", {"findings": []})
    try:
        # A draft is compared with thousands of stored items at 20,000 people: the objects
        # made for that are freed as the check ends and hold no cycles, but the collector
        # would otherwise rescan the whole heap now and then in the middle of it (a pause
        # of 50-100 ms, a tenth of the checks).
        with no_cycle_collection():
            findings = report.check_draft(_draft_from_form(request))
    except DomainError as exc:
        # Half-typed numbers are the form's business; say it once, quietly.
        return render(request, "analyzer/_draft_findings.html", {"problem": exc.detail})
    # Name the form's rows as the form does: "KR7" for a stored one, "New key result 2".
    rows, filled, new = {}, 0, 0
    data = request.POST
    for i in range(50):
        key = data.get(f"kr-{i}-key", "").strip()
        new += not key
        if data.get(f"kr-{i}-title", "").strip():
            filled += 1
            if not key:
                rows[f"{report.DRAFT_ID}-kr-{filled}"] = f"New key result {new}"
    return render(request, "analyzer/_draft_findings.html", {
        "findings": _view(findings, {**rows, report.DRAFT_ID: "this objective"}),
    })
