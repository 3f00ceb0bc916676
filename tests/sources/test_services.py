"""Syncing sources into check-ins: automatic check-ins through okrs's service, the
unchanged rule, failures kept on the source and retried with backoff, permissions,
secrets kept encrypted, and the periodic job."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from django.db import connection

from hoshin.core import clock
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.notify.models import OutboxMessage
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, KeyResult
from hoshin.sources import services, vault
from hoshin.sources.models import Reading, Source
from tests.sources.conftest import TOKEN

pytestmark = pytest.mark.django_db


def kr1():
    return KeyResult.objects.select_related("last_checkin").get(key="KR1")


@pytest.fixture
def fed(plan, peer):
    """KR1 (owned by plan.member) fed by the peer's /secure endpoint with a token."""
    peer.set_json("/kpi.json", {"data": {"total": 27.5}})
    services.add_source(plan.member, "KR1", kind="http", url=f"{peer.url}/secure",
                        json_path="$.data.total", token=TOKEN)
    return plan


def test_a_reading_is_a_check_in_marked_automatic(fed):
    before = clock.now()
    outcome = services.sync_source(fed.member, "KR1")
    assert outcome.result == "recorded" and outcome.value == 27.5
    checkin = CheckIn.objects.get(pk=outcome.checkin_id)
    assert checkin.value == 27.5 and checkin.author is None
    assert checkin.note == "Automatic reading (HTTP JSON)"
    # Through the check-in service: the key result's latest check-in is this one.
    assert kr1().last_checkin_id == checkin.pk
    reading = Reading.objects.get(checkin=checkin)
    assert reading.source.key_result.key == "KR1" and reading.value == 27.5
    assert reading.as_of >= before and reading.kind == "http"
    source = Source.objects.get()
    assert (source.value, source.failures, source.error) == (27.5, 0, "")
    assert source.next_at == source.value_at + dt.timedelta(minutes=60)
    # A typed check-in has no reading: "automatic" is the reading's presence.
    typed = okrs.record_checkin(fed.member, kr1(), value=28, confidence=6)
    assert not Reading.objects.filter(checkin=typed).exists()


def test_confidence_and_blockers_stay_the_owners(fed, peer):
    okrs.record_checkin(fed.member, kr1(), value=25, confidence=4,
                        blockers="Installer portal down", note="Mine")
    services.sync_source(None, "KR1")
    auto = kr1().last_checkin
    assert (auto.value, auto.confidence, auto.blockers) == (27.5, 4, "Installer portal down")
    assert auto.note == "Automatic reading (HTTP JSON)"


def test_an_unchanged_value_records_no_new_check_in_until_a_week_has_passed(fed, peer):
    today = clock.today()
    with clock.at(today):
        assert services.sync_source(None, "KR1").result == "recorded"
        assert services.sync_source(None, "KR1").result == "unchanged"
    with clock.at(today + dt.timedelta(days=6)):
        assert services.sync_source(None, "KR1").result == "unchanged"
    assert CheckIn.objects.filter(key_result__key="KR1").count() == 1
    peer.set_json("/kpi.json", {"data": {"total": 29}})
    with clock.at(today + dt.timedelta(days=6)):
        assert services.sync_source(None, "KR1").result == "recorded"
    peer.set_json("/kpi.json", {"data": {"total": 29}})
    with clock.at(today + dt.timedelta(days=13)):
        # The same value a week after the last check-in: one check-in confirms it.
        assert services.sync_source(None, "KR1").result == "recorded"
    assert list(CheckIn.objects.filter(key_result__key="KR1").values_list("value", flat=True)
                .order_by("id")) == [27.5, 29, 29]


def test_a_typed_value_equal_to_the_reading_is_not_repeated(fed):
    okrs.record_checkin(fed.member, kr1(), value=27.5, confidence=7)
    assert services.sync_source(None, "KR1").result == "unchanged"
    assert CheckIn.objects.filter(key_result__key="KR1").count() == 1


