"""PDCA pages: countermeasures (problem, five whys, countermeasure, check) and the
learnings library."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from hoshin.core import clock, errors, exports
from hoshin.org import permissions
from hoshin.org.models import Unit
from hoshin.pdca import services
from hoshin.pdca.forms import AdoptForm, CountermeasureForm, LearningForm
from hoshin.pdca.models import Countermeasure, Learning


def _add_errors(form, error: errors.DomainError) -> None:
    for e in error.errors:
        field = e.field if e.field in form.fields else ("why1" if e.field == "whys" else None)
        form.add_error(field, e.message)


# The list as a file (?export=csv|xlsx): the rows the page shows.
EXPORT_COLUMNS = [
    exports.Column("Problem", "problem"),
    exports.Column("Key result id", "key_result.key"),
    exports.Column("Metric id", "metric.key"),
    exports.Column("Unit", "unit.name"),
    exports.Column("Owner", "owner.name"),
    exports.Column("Status", lambda c: c.get_status_display()),
    exports.Column("Root cause", "root_cause"),
    exports.Column("Countermeasure", "countermeasure"),
    exports.Column("Due", "due", exports.DATE),
    exports.Column("Check on", "check_on", exports.DATE),
    exports.Column("Result", "result"),
    exports.Column("Opened on", "opened_on", exports.DATE),
    exports.Column("Closed on", "closed_on", exports.DATE),
]


@login_required
def countermeasure_list(request):
    today = clock.today()
    user = request.user
    query = Countermeasure.objects.select_related("owner", "key_result", "metric", "unit")
    scope = request.GET.get("scope") or ("all" if permissions.can_edit_strategy(user) else "mine")
    if scope == "mine":
        led = permissions.led_unit_ids(user)
        query = query.filter(Q(owner=user) | Q(unit_id__in=led))
    show_closed = request.GET.get("closed") == "1"
    if not show_closed:
        query = query.filter(status__in=Countermeasure.ACTIVE)
    rows = list(query[:500])
    rows.sort(key=lambda c: (not c.is_overdue(today), c.due or today.replace(year=9999),
                             -c.pk))
    if response := exports.respond(request, "countermeasures", EXPORT_COLUMNS, rows,
                                   what="Countermeasures"):
        return response
    return render(request, "pdca/list.html", {
        "nav": "pdca", "rows": rows, "today": today, "scope": scope,
        "show_closed": show_closed})


@login_required
def countermeasure_new(request):
    key = request.GET.get("key_result") or request.POST.get("key_result") or ""
    if request.method == "POST":
        try:
            cm = services.open_countermeasure(request.user, problem=request.POST.get("problem", ""),
                                              key_result=key or None)
        except errors.PermissionDenied as e:
            raise PermissionDenied(str(e)) from e
        except errors.DomainError as e:
            return render(request, "pdca/new.html", {"nav": "pdca", "key": key, "error": e,
                                                     "problem": request.POST.get("problem", "")},
                          status=400)
        return redirect("pdca:detail", pk=cm.pk)
    return render(request, "pdca/new.html", {"nav": "pdca", "key": key})


@login_required
def countermeasure_detail(request, pk: int):
    cm = get_object_or_404(Countermeasure.objects.select_related(
        "owner", "key_result__objective__unit", "metric", "unit"), pk=pk)
    can_edit = services._can_work_on(request.user, cm)
    form = CountermeasureForm.for_countermeasure(cm, request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("you cannot work on this countermeasure")
        if form.is_valid():
            try:
                services.update_countermeasure(request.user, cm, **form.service_arguments())
            except errors.DomainError as e:
                _add_errors(form, e)
            else:
                messages.success(request, "Countermeasure saved.")
                return redirect("pdca:detail", pk=cm.pk)
    return render(request, "pdca/detail.html", {
        "nav": "pdca", "cm": cm, "form": form, "can_edit": can_edit,
        "today": clock.today(), "learnings": cm.learnings.all()},
        status=400 if form.errors else 200)


# The library as a file (?export=csv|xlsx): the learnings the search found, as listed.
LEARNING_COLUMNS = [
    exports.Column("Learning", "pk", exports.NUMBER),
    exports.Column("Title", "title"),
    exports.Column("Unit", "unit.name"),
    exports.Column("Source", lambda learning: learning.get_source_display()),
    exports.Column("Written on", "created_on", exports.DATE),
    exports.Column("Author", "author.name"),
    exports.Column("Worked", "worked"),
    exports.Column("Did not work", "did_not_work"),
    exports.Column("Tags", lambda learning: ", ".join(learning.tag_list)),
    exports.Column("Used by", lambda learning: ", ".join(sorted(
        u.unit.name for u in learning.uses.all() if u.unit))),
]


@login_required
def learning_list(request):
    text = request.GET.get("q", "")
    tag = request.GET.get("tag", "")
    unit = request.GET.get("unit", "")
    found = services.search_learnings(text, tags=[tag] if tag else (), unit=unit or None)
    if response := exports.respond(request, "learnings", LEARNING_COLUMNS, found,
                                   what="Learnings library"):
        return response
    return render(request, "pdca/learnings.html", {
        "nav": "learnings", "found": found, "q": text, "tag": tag, "unit": unit,
        "units": Unit.objects.filter(archived_at__isnull=True).order_by("name")})


def _my_units(user):
    led = permissions.led_unit_ids(user)
    if permissions.can_edit_strategy(user):
        return Unit.objects.filter(archived_at__isnull=True).order_by("name")
    return Unit.objects.filter(pk__in=led, archived_at__isnull=True).order_by("name")


@login_required
def learning_new(request):
    if request.user.role == "viewer":
        raise PermissionDenied("viewers read the library")
    cm = None
    if request.GET.get("countermeasure"):
        cm = Countermeasure.objects.filter(pk=request.GET["countermeasure"]).first()
    units = Unit.objects.filter(archived_at__isnull=True).order_by("name")
    initial = {}
    if cm is not None:
        initial = {"title": f"{cm.subject}: {cm.countermeasure[:120]}".strip(": "),
                   "worked": cm.result, "unit": cm.unit.key if cm.unit else ""}
    form = LearningForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            learning = services.create_learning(
                request.user, title=data["title"], worked=data["worked"],
                did_not_work=data["did_not_work"], tags=data["tags"], unit=data["unit"] or None,
                source="countermeasure" if cm else "manual",
                countermeasure=cm.pk if cm else None)
        except errors.DomainError as e:
            _add_errors(form, e)
        else:
            return redirect("learnings:detail", pk=learning.pk)
    return render(request, "pdca/learning_form.html", {"nav": "learnings", "form": form,
                                                       "cm": cm},
                  status=400 if form.errors else 200)


@login_required
def learning_detail(request, pk: int):
    learning = get_object_or_404(Learning.objects.select_related("unit", "author",
                                                                 "countermeasure"), pk=pk)
    units = [u for u in _my_units(request.user) if u.pk != learning.unit_id]
    form = AdoptForm(request.POST or None, units=units)
    if request.method == "POST":
        if not units:
            raise PermissionDenied("only a unit's lead adopts a learning for it")
        if form.is_valid():
            try:
                services.adopt_learning(request.user, learning, unit=form.cleaned_data["unit"],
                                        note=form.cleaned_data["note"])
            except errors.PermissionDenied as e:
                raise PermissionDenied(str(e)) from e
            except errors.DomainError as e:
                _add_errors(form, e)
            else:
                messages.success(request, "Adopted.")
                return redirect("learnings:detail", pk=learning.pk)
    return render(request, "pdca/learning.html", {
        "nav": "learnings", "learning": learning, "form": form if units else None,
        "uses": learning.uses.select_related("unit", "adopted_by")},
        status=400 if form.errors else 200)
