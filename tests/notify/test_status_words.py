"""Messages say a key result's status in the words of its row on the pages
(okrs.rows.status_words): the lead's digest, and Slack after its coloured dot."""

import datetime as dt

import pytest

from hoshin.core import clock
from hoshin.notify import slack
from hoshin.notify.reminders import lead_digest
from hoshin.okrs import services as okrs
from hoshin.org.models import Unit

pytestmark = pytest.mark.django_db


def test_the_digest_and_slack_say_off_track_as_the_rows_do(plan, monkeypatch):
    # Two thirds through the quarter, KR1 (20 % → 35 %) read at 21 is far behind.
    day = plan.quarter.start + dt.timedelta(days=60)
    with clock.at(day):
        okrs.record_checkin(plan.member, plan.kr_sales, value=21, confidence=3)
        digest = lead_digest(plan.lead, [Unit.objects.get(key="sales")], day)
        monkeypatch.setattr(slack, "person_for", lambda user_id: plan.member)
        [_, row] = slack.command_response("U1")["blocks"]
    assert "key results checked in; 1 off track, 1 no data." in digest.intro
    assert [link.detail for link in digest.links][-1] == "Mia Member: off track"
    assert "\n:red_circle: off track · 7 % · last check-in" in row["text"]["text"]
