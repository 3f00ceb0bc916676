"""Unit and objective pages, and the objective form (with its key results on one page)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe

from hoshin.core import clock
from hoshin.core.errors import DomainError
from hoshin.core.history_view import history_rows
from hoshin.okrs import charts, rules, services
from hoshin.okrs.models import CheckIn, Cycle, Initiative, KeyResult, Objective, Phase, Theme
from hoshin.okrs.progress import key_result_states
from hoshin.okrs.views import STATUS_LABELS
from hoshin.org.models import Organization, Person, Role, Unit
from hoshin.org.permissions import can_edit_unit_plan
from hoshin.strategy.models import (
    AnnualObjective,
    Breakthrough,
    BreakthroughCorrelation,
    ImprovementPriority,
    PriorityCorrelation,
)
from hoshin.web.permissions import domain_errors_as_http, require


def _quarters():
    return list(Cycle.objects.filter(kind=Cycle.Kind.QUARTER, archived_at__isnull=True)
                .order_by("-start"))


def _pick_cycle(cycles: list[Cycle], key: str | None) -> Cycle | None:
    return (next((c for c in cycles if c.key == key), None)
            or next((c for c in cycles if c.state == Cycle.State.ACTIVE), None)
            or (cycles[0] if cycles else None))


# Why this matters: the chain from an objective up to the breakthroughs --------------------


def _item(kind: str, obj, url: str | None = None) -> dict:
    return {"kind": kind, "key": obj.key, "title": obj.title, "url": url}


def chains(objectives: list[Objective]) -> dict[int, list[list[dict]]]:
    """For each objective, the levels above it (nearest first), each a list of plan
    elements. A handful of queries for any number of objectives."""
    objs = {o.pk: o for o in objectives}
    pending = {o.parent_objective_id for o in objs.values() if o.parent_objective_id} - objs.keys()
    while pending:  # one query per level of objective nesting
        objs.update(Objective.objects.in_bulk(pending))
        pending = {o.parent_objective_id for o in objs.values()
                   if o.parent_objective_id} - objs.keys()
    theme_ids = {o.parent_theme_id for o in objs.values() if o.parent_theme_id}
    prio_ids = {o.parent_priority_id for o in objs.values() if o.parent_priority_id}
    themes = Theme.objects.in_bulk(theme_ids)
    prios = ImprovementPriority.objects.in_bulk(prio_ids)
    annuals_of_theme: dict[int, list[int]] = defaultdict(list)
    for theme_id, annual_id in Theme.annual_objectives.through.objects.filter(
            theme_id__in=theme_ids).values_list("theme_id", "annualobjective_id"):
        annuals_of_theme[theme_id].append(annual_id)
    annuals_of_prio: dict[int, list[int]] = defaultdict(list)
    for prio_id, annual_id in PriorityCorrelation.objects.filter(
            priority_id__in=prio_ids).values_list("priority_id", "annual_objective_id"):
        annuals_of_prio[prio_id].append(annual_id)
    annual_ids = ({o.parent_annual_id for o in objs.values() if o.parent_annual_id}
                  | {a for ids in annuals_of_theme.values() for a in ids}
                  | {a for ids in annuals_of_prio.values() for a in ids})
    annuals = AnnualObjective.objects.in_bulk(annual_ids)
    breakthroughs_of: dict[int, list[int]] = defaultdict(list)
    for annual_id, b_id in BreakthroughCorrelation.objects.filter(
            annual_objective_id__in=annual_ids).values_list("annual_objective_id",
                                                             "breakthrough_id"):
        breakthroughs_of[annual_id].append(b_id)
    breakthroughs = Breakthrough.objects.in_bulk(
        {b for ids in breakthroughs_of.values() for b in ids})

    result = {}
    for objective in objectives:
        levels: list[list[dict]] = []
        node, seen = objective, {objective.pk}
        while node.parent_objective_id and node.parent_objective_id not in seen:
            node = objs[node.parent_objective_id]
            seen.add(node.pk)
            levels.append([_item("Objective", node, f"/objectives/{node.key}/")])
        annual_list: list[int] = []
        if node.parent_theme_id:
            levels.append([_item("Theme", themes[node.parent_theme_id])])
            annual_list = annuals_of_theme[node.parent_theme_id]
        elif node.parent_priority_id:
            levels.append([_item("Improvement priority", prios[node.parent_priority_id])])
            annual_list = annuals_of_prio[node.parent_priority_id]
        elif node.parent_annual_id:
            annual_list = [node.parent_annual_id]
        if annual_list:
            levels.append([_item("Annual objective", annuals[a]) for a in sorted(set(annual_list))])
            b_ids = sorted({b for a in annual_list for b in breakthroughs_of[a]})
            if b_ids:
                levels.append([_item("Breakthrough", breakthroughs[b]) for b in b_ids])
        result[objective.pk] = levels
    return result


def _kr_view(kr: KeyResult, state) -> dict:
    status = str(state.status) if state else "no_data"
    pct = None if state is None or state.progress is None else round(state.progress * 100)
    return {"kr": kr, "status": status, "status_label": STATUS_LABELS.get(status, status),
            "pct": pct, "bar": max(0, min(100, pct or 0))}


# Unit page ----------------------------------------------------------------------------


@login_required
def unit_page(request, key: str):
    unit = get_object_or_404(Unit.objects.select_related("lead", "parent"), key=key,
                             archived_at__isnull=True)
    cycles = _quarters()
    cycle = _pick_cycle(cycles, request.GET.get("cycle"))
    objectives = list(Objective.objects.filter(unit=unit, cycle=cycle, archived_at__isnull=True)
                      .order_by("key")) if cycle else []
    krs = (KeyResult.objects.filter(objective__in=[o.pk for o in objectives],
                                    archived_at__isnull=True)
           .select_related("owner").order_by("objective_id", "id"))
    states = key_result_states(krs) if objectives else {}
    by_objective: dict[int, list[dict]] = defaultdict(list)
    for kr in krs if objectives else []:
        by_objective[kr.objective_id].append(_kr_view(kr, states.get(kr.pk)))
    why = chains(objectives)
    rows = [{"objective": o, "krs": by_objective[o.pk], "chain": why[o.pk]} for o in objectives]
    can_edit = bool(cycle) and can_edit_unit_plan(request.user, unit) \
        and cycle.state != Cycle.State.CLOSED
    return render(request, "okrs/unit.html", {
        "unit": unit, "cycle": cycle, "cycles": cycles, "rows": rows, "can_edit": can_edit,
        "children": unit.children.filter(archived_at__isnull=True).select_related("lead"),
    })


# Objective page -----------------------------------------------------------------------


def _milestone_share(checkin: CheckIn, weights: dict[str, float]) -> float | None:
    if weights:
        return sum(weights.get(k, 0.0) for k in (checkin.steps_done or []))
    return checkin.value


def _history(objective: Objective, kr_ids: list[int]) -> list:
    return history_rows(list(Objective.history.filter(id=objective.pk))
                        + list(KeyResult.history.filter(id__in=kr_ids)), limit=50)


@login_required
def objective_page(request, key: str):
    objective = get_object_or_404(Objective.objects.select_related("unit", "cycle", "unit__lead"),
                                  key=key)
    cycle = objective.cycle
    krs = list(KeyResult.objects.filter(objective=objective, archived_at__isnull=True)
               .select_related("owner").prefetch_related("steps").order_by("id"))
    kr_ids = [kr.pk for kr in krs]
    states = key_result_states(KeyResult.objects.filter(pk__in=kr_ids))
    readings: dict[int, list[CheckIn]] = defaultdict(list)
    for c in CheckIn.objects.filter(key_result_id__in=kr_ids).order_by("date", "id"):
        readings[c.key_result_id].append(c)
    phases: dict[int, list[tuple]] = defaultdict(list)
    for p in Phase.objects.filter(key_result_id__in=kr_ids):
        phases[p.key_result_id].append((p.date, p.target))
    initiatives: dict[int, list[Initiative]] = defaultdict(list)
    for i in (Initiative.objects.filter(key_result_id__in=kr_ids, archived_at__isnull=True)
              .select_related("owner").prefetch_related("links")):
        initiatives[i.key_result_id].append(i)
    today = clock.today()
    rows = []
    for kr in krs:
        weights = {s.key: s.weight for s in kr.steps.all()}
        per_day: dict = {}
        for c in readings[kr.pk]:  # the latest reading of a day counts
            per_day[c.date] = (_milestone_share(c, weights) if kr.kind == "milestone"
                               else c.value)
        chart = charts.geometry(start=cycle.start, end=cycle.end, kind=kr.kind,
                                baseline=kr.baseline, target=kr.target,
                                points=[(d, v) for d, v in per_day.items() if v is not None],
                                phases=phases[kr.pk])
        svg = charts.burnup_svg(chart, title=kr.title, unit=kr.unit, kind=kr.kind,
                                  target=kr.target, today=today)
        row = _kr_view(kr, states.get(kr.pk))
        row.update(svg=mark_safe(svg), initiatives=initiatives[kr.pk])
        rows.append(row)
    return render(request, "okrs/objective.html", {
        "objective": objective, "cycle": cycle, "rows": rows,
        "chain": chains([objective])[objective.pk],
        "history": _history(objective, kr_ids),
        "can_edit": can_edit_unit_plan(request.user, objective.unit)
        and cycle.state != Cycle.State.CLOSED and not objective.archived,
    })


# Objective form -----------------------------------------------------------------------


def parent_choices(cycle: Cycle, exclude: Objective | None = None) -> list:
    """This cycle's valid parents, grouped as the select's option groups."""
    year = rules.fiscal_year_of(cycle.start, Organization.current().fiscal_year_start)
    live = {"archived_at__isnull": True}
    objectives = (Objective.objects.filter(cycle__start__lte=cycle.start, cycle__end__gte=cycle.end,
                                           **live).select_related("unit").order_by("key"))
    if exclude is not None:
        objectives = objectives.exclude(pk=exclude.pk)
    groups = [
        ("Themes of this quarter", [(t.key, f"{t.key} · {t.title}")
                                    for t in Theme.objects.filter(cycle=cycle, **live)]),
        ("Improvement priorities", [(p.key, f"{p.key} · {p.title}") for p in
                                    ImprovementPriority.objects.filter(year=year, **live)]),
        ("Annual objectives", [(a.key, f"{a.key} · {a.title}")
                               for a in AnnualObjective.objects.filter(year=year, **live)]),
        ("Objectives", [(o.key, f"{o.key} · {o.title} ({o.unit.name})") for o in objectives]),
    ]
    return [("", "— none yet (flagged as unaligned) —")] + [g for g in groups if g[1]]


class ObjectiveForm(forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(choices=Objective.Kind.choices)
    parent = forms.ChoiceField(label="Serves (parent)", required=False)

    def __init__(self, *args, cycle: Cycle, objective: Objective | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = parent_choices(cycle, objective)


STEP_LINE = re.compile(r"^(?P<title>.*?)(?:\s*\|\s*(?P<weight>[^|]*?)\s*(?P<pct>%)?)?$")
PHASE_LINE = re.compile(r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})\s*[:,;=→]?\s*(?P<target>\S+)$")


def parse_steps(text: str) -> list[dict]:
    """Milestone steps, one a line: "Pilot with 3 installers | 0.25" (or "| 25%"). With no
    weight on any line, the steps weigh the same. The service checks the weights sum to 1."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    steps, problems = [], []
    for n, line in enumerate(lines, 1):
        match = STEP_LINE.match(line)
        title, weight = match["title"].strip(), match["weight"]
        if weight is not None:
            try:
                weight = float(weight.replace(",", ".")) / (100 if match["pct"] else 1)
            except ValueError:
                problems.append(f'line {n}: "{match["weight"]}" is not a number')
        steps.append({"key": f"S{n}", "title": title, "weight": weight})
    given = [s["weight"] is not None for s in steps]
    if any(given) and not all(given):
        problems.append("give every step a weight, or none for equal steps")
    elif steps and not any(given):
        for step in steps:
            step["weight"] = 1 / len(steps)
    if problems:
        raise forms.ValidationError(problems)
    return steps


