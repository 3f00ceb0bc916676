"""Milestone steps and phased targets typed into the objective form."""

import datetime as dt

import pytest
from django import forms

from hoshin.okrs.models import KeyResult, Objective
from hoshin.okrs.pages import parse_phases, parse_steps
from tests.okrs.test_pages import form_data

pytestmark = pytest.mark.django_db


def test_steps_take_weights_as_shares_or_percent_or_none_for_equal_steps():
    assert parse_steps("Curriculum | 0.25\nPilot|25%\n\n  Launch  | 0,5 ") == [
        {"key": "S1", "title": "Curriculum", "weight": 0.25},
        {"key": "S2", "title": "Pilot", "weight": 0.25},
        {"key": "S3", "title": "Launch", "weight": 0.5}]
    assert [s["weight"] for s in parse_steps("A\nB\nC\nD")] == [0.25] * 4
    assert parse_steps("Sign | A | B | 1")[0]["title"] == "Sign | A | B"
    assert parse_steps("") == []
    with pytest.raises(forms.ValidationError, match="every step a weight"):
        parse_steps("A | 0.5\nB")
    with pytest.raises(forms.ValidationError, match="not a number"):
        parse_steps("A | half")


def test_phases_are_a_date_and_a_target_per_line():
    assert parse_phases("2026-05-15 25\n2026-06-1: 30") == [
        {"date": "2026-05-15", "target": 25.0}, {"date": "2026-06-01", "target": 30.0}]
    with pytest.raises(forms.ValidationError, match="line 2"):
        parse_phases("2026-05-15 25\nmid June 30")
    with pytest.raises(forms.ValidationError):
        parse_phases("2026-02-30 25")


def new_url(plan):
    return f"/objectives/new/?unit=sales&cycle={plan.quarter.key}"


def test_a_milestone_with_weighted_steps_and_a_phased_increase_in_one_go(client, plan):
    client.force_login(plan.lead)
    phase_day = plan.quarter.start + dt.timedelta(days=30)
    response = client.post(new_url(plan), form_data(**{
        "kr-0-title": "Certification live", "kr-0-owner": plan.lead.email,
        "kr-0-kind": "milestone", "kr-0-steps": "Curriculum | 20%\nPilot | 30%\nLaunch | 50%",
        "kr-1-title": "Dealers 0 to 12", "kr-1-owner": plan.member.email,
        "kr-1-baseline": "0", "kr-1-target": "12", "kr-1-phases": f"{phase_day} 3"}))
    assert response.status_code == 302
    objective = Objective.objects.get(title="Win the north")
    milestone, dealers = objective.key_results.order_by("id")
    assert list(milestone.steps.values_list("title", "weight")) == [
        ("Curriculum", 0.2), ("Pilot", 0.3), ("Launch", 0.5)]
    assert list(dealers.phases.values_list("date", "target")) == [(phase_day, 3.0)]


def test_step_weights_that_do_not_add_up_keep_everything_out(client, plan):
    client.force_login(plan.lead)
    before = (Objective.objects.count(), KeyResult.objects.count())
    response = client.post(new_url(plan), form_data(**{
        "kr-0-title": "Fine one", "kr-0-owner": plan.member.email, "kr-0-baseline": "0",
        "kr-0-target": "5",
        "kr-1-title": "Certification live", "kr-1-owner": plan.lead.email,
        "kr-1-kind": "milestone", "kr-1-steps": "Curriculum | 0.2\nLaunch | 0.5"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_kr-1-steps-error"' in html and "must sum to 1 (they sum to 0.7)" in html
    assert "Curriculum | 0.2" in html  # what was typed stays, to correct it
    assert '<details class="kr-more" open>' in html
    assert (Objective.objects.count(), KeyResult.objects.count()) == before


def test_steps_on_a_number_and_phases_on_a_milestone_are_refused(client, plan):
    client.force_login(plan.lead)
    response = client.post(new_url(plan), form_data(**{
        "kr-0-title": "Dealers", "kr-0-owner": plan.member.email, "kr-0-baseline": "0",
        "kr-0-target": "5", "kr-0-steps": "Sign up",
        "kr-1-title": "Live", "kr-1-owner": plan.lead.email, "kr-1-kind": "milestone",
        "kr-1-phases": "2026-05-01 1"}))
    html = response.content.decode()
    assert 'id="id_kr-0-steps-error"' in html and "only milestone key results" in html
    assert 'id="id_kr-1-phases-error"' in html
    assert not Objective.objects.filter(title="Win the north").exists()


def test_every_field_of_the_form_has_a_label_and_hints_are_announced(client, plan):
    client.force_login(plan.lead)
    html = client.get(new_url(plan)).content.decode()
    assert '<label for="id_kr-0-steps">Milestone steps</label>' in html
    assert 'aria-describedby="id_kr-0-steps_helptext"' in html
    assert 'id="id_kr-0-steps_helptext"' in html


def test_a_step_without_a_title_is_named_by_its_line(client, plan):
    client.force_login(plan.lead)
    html = client.post(new_url(plan), form_data(**{
        "kr-0-title": "Live", "kr-0-owner": plan.lead.email, "kr-0-kind": "milestone",
        "kr-0-steps": "Curriculum | 0.5\n | 0.5"})).content.decode()
    assert "line 2: must not be empty" in html
