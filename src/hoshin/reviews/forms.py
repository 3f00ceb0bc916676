"""Forms of the review pages; the services decide what is valid."""

from __future__ import annotations

from django import forms

from hoshin.reviews.models import Decision


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label="Decision", choices=Decision.Kind.choices)
    rationale = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}))
    new_target = forms.FloatField(label="New target (when changing it)", required=False)

    def __init__(self, *args, item_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"item{item_id}-%s"


class ActionForm(forms.Form):
    title = forms.CharField(label="Action", max_length=300)
    owner = forms.EmailField(label="Owner (email)")
    due = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, prefix_id: str = "action", **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"{prefix_id}-%s"


class ItemForm(forms.Form):
    title = forms.CharField(label="What needs deciding", max_length=300)
    detail = forms.CharField(label="Detail", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