def test_failures_are_kept_on_the_source_retried_with_backoff_and_change_nothing(fed, peer):
    services.sync_source(None, "KR1")
    good = kr1().last_checkin_id
    source = Source.objects.get()
    # The endpoint starts refusing the token: an auth failure.
    source.sealed = vault.seal({"token": "expired"})
    source.save()
    start = clock.now()
    with clock.at(start):
        outcome = services.sync_source(None, "KR1")
    assert outcome.result == "failed" and "HTTP 401" in outcome.error
    source.refresh_from_db()
    assert (source.failures, source.error_kind) == (1, "auth")
    assert source.failing_since == start and source.next_at == start + dt.timedelta(minutes=5)
    assert source.value == 27.5  # the last good value stays
    delays = []
    for _ in range(5):
        with clock.at(source.next_at):
            services.sync_source(None, "KR1")
        previous = source.next_at
        source.refresh_from_db()
        delays.append(source.next_at - previous)
    assert [d.total_seconds() / 60 for d in delays] == [10, 20, 40, 80, 160]
    # The owner was told once, at the third failure, with the reason.
    told = OutboxMessage.objects.filter(recipient=fed.member,
                                        subject__startswith="The source of KR1 fails")
    assert told.count() == 1 and "HTTP 401" in told.get().subject
    assert source.failures == 6 and source.failing_since == start
    assert services.retry_delay(30) == dt.timedelta(hours=12)
    # Nothing recorded was touched.
    assert kr1().last_checkin_id == good and CheckIn.objects.count() == 1
    assert Reading.objects.count() == 1
    # Fixed: the next reading clears the failure.
    services.add_source(None, "KR1", kind="http", url=f"{peer.url}/secure",
                        json_path="$.data.total", token=TOKEN)
    assert services.sync_source(None, "KR1").result == "unchanged"
    source.refresh_from_db()
    assert (source.failures, source.error, source.failing_since) == (0, "", None)


def test_a_value_the_key_result_refuses_is_a_failure(fed, peer):
    peer.set_json("/kpi.json", {"data": {"total": "n/a"}})
    outcome = services.sync_source(None, "KR1")
    assert outcome.result == "failed" and '"n/a", not a number' in outcome.error
    # The key result refuses the value (its quarter closed): okrs's rule, the source's
    # failure.
    peer.set_json("/kpi.json", {"data": {"total": 27.5}})
    fed.quarter.__class__.objects.filter(pk=fed.quarter.pk).update(state="closed")
    refused = services.sync_source(None, "KR1")
    assert refused.result == "failed" and refused.error.startswith("not recorded:")
    assert "check-ins are taken only while a cycle is active" in refused.error
    assert not CheckIn.objects.filter(key_result__key="KR1").exists()
    # A milestone reached by steps takes no source.
    with pytest.raises(DomainError, match="reached by steps"):
        services.add_source(None, "KR2", kind="http", url=f"{peer.url}/kpi.json",
                            json_path="$.data.total")


def test_due_sources_follow_their_schedule_and_skip_closed_quarters(fed, peer):
    now = clock.now()
    assert [s.key_result.key for s in services.due_sources(now)] == ["KR1"]
    with clock.at(now):
        services.sync_due(now)
    assert list(services.due_sources(now + dt.timedelta(minutes=59))) == []
    assert len(services.due_sources(now + dt.timedelta(minutes=61))) == 1
    fed.quarter.__class__.objects.filter(pk=fed.quarter.pk).update(state="closed")
    assert list(services.due_sources(now + dt.timedelta(days=1))) == []


def test_the_periodic_job_reads_due_sources(fed):
    from hoshin.notify import scheduler

    scheduler.discover()
    job = scheduler.JOBS["sync-sources"]
    assert job.run.__module__ == "hoshin.sources.jobs" and not job.atomic
    now = clock.now()
    slot = scheduler.minute_slot(now)[0]
    assert scheduler.run_slot("sync-sources", slot, now)
    assert Reading.objects.filter(checkin__key_result__key="KR1").count() == 1


@pytest.mark.parametrize("who, allowed", [
    ("member", True), ("lead", True), ("office", True), ("admin", True),
    ("other_lead", False), ("viewer", False)])
