"""The scoring session form: one row of four scale choices per initiative, and who scored."""

from __future__ import annotations

from django import forms

from hoshin.org.forms import find_person, person_choices
from hoshin.portfolio.wsjf import COLUMNS, SCALE


class ScoringSessionForm(forms.Form):
    participants = forms.MultipleChoiceField(required=False, label="Who scored")
    participant_names = forms.CharField(
        required=False, label="Who scored", max_length=5000,
        help_text="Names or emails, separated by semicolons.")
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, initiatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.initiatives = list(initiatives)
        choices = person_choices()
        # Up to the picker's limit people are ticked in a list; above it, typed by name.
        if choices:
            self.fields["participants"].choices = [(c.value, c.label) for c in choices]
            del self.fields["participant_names"]
            self.choices_by_id = {c.value: c.email for c in choices}
        else:
            del self.fields["participants"]
            self.choices_by_id = {}

    def rows(self):
        """Each initiative with the values posted (or blank) for the template."""
        data = self.data if self.is_bound else {}
        return [{"initiative": i,
                 "values": [(c, f"{c}-{i.key}", data.get(f"{c}-{i.key}", "")) for c in COLUMNS]}
                for i in self.initiatives]

    def clean(self):
        cleaned = super().clean()
        scores = []
        for i in self.initiatives:
            raw = {c: (self.data.get(f"{c}-{i.key}") or "").strip() for c in COLUMNS}
            if not any(raw.values()):
                continue  # not scored in this session
            row = {"initiative": i.key}
            for c, value in raw.items():
                row[c] = int(value) if value.isdigit() else value
            scores.append(row)
        cleaned["scores"] = scores
        if "participants" in self.fields:
            cleaned["people"] = [self.choices_by_id[v] for v in cleaned.get("participants") or ()]
        else:
            people = []
            for name in (cleaned.get("participant_names") or "").split(";"):
                if name.strip():
                    try:
                        people.append(find_person(name.strip()))
                    except forms.ValidationError as e:
                        self.add_error("participant_names", e)
            cleaned["people"] = people
        return cleaned


SCALE_CHOICES = [("", "–")] + [(str(v), str(v)) for v in SCALE]
