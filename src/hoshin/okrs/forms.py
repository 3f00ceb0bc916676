"""Forms of the OKR pages. They only parse input; the services decide what is valid."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from django import forms

from hoshin.core.errors import DomainError
from hoshin.core.fields import MeasureField, text_field
from hoshin.okrs import rules
from hoshin.okrs.models import Cycle, KeyResult, Objective, Theme, TradeOff
from hoshin.org.models import Organization
from hoshin.strategy.models import AnnualObjective, ImprovementPriority


class CheckInForm(forms.Form):
    """A check-in of one key result. The fields depend on its kind: a number, the
    milestone's steps, or a single "done" box for a milestone without steps."""

    value = MeasureField(
        label="Value", required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    steps_done = forms.MultipleChoiceField(label="Steps done", required=False,
                                           widget=forms.CheckboxSelectMultiple)
    done = forms.BooleanField(label="Done", required=False)
    confidence = forms.IntegerField(
        label="Confidence (0–10)", required=False, min_value=0, max_value=10,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1, "inputmode": "numeric"}))
    note = text_field("note", label="Note", required=False)
    blockers = text_field("blockers", label="Blockers", required=False)

    # The service's error fields that this form shows next to a field of its own.
    FIELD_OF: ClassVar[dict[str, str]] = {
        "value": "value", "confidence": "confidence", "steps_done": "steps_done",
        "note": "note", "blockers": "blockers"}

    def __init__(self, *args, key_result: KeyResult, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.key_result = key_result
        self.milestone = key_result.kind == KeyResult.Kind.MILESTONE
        self.has_steps = bool(steps)
        # Several rows share one page: ids must not collide.
        self.auto_id = f"kr{key_result.pk}-%s"
        if self.milestone and self.has_steps:
            self.fields["steps_done"].choices = [(s.key, s.title) for s in steps]
            del self.fields["value"], self.fields["done"]
        elif self.milestone:
            self.fields["done"].label = "Milestone done"
            del self.fields["value"], self.fields["steps_done"]
        else:
            unit = f" ({key_result.unit})" if key_result.unit else ""
            self.fields["value"].label = f"Value{unit}"
            self.fields["value"].required = True
            self.fields["value"].error_messages["required"] = "Enter the current value."
            del self.fields["steps_done"], self.fields["done"]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        args = {"confidence": data.get("confidence"), "note": data.get("note", ""),
                "blockers": data.get("blockers", "")}
        if "steps_done" in self.fields:
            args["steps_done"] = list(data.get("steps_done") or [])
        elif "done" in self.fields:
            args["value"] = 1.0 if data.get("done") else 0.0
        else:
            args["value"] = data.get("value")
        return args

    def add_domain_error(self, error: DomainError) -> None:
        """Put each of the service's field errors next to the field it is about."""
        for e in error.errors:
            field = self.FIELD_OF.get(e.field)
            if field == "value" and "done" in self.fields:
                field = "done"
            if field not in self.fields:
                field = None
            self.add_error(field, e.message)

    def mark_errors(self) -> None:
        """Tie each field in error to its message, for screen readers, and put the
        cursor in the first one."""
        first = True
        for name in self.fields:
            if name in self.errors:
                attrs = self.fields[name].widget.attrs
                attrs["aria-describedby"] = f"{self.auto_id % name}-error"
                attrs["aria-invalid"] = "true"
                if first:
                    # htmx and the browser both move the focus here after the swap or load.
                    attrs["autofocus"] = True
                    first = False


# The objective form, with its key results on one page (okrs/pages.py) ------------


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
    description = text_field("description", widget=forms.Textarea(attrs={"rows": 3}),
                             required=False)
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
    baseline = MeasureField(required=False)
    target = MeasureField(required=False)
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
    reason = text_field(
        "reason", label="Reason for a new target or baseline", required=False,
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


def _kr_initial(kr: KeyResult) -> dict:
    return {"key": kr.key, "title": kr.title, "owner": kr.owner.email, "kind": kr.kind,
            "baseline": kr.baseline, "target": kr.target, "unit": kr.unit,
            "steps": steps_text(kr.steps.all()), "phases": phases_text(kr.phases.all())}


def _list_of(text: str) -> list[str]:
    """Several ids or emails in one box, separated by commas, spaces or new lines."""
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


class TradeOffForm(forms.Form):
    """An entry of the trade-off register written by hand (or a supersession of one).
    Lists are typed as ids and emails, the way the API and the plan file name them."""

    title = forms.CharField(label="What", max_length=300,
                            help_text="What is paused, slowed or stopped.")
    kind = forms.ChoiceField(label="Is", choices=[
        (v, label) for v, label in TradeOff.Kind.choices if v != TradeOff.Kind.RESUMED])
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Required: what this makes room for.")
    cycle = forms.ModelChoiceField(label="Quarter", queryset=Cycle.objects.none(),
                                   to_field_name="key")
    unit = forms.CharField(label="Whose work (unit id)", required=False, max_length=100,
                           help_text="Empty: the unit of the items it affects.")
    told_people = forms.CharField(label="People told (emails)", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    told_units = forms.CharField(label="Units told (ids; their leads are told)",
                                 required=False, max_length=2000)
    affects = forms.CharField(label="Items it affects (ids of objectives, key results, "
                                    "initiatives, annual objectives)", required=False,
                              max_length=2000)
    decided_on = forms.DateField(label="Decided on", required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text="Empty: today.")

    def __init__(self, *args, superseding: TradeOff | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = (Cycle.objects.exclude(state=Cycle.State.CLOSED)
                                         .filter(archived_at__isnull=True).order_by("-start"))
        if superseding is not None:
            # Superseding may also say the work goes ahead again.
            self.fields["kind"].choices = TradeOff.Kind.choices
            self.fields["reason"].help_text = "Required: why the earlier entry is replaced."

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "kind": data["kind"], "reason": data["reason"],
                "cycle": data["cycle"].key, "unit": data["unit"].strip() or None,
                "told_people": _list_of(data["told_people"]),
                "told_units": _list_of(data["told_units"]),
                "affects": _list_of(data["affects"]), "decided_on": data["decided_on"]}