def test_who_may_add_remove_and_sync_a_source(plan, peer, who, allowed):
    person = getattr(plan, who)
    add = lambda: services.add_source(person, "KR1", kind="http",  # noqa: E731
                                      url=f"{peer.url}/kpi.json", json_path="$.data.total")
    if not allowed:
        with pytest.raises(PermissionDenied):
            add()
        services.add_source(None, "KR1", kind="http", url=f"{peer.url}/kpi.json",
                            json_path="$.data.total")
        with pytest.raises(PermissionDenied):
            services.sync_source(person, "KR1")
        with pytest.raises(PermissionDenied):
            services.remove_source(person, "KR1")
        assert Source.objects.count() == 1
        return
    add()
    assert services.sync_source(person, "KR1").result == "recorded"
    services.remove_source(person, "KR1")
    assert Source.objects.count() == 0
    # Removing the source keeps its check-ins and their automatic mark.
    assert CheckIn.objects.filter(key_result__key="KR1").count() == 1
    assert Reading.objects.get().source is None


def test_secrets_are_stored_encrypted(plan, peer):
    services.add_source(plan.member, "KR1", kind="http", url=f"{peer.url}/keyed",
                        json_path="$.data.total", headers=["X-Api-Key: k-123-secret-header"],
                        token=TOKEN)
    services.add_source(plan.other_lead, "KR3", kind="sql",
                        query="SELECT 1", database_url="postgresql://bi:pa55word@db.example/bi")
    with connection.cursor() as cursor:
        cursor.execute("SELECT location, sealed, header_names FROM sources_source")
        raw = repr(cursor.fetchall())
    for secret in (TOKEN, "k-123-secret-header", "pa55word"):
        assert secret not in raw
    assert "postgresql://bi:***@db.example/bi" in raw and "X-Api-Key" in raw
    kr3 = Source.objects.get(key_result__key="KR3")
    assert vault.unseal(kr3.sealed) == {"database_url": "postgresql://bi:pa55word@db.example/bi"}


def test_a_changed_secrets_key_is_a_clear_failure(fed, settings):
    settings.HOSHIN_SECRETS_KEY = "another passphrase"
    outcome = services.sync_source(None, "KR1")
    assert outcome.result == "failed" and "secrets key changed" in outcome.error


@pytest.mark.parametrize("kwargs, field", [
    (dict(kind="http", url="ftp://x/y", json_path="$.a"), "url"),
    (dict(kind="http", url="https://me:pw@x.example/y", json_path="$.a"), "url"),
    (dict(kind="http", url="https://x.example/y", json_path="$..["), "json_path"),
    (dict(kind="http", url="https://x.example/y", json_path="$.a", headers=["nocolon"]),
     "headers"),
    (dict(kind="sql", query="", database_url="sqlite:////tmp/x.db"), "query"),
    (dict(kind="sql", query="SELECT 1", database_url="mysql://x/y"), "database_url"),
    (dict(kind="csv", file="", column="a"), "file"),
    (dict(kind="csv", file="https://x.example/a.csv", column="a", row="first"), "row"),
    (dict(kind="csv", file="https://x.example/a.csv", column=""), "column"),
    (dict(kind="ftp"), "kind"),
    (dict(kind="http", url="https://x.example/y", json_path="$.a", every_minutes=1),
     "every_minutes"),
])
def test_a_source_is_checked_when_added(plan, kwargs, field):
    with pytest.raises(DomainError) as caught:
        services.add_source(plan.member, "KR1", **kwargs)
    assert field in {e.field for e in caught.value.errors}


def test_local_files_only_from_the_command_line_or_the_sources_folder(plan, tmp_path, settings):
    data = tmp_path / "data"
    data.mkdir()
    (data / "weekly.csv").write_text("week,nps\n1,30\n2,33\n")
    db = data / "bi.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (v REAL)")
        conn.execute("INSERT INTO t VALUES (31.5)")
    settings.HOSHIN_SOURCES_DIR = ""
    with pytest.raises(DomainError, match="command line"):
        services.add_source(plan.member, "KR1", kind="csv", file=str(data / "weekly.csv"),
                            column="nps")
    # The operator (actor None: the CLI on the server) may name any file.
    services.add_source(None, "KR1", kind="csv", file=str(data / "weekly.csv"), column="nps")
    assert services.sync_source(None, "KR1").value == 33
    settings.HOSHIN_SOURCES_DIR = str(data)
    services.add_source(plan.member, "KR1", kind="csv", file="weekly.csv", column="nps",
                        row="1")
    assert services.sync_source(plan.member, "KR1").value == 30
    with pytest.raises(DomainError, match="only files under"):
        services.add_source(plan.member, "KR1", kind="csv", file="../../etc/passwd",
                            column="root")
    with pytest.raises(DomainError, match="only files under"):
        services.add_source(plan.member, "KR1", kind="sql", query="SELECT 1",
                            database_url="sqlite:////etc/hostname")
    services.add_source(plan.member, "KR1", kind="sql", query="SELECT v FROM t",
                        database_url="sqlite:///bi.db")
    assert services.sync_source(None, "KR1").value == 31.5


