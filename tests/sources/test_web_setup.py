"""Setting, changing, trying and removing a source on the web (/sources/<key>/): the form
goes through the same service as the API and the CLI, the stored secrets never come back
into a page, and who may not set the source is refused."""

from __future__ import annotations

import io
import re
import sqlite3

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.okrs.models import CheckIn
from hoshin.sources import services, vault
from hoshin.sources.models import Source
from hoshin.strategy.models import MetricActual
from tests.factories import PASSWORD
from tests.sources.conftest import API_KEY, TOKEN

pytestmark = pytest.mark.django_db

DB_PASSWORD = "pa55-w0rd-db"


def logged_in(person) -> Client:
    client = Client()
    assert client.login(username=person.email, password=PASSWORD)
    return client


def snapshot(source: Source) -> dict:
    """What a source is set to (its secrets unsealed), not its readings nor who set it."""
    return {"kind": source.kind, "location": source.location, "query": source.query,
            "json_path": source.json_path, "column": source.column, "row": source.row,
            "combine": source.combine, "header_names": source.header_names,
            "every_minutes": source.every_minutes, "by_operator": source.by_operator,
            "secret": vault.unseal(source.sealed)}


def field_error(page: str, name: str) -> str:
    """The error shown in the form row of the field called `name` ("" if none)."""
    for row in re.findall(r'<div class="field[^"]*">.*?</div>', page, re.S):
        if f'name="{name}"' in row:
            found = re.search(r'<span class="error" role="alert">(.*?)</span>', row, re.S)
            return found.group(1) if found else ""
    raise AssertionError(f"no field {name} in the page")


@pytest.fixture
def files(settings, tmp_path):
    """The server's sources folder with a SQLite database and a CSV file in it."""
    settings.HOSHIN_SOURCES_DIR = str(tmp_path)
    with sqlite3.connect(tmp_path / "bi.db") as conn:
        conn.execute("CREATE TABLE nps (week INT, score REAL)")
        conn.execute("INSERT INTO nps VALUES (1, 12.5)")
    (tmp_path / "days.csv").write_text("week,days\n1,25\n2,22\n")
    return tmp_path


def test_each_kind_posted_is_the_source_the_service_makes(plan, peer, files):
    owner = logged_in(plan.member)
    posts = {
        "http": ({"url": f"{peer.url}/keyed", "json_path": "$.data.total", "token": TOKEN,
                  "headers": f"X-Api-Key: {API_KEY}\r\nX-Trace: yes\r\n"},
                 {"url": f"{peer.url}/keyed", "json_path": "$.data.total", "token": TOKEN,
                  "headers": [f"X-Api-Key: {API_KEY}", "X-Trace: yes"]}),
        "sql": ({"query": "SELECT score FROM nps WHERE week = 1",
                 "database_url": "sqlite:///bi.db"},
                {"query": "SELECT score FROM nps WHERE week = 1",
                 "database_url": "sqlite:///bi.db"}),
        "csv": ({"file": "days.csv", "column": "days", "row": "week=2"},
                {"file": "days.csv", "column": "days", "row": "week=2"}),
        "children": ({"combine": "average"}, {"combine": "average"}),
    }
    for kind, (form, arguments) in posts.items():
        answer = owner.post("/sources/KR1/", {"kind": kind, "every_minutes": "30", **form})
        assert answer.status_code == 302, (kind, answer.content.decode()[:3000])
        assert answer["Location"] == "/key-results/KR1/#source"
        posted = snapshot(Source.objects.get(key_result__key="KR1"))
        services.add_source(plan.member, "KR1", kind=kind, every_minutes=30, **arguments)
        assert posted == snapshot(Source.objects.get(key_result__key="KR1")), kind
    # What the web set reads as the CLI's would: the CSV's row of week 2.
    assert services.sync_source(plan.member, "KR1").result == "failed"  # children: none yet
    owner.post("/sources/KR1/", {"kind": "csv", "every_minutes": "60", "file": "days.csv",
                                 "column": "days", "row": "week=2"})
    assert services.sync_source(plan.member, "KR1").value == 22


def test_an_http_source_set_on_the_web_matches_the_clis(plan, peer):
    logged_in(plan.member).post("/sources/KR1/", {
        "kind": "http", "every_minutes": "60", "url": f"{peer.url}/secure",
        "json_path": "$.data.total", "token": TOKEN, "headers": "X-Trace: yes"})
    web = snapshot(Source.objects.get())
    call_command("sources", "add", "KR1", "--http", f"{peer.url}/secure", "--json-path",
                 "$.data.total", "--token", TOKEN, "--header", "X-Trace: yes",
                 stdout=io.StringIO())
    cli = snapshot(Source.objects.get())
    assert {**web, "by_operator": True} == cli  # the command line is the operator's
    assert services.sync_source(plan.member, "KR1").value == 27.5


