"""Forms of the OKR pages. They only parse input; the services decide what is valid."""

from __future__ import annotations

from typing import ClassVar

from django import forms

from hoshin.core.errors import DomainError
from hoshin.okrs.models import KeyResult


class CheckInForm(forms.Form):
    """A check-in of one key result. The fields depend on its kind: a number, the
    milestone's steps, or a single "done" box for a milestone without steps."""

    value = forms.FloatField(
        label="Value", required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    steps_done = forms.MultipleChoiceField(label="Steps done", required=False,
                                           widget=forms.CheckboxSelectMultiple)
    done = forms.BooleanField(label="Done", required=False)
    confidence = forms.IntegerField(
        label="Confidence (0–10)", required=False, min_value=0, max_value=10,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1, "inputmode": "numeric"}))
    note = forms.CharField(label="Note", required=False, max_length=2000)
    blockers = forms.CharField(label="Blockers", required=False, max_length=2000)

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
