"""Open flags show where key results are shown: home rows and the key-result page, as
badges flags provides through okrs's hook (okrs/badges.py): okrs does not import flags."""

import datetime as dt
import pathlib

import pytest
from django.urls import reverse

from hoshin.okrs import badges
from hoshin.okrs import services as okrs

pytestmark = pytest.mark.django_db

OKRS = pathlib.Path(__file__).resolve().parents[2] / "src" / "hoshin" / "okrs"


def test_flags_provides_the_badges_and_okrs_does_not_read_flags():
    # Other apps provide badges too (trackers: an initiative's linked work).
    assert "flags" in badges.registered()
    for module in ("rows.py", "badges.py", "views.py", "pages.py"):
        assert "hoshin.flags" not in (OKRS / module).read_text(), module


def test_open_flags_show_on_home_and_on_the_key_result_page(client, plan):
    okrs.record_checkin(None, plan.kr_sales, value=21, confidence=6,
                        blockers="Price list not signed off",
                        date=max(plan.quarter.start, dt.date.today()))
    client.force_login(plan.member)
    home = client.get(reverse("home")).content.decode()
    assert ('<span class="badge flag" title="The last check-in names a blocker: '
            'Price list not signed off.') in home
    assert ">Blocked</span>" in home
    page = client.get(reverse("okrs:key_result", args=["KR1"])).content.decode()
    assert "At risk" in page and "Price list not signed off" in page
    assert '<section class="flags" aria-label="At-risk flags">' in page
    assert "<li><strong>Blocked</strong> (since " in page
    okrs.record_checkin(None, plan.kr_sales, value=22, confidence=6,
                        date=max(plan.quarter.start, dt.date.today()))
    home = client.get(reverse("home")).content.decode()
    assert ">Blocked</span>" not in home  # cleared by the check-in without blockers
