"""A person picked by name on a form: one helper for every form that names a person.

Up to ``PICK_LIMIT`` people the field is a list of names, each labelled "Name (unit or
role)", its values the people's ids (so the page shows no address); above that a list
would weigh more than the page, so the field is a text box that takes a name or an email.
Either way the form's cleaned value is the chosen person's email (what the services take),
and a person the list does not hold, or a name nobody has (or several people share), is a
form error next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import Min
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from hoshin.org.models import Membership, Person, Unit

# Above this many people to choose from the field is a text box (name or email).
PICK_LIMIT = 500


@dataclass(frozen=True)
class Choice:
    value: str  # the person's id
    label: str  # "Name (unit or role)"
    email: str


def person_labels(people) -> list[Choice]:
    """`people` as choices, by name: the unit is the first unit the person belongs to (by
    name), their role when they belong to none."""
    people = list(people)
    units: dict[int, str] = {}
    ids = [p.pk for p in people]
    for start in range(0, len(ids), 500):  # within every database's parameter limit
        rows = (Membership.objects.filter(person_id__in=ids[start:start + 500])
                .values("person_id").annotate(unit=Min("unit__name")))
        units.update((row["person_id"], row["unit"]) for row in rows)
    choices = [Choice(str(p.pk), f"{p.name or p.email.partition('@')[0]} "
                                 f"({units.get(p.pk) or p.get_role_display()})", p.email)
               for p in people]
    return sorted(choices, key=lambda c: (c.label.lower(), c.email))


def person_choices(people=None, current: str = "") -> list[Choice]:
    """The list a PersonField offers: `people` (all active people by default) and the
    person `current` (an email) names; empty above ``PICK_LIMIT`` (then a text box)."""
    queryset = people if people is not None else Person.objects.filter(is_active=True)
    if queryset.count() > PICK_LIMIT:
        return []
    chosen = list(queryset)
    if current and all(p.email != current.lower() for p in chosen):
        chosen += list(Person.objects.filter(email__iexact=current))
    return person_labels(chosen)


def find_person(text: str, people=None) -> str:
    """The email of the one person among `people` (all active people by default) whose
    email or name is `text` (any case); a ValidationError saying why when there is none."""
    queryset = people if people is not None else Person.objects.filter(is_active=True)
    match = list(queryset.filter(email__iexact=text)[:1]) or list(
        queryset.filter(name__iexact=text)[:2])
    if not match:
        raise forms.ValidationError(f"Nobody here is called “{text}”.")
    if len(match) > 1:
        raise forms.ValidationError(f"Several people are called “{text}”: "
                                    "type the email to tell them apart.")
    return match[0].email


class PersonField(forms.CharField):
    """A person by name; cleans to the person's email ("" when left blank)."""

    def __init__(self, *, people=None, blank_label: str = "Nobody yet", **kwargs):
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)
        self.people = people
        self.blank_label = blank_label
        self.choices: list[Choice] = []
        self.widget = forms.TextInput(attrs={"autocomplete": "off",
                                             "placeholder": "Name or email"})

    def _queryset(self):
        return self.people if self.people is not None else Person.objects.filter(is_active=True)

    def prepare(self, current: str = "", choices=None) -> str:
        """Build the list (called by the form, so a form class costs no query to define).
        `current`, the email already chosen, stays among the choices; `choices`, from
        `person_choices`, saves the queries when a page shows many such forms. Returns
        what the widget shows for `current` (its id in a list, else the email)."""
        if choices is None:
            choices = person_choices(self._queryset(), current)
        if not choices:
            return current
        self.choices = list(choices)
        blank = "Choose a person" if self.required else self.blank_label
        self.widget = forms.Select(choices=[("", blank)] + [(c.value, c.label)
                                                             for c in self.choices])
        return next((c.value for c in self.choices if c.email == current.lower()), current)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        text = value.strip()
        if self.choices:
            for choice in self.choices:
                if text == choice.value or text.lower() == choice.email:
                    return choice.email
            raise forms.ValidationError("Choose a person from the list.")
        return find_person(text, self._queryset())


class PeopleFormMixin:
    """For forms with PersonFields: builds their lists when the form is made.
    `people_choices` (from `person_choices`) shares one list between many forms."""

    def __init__(self, *args, people_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, PersonField):
                current = str(self.initial.get(name) or field.initial or "")
                shown = field.prepare(current, people_choices)
                if current:
                    self.initial[name] = shown


def unit_options(selected: Unit | None = None) -> SafeString:
    """Every active unit as an <option> of a unit picker, by name, `selected` marked.
    Written in one pass over (key, name) pairs: at 20,000 people there are 2,000 units,
    and a template loop over unit objects costs ten times as much."""
    chosen = selected.key if selected is not None else None
    return format_html_join("", '<option value="{}"{}>{}</option>', (
        (key, " selected" if key == chosen else "", name)
        for key, name in Unit.objects.filter(archived_at__isnull=True).order_by("name")
        .values_list("key", "name")))
