"""Forms of the review pages; the services decide what is valid."""

from __future__ import annotations

from django import forms

from hoshin.okrs.models import TradeOff
from hoshin.reviews.models import Decision


class DecisionForm(forms.Form):
    # Only the types are checked here: what the decision may be, and whether it needs its
    # reason, is the service's to say, in the same words as for the API.
    kind = forms.CharField(label="Decision", widget=forms.Select(choices=Decision.Kind.choices))
    rationale = forms.CharField(label="Why", required=False,
                                widget=forms.Textarea(attrs={"rows": 2, "required": True}))
    new_target = forms.FloatField(label="New target (when changing it)", required=False)
    trade_off = forms.CharField(label="Trade-off (when deprioritising)", required=False,
                                widget=forms.Select(choices=[("", "—"),
                                                             *TradeOff.Kind.choices]))

    def __init__(self, *args, item_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"item{item_id}-%s"

    def clean_trade_off(self) -> str | None:
        # Left empty: the service's default (paused) for a deprioritisation, and no
        # trade-off at all for any other decision.
        return self.cleaned_data["trade_off"] or None


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