# Driven by the aligned key results ----------------------------------------------------------


@pytest.fixture
def aligned(plan):
    """Two child objectives under O1 (KR1's objective), with three key results between
    them: weights 1, 3 and 1 (the last one a milestone, which adds to nothing)."""
    quarter = plan.quarter.key
    okrs.save_objective(None, key="O3", cycle=quarter, unit="sales", title="North installers",
                        parent="O1")
    okrs.save_objective(None, key="O4", cycle=quarter, unit="sales", title="South installers",
                        parent="O1")
    for key, objective, weight in (("KR4", "O3", 1), ("KR5", "O4", 3)):
        okrs.save_key_result(None, key=key, objective=objective, title=f"Share {key}",
                             owner=plan.member.email, kind="increase", baseline=10,
                             target=40, unit="%", weight=weight)
    okrs.save_key_result(None, key="KR6", objective="O4", title="Portal live",
                         owner=plan.member.email, kind="milestone")
    return plan


def test_a_key_result_driven_by_the_sum_or_weighted_average_of_its_aligned_ones(aligned):
    services.add_source(aligned.member, "KR1", kind="children", combine="sum")
    outcome = services.sync_source(None, "KR1")
    assert outcome.result == "failed" and "no aligned key result has a value yet (KR4, KR5)" \
        in outcome.error
    okrs.record_checkin(None, KeyResult.objects.get(key="KR4"), value=20)
    okrs.record_checkin(None, KeyResult.objects.get(key="KR6"), value=1)
    # Only what has a value counts: KR5 is not checked in yet.
    assert services.sync_source(None, "KR1").value == 20
    okrs.record_checkin(None, KeyResult.objects.get(key="KR5"), value=30)
    assert services.sync_source(None, "KR1").value == 50
    services.add_source(aligned.lead, "KR1", kind="children", combine="average")
    outcome = services.sync_source(None, "KR1")
    assert outcome.value == (20 * 1 + 30 * 3) / 4 and outcome.result == "recorded"
    assert kr1().last_checkin.value == 27.5
    assert Source.objects.get().location == "weighted average of the aligned key results"
    # An archived child no longer counts.
    KeyResult.objects.filter(key="KR5").update(archived_at=clock.now())
    assert services.sync_source(None, "KR1").value == 20


def test_a_key_result_with_nothing_aligned_under_it(plan):
    services.add_source(None, "KR3", kind="children", combine="average")
    assert "no key result is aligned under this one" in services.sync_source(None, "KR3").error
    with pytest.raises(DomainError) as caught:
        services.add_source(None, "KR3", kind="children", combine="median")
    assert caught.value.errors[0].field == "combine"


def test_an_unexpected_error_in_a_reader_is_a_failure_and_the_others_still_sync(fed, peer,
                                                                               monkeypatch):
    services.add_source(None, "KR3", kind="http", url=f"{peer.url}/kpi.json",
                        json_path="$.data.total")
    real = services.read_value

    def flaky(source, timeout=None):
        if source.key_result.key == "KR1":
            raise ZeroDivisionError("bug")
        return real(source, timeout)

    monkeypatch.setattr(services, "read_value", flaky)
    outcomes = {o.key_result: o for o in services.sync_due()}
    assert outcomes["KR1"].result == "failed"
    assert outcomes["KR1"].error == "unexpected error (ZeroDivisionError); see the server log"
    assert outcomes["KR3"].result == "recorded"
    assert Source.objects.get(key_result__key="KR1").error_kind == "error"


def test_a_source_claimed_by_another_run_is_not_read_twice(fed, peer):
    now = clock.now()
    first = list(services.due_sources(now))
    # Another run claims it between this run's listing and its reading.
    Source.objects.update(next_at=now + dt.timedelta(minutes=15))
    from unittest import mock

    with mock.patch.object(services, "due_sources", return_value=first):
        assert services.sync_due(now) == []
    assert not CheckIn.objects.exists() and len(peer.requests) == 0
