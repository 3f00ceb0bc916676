"""Forms of the review pages; the services decide what is valid."""

from __future__ import annotations

from django import forms

from hoshin.core.fields import DayField, MeasureField, text_field
from hoshin.okrs.models import TradeOff
from hoshin.org.forms import PeopleFormMixin, PersonField
from hoshin.reviews.models import Decision


class DecisionForm(forms.Form):
    """One line per agenda item: the decision, the reason, and only the field that
    decision needs (the page shows it when that decision is chosen)."""

    # Only the types are checked here: what the decision may be, and whether it needs its
    # reason, is the service's to say, in the same words as for the API.
    kind = forms.CharField(label="Decision", widget=forms.Select(choices=Decision.Kind.choices))
    new_target = MeasureField(label="New target", required=False,
                              widget=forms.NumberInput(attrs={"step": "any"}))
    trade_off = text_field("trade_off", label="Trade-off", required=False,
                           widget=forms.Select(choices=TradeOff.Kind.choices))
    escalated_to = forms.CharField(label="Escalate to", required=False, max_length=200,
                                   widget=forms.TextInput(
                                       attrs={"placeholder": "Person or board"}))

    # Last, so the field a decision needs comes right after the decision itself.
    rationale = text_field("rationale", label="Why", required=False, widget=forms.TextInput(
        attrs={"required": True, "placeholder": "Why this decision?"}))

    # The field each decision needs; the others are hidden on the page and not sent on.
    NEEDS = {Decision.Kind.CHANGE_TARGET: "new_target",
             Decision.Kind.DEPRIORITISE: "trade_off",
             Decision.Kind.ESCALATE: "escalated_to"}

    def __init__(self, *args, item_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"item{item_id}-%s"

    def clean(self):
        data = super().clean()
        # The new target starts filled in with today's target and the trade-off with
        # "paused": what a hidden field holds was not chosen, so only the chosen
        # decision's own field goes to the service.
        needed = self.NEEDS.get(data.get("kind"))
        for name in self.NEEDS.values():
            if name != needed:
                data[name] = None
                self.errors.pop(name, None)  # a typo in a hidden field is no error
        if needed == "trade_off":
            data["trade_off"] = data.get("trade_off") or None
        return data


class ActionForm(PeopleFormMixin, forms.Form):
    title = forms.CharField(label="Action", max_length=300)
    owner = PersonField(label="Owner")
    due = DayField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, prefix_id: str = "action", **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = f"{prefix_id}-%s"


class ItemForm(forms.Form):
    title = forms.CharField(label="What needs deciding", max_length=300)
    detail = text_field("detail", label="Detail", required=False,
                        widget=forms.Textarea(attrs={"rows": 2}))
