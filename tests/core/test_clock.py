"""The injected clock (hoshin.core.clock) dates what the models stamp by themselves: their
defaults, the `auto_now` stamps and the history; and a live server's threads can be set
with `clock.everywhere()`."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django import forms
from django.apps import apps
from django.db import models

from hoshin.core import clock
from hoshin.core.models import ClockDateTimeField
from hoshin.org import services as org
from hoshin.org.models import Unit
from hoshin.pdca.models import Learning
from hoshin.planning.models import Brief

WHEN = dt.datetime(2026, 2, 13, 14, 30, tzinfo=dt.UTC)


def test_no_model_stamps_with_the_system_clock():
    """Every date and time default of our models, and every auto_now, is the clock's."""
    wrong = []
    for model in apps.get_models():
        if not model.__module__.startswith("hoshin."):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateField):
                continue
            default = field.default
            if field.has_default() and callable(default) and \
                    default not in (clock.now, clock.today):
                wrong.append(f"{model._meta.label}.{field.name} default={default!r}")
            if (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)) \
                    and not isinstance(field, ClockDateTimeField):
                wrong.append(f"{model._meta.label}.{field.name} auto_now by the system clock")
    assert wrong == []


@pytest.mark.django_db
def test_defaults_auto_now_and_history_are_dated_by_the_clock():
    with clock.at(WHEN):
        person = org.create_person(None, email="ana@acme.test", name="Ana", role="admin",
                                   password="x" * 12)
        unit = org.create_unit(None, key="acme", name="Acme")
        learning = Learning.objects.create(title="Name a fleet owner")
    assert person.date_joined == WHEN
    assert (unit.created_at, unit.updated_at) == (WHEN, WHEN)
    assert learning.created_on == dt.date(2026, 2, 13)
    assert unit.history.latest().history_date == WHEN

    later = WHEN + dt.timedelta(days=40)
    with clock.at(later):
        org.update_unit(None, unit, name="Acme Heat")
    unit = Unit.objects.get(pk=unit.pk)
    assert (unit.created_at, unit.updated_at) == (WHEN, later)  # auto_now moves, created not
    # A stamp given explicitly is kept (restores, imports).
    with clock.at(later):
        kept = Learning.objects.create(title="Old", created_on=dt.date(2020, 1, 1))
    assert kept.created_on == dt.date(2020, 1, 1)


def test_an_auto_now_stamp_stays_out_of_forms_and_the_admin():
    form = forms.modelform_factory(Brief, fields="__all__")
    assert "updated_at" not in form.base_fields
    field = Brief._meta.get_field("updated_at")
    assert not field.editable and field.blank


def test_everywhere_sets_the_clock_of_other_threads_and_at_still_wins():
    seen = {}

    def other_thread():
        seen["now"], seen["today"], seen["set"] = clock.now(), clock.today(), clock.is_set()

    with clock.everywhere(dt.date(2026, 5, 4)) as moment:
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        assert clock.now() == moment
        with clock.at(WHEN):
            assert clock.now() == WHEN
        assert clock.now() == moment
    assert seen == {"now": moment, "today": dt.date(2026, 5, 4), "set": True}
    assert moment.hour == 9  # a bare date is nine in the morning
    assert not clock.is_set()


def test_at_does_not_reach_other_threads():
    seen = {}
    with clock.at(WHEN):
        thread = threading.Thread(target=lambda: seen.update(set=clock.is_set()))
        thread.start()
        thread.join()
    assert seen == {"set": False}