def test_a_metric_source_is_set_by_the_strategy_office(plan, peer):
    office = logged_in(plan.office)
    page = office.get("/sources/M1/").content.decode()
    assert 'value="children"' not in page  # aligned key results feed only key results
    answer = office.post("/sources/M1/", {"kind": "http", "every_minutes": "60",
                                          "url": f"{peer.url}/kpi.json",
                                          "json_path": "$.data.total"})
    assert answer.status_code == 302 and answer["Location"] == "/strategy/metrics/M1/#source"
    assert services.sync_source(plan.office, "M1").result == "recorded"
    assert MetricActual.objects.get(metric__key="M1").actual == 27.5
    refused = office.post("/sources/M1/", {"kind": "children", "combine": "sum",
                                           "every_minutes": "60"})
    assert refused.status_code == 400
    assert Source.objects.get(metric__key="M1").kind == "http"
    assert logged_in(plan.member).get("/sources/M1/").status_code == 403


def test_stored_secrets_are_never_shown_and_kept_unless_replaced_or_cleared(plan, peer):
    services.add_source(plan.member, "KR1", kind="http", url=f"{peer.url}/keyed",
                        json_path="$.data.total", token=TOKEN,
                        headers={"X-Api-Key": API_KEY})
    owner = logged_in(plan.member)
    page = owner.get("/sources/KR1/")
    text = page.content.decode()
    assert TOKEN not in text and API_KEY not in text
    assert "Token: set" in text and "Headers: X-Api-Key set" in text
    assert page["Cache-Control"] == "no-store"
    assert f'value="{peer.url}/keyed"' in text and 'value="$.data.total"' in text
    # Only the path changes: both secrets are kept.
    base = {"kind": "http", "every_minutes": "60", "url": f"{peer.url}/keyed",
            "json_path": "$.data.series[1]"}
    assert owner.post("/sources/KR1/", base).status_code == 302
    source = Source.objects.get()
    assert source.json_path == "$.data.series[1]"
    assert vault.unseal(source.sealed) == {"token": TOKEN, "headers": {"X-Api-Key": API_KEY}}
    assert services.sync_source(plan.member, "KR1").value == 2
    # Cleared token, headers kept; then the headers replaced.
    owner.post("/sources/KR1/", {**base, "clear_token": "on"})
    secret = vault.unseal(Source.objects.get().sealed)
    assert not secret.get("token") and secret["headers"] == {"X-Api-Key": API_KEY}
    owner.post("/sources/KR1/", {**base, "headers": "X-Other: 1"})
    source = Source.objects.get()
    assert vault.unseal(source.sealed)["headers"] == {"X-Other": "1"}
    assert source.header_names == ["X-Other"]
    after = owner.get("/sources/KR1/").content.decode()
    assert "Token: none" in after and "Clear the stored token" not in after
    # The key result's page links to this one, and the panel never carries a secret.
    kr_page = owner.get("/key-results/KR1/").content.decode()
    assert 'href="/sources/KR1/"' in kr_page and "Change or remove the source" in kr_page


def test_a_database_url_is_kept_without_being_shown(plan, files):
    url = f"postgresql://bi:{DB_PASSWORD}@127.0.0.1:1/bi"
    services.add_source(plan.member, "KR1", kind="sql", query="SELECT 1", database_url=url)
    owner = logged_in(plan.member)
    text = owner.get("/sources/KR1/").content.decode()
    assert DB_PASSWORD not in text and "postgresql://bi:***@127.0.0.1:1/bi" in text
    assert owner.post("/sources/KR1/", {"kind": "sql", "every_minutes": "60",
                                        "query": "SELECT 2"}).status_code == 302
    source = Source.objects.get()
    assert source.query == "SELECT 2" and vault.unseal(source.sealed)["database_url"] == url
    # Another kind does not inherit the database URL.
    owner.post("/sources/KR1/", {"kind": "csv", "every_minutes": "60", "file": "days.csv",
                                 "column": "days"})
    assert vault.unseal(Source.objects.get().sealed) == {}
    # Back to SQL: a database URL must be typed again.
    again = owner.post("/sources/KR1/", {"kind": "sql", "every_minutes": "60",
                                         "query": "SELECT 2"})
    assert again.status_code == 400
    assert "must be sqlite:///FILE or postgresql://" in field_error(again.content.decode(),
                                                                    "database_url")


