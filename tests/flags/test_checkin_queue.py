"""The server's check-in does only what must be in the request: it queues the re-judging
of its key result's flags, the response does not wait for it, and the worker raises the
flag and queues the owner's notice once the check-in has committed."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from hoshin.core import clock
from hoshin.flags.models import Flag
from hoshin.notify.models import OutboxMessage
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn
from hoshin.org.services import create_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def queued(settings):
    settings.FLAGS_JUDGED_IN_CHECKIN = False


def late_in_the_quarter(plan):
    # Two thirds through the quarter: KR1 (20 % → 35 %) is expected near 30 %.
    return plan.quarter.start + dt.timedelta(days=60)


def run_worker():
    call_command("worker", "--batch", verbosity=0)


def judgements():
    return DBTaskResult.objects.filter(task_path="hoshin.flags.tasks.judge_checked_in")


def test_a_check_in_queues_its_judgement_and_the_worker_raises_the_flag(plan):
    day = late_in_the_quarter(plan)
    with clock.at(day):
        okrs.record_checkin(plan.member, plan.kr_sales, value=21, confidence=7)
    # Committed, judged by nobody yet: the request did not wait for the flag rules.
    assert CheckIn.objects.filter(key_result=plan.kr_sales).exists()
    assert not Flag.objects.exists() and not OutboxMessage.objects.filter(kind="flag").exists()
    [queued] = judgements()
    assert queued.args_kwargs["args"] == [plan.kr_sales.pk, day.isoformat()]

    run_worker()
    flag = Flag.objects.get(key_result=plan.kr_sales, code="behind-pace", cleared_on=None)
    assert flag.raised_on == day  # judged as of the check-in's day, not the worker's
    told = OutboxMessage.objects.get(kind="flag", recipient=plan.member)
    assert "KR1" in told.subject
    assert judgements().get().status == "SUCCESSFUL"

    # Back on pace: the next check-in's judgement clears it.
    with clock.at(day + dt.timedelta(days=1)):
        okrs.record_checkin(plan.member, plan.kr_sales, value=31, confidence=7)
    assert Flag.objects.get(pk=flag.pk).cleared_on is None
    run_worker()
    assert Flag.objects.get(pk=flag.pk).cleared_on == day + dt.timedelta(days=1)


def test_a_check_in_that_rolls_back_queues_nothing(plan):
    with clock.at(late_in_the_quarter(plan)), pytest.raises(RuntimeError), \
            transaction.atomic():
        okrs.record_checkin(plan.member, plan.kr_sales, value=21, confidence=2)
        raise RuntimeError("the request failed after the check-in")
    assert not CheckIn.objects.exists() and not judgements().exists()
    run_worker()
    assert not Flag.objects.exists()


def test_the_api_check_in_answers_before_the_flag_rules_run(plan, client):
    token = create_token(None, plan.member, "test")
    url = f"/api/v1/key-results/{plan.kr_sales.key}/checkins"
    body = json.dumps({"value": 21, "confidence": 7})
    with clock.at(late_in_the_quarter(plan)), CaptureQueriesContext(connection) as queries:
        response = client.post(url, body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in queries.captured_queries]
    # The request read no flag and wrote none: that is the worker's job.
    assert not any('"flags_flag"' in q or '"flags_flagsettings"' in q for q in sql), sql
    assert not Flag.objects.exists()
    assert judgements().count() == 1
    run_worker()
    assert Flag.objects.filter(key_result=plan.kr_sales, cleared_on=None).exists()
