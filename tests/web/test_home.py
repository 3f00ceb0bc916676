"""My home: my key results with progress, status and what is due; my units' objectives;
recent changes that concern me."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hoshin.okrs import services
from hoshin.okrs.models import KeyResult
from tests.factories import person

pytestmark = pytest.mark.django_db


def home(client, who):
    client.force_login(who)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_home_needs_login(client, plan):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_member_sees_their_key_result_with_a_checkin_form(client, plan):
    html = home(client, plan.member)
    assert "My key results" in html and "KR1" in html and "Installer-sold units" in html
    assert f'hx-post="/key-results/{plan.kr_sales.key}/checkin"' in html
    assert "No data" in html  # status as a word, not only a colour
    assert "1 check-in due this week" in html and "Check-in due" in html
    # KR2 belongs to the lead: shown under the unit's objective, without a form.
    assert f'hx-post="/key-results/{plan.kr_milestone.key}/checkin"' not in html
    assert "My units' objectives" in html and "Make installers our best sales channel" in html
    assert "KR2" in html and "Install faster" not in html  # ops is not the member's unit


def test_progress_expected_and_last_checkin_are_shown(client, plan):
    services.record_checkin(plan.member, plan.kr_sales, value=41, confidence=9)
    html = home(client, plan.member)
    assert "140 %" in html  # unclamped
    assert 'class="w-100"' in html  # the bar is clamped
    assert "expected" in html and "confidence 9/10" in html
    assert "All checked in this week" in html and "Check-in due" not in html


def test_due_this_week_is_a_week_without_checkin(client, plan):
    today = timezone.localdate()
    eight_days_ago = max(plan.quarter.start, today - dt.timedelta(days=8))
    services.record_checkin(None, plan.kr_sales, value=25, confidence=7, date=eight_days_ago)
    html = home(client, plan.member)
    due = (today - eight_days_ago).days >= 7
    assert ("Check-in due" in html) == due
    services.record_checkin(plan.member, plan.kr_sales, value=26, confidence=7)
    assert "Check-in due" not in home(client, plan.member)


def test_lead_sees_milestone_steps_and_the_units_key_results(client, plan):
    html = home(client, plan.lead)
    assert 'name="steps_done"' in html and "Curriculum" in html
    assert "KR1" in html and "Mia Member" in html  # the unit's KR and its owner


def test_viewer_gets_the_cockpit_instead_of_empty_sections(client, plan):
    # A viewer owns nothing and belongs nowhere: the cockpit (tests/web/test_home_roles.py)
    # replaces the empty "my key results" and "my units" sections they used to see.
    html = home(client, plan.viewer)
    assert "The plan this quarter" in html
    assert "You own no key results this quarter" not in html
    assert "You are not in any unit yet" not in html
    assert "<form class=\"checkin\"" not in html


def test_member_outside_every_unit_is_told_what_to_do(client, plan):
    loner = person("loner@acme.test", "member", "Lou Loner")
    html = home(client, loner)
    assert "You own no key results this quarter" in html and 'href="/alignment/"' in html
    assert "You are not in any unit yet" in html and 'href="/company/"' in html


def test_no_active_quarter(client, plan):
    services.transition_cycle(None, plan.quarter, "closed", override_reason="test")
    html = home(client, plan.member)
    assert "No quarter is running" in html and 'href="/strategy/x-matrix/"' in html
    # The quarter just closed is one click away: its grades and retrospectives.
    assert f'is closed: <a href="/closing/{plan.quarter.key}/">its grades and retrospectives</a>' \
        in html


def test_recent_changes_name_who_what_and_why(client, plan):
    services.save_key_result(plan.office, plan.kr_sales, target=40, reason="market grew")
    services.record_checkin(plan.lead, plan.kr_sales, value=24, note="lead checked for Mia")
    html = home(client, plan.member)
    section = html[html.index("Recent changes that concern me"):]
    assert "Oscar Office" in section and "market grew" in section
    assert "changed Target: 35 → 40" in section
    assert "Lea Lead" in section and "checked in 24 %" in section
    assert "lead checked for Mia" in section
    # Who made each change is a link to their page, by name.
    for person in (plan.office, plan.lead):
        assert f'href="{person.get_absolute_url()}"' in section


def test_recent_changes_name_parents_by_title_not_by_id(client, plan):
    services.save_objective(plan.lead, plan.objective, parent="A1")
    section = home(client, plan.member)
    section = section[section.index("Recent changes that concern me"):]
    assert "Parent annual: — → A1 Double installations" in section
    assert "Parent priority: P1 Sell through installers → —" in section


def test_home_takes_a_fixed_number_of_queries(client, plan, django_assert_max_num_queries):
    for i in range(6):
        services.save_key_result(None, key=f"KRX{i}", objective="O1", title=f"Extra {i}",
                                 owner=plan.member.email, kind="increase", baseline=0, target=10)
    for kr in KeyResult.objects.filter(owner=plan.member):
        services.record_checkin(None, kr, value=5, confidence=6)
    client.force_login(plan.member)
    client.get(reverse("home"))  # warm up session and caches
    # + the open flags of the rows; + 3 for the navigation's "My unit" and menu entries
    with django_assert_max_num_queries(24):
        response = client.get(reverse("home"))
    assert response.content.decode().count('class="checkin"') == 7


def test_queries_do_not_grow_with_key_results(client, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(plan.member)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for i in range(10):
        services.save_key_result(None, key=f"KRY{i}", objective="O1", title=f"More {i}",
                                 owner=plan.member.email, kind="increase", baseline=0, target=10)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))
    assert len(many) == len(few)


def test_someone_with_many_roles_sees_everything_they_own(client, plan):
    both = person("both@acme.test", "member", "Bo Both", units=["ops"])
    services.save_key_result(None, key="KRB", objective="O2", title="Fewer callbacks",
                             owner=both.email, kind="decrease", baseline=10, target=5)
    html = home(client, both)
    assert "Fewer callbacks" in html and "Install faster" in html
