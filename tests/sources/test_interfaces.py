"""Sources through the API, the CLI and the web: secrets go in and never come out."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hoshin.okrs.models import CheckIn
from hoshin.sources import services, vault
from hoshin.sources.models import Source
from tests.factories import PASSWORD
from tests.sources.conftest import API_KEY, TOKEN

pytestmark = pytest.mark.django_db


def logged_in(person) -> Client:
    client = Client()
    assert client.login(username=person.email, password=PASSWORD)
    return client


# API --------------------------------------------------------------------------------------


def test_the_api_creates_lists_syncs_and_deletes_a_source(plan, peer, as_):
    owner = as_(plan.member)
    made = owner.post("/sources", {"key_result": "KR1", "kind": "http",
                                   "url": f"{peer.url}/keyed", "json_path": "$.data.total",
                                   "headers": {"X-Api-Key": API_KEY}, "token": TOKEN,
                                   "every_minutes": 30})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["header_names"] == ["X-Api-Key"] and body["has_secret"] is True
    assert body["every_minutes"] == 30 and body["value"] is None
    listed = as_(plan.viewer).get("/sources")
    assert [s["key_result"] for s in listed.json()] == ["KR1"]
    synced = owner.post("/sources/KR1/sync")
    assert synced.status_code == 200 and synced.json()["result"] == "recorded"
    checkin_id = synced.json()["checkin"]
    assert CheckIn.objects.get(pk=checkin_id).value == 27.5
    one = owner.get("/sources/KR1").json()
    assert one["value"] == 27.5 and one["failing"] is False
    # Every answer, the OpenAPI document included, is free of the secrets.
    for text in (made.content, listed.content, synced.content,
                 owner.get("/sources/KR1").content):
        assert TOKEN.encode() not in text and API_KEY.encode() not in text
    assert owner.client.delete("/api/v1/sources/KR1", headers=owner.headers).status_code == 204
    assert owner.get("/sources/KR1").status_code == 404
    assert CheckIn.objects.filter(pk=checkin_id).exists()


def test_the_api_shows_failures_and_refuses_who_may_not_edit(plan, peer, as_):
    viewer, other = as_(plan.viewer), as_(plan.other_lead)
    body = {"key_result": "KR1", "kind": "http", "url": f"{peer.url}/broken",
            "json_path": "$.x"}
    assert viewer.post("/sources", body).status_code == 403
    assert other.post("/sources", body).status_code == 403
    assert as_(None).get("/sources").status_code == 401
    assert as_(plan.lead).post("/sources", body).status_code == 201
    assert other.post("/sources/KR1/sync").status_code == 403
    failed = as_(plan.member).post("/sources/KR1/sync").json()
    assert failed["result"] == "failed" and failed["error"] == "the server answered HTTP 500"
    shown = viewer.get("/sources", failing=True).json()
    assert shown[0]["failing"] and shown[0]["error_kind"] == "http" and shown[0]["failures"] == 1
    bad = as_(plan.member).post("/sources", {"key_result": "KR1", "kind": "sql",
                                             "query": "SELECT 1",
                                             "database_url": "oracle://x"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "database_url"
    wrong_kind = as_(plan.member).post("/sources", {**body, "kind": "ftp"})
    assert wrong_kind.status_code in (400, 422)


def test_a_database_url_is_shown_without_its_password(plan, as_):
    made = as_(plan.office).post("/sources", {
        "key_result": "KR1", "kind": "sql", "query": "SELECT 1",
        "database_url": "postgresql://bi:pa55word@127.0.0.1:1/bi"})
    assert made.status_code == 201
    assert made.json()["location"] == "postgresql://bi:***@127.0.0.1:1/bi"
    assert b"pa55word" not in made.content
    failed = as_(plan.office).post("/sources/KR1/sync")
    assert failed.json()["result"] == "failed" and b"pa55word" not in failed.content


# CLI --------------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("sources", *args, stdout=out)
    return out.getvalue()


def test_the_cli_adds_syncs_and_lists_each_kind(plan, peer, tmp_path):
    import sqlite3

    db = tmp_path / "bi.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE nps (week INT, score REAL)")
        conn.execute("INSERT INTO nps VALUES (1, 12.5)")
    csv = tmp_path / "days.csv"
    csv.write_text("week,days\n1,25\n2,22\n")
    assert "KR1 is fed by HTTP JSON: http://" in run(
        "add", "KR1", "--http", f"{peer.url}/secure", "--json-path", "$.data.total",
        "--token", TOKEN, "--header", "X-Trace: yes")
    run("add", "KR3", "--sql", "SELECT score FROM nps WHERE week = 1",
        "--database-url", f"sqlite:///{db}")
    assert run("sync", "KR1") == "KR1: 27.5 (recorded)\n"
    out = run("sync")
    assert out == "KR1: 27.5 (unchanged)\nKR3: 12.5 (recorded)\n"
    # Adding again replaces the key result's source.
    run("add", "KR3", "--csv", str(csv), "--column", "days", "--row", "week=2", "--every", "15")
    assert json.loads(run("sync", "KR3", "--format", "json"))[0]["value"] == 22
    listed = json.loads(run("list", "--format", "json"))
    assert [(s["key_result"], s["kind"], s["value"]) for s in listed] == [
        ("KR1", "http", 27.5), ("KR3", "csv", 22.0)]
    assert listed[0]["header_names"] == ["X-Trace"]
    text = run("list")
    assert TOKEN not in text and TOKEN not in json.dumps(listed)
    assert "KR3      csv" in text and "every 15 min" in text
    assert run("add", "KR3", "--children", "sum").startswith(
        "KR3 is fed by Aligned key results: sum of the aligned key results")
    assert json.loads(run("list", "--format", "json"))[1]["combine"] == "sum"
    run("remove", "KR3")
    assert not Source.objects.filter(key_result__key="KR3").exists()


def test_the_cli_reports_failures_and_mistakes(plan, peer):
    run("add", "KR1", "--http", f"{peer.url}/broken", "--json-path", "$.x")
    with pytest.raises(CommandError, match="1 source\\(s\\) failed"):
        run("sync", "KR1")
    assert "FAILING x1: the server answered HTTP 500" in run("list")
    with pytest.raises(CommandError, match="--json-path is required"):
        run("add", "KR1", "--http", f"{peer.url}/kpi.json")
    with pytest.raises(CommandError, match="unknown key result"):
        run("add", "KR99", "--csv", "x.csv", "--column", "a")


# Web --------------------------------------------------------------------------------------


def test_the_key_result_page_shows_the_source_and_syncs_now(plan, peer):
    services.add_source(None, "KR1", kind="http", url=f"{peer.url}/secure",
                        json_path="$.data.total", token=TOKEN)
    owner = logged_in(plan.member)
    page = owner.get("/key-results/KR1/").content.decode()
    assert "Fed by data" in page and "Not read yet" in page and "Sync now" in page
    assert TOKEN not in page
    # htmx: the panel comes back in place.
    panel = owner.post("/sources/KR1/sync", headers={"HX-Request": "true"}).content.decode()
    assert panel.startswith('<section id="source"') and "Recorded 27.5 as a check-in" in panel
    # Without scripts: back to the page.
    plain = owner.post("/sources/KR1/sync")
    assert plain.status_code == 302 and plain["Location"] == "/key-results/KR1/#source"
    assert CheckIn.objects.filter(key_result__key="KR1").count() == 1
    # A viewer sees the source, not the button, and may not post.
    viewer = logged_in(plan.viewer)
    seen = viewer.get("/key-results/KR1/").content.decode()
    assert "Fed by data" in seen and "Sync now" not in seen
    assert viewer.post("/sources/KR1/sync").status_code == 403
    assert owner.get("/sources/KR1/sync").status_code == 405
    assert owner.post("/sources/KR2/sync").status_code == 404


def test_a_failing_source_is_shown_on_the_page_and_the_owners_home(plan, peer):
    services.add_source(None, "KR1", kind="http", url=f"{peer.url}/secure",
                        json_path="$.data.total", token="expired")
    services.sync_source(None, "KR1")
    owner = logged_in(plan.member)
    page = owner.get("/key-results/KR1/").content.decode()
    assert "Reading failed" in page and "HTTP 401" in page and "nothing recorded" in page
    home = owner.get("/").content.decode()
    assert "Sources failing" in home and "KR1" in home and "HTTP 401" in home
    # Not on someone else's home.
    assert "Sources failing" not in logged_in(plan.other_lead).get("/").content.decode()
    # Fixed: gone from the home.
    Source.objects.update(sealed=vault.seal({"token": TOKEN}))
    services.sync_source(None, "KR1")
    assert "Sources failing" not in owner.get("/").content.decode()
