"""Reading a quarter's reviews never writes them (issue #13: a GET /reviews for a quarter
spanning centuries inserted 57,396 reviews). The scheduler's nightly job and the reviews
page's explicit action schedule them."""

import datetime as dt

import pytest
from django.test import Client

from hoshin.notify import scheduler
from hoshin.org import services as org
from hoshin.reviews.models import Review
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD, build_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def q3():
    return build_plan(today=dt.date(2026, 7, 1))  # 2026-Q3, active; reviews on Mondays


def client_for(email: str) -> Client:
    client = Client()
    assert client.login(email=email, password=PASSWORD)
    return client


def test_reading_the_reviews_page_and_the_api_stores_no_review(q3):
    page = client_for("office@acme.test").get(f"/reviews/?cycle={q3.quarter.key}")
    listed = ApiClient(org.create_token(None, q3.viewer)).get("/reviews", cycle=q3.quarter.key)

    assert page.status_code == 200 and listed.status_code == 200
    assert listed.json() == []
    assert Review.objects.count() == 0
    text = page.content.decode()
    assert "13 reviews are not scheduled yet" in text
    assert "Schedule them now" in text  # the office may run reviews


def test_the_explicit_action_schedules_the_quarter_once(q3):
    office = client_for("office@acme.test")
    url = f"/reviews/schedule/?cycle={q3.quarter.key}"

    first = office.post(url)
    office.post(url)

    assert first.status_code == 302
    assert Review.objects.filter(cycle=q3.quarter).count() == 13
    assert "13 reviews scheduled" in office.get(first.url).content.decode()
    page = office.get(f"/reviews/?cycle={q3.quarter.key}").content.decode()
    assert "Schedule them now" not in page and "Quarter-end review" in page


def test_a_viewer_may_not_schedule_and_sees_no_button(q3):
    viewer = client_for("viewer@acme.test")

    assert "Schedule them now" not in viewer.get(
        f"/reviews/?cycle={q3.quarter.key}").content.decode()
    assert viewer.post(f"/reviews/schedule/?cycle={q3.quarter.key}").status_code == 403
    assert Review.objects.count() == 0


def test_the_nightly_job_schedules_every_open_quarter_that_has_none(q3):
    scheduler.run_slot("schedule-reviews", "2026-07-01", dt.datetime(2026, 7, 1, 0, 15, tzinfo=dt.timezone.utc))

    assert Review.objects.filter(cycle=q3.quarter).count() == 13
    # Run again (another night): nothing is added twice.
    scheduler.run_slot("schedule-reviews", "2026-07-02", dt.datetime(2026, 7, 2, 0, 15, tzinfo=dt.timezone.utc))
    assert Review.objects.filter(cycle=q3.quarter).count() == 13
