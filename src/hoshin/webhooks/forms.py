"""The admin's form to add a webhook (the service checks everything again)."""

from __future__ import annotations

from django import forms

from hoshin.webhooks.models import FAMILIES, FAMILY_LABELS


class WebhookForm(forms.Form):
    url = forms.URLField(label="Receiver's address", max_length=500,
                         assume_scheme="https",
                         help_text="Events are POSTed here, signed (Standard Webhooks).")
    events = forms.MultipleChoiceField(
        choices=[(f, f"{FAMILY_LABELS[f]} ({', '.join(types)})")
                 for f, types in FAMILIES.items()],
        widget=forms.CheckboxSelectMultiple, initial=list(FAMILIES))
    secret = forms.CharField(label="Signing secret", required=False, max_length=200,
                             help_text="Leave empty to have one made (whsec_…); it is shown "
                                       "once, after adding.")
    description = forms.CharField(required=False, max_length=200)
