"""Forms of the catchball pages. The services check every rule; these only parse."""

from __future__ import annotations

from django import forms

from hoshin.core.errors import DomainError
from hoshin.core.fields import DayField, MeasureField, text_field
from hoshin.org.forms import PeopleFormMixin, PersonField

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class VersionFields(forms.Form):
    title = forms.CharField(max_length=300, required=False)
    target = MeasureField(required=False, help_text="Leave empty for no numeric target.")
    description = text_field("description", required=False, widget=TEXTAREA)


class ProposeForm(PeopleFormMixin, VersionFields):
    element = forms.CharField(label="Plan element (id)", max_length=64,
                              widget=forms.TextInput(attrs={"list": "elements",
                                                            "autocomplete": "off"}),
                              help_text="An annual objective, improvement priority, objective "
                                        "or key result, e.g. P1 or KR12.")
    unit = forms.ChoiceField(label="Propose to unit")
    respond_by = DayField(label="Answer by", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}),
                          help_text="Empty: the date of the planning calendar.")
    comment = text_field("comment", required=False, widget=TEXTAREA)
    delegate = PersonField(label="Answered by", required=False, blank_label="The unit's lead",
                            help_text="Needed when you lead the unit yourself: the team "
                                      "member who answers.")
    field_order = ["element", "unit", "title", "target", "description", "respond_by", "comment",
                   "delegate"]

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "Choose a unit")] + [(u.key, u.name) for u in units]
        self.fields["title"].help_text = "Empty: the element's current title."


class RespondForm(VersionFields):
    contribution = text_field("contribution", label="What we can contribute", required=False,
                              widget=TEXTAREA)
    needs_people = forms.CharField(label="People we need", max_length=300, required=False)
    needs_budget = forms.CharField(label="Budget we need", max_length=300, required=False)
    needs_time = forms.CharField(label="Time we need", max_length=300, required=False)
    help_from = forms.MultipleChoiceField(label="Help we need from other units",
                                          required=False,
                                          widget=forms.CheckboxSelectMultiple)
    conflicts = text_field("conflicts", label="Conflicts with our other commitments",
                           required=False, widget=TEXTAREA)
    comment = text_field("comment", required=False, widget=TEXTAREA)
    field_order = ["contribution", "needs_people", "needs_budget", "needs_time", "help_from",
                   "conflicts", "title", "target", "description", "comment"]

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["help_from"].choices = [(u.key, u.name) for u in units]
        self.fields["title"].label = "Counter-proposal: title"
        self.fields["target"].label = "Counter-proposal: target"
        self.fields["description"].label = "Counter-proposal: description"


class ReviseForm(VersionFields):
    comment = text_field("comment", required=False, widget=TEXTAREA)
    respond_by = DayField(label="Answer by", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))


class CommentForm(forms.Form):
    comment = text_field("comment", required=False, widget=TEXTAREA)


class AcceptForm(CommentForm):
    """Accepting, and optionally what the agreement makes room for (the trade-off
    register: written as the accepting person, both sides told)."""

    trade_off = forms.CharField(label="To make room, we pause, slow or stop (optional)",
                                required=False, max_length=300)
    trade_off_kind = forms.ChoiceField(label="It is", required=False, choices=[
        ("paused", "Paused"), ("slowed", "Slowed"), ("stopped", "Stopped")], initial="paused")
    trade_off_reason = forms.CharField(label="Why (required with a trade-off)", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))


class DelegateForm(forms.Form):
    person = forms.ChoiceField(label="Who answers for the unit", required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "The unit's lead")] + [
            (p.email, p.name) for p in people]


class DeadlineForm(forms.Form):
    cycle = forms.ChoiceField()
    what = forms.ChoiceField(label="Deadline")
    due = DayField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, cycles=(), whats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [(c.key, c.name or c.key) for c in cycles]
        self.fields["what"].choices = list(whats)


def show_errors(form: forms.Form, exc: DomainError, rename: dict | None = None) -> None:
    """Put each of a service's errors next to its field (or on top of the form)."""
    for error in exc.errors:
        field = (rename or {}).get(error.field, error.field)
        form.add_error(field if field in form.fields else None, error.message)
