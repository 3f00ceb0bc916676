"""The design system's shared pieces: the component includes render what pages rely on,
and every form field renders without Django's colon."""

import pytest
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


class Reading(forms.Form):
    value = forms.DecimalField(label="Value (roles)", help_text="The number today")
    confidence = forms.IntegerField(label="Confidence", min_value=0, max_value=10)


def test_form_labels_have_no_colon_and_point_at_their_input():
    html = Reading().as_div()
    assert '<label for="id_value">Value (roles)</label>' in html
    assert '<label for="id_confidence">Confidence</label>' in html
    assert ":</label>" not in html
    # Help text is tied to the input, after it.
    assert html.index('id="id_value"') < html.index('id="id_value_helptext"')
    assert 'aria-describedby="id_value_helptext"' in html


def test_errors_come_before_the_input_and_are_announced_with_it():
    form = Reading(data={"value": "many", "confidence": "11"})
    assert not form.is_valid()
    html = form["confidence"].as_field_group()
    assert 'class="errorlist"' in html and 'aria-invalid="true"' in html
    assert html.index("errorlist") < html.index('id="id_confidence"')


def test_django_forms_too(rf, plan):
    html = PasswordChangeForm(plan.member).as_div()
    assert '<label for="id_old_password">Old password</label>' in html


@pytest.mark.parametrize(("status", "words"), [
    ("on_track", "On track"), ("at_risk", "At risk"), ("off_track", "Off track"),
    ("no_data", "No data"), ("", "No data")])
def test_status_pill_says_the_status_in_words(status, words):
    html = render_to_string("components/status_pill.html", {"status": status})
    assert html.strip() == (f'<span class="status status-{status or "no_data"}">{words}</span>')


def test_card_links_when_given_an_address():
    html = render_to_string("components/card.html", {
        "title": "Off track", "value": 3, "text": "key results", "href": "/flags/",
        "status": "off_track"})
    assert '<a class="card" href="/flags/" data-status="off_track">' in html
    assert '<p class="card-value">3</p>' in html
    zero = render_to_string("components/card.html", {"title": "Silent", "value": 0})
    assert '<div class="card">' in zero and '<p class="card-value">0</p>' in zero


def test_button_is_a_submit_or_a_link():
    assert render_to_string("components/button.html", {"label": "Check in"}).strip() == (
        '<button type="submit" class="btn btn-primary">Check in</button>')
    link = render_to_string("components/button.html",
                            {"label": "Cancel", "href": "/", "variant": "secondary"})
    assert link.strip() == '<a class="btn btn-secondary" href="/">Cancel</a>'


def test_table_escapes_cells_and_says_when_empty():
    html = render_to_string("components/table.html", {
        "caption": "Key results", "headers": ["Name", "Progress"],
        "rows": [["<b>Sales</b>", "70 %"]], "numeric": [1]})
    assert "&lt;b&gt;Sales&lt;/b&gt;" in html
    assert '<th scope="col" class="num">Progress</th>' in html
    empty = render_to_string("components/table.html", {"headers": ["Name"], "rows": []})
    assert '<td colspan="1" class="muted">Nothing to show.</td>' in empty


def test_empty_state_and_chart_frame():
    html = render_to_string("components/empty_state.html", {
        "title": "No flags", "text": "Nothing is behind.", "action_href": "/flags/settings/",
        "action_label": "Flag settings"})
    assert "<h2>No flags</h2>" in html and 'href="/flags/settings/">Flag settings</a>' in html
    chart = render_to_string("components/chart_frame.html", {
        "title": "Burn-up", "svg": "<svg></svg>", "note": "Forecast 4.3"})
    assert '<figure class="chart-frame">' in chart and "&lt;svg" in chart  # unsafe stays text
    assert '<p class="chart-note">Forecast 4.3</p>' in chart


def test_form_row_marks_errors():
    form = Reading(data={"value": "", "confidence": "5"})
    form.is_valid()
    html = render_to_string("components/form_row.html", {"field": form["value"]})
    assert html.startswith('<div class="form-row has-error">')
