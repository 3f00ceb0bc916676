"""The demo's plan has a history from the day its story starts (its first quarter), so
`hoshin export --as-of`, `?as_of=` and the alignment map's date picker answer for any day
of the story on a fresh demo, not only for the minutes since it was loaded."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from django.core.management.base import CommandError

from hoshin.core import clock
from hoshin.okrs import services as okrs
from hoshin.okrs.models import KeyResult

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def _kr(doc: dict, key: str) -> dict:
    return next(kr for o in doc["objectives"] for kr in o["key_results"] if kr["id"] == key)


def test_the_demo_plan_as_it_stood_on_a_day_of_its_story(run):
    with clock.at(dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc)):
        run("demo", "--today", TODAY.isoformat())
    kr = KeyResult.objects.filter(objective__cycle__key="2026-Q4", kind="increase").first()
    old_title, old_target = kr.title, kr.target
    with clock.at(TODAY):
        okrs.save_key_result(None, kr, title="Renamed in the audit", target=old_target + 1,
                             reason="a target and a title changed today")

    first_day = yaml.safe_load(run("export", "--as-of", "2026-10-01").out)
    day_before = yaml.safe_load(run("export", "--as-of", "2026-11-19").out)
    now = yaml.safe_load(run("export").out)

    assert {c["id"] for c in first_day["cycles"]} >= {"2026", "2026-Q3", "2026-Q4"}
    for doc in (first_day, day_before):
        assert (_kr(doc, kr.key)["title"], _kr(doc, kr.key)["target"]) == (old_title,
                                                                             old_target)
    assert (_kr(now, kr.key)["title"], _kr(now, kr.key)["target"]) == (
        "Renamed in the audit", old_target + 1)
    # Before the story starts there was no plan.
    with pytest.raises(CommandError, match="the plan did not exist yet on 2026-06-30"):
        run("export", "--as-of", "2026-06-30")
