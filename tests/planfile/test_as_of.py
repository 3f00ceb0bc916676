"""The plan as it stood on a date, read back from the history (`hoshin export --as-of`)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from hoshin.core.errors import DomainError
from hoshin.okrs.models import Cycle
from hoshin.okrs.progress import alignment_tree_data
from hoshin.org.models import Unit
from hoshin.planfile.as_of import parse, plan_at
from hoshin.planfile.exporter import dump, export_plan
from hoshin.planfile.importer import import_plan
from tests.planfile.history import BEFORE, CHANGED, NEW_TITLE, OLD_TITLE, plan_with_history


def _find(doc: dict, section: str, key: str) -> dict | None:
    return next((item for item in doc.get(section, []) if item.get("id") == key), None)


def _key_result(doc: dict, key: str) -> dict | None:
    return next((kr for o in doc.get("objectives", []) for kr in o.get("key_results", [])
                 if kr["id"] == key), None)


def _export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_day_before_a_change_shows_the_plan_as_it_was(db):
    plan_with_history()

    doc = plan_at(BEFORE.isoformat()).document()

    kr1 = _key_result(doc, "KR1")
    assert kr1["target"] == 35
    assert [c["value"] for c in kr1["checkins"]] == [22]
    assert _find(doc, "objectives", "O1")["title"] == OLD_TITLE
    assert "archived" not in _key_result(doc, "KR3")
    assert _find(doc, "objectives", "O9") is None and "dependencies" not in doc
    assert [t["title"] for t in doc["trade_offs"]] == ["Pause the partner programme"]


def test_the_day_of_a_change_shows_the_new_plan(db):
    plan_with_history()

    doc = plan_at(CHANGED.isoformat()).document()

    kr1 = _key_result(doc, "KR1")
    assert kr1["target"] == 40
    assert [c["value"] for c in kr1["checkins"]] == [22, 25]
    assert _find(doc, "objectives", "O1")["title"] == NEW_TITLE
    assert _key_result(doc, "KR3")["archived"] is True
    assert _find(doc, "objectives", "O9")["key_results"][0]["id"] == "KR9"
    assert [d["id"] for d in doc["dependencies"]] == ["D9"]
    # Entries are never deleted: the day it was superseded, both are in the plan.
    assert [(t["id"], t["title"], t.get("supersedes")) for t in doc["trade_offs"]] == [
        (1, "Pause the partner programme", None), (2, "Stop the partner programme", 1)]


def test_export_as_of_a_date_and_a_date_time(db):
    plan_with_history()

    before = _export("--as-of", BEFORE.isoformat())
    # The changes of the 20th were made at 09:00 (the clock's hour for a bare date).
    early = _export("--as-of", "2026-10-20T08:59:00Z")
    late = _export("--as-of", "2026-10-20T09:00:00+00:00")

    assert f"title: {OLD_TITLE}\n" in before and "target: 35\n" in before
    assert early == before
    assert f"title: {NEW_TITLE}\n" in late and "target: 40\n" in late
    assert "Open a second depot" in late and "Open a second depot" not in before


def test_the_plan_as_of_now_is_the_live_plan(db):
    from hoshin.demo.generate import demo_plan

    import_plan(demo_plan(dt.date(2026, 5, 20)))
    now = plan_at(timezone.now().isoformat())

    assert dump(now.document()) == dump(export_plan())
    for cycle in Cycle.objects.filter(kind="quarter"):
        assert now.tree(cycle.key) == alignment_tree_data(cycle)
    operations = Unit.objects.get(key="operations")
    assert now.tree("2026-Q2", "operations") == alignment_tree_data(
        Cycle.objects.get(key="2026-Q2"), unit=operations)


def test_a_date_before_the_plan_existed_is_a_clear_error(db):
    plan_with_history()

    with pytest.raises(CommandError, match=r"--as-of: the plan did not exist yet on "
                                           r"2026-09-30 \(the earliest change is dated "
                                           r"2026-10-01 09:00\)"):
        _export("--as-of", "2026-09-30")


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "2026-10-01T25:00", ""])
def test_a_malformed_date_names_the_option(db, value):
    with pytest.raises(DomainError) as caught:
        parse(value)

    assert caught.value.errors[0].field == "as_of"
    assert "is not a date (2026-10-01) or a date-time" in caught.value.errors[0].message


def test_a_date_means_the_end_of_that_day_in_the_configured_time_zone(settings):
    settings.TIME_ZONE = "Pacific/Auckland"

    when = parse("2026-10-01")

    assert when.moment == dt.datetime(2026, 10, 1, 10, 59, 59, 999999, tzinfo=dt.timezone.utc)
    assert when.day == dt.date(2026, 10, 1)
    assert parse("2026-10-01T09:30:00Z").moment == dt.datetime(2026, 10, 1, 9, 30,
                                                                tzinfo=dt.timezone.utc)
