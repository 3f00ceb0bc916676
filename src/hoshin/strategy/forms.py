"""Forms of the strategy page. They only parse input; the services decide what is valid."""

from __future__ import annotations

from django import forms

from hoshin.core.errors import DomainError
from hoshin.core.fields import MeasureField, YearField, text_field
from hoshin.org.forms import PeopleFormMixin, PersonField
from hoshin.org.models import Unit
from hoshin.strategy.models import Metric

TEXTAREA = forms.Textarea(attrs={"rows": 3})
OWNER_HELP = "The person who owns it; leave blank for nobody yet."
KEY_HELP = "Optional short id such as B4; left blank, one is made up."


def _key() -> forms.CharField:
    return forms.CharField(label="Id", required=False, max_length=64, help_text=KEY_HELP)


def _owner() -> PersonField:
    # Picked by name (a list, or a name-or-email box in a large organisation); cleans to
    # the email the services take.
    return PersonField(label="Owner", required=False, help_text=OWNER_HELP)


class VisionForm(forms.Form):
    statement = text_field("statement", label="Vision statement", widget=TEXTAREA)
    horizon = YearField(label="Horizon (year)", required=False)
    customer_ideal = text_field("customer_ideal", label="Customer ideal", required=False,
                                widget=TEXTAREA)


class ItemForm(PeopleFormMixin, forms.Form):
    """Common behaviour: the id is asked for only when creating, and the services' field
    errors land next to their field."""

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            self.fields.pop("key", None)

    def add_domain_error(self, exc: DomainError) -> None:
        for error in exc.errors:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)


class BreakthroughForm(ItemForm):
    key = _key()
    title = forms.CharField(label="Title", max_length=300)
    description = text_field("description", label="Description", required=False, widget=TEXTAREA)
    horizon = YearField(label="Horizon (year)", required=False)
    owner = _owner()


class AnnualObjectiveForm(ItemForm):
    key = _key()
    year = YearField(label="Fiscal year")
    title = forms.CharField(label="Title", max_length=300)
    description = text_field("description", label="Description", required=False, widget=TEXTAREA)
    owner = _owner()


class PriorityForm(ItemForm):
    key = _key()
    year = YearField(label="Fiscal year")
    unit = forms.ChoiceField(label="Unit")
    title = forms.CharField(label="Title", max_length=300)
    description = text_field("description", label="Description", required=False, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "— choose a unit —")] + list(
            Unit.objects.filter(archived_at__isnull=True).order_by("name")
            .values_list("key", "name"))


class MetricForm(ItemForm):
    key = _key()
    title = forms.CharField(label="Title", max_length=300)
    unit = forms.CharField(label="Unit of measure", required=False, max_length=40,
                           help_text="For example %, days, € or #.")
    direction = forms.ChoiceField(label="Direction", choices=[
        (Metric.Direction.INCREASE, "Increase (higher is better)"),
        (Metric.Direction.DECREASE, "Decrease (lower is better)")])
    baseline = MeasureField(label="Baseline", required=False,
                            widget=forms.NumberInput(attrs={"step": "any"}))
    target = MeasureField(label="Target", required=False,
                          widget=forms.NumberInput(attrs={"step": "any"}))
    owner = _owner()