def parse_phases(text: str) -> list[dict]:
    """Phased targets, one a line: "2026-05-15 25" (date, then where the key result
    should be by then)."""
    phases, problems = [], []
    for n, line in enumerate((x.strip() for x in (text or "").splitlines() if x.strip()), 1):
        match = PHASE_LINE.match(line)
        try:
            if match is None:
                raise ValueError
            day = dt.date(*map(int, match["date"].split("-")))
            phases.append({"date": day.isoformat(),
                           "target": float(match["target"].replace(",", "."))})
        except ValueError:
            problems.append(f'line {n}: "{line}" is not a date and a target, '
                            "like 2026-05-15 25")
    if problems:
        raise forms.ValidationError(problems)
    return phases


def steps_text(steps) -> str:
    return "\n".join(f"{s.title} | {s.weight:g}" for s in steps)


def phases_text(phases) -> str:
    return "\n".join(f"{p.date.isoformat()} {p.target:g}" for p in phases)


class LinesField(forms.CharField):
    """Text of one item a line; a browser's CRLF or blank lines are not a change."""

    widget = forms.Textarea

    def has_changed(self, initial, data) -> bool:
        def lines(text):
            return [x.strip() for x in str(text or "").splitlines() if x.strip()]

        return lines(initial) != lines(data)


