"""Check-in from the web: HTMX row swap, plain form post, field errors, permissions."""

import pytest
from django.urls import reverse

from hoshin.okrs import services
from hoshin.okrs.models import CheckIn, KeyResult

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def url(kr):
    return reverse("okrs:checkin", args=[kr.key])


def test_htmx_checkin_returns_the_updated_row(client, plan):
    client.force_login(plan.member)
    response = client.post(url(plan.kr_sales), {"value": "35", "confidence": "8",
                                                "note": "big installer signed", "next": "/"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="kr-{plan.kr_sales.pk}"' in html
    assert "<html" not in html  # a fragment, not a page
    assert "100 %" in html and "On track" in html and "Checked in" in html
    assert "Check-in due" not in html
    # The rest of the home page that shows this key result is updated out of band.
    assert f'id="kr-status-{plan.kr_sales.pk}" hx-swap-oob="true"' in html
    assert 'id="due-summary" hx-swap-oob="true"' in html and "All checked in this week" in html
    checkin = CheckIn.objects.get(key_result=plan.kr_sales)
    assert (checkin.value, checkin.confidence, checkin.note, checkin.author) == (
        35, 8, "big installer signed", plan.member)
    assert KeyResult.objects.get(pk=plan.kr_sales.pk).last_checkin == checkin


def test_low_value_turns_the_status_off_track(client, plan):
    client.force_login(plan.member)
    html = client.post(url(plan.kr_sales), {"value": "20", "confidence": "2"},
                       **HX).content.decode()
    assert "Off track" in html and 'data-status="off_track"' in html


def test_plain_post_redirects_back(client, plan):
    client.force_login(plan.member)
    response = client.post(url(plan.kr_sales), {"value": "30", "confidence": "7", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert CheckIn.objects.filter(key_result=plan.kr_sales).count() == 1


def test_plain_post_ignores_an_outside_next(client, plan):
    client.force_login(plan.member)
    response = client.post(url(plan.kr_sales), {"value": "30", "next": "https://evil.test/"})
    assert response["Location"] == reverse("okrs:key_result", args=[plan.kr_sales.key])


def test_invalid_confidence_is_shown_next_to_the_field_and_values_kept(client, plan):
    client.force_login(plan.member)
    response = client.post(url(plan.kr_sales), {"value": "31", "confidence": "11",
                                                "note": "keep me"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    error_id = f"kr{plan.kr_sales.pk}-confidence-error"
    assert f'id="{error_id}"' in html and f'aria-describedby="{error_id}"' in html
    assert 'value="31"' in html and 'value="keep me"' in html
    assert not CheckIn.objects.exists()


def test_missing_value_is_an_error(client, plan):
    client.force_login(plan.member)
    html = client.post(url(plan.kr_sales), {"confidence": "5"}, **HX).content.decode()
    assert "Enter the current value." in html
    assert not CheckIn.objects.exists()


def test_service_errors_land_on_their_field(client, plan):
    # The lead may check in on the milestone; a milestone without steps takes done/not done.
    client.force_login(plan.lead)
    html = client.post(url(plan.kr_milestone), {"steps_done": ["S9"]}, **HX).content.decode()
    assert "Select a valid choice" in html  # unknown step rejected by the form
    response = client.post(url(plan.kr_milestone),
                           {"steps_done": ["S1", "S2"], "confidence": "6"}, **HX)
    assert "50 %" in response.content.decode()
    assert CheckIn.objects.get(key_result=plan.kr_milestone).steps_done == ["S1", "S2"]


def test_plain_invalid_post_shows_the_key_result_page_with_errors(client, plan):
    client.force_login(plan.member)
    response = client.post(url(plan.kr_sales), {"value": "abc", "next": "/"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a number." in html and "<h1>" in html


def test_closed_cycle_error_is_shown(client, plan):
    services.transition_cycle(None, plan.quarter, "closed", override_reason="test")
    client.force_login(plan.member)
    response = client.post(url(plan.kr_sales), {"value": "30"}, **HX)
    assert response.status_code == 200
    assert "is closed" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_viewer_gets_403_and_nothing_changes(client, plan):
    client.force_login(plan.viewer)
    assert client.post(url(plan.kr_sales), {"value": "30"}, **HX).status_code == 403
    assert client.post(url(plan.kr_sales), {"value": "30"}).status_code == 403
    assert not CheckIn.objects.exists()


def test_member_cannot_check_in_on_someone_elses_key_result(client, plan):
    client.force_login(plan.member)
    assert client.post(url(plan.kr_milestone), {"steps_done": ["S1"]}, **HX).status_code == 403
    assert not CheckIn.objects.exists()


def test_lead_may_check_in_on_their_units_key_result(client, plan):
    client.force_login(plan.lead)
    assert client.post(url(plan.kr_sales), {"value": "25"}, **HX).status_code == 200
    assert CheckIn.objects.get(key_result=plan.kr_sales).author == plan.lead


def test_other_lead_may_not(client, plan):
    client.force_login(plan.other_lead)
    assert client.post(url(plan.kr_sales), {"value": "25"}, **HX).status_code == 403


def test_anonymous_is_sent_to_login(client, plan):
    response = client.post(url(plan.kr_sales), {"value": "25"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not CheckIn.objects.exists()


def test_get_is_not_allowed(client, plan):
    client.force_login(plan.member)
    assert client.get(url(plan.kr_sales)).status_code == 405


def test_csrf_is_enforced(plan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(plan.member)
    assert client.post(url(plan.kr_sales), {"value": "25"}, **HX).status_code == 403
    assert not CheckIn.objects.exists()


def test_key_result_page_lists_checkins_newest_first(client, plan):
    services.record_checkin(None, plan.kr_sales, value=22, note="first reading",
                            date=plan.quarter.start)
    services.record_checkin(plan.member, plan.kr_sales, value=27, confidence=6,
                            note="second reading")
    client.force_login(plan.viewer)
    response = client.get(reverse("okrs:key_result", args=[plan.kr_sales.key]))
    html = response.content.decode()
    assert response.status_code == 200
    table = html[html.index('<table class="checkins"'):]  # (the chart lists them oldest first)
    assert table.index("second reading") < table.index("first reading")
    assert "<form class=\"checkin\"" not in html  # a viewer sees no check-in form
    client.force_login(plan.member)
    html = client.get(reverse("okrs:key_result", args=[plan.kr_sales.key])).content.decode()
    assert "<form class=\"checkin\"" in html


def test_who_may_check_in_with_and_without_prefetched_lead_rights(plan,
                                                                django_assert_num_queries):
    from hoshin.org import services as org
    from hoshin.org.permissions import can_check_in, led_unit_ids

    # A team two levels below sales: its lead's rights reach it.
    org.create_unit(None, key="emea", name="Sales EMEA", parent="sales")
    org.create_unit(None, key="emea-north", name="EMEA North", parent="emea")
    services.save_objective(None, key="O9", cycle=plan.quarter.key, unit="emea-north",
                            title="Nordic installers")
    services.save_key_result(None, key="KR9", objective="O9", title="Nordic installers signed",
                             owner=plan.member.email, kind="increase", baseline=0, target=5)
    krs = {kr.key: kr for kr in KeyResult.objects.select_related("objective")}
    expected = {  # KR1 sales (member owns), KR2 sales (lead owns), KR3 ops, KR9 emea-north
        plan.admin: {"KR1", "KR2", "KR3", "KR9"},
        plan.office: {"KR1", "KR2", "KR3", "KR9"},
        plan.lead: {"KR1", "KR2", "KR9"},
        plan.other_lead: {"KR3"},
        plan.member: {"KR1", "KR9"},
        plan.viewer: set(),
    }
    for who, allowed in expected.items():
        led = led_unit_ids(who)
        with django_assert_num_queries(0):
            prefetched = {k for k, kr in krs.items() if can_check_in(who, kr, led_units=led)}
        assert prefetched == allowed, who.email
        assert {k for k, kr in krs.items() if can_check_in(who, kr)} == allowed, who.email
    plan.lead.is_active = False
    assert not can_check_in(plan.lead, krs["KR2"], led_units=led_unit_ids(plan.lead))
    assert can_check_in(None, krs["KR3"])  # the system



def test_the_key_result_page_lists_its_changes_with_labels_and_reasons(client, plan):
    services.save_key_result(plan.lead, plan.kr_sales, target=40, owner=plan.lead.email,
                             reason="board raised the bar")
    client.force_login(plan.viewer)
    html = client.get(reverse("okrs:key_result", args=[plan.kr_sales.key])).content.decode()
    history = html[html.index("Changes to this key result"):]
    assert "Reason: board raised the bar" in history
    assert f'<span class="history-field">Owner</span> {plan.member.name}' in history
    # Who changed it: their name, linked to their page.
    assert f'{plan.lead.name}</span></a></strong> changed' in history
    assert "owner_id" not in history and "created" in history
