"""Milestone steps and phased targets typed into the objective form."""

import datetime as dt

import pytest
from django import forms

from hoshin.okrs import services
from hoshin.okrs.models import KeyResult, Objective
from hoshin.okrs.forms import parse_phases, parse_steps
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


def edit_data(client, plan, **changes):
    """What the edit form posts when nothing is touched, with `changes` on top."""
    import re

    html = client.get("/objectives/O1/edit/").content.decode()
    data = {}
    for name, value in re.findall(r'<input type="(?:hidden|text|number)" name="([^"]+)"'
                                  r'(?: value="([^"]*)")?', html):
        data[name] = value
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html,
                                 re.S):
        data[name] = body.replace("\n", "\r\n")  # as a browser sends it
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen[1] if chosen else ""
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    return data


def test_editing_changes_existing_key_results_and_keeps_step_ids(client, plan):
    services.record_checkin(plan.lead, plan.kr_milestone, steps_done=["S3"])
    client.force_login(plan.lead)
    untouched = edit_data(client, plan)
    rows = {untouched[f"kr-{i}-key"]: i for i in range(2)}
    assert set(rows) == {"KR1", "KR2"}
    history_before = KeyResult.history.count()
    assert client.post("/objectives/O1/edit/", untouched).status_code == 302
    assert KeyResult.history.count() == history_before  # nothing changed, nothing recorded

    m, s = rows["KR2"], rows["KR1"]
    response = client.post("/objectives/O1/edit/", edit_data(client, plan, **{
        f"kr-{m}-steps": "Launch | 0.4\r\nCurriculum | 0.3\r\nField audit | 0.3",
        f"kr-{s}-target": "40"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_kr-{s}-reason-error"' in html and "needs a reason" in html
    assert list(plan.kr_milestone.steps.values_list("key", flat=True)) == ["S1", "S2", "S3"]

    response = client.post("/objectives/O1/edit/", edit_data(client, plan, **{
        f"kr-{m}-steps": "Launch | 0.4\r\nCurriculum | 0.3\r\nField audit | 0.3",
        f"kr-{s}-target": "40", f"kr-{s}-reason": "Board raised the bar"}))
    assert response.status_code == 302
    steps = list(plan.kr_milestone.steps.values_list("key", "title", "weight"))
    # Launch keeps S3, so the check-in that ticked it still counts; the new step gets a free id.
    assert steps == [("S3", "Launch", 0.4), ("S1", "Curriculum", 0.3), ("S4", "Field audit", 0.3)]
    plan.kr_sales.refresh_from_db()
    assert plan.kr_sales.target == 40
    assert KeyResult.history.filter(id=plan.kr_sales.pk).first().history_change_reason == \
        "Board raised the bar"


def test_a_row_is_matched_by_its_key_not_its_place(client, plan):
    client.force_login(plan.lead)
    data = edit_data(client, plan)
    first = data["kr-0-key"]
    # Meanwhile the first key result was archived: its row must not change another one.
    services.archive_key_result(plan.lead, KeyResult.objects.get(key=first))
    data["kr-0-title"] = "Renamed in a stale form"
    response = client.post("/objectives/O1/edit/", data)
    assert response.status_code == 200
    assert f"{first} is no longer a key result of this objective" in response.content.decode()
    assert not KeyResult.objects.filter(title="Renamed in a stale form").exists()


def test_changing_a_key_result_from_an_old_copy_keeps_its_latest_check_in(plan):
    stale = KeyResult.objects.get(pk=plan.kr_sales.pk)
    checkin = services.record_checkin(plan.member, plan.kr_sales, value=30)
    services.save_key_result(plan.lead, stale, target=40, reason="raised")
    assert KeyResult.objects.get(pk=plan.kr_sales.pk).last_checkin_id == checkin.pk