def test_invalid_input_shows_each_fields_error_and_stores_nothing(plan):
    owner = logged_in(plan.member)
    answer = owner.post("/sources/KR1/", {"kind": "http", "every_minutes": "2",
                                          "url": "ftp://example.test/x", "json_path": "",
                                          "token": TOKEN, "headers": "no colon here"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert field_error(page, "url") == "must be an http(s) address"
    assert field_error(page, "json_path") == "is required (e.g. $.data.total)"
    assert field_error(page, "headers") == "&quot;no colon here&quot; is not Name: value"
    assert field_error(page, "every_minutes") == "must be from 5 to 10080 (a week)"
    assert TOKEN not in page and "no colon here</textarea>" not in page
    assert not Source.objects.exists()
    csv = owner.post("/sources/KR1/", {"kind": "csv", "every_minutes": "60",
                                       "file": "/etc/passwd", "column": "", "row": "0"})
    page = csv.content.decode()
    assert "local files can be named only from the server" in field_error(page, "file")
    assert field_error(page, "column") == "is required"
    assert field_error(page, "row") != ""
    bad_sql = owner.post("/sources/KR1/", {"kind": "sql", "every_minutes": "60",
                                           "query": "SELECT 1",
                                           "database_url": f"oracle://u:{DB_PASSWORD}@h/x"})
    assert field_error(bad_sql.content.decode(), "database_url").startswith("must be")
    assert DB_PASSWORD not in bad_sql.content.decode()
    assert owner.post("/sources/KR1/", {"kind": "ftp", "every_minutes": "60"}
                      ).status_code == 400
    assert not Source.objects.exists()


def test_who_may_not_set_the_source_is_refused(plan, peer, client):
    services.add_source(plan.member, "KR1", kind="http", url=f"{peer.url}/kpi.json",
                        json_path="$.data.total")
    before = snapshot(Source.objects.get())
    body = {"kind": "http", "every_minutes": "60", "url": f"{peer.url}/other",
            "json_path": "$.x"}
    for person in (plan.viewer, plan.other_lead):
        who = logged_in(person)
        assert who.get("/sources/KR1/").status_code == 403
        assert who.post("/sources/KR1/", body).status_code == 403
        assert who.post("/sources/KR1/try", body).status_code == 403
        assert who.post("/sources/KR1/remove").status_code == 403
        page = who.get("/key-results/KR1/").content.decode()
        assert "/sources/KR1/" not in page and "Feed it from data" not in page
    assert snapshot(Source.objects.get()) == before
    assert client.get("/sources/KR1/").status_code == 302  # to the login page
    assert logged_in(plan.member).get("/sources/NOPE/").status_code == 404
    # The unit's lead and the strategy office may.
    assert logged_in(plan.lead).get("/sources/KR1/").status_code == 200
    assert logged_in(plan.office).get("/sources/KR3/").status_code == 200


def test_remove_stops_the_source_and_keeps_the_check_ins(plan, peer):
    services.add_source(plan.member, "KR1", kind="http", url=f"{peer.url}/kpi.json",
                        json_path="$.data.total")
    checkin = services.sync_source(plan.member, "KR1").checkin_id
    owner = logged_in(plan.member)
    assert owner.get("/sources/KR1/remove").status_code == 405
    answer = owner.post("/sources/KR1/remove", follow=True)
    assert answer.redirect_chain == [("/key-results/KR1/#source", 302)]
    page = answer.content.decode()
    assert "KR1 is no longer fed by a source" in page and "Feed it from data" in page
    assert not Source.objects.exists() and CheckIn.objects.filter(pk=checkin).exists()
    assert owner.post("/sources/KR1/remove").status_code == 404


def test_trying_reads_the_value_and_stores_nothing(plan, peer):
    owner = logged_in(plan.member)
    htmx = {"HX-Request": "true"}
    body = {"kind": "http", "every_minutes": "60", "url": f"{peer.url}/secure",
            "json_path": "$.data.total", "token": TOKEN}
    tried = owner.post("/sources/KR1/try", body, headers=htmx).content.decode()
    assert "Read 27.5 %. Nothing is saved yet" in tried and TOKEN not in tried
    assert not Source.objects.exists() and not CheckIn.objects.exists()
    failed = owner.post("/sources/KR1/try", {**body, "token": "wrong"},
                        headers=htmx).content.decode()
    assert "The reading failed" in failed and "401" in failed and "wrong" not in failed
    wrong = owner.post("/sources/KR1/try", {**body, "url": "nope"},
                       headers=htmx).content.decode()
    assert "Not tried" in wrong and "Address: must be an http(s) address" in wrong
    # A stored token is used when none is typed; trying still changes nothing.
    services.add_source(plan.member, "KR1", kind="http", url=f"{peer.url}/secure",
                        json_path="$.data.total", token=TOKEN)
    stored = snapshot(Source.objects.get())
    kept = owner.post("/sources/KR1/try", {**body, "token": "", "json_path": "$.data.series[0]"},
                      headers=htmx).content.decode()
    assert "Read 1 %" in kept
    assert snapshot(Source.objects.get()) == stored and Source.objects.get().value is None
    # Without scripts: the whole page, with the value under the form.
    plain = owner.post("/sources/KR1/try", body)
    assert plain.status_code == 200 and "Read 27.5 %" in plain.content.decode()
    assert TOKEN not in plain.content.decode()


def test_the_panel_offers_the_page_to_who_may_set_a_source(plan):
    page = logged_in(plan.member).get("/key-results/KR1/").content.decode()
    assert "Not fed by data" in page and 'href="/sources/KR1/"' in page
    assert "Feed it from data" in logged_in(plan.office).get(
        "/strategy/metrics/M1/").content.decode()
    assert "Not fed by data" not in logged_in(plan.viewer).get(
        "/key-results/KR1/").content.decode()
