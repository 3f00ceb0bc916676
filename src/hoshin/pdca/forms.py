"""Forms of the PDCA pages; the services decide what is valid."""

from __future__ import annotations

from django import forms

from hoshin.core.fields import DayField, text_field
from hoshin.org.forms import PeopleFormMixin, PersonField
from hoshin.pdca.models import Countermeasure

DATE = forms.DateInput(attrs={"type": "date"})


class CountermeasureForm(PeopleFormMixin, forms.Form):
    problem = text_field("problem", label="Problem", widget=forms.Textarea(attrs={"rows": 2}))
    why1 = text_field("why1", label="Why? (1)", required=False)
    why2 = text_field("why2", label="Why? (2)", required=False)
    why3 = text_field("why3", label="Why? (3)", required=False)
    why4 = text_field("why4", label="Why? (4)", required=False)
    why5 = text_field("why5", label="Why? (5)", required=False)
    root_cause = text_field("root_cause", label="Root cause", required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    countermeasure = text_field("countermeasure", label="Countermeasure", required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    owner = PersonField(label="Owner", required=False)
    due = DayField(label="Due", required=False, widget=DATE)
    check_on = DayField(label="Check the effect on", required=False, widget=DATE)
    result = text_field("result", label="Result of the check", required=False,
                        widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label="Status", choices=Countermeasure.Status.choices)

    @classmethod
    def for_countermeasure(cls, cm: Countermeasure, data=None):
        whys = {f"why{i + 1}": w for i, w in enumerate(cm.whys[:5])}
        initial = {"problem": cm.problem, "root_cause": cm.root_cause,
                   "countermeasure": cm.countermeasure, "due": cm.due, "check_on": cm.check_on,
                   "result": cm.result, "status": cm.status,
                   "owner": cm.owner.email if cm.owner else "", **whys}
        return cls(data, initial=initial)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        args = {name: data[name] for name in ("problem", "root_cause", "countermeasure",
                                              "due", "check_on", "result", "status")}
        args["whys"] = [data[f"why{i}"] for i in range(1, 6)]
        if data.get("owner"):
            args["owner"] = data["owner"]
        return args


class LearningForm(forms.Form):
    title = forms.CharField(label="Title", max_length=300)
    worked = text_field("worked", label="What worked", required=False,
                        widget=forms.Textarea(attrs={"rows": 3}))
    did_not_work = text_field("did_not_work", label="What did not", required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    tags = forms.CharField(label="Tags (comma-separated)", required=False, max_length=500)
    unit = forms.ChoiceField(label="Unit", required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *[(u.key, u.name) for u in units]]


class AdoptForm(forms.Form):
    unit = forms.ChoiceField(label="Adopt in")
    note = forms.CharField(label="How you use it", required=False, max_length=2000)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.key, u.name) for u in units]
