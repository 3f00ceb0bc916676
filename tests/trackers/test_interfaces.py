"""Trackers through the API, the CLI and the web pages, against the fakes: link, sync,
unlink, the progress shown on the initiative and on its key result's rows, tokens never
returned."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hoshin.okrs import services as okrs
from hoshin.trackers import services
from hoshin.trackers.models import Hook, TrackerLink
from tests.trackers.conftest import GITHUB_TOKEN, JIRA_EMAIL, JIRA_TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(plan, jira, github):
    okrs.save_initiative(None, key="I1", key_result="KR1", title="Installer portal",
                         owner=plan.member.email, status="in_progress")
    jira.add("PAY-1", "Portal epic", "indeterminate", issuetype="Epic")
    for n, category in [(2, "done"), (3, "indeterminate"), (4, "new")]:
        jira.add(f"PAY-{n}", f"Story {n}", category, parent="PAY-1")
    github.add("acme/portal#9", "Invoice export", state="closed", state_reason="completed")
    return plan


def delete(api, path: str):
    return api.client.delete("/api/v1" + path, headers=api.headers)


def cli(*args) -> str:
    out = StringIO()
    call_command("trackers", *args, stdout=out)
    return out.getvalue()


def test_the_cli_connects_links_syncs_and_lists(work, jira, github, monkeypatch):
    monkeypatch.setenv("JIRA_TOKEN", JIRA_TOKEN)
    said = cli("connect", "jira", "--url", jira.url, "--account", JIRA_EMAIL,
               "--token-env", "JIRA_TOKEN")
    assert "Jira" in said and JIRA_TOKEN not in said
    cli("connect", "github", "--url", github.url, "--token", GITHUB_TOKEN)
    said = cli("link", "I1", "--jira", "PAY-1")
    assert "I1 is linked to Jira PAY-1" in said
    assert "1 of 3 done (33%), 1 in progress, 1 to do" in said
    cli("link", "I1", "--github", "acme/portal#9", "--no-sync")
    said = cli("sync", "I1")
    assert "I1 github acme/portal#9: 1 of 1 done" in said
    listing = json.loads(cli("list", "--format", "json"))
    assert [(r["kind"], r["ref"], r["progress"]["done"]) for r in listing] == [
        ("github", "acme/portal#9", 1), ("jira", "PAY-1", 1)]
    assert "2 of 4 done (50%)" in cli("list")
    assert all(JIRA_TOKEN not in json.dumps(r) for r in listing)
    # A failing sync says so and exits non-zero; the figures stay.
    jira.fail_next = [503]
    with pytest.raises(CommandError, match="1 link"):
        cli("sync", "I1")
    assert TrackerLink.objects.get(ref="PAY-1").done == 1
    cli("unlink", "I1", "--jira", "PAY-1")
    assert list(TrackerLink.objects.values_list("ref", flat=True)) == ["acme/portal#9"]


def test_the_cli_makes_webhook_addresses(work):
    said = cli("hook", "github")
    hook = Hook.objects.get()
    assert f"/trackers/hooks/github/{hook.token}/" in said and "Secret (shown this once)" in said
    assert "handshake" in cli("hook", "asana")


def test_the_api_links_syncs_and_never_returns_a_token(work, jira, as_):
    admin, member, viewer = as_(work.admin), as_(work.member), as_(work.viewer)
    answer = admin.put("/trackers/connections/jira", {
        "base_url": jira.url, "account": JIRA_EMAIL, "token": JIRA_TOKEN})
    assert answer.status_code == 200, answer.content
    assert answer.json()["has_token"] is True and JIRA_TOKEN not in answer.content.decode()
    assert member.get("/trackers/connections").status_code == 403
    listed = admin.get("/trackers/connections")
    assert JIRA_TOKEN not in listed.content.decode()
    made = member.post("/trackers/links", {"initiative": "I1", "kind": "jira",
                                                   "ref": "PAY-1"})
    assert made.status_code == 201, made.content
    assert viewer.post("/trackers/links", {"initiative": "I1", "kind": "jira",
                                                   "ref": "PAY-2"}).status_code == 403
    synced = member.post("/trackers/initiatives/I1/sync")
    assert synced.status_code == 200 and synced.json()[0]["result"] == "synced"
    work_ = viewer.get("/trackers/initiatives/I1").json()
    assert work_["progress"] == {"total": 3, "done": 1, "in_progress": 1, "todo": 1,
                                 "share_done": pytest.approx(1 / 3),
                                 "share_in_progress": pytest.approx(1 / 3)}
    assert [i["ref"] for i in work_["links"][0]["items"]] == ["PAY-2", "PAY-3", "PAY-4"]
    hook = admin.post("/trackers/hooks", {"kind": "github"})
    assert hook.status_code == 201 and len(hook.json()["secret"]) >= 32
    assert "secret" not in admin.get("/trackers/hooks").json()[0]
    link_id = made.json()["id"]
    assert delete(viewer, f"/trackers/links/{link_id}").status_code == 403
    assert delete(member, f"/trackers/links/{link_id}").status_code == 204
    assert not TrackerLink.objects.exists()


def test_the_initiative_page_links_syncs_and_unlinks(work, jira):
    services.connect(None, "jira", base_url=jira.url, account=JIRA_EMAIL, token=JIRA_TOKEN)
    browser = Client()
    browser.force_login(work.member)
    page = browser.get("/trackers/initiatives/I1/")
    assert page.status_code == 200 and b"Link and sync" in page.content
    answer = browser.post("/trackers/initiatives/I1/", {"action": "link", "kind": "jira",
                                                        "ref": "PAY-1"}, follow=True)
    text = answer.content.decode()
    assert "Synced jira PAY-1: 1 of 3 done (33%)" in text
    assert "1 of 3 done (33%) · 1 in progress · 1 to do" in text
    jira.fail_next = [500]
    text = browser.post("/trackers/initiatives/I1/", {"action": "sync"},
                        follow=True).content.decode()
    assert "Syncing jira PAY-1 failed" in text and "Sync failed" in text
    assert "1 of 3 done (33%)" in text  # the last figures are still shown
    row = TrackerLink.objects.get()
    viewer = Client()
    viewer.force_login(work.viewer)
    assert viewer.get("/trackers/initiatives/I1/").status_code == 200
    assert b"Sync now" not in viewer.get("/trackers/initiatives/I1/").content
    assert viewer.post("/trackers/initiatives/I1/", {"action": "unlink",
                                                     "link": row.pk}).status_code == 403
    browser.post("/trackers/initiatives/I1/", {"action": "unlink", "link": row.pk})
    assert not TrackerLink.objects.exists()


def test_progress_shows_on_the_key_results_rows_and_the_overview(work, jira):
    services.connect(None, "jira", base_url=jira.url, account=JIRA_EMAIL, token=JIRA_TOKEN)
    services.link(None, "I1", "jira", "PAY-1")
    services.sync_initiative(None, "I1")
    browser = Client()
    browser.force_login(work.viewer)
    objective = browser.get("/objectives/O1/").content.decode()
    assert "I1 1/3 done" in objective  # the badge on KR1's row (okrs names no tracker)
    overview = browser.get("/trackers/").content.decode()
    assert "Installer portal" in overview and "1 of 3 done (33%)" in overview