class KeyResultForm(forms.Form):
    title = forms.CharField(max_length=300, required=False)
    owner = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(choices=KeyResult.Kind.choices, initial=KeyResult.Kind.INCREASE)
    baseline = forms.FloatField(required=False)
    target = forms.FloatField(required=False)
    unit = forms.CharField(max_length=40, required=False, label="Measured in")
    steps = LinesField(
        label="Milestone steps", required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Curriculum | 0.25\n"
                                     "Pilot | 0.25\nLaunch | 0.5"}),
        help_text="Milestones only. One step a line; after a | its weight (weights add up "
                  "to 1, or to 100%). Leave weights out for equal steps.")
    phases = LinesField(
        label="Phased targets", required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "2026-05-15 25"}),
        help_text="Increase and decrease only, optional. One a line: a date and where the "
                  "key result should be by then, instead of a straight line.")

    key = forms.CharField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason for a new target or baseline", required=False, max_length=500,
        help_text="Kept in the history. Needed only when the target or baseline changes.")

    EDITABLE = ("title", "owner", "kind", "baseline", "target", "unit", "steps", "phases")

    def __init__(self, *args, owners: list = (), unknown_key: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + list(owners)
        self.unknown_key = unknown_key

    @property
    def existing_key(self) -> str:
        return self.initial.get("key", "")

    def clean_steps(self) -> list[dict]:
        return parse_steps(self.cleaned_data.get("steps", ""))

    def clean_phases(self) -> list[dict]:
        return parse_phases(self.cleaned_data.get("phases", ""))

    def clean(self):
        data = super().clean()
        if self.unknown_key:
            raise forms.ValidationError(f"{self.unknown_key} is no longer a key result of this "
                                        "objective; reload the page to see it as it is now.")
        # The service says the same; checked here too so that every row's errors show at once.
        kind = data.get("kind")
        if data.get("steps") and kind != "milestone":
            self.add_error("steps", "only milestone key results have steps")
        if data.get("phases") and kind not in ("increase", "decrease"):
            self.add_error("phases", "only increase and decrease key results have phased "
                                     "targets")
        return data

    @property
    def filled(self) -> bool:
        """A new key result typed in, or a change to one that exists."""
        if not hasattr(self, "cleaned_data"):
            return False
        if self.existing_key:
            return any(name in self.changed_data for name in self.EDITABLE)
        return bool(self.cleaned_data.get("title"))

    def service_row(self, existing: KeyResult | None = None) -> dict:
        data = self.cleaned_data
        if existing is None:
            row = {name: data[name] for name in ("title", "owner", "kind", "baseline", "target",
                                                 "unit")}
            # Left out when not given: a key result without steps or phases.
            for name in ("steps", "phases"):
                if data.get(name):
                    row[name] = data[name]
            return row
        # Only what changed: saving the same steps again would be history without a change.
        row = {"key": existing.key, "reason": data.get("reason", "")}
        row.update({name: data[name] for name in self.EDITABLE if name in self.changed_data})
        if "steps" in row:
            # A step keeps its id when its title stays: check-ins name steps by id.
            known = {s.title: s.key for s in existing.steps.all()}
            taken = set(known.values())
            for n, step in enumerate(row["steps"], 1):
                step["key"] = known.get(step["title"]) or _free_key(taken, n)
                taken.add(step["key"])
        return row


def _free_key(taken: set, n: int) -> str:
    while f"S{n}" in taken:
        n += 1
    return f"S{n}"


class BaseKeyResultFormSet(forms.BaseFormSet):
    """Rows of the objective's key results, then empty rows for new ones. A posted row
    is matched to its key result by the key it carries, not by its place: someone may
    have added a key result since the form was opened."""

    def __init__(self, *args, existing=(), **kwargs):
        self.existing = {kr.key: kr for kr in existing}
        if not args or args[0] is None:
            kwargs["initial"] = [_kr_initial(kr) for kr in existing]
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.is_bound:
            key = self.data.get(f"{self.add_prefix(index)}-key") or ""
            kwargs["initial"] = _kr_initial(self.existing[key]) if key in self.existing else {}
            kwargs["unknown_key"] = key if key and key not in self.existing else ""
        return kwargs


KeyResultFormSet = forms.formset_factory(KeyResultForm, formset=BaseKeyResultFormSet, extra=3,
                                         max_num=25)


def _owners(unit: Unit) -> list[tuple[str, str]]:
    people = Person.objects.filter(memberships__unit=unit, is_active=True).exclude(
        role=Role.VIEWER)
    if unit.lead_id:
        people = people | Person.objects.filter(pk=unit.lead_id)
    return [(p.email, p.name) for p in people.distinct().order_by("name")]


def _apply_errors(exc: DomainError, form: ObjectiveForm, rows: list[KeyResultForm]) -> None:
    for err in exc.errors:
        target, name = form, err.field
        if err.field.startswith("key_results["):
            index, _, name = err.field[len("key_results["):].partition("].")
            index = int(index.rstrip("]"))
            target = rows[index] if index < len(rows) else form
        message = err.message
        if m := re.match(r"(steps|phases)\[(\d+)\]", name):  # say which line is wrong
            message = f"line {int(m[2]) + 1}: {message}"
        name = name.split("[")[0]
        target.add_error(name if name in target.fields else None, message)


@login_required
@domain_errors_as_http
def objective_form(request, key: str | None = None):
    objective = None
    if key:
        objective = get_object_or_404(Objective.objects.select_related("unit", "cycle"), key=key,
                                      archived_at__isnull=True)
        unit, cycle = objective.unit, objective.cycle
    else:
        unit = Unit.objects.filter(key=request.GET.get("unit"), archived_at__isnull=True).first()
        if unit is None:
            raise Http404("unknown unit")
        cycle = _pick_cycle(_quarters(), request.GET.get("cycle"))
        if cycle is None:
            raise Http404("no quarter to plan")
    require(can_edit_unit_plan(request.user, unit),
            f"You cannot edit the objectives of {unit.name}.")
    existing = list(objective.key_results.filter(archived_at__isnull=True)
                    .select_related("owner").prefetch_related("steps", "phases")
                    .order_by("id")) if objective else []
    owners = _owners(unit)
    owners += [(kr.owner.email, kr.owner.name) for kr in existing
               if kr.owner.email not in {email for email, _ in owners}]
    initial = None
    if objective is not None:
        initial = {"title": objective.title, "description": objective.description,
                   "kind": objective.kind, "parent": objective.parent.key
                   if objective.parent else ""}
    data = request.POST if request.method == "POST" else None
    form = ObjectiveForm(data, initial=initial, cycle=cycle, objective=objective)
    krs = KeyResultFormSet(data, prefix="kr", form_kwargs={"owners": owners},
                           existing=existing)
    if data is not None and form.is_valid() and krs.is_valid():
        by_key = {kr.key: kr for kr in existing}
        filled = [f for f in krs.forms if f.filled]
        rows = [f.service_row(by_key.get(f.existing_key)) for f in filled]
        fields = {"title": form.cleaned_data["title"],
                  "description": form.cleaned_data["description"],
                  "kind": form.cleaned_data["kind"],
                  "parent": form.cleaned_data["parent"] or None}
        try:
            if objective is None:
                saved = services.create_objective_with_key_results(
                    request.user, {"cycle": cycle.key, "unit": unit.key, **fields}, rows)
            else:
                saved = services.update_objective_with_key_results(
                    request.user, objective, fields, rows)
        except DomainError as exc:
            if exc.status_code != 400:
                raise
            _apply_errors(exc, form, filled)
        else:
            return redirect("okrs:objective", key=saved.key)
    return render(request, "okrs/objective_form.html", {
        "form": form, "krs": krs, "unit": unit, "cycle": cycle, "objective": objective,
    })


def _kr_initial(kr: KeyResult) -> dict:
    return {"key": kr.key, "title": kr.title, "owner": kr.owner.email, "kind": kr.kind,
            "baseline": kr.baseline, "target": kr.target, "unit": kr.unit,
            "steps": steps_text(kr.steps.all()), "phases": phases_text(kr.phases.all())}
