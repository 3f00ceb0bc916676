"""Forms of the planning pages. The services validate; these shape the input and put the
services' errors next to the right field."""

from __future__ import annotations

import re

from django import forms

from hoshin.core.errors import DomainError
from hoshin.core.fields import MeasureField, text_field
from hoshin.okrs.models import TradeOff
from hoshin.planning import readiness
from hoshin.planning.concordance import DEFAULT_THRESHOLD

LIKERT = [(str(v), f"{v} · {readiness.SCALE_LABELS[v]}") for v in readiness.SCALE]


def add_domain_errors(form: forms.Form, exc: DomainError, aliases: dict | None = None) -> None:
    """Each service error next to its field (or on top of the form when it names none)."""
    aliases = aliases or {}
    for error in exc.errors:
        name = aliases.get(error.field, error.field)
        if name not in form.fields:
            name = name.split(".")[-1] if name.split(".")[-1] in form.fields else None
        form.add_error(name, error.message)


class ReadinessForm(forms.Form):
    """One radio group per statement, grouped by dimension in the template."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for q in readiness.QUESTIONS:
            self.fields[q.key] = forms.TypedChoiceField(
                label=q.text, choices=LIKERT, coerce=int, widget=forms.RadioSelect,
                error_messages={"required": "Please answer this statement."})

    def grouped(self):
        out = []
        for d in readiness.DIMENSIONS:
            out.append((d, [self[q.key] for q in readiness.QUESTIONS if q.dimension == d.key]))
        return out


class MoveForm(forms.Form):
    to_state = forms.ChoiceField(label="Move to")
    override_reason = text_field(
        "override_reason", label="Override reason (only if the alignment gate is closed)", required=False,
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = list(states)


class RoundForm(forms.Form):
    cycle = forms.ChoiceField(label="Cycle")
    title = forms.CharField(label="Title", required=False, max_length=300)
    items = forms.CharField(
        label="Candidate priorities (one per line)", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A line that is only an annual objective or priority id (A1, P3) links it.")
    executives = forms.MultipleChoiceField(label="Executives who rank",
                                           widget=forms.CheckboxSelectMultiple)
    threshold = MeasureField(
        label="Agreement threshold (Kendall's W)", initial=DEFAULT_THRESHOLD, min_value=0.01,
        max_value=1, widget=forms.NumberInput(attrs={"step": "0.05"}),
        help_text="0.5 is moderate agreement (Schmidt 1997); 0.7 strong.")

    def __init__(self, *args, cycles=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [(c.key, f"{c.key} {c.name}".strip()) for c in cycles]
        # Named as colleagues know them, with their role (never their address, which is
        # only the value sent).
        self.fields["executives"].choices = [(p.email, f"{p.name} ({p.get_role_display()})")
                                             for p in people]

    def lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines()
                if line.strip()]


class BriefForm(forms.Form):
    success = text_field("success", label="What success looks like at quarter end", required=False,
                         widget=forms.Textarea(attrs={"rows": 3}))
    risks = text_field("risks", label="Risks", required=False,
                       widget=forms.Textarea(attrs={"rows": 3}))
    constraints = text_field("constraints", label="Constraints", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ThemeForm(forms.Form):
    title = forms.CharField(label="Theme", max_length=300)
    success = text_field("success", label="Success for this theme", required=False,
                         widget=forms.Textarea(attrs={"rows": 2}))
    annual_objectives = forms.MultipleChoiceField(label="Serves annual objectives",
                                                  required=False,
                                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, annuals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annual_objectives"].choices = [(a.key, f"{a.key} {a.title}")
                                                    for a in annuals]


class TradeOffForm(forms.Form):
    """A trade-off of the brief, written to the register (okrs) with source "brief"."""

    title = forms.CharField(label="What", max_length=300)
    kind = forms.ChoiceField(label="Is", choices=[(v, label) for v, label in TradeOff.Kind.choices
                                                  if v != TradeOff.Kind.RESUMED])
    reason = text_field("reason", label="Why",
                        widget=forms.Textarea(attrs={"rows": 2}))
    told_people = forms.CharField(label="People told (emails)", required=False,
                                  max_length=2000)
    told_units = forms.CharField(label="Units told (ids; their leads are told)",
                                 required=False, max_length=2000)
    affects = forms.CharField(label="Items it affects (ids)", required=False, max_length=2000)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("told_people", "told_units", "affects"):
            data[name] = [p for p in re.split(r"[\s,;]+", data.get(name) or "") if p]
        return data


class RankingForm(forms.Form):
    """A number per item (1 = most important): typed or stepped with the arrow keys, so
    ranking needs no dragging. Equal numbers are ties; a blank item ties last."""

    def __init__(self, *args, items=(), **kwargs):
        initial = kwargs.pop("initial", None) or {}
        super().__init__(*args, **kwargs)
        self.items = list(items)
        n = len(self.items)
        for item in self.items:
            name = f"item_{item.pk}"
            self.fields[name] = forms.IntegerField(
                label=item.title, required=False, min_value=1, max_value=n,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "rank"}))
            if str(item.pk) in initial:
                self.initial[name] = initial[str(item.pk)]

    def positions(self) -> dict[int, int | None]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}") for item in self.items}

    def rows(self):
        return [(item, self[f"item_{item.pk}"]) for item in self.items]
