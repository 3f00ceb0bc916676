"""The readers against the local fakes of Jira Cloud, Asana and GitHub (conftest.py):
their JSON shapes, auth headers, paging and failures. No Django database here."""

from __future__ import annotations

import base64

import pytest

from hoshin.trackers import peers
from hoshin.trackers.peers import DONE, IN_PROGRESS, TODO, TrackerFailure
from tests.trackers.conftest import ASANA_TOKEN, GITHUB_TOKEN, JIRA_EMAIL, JIRA_TOKEN


def failure(call, *args, **kwargs) -> TrackerFailure:
    with pytest.raises(TrackerFailure) as caught:
        call(*args, **kwargs)
    return caught.value


# Jira -------------------------------------------------------------------------------------


def jira_read(jira, key, **kw):
    return peers.read_jira(jira.url, key, account=kw.pop("account", JIRA_EMAIL),
                           token=kw.pop("token", JIRA_TOKEN), **kw)


def test_a_jira_issue_is_one_item_in_its_status_category(jira):
    jira.add("PAY-7", "Installer invoices in the portal", "indeterminate", "In Review")
    found = jira_read(jira, "PAY-7")
    assert (found.title, found.scope) == ("Installer invoices in the portal", "item")
    assert found.url == f"{jira.url}/browse/PAY-7"
    assert [i.as_dict() for i in found.items] == [{
        "ref": "PAY-7", "title": "Installer invoices in the portal",
        "category": IN_PROGRESS, "status": "In Review"}]
    # Basic auth of the account's e-mail and token, as Jira Cloud documents.
    path, headers = jira.requests[0]
    assert path.startswith("/rest/api/3/issue/PAY-7?")
    assert headers["Authorization"] == "Basic " + base64.b64encode(
        f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()


def test_an_epic_stands_for_its_children_read_across_pages(jira):
    jira.add("PAY-1", "Installer portal", "indeterminate", issuetype="Epic")
    for n, category in enumerate(["done", "done", "indeterminate", "new", "new"], start=2):
        jira.add(f"PAY-{n}", f"Story {n}", category, parent="PAY-1")
    jira.add("OTHER-1", "Elsewhere", "done")
    found = jira_read(jira, "PAY-1")
    assert found.scope == "children" and found.title == "Installer portal"
    assert [i.ref for i in found.items] == ["PAY-2", "PAY-3", "PAY-4", "PAY-5", "PAY-6"]
    assert found.counts() == {TODO: 2, IN_PROGRESS: 1, DONE: 2}
    searches = [p for p, _ in jira.requests if p.startswith("/rest/api/3/search/jql")]
    assert len(searches) == 3  # pages of two, following nextPageToken until isLast
    assert "parent+%3D+PAY-1" in searches[0] and "nextPageToken=2" in searches[1]


@pytest.mark.parametrize("category, expected", [("new", TODO),
                                                ("indeterminate", IN_PROGRESS),
                                                ("done", DONE)])
def test_jira_status_categories(jira, category, expected):
    jira.add("OPS-3", "Any", category)
    assert jira_read(jira, "OPS-3").items[0].category == expected


def test_jira_failures_say_what_to_fix(jira):
    jira.add("PAY-7", "x", "new")
    assert failure(jira_read, jira, "PAY-7", token="wrong").kind == "auth"
    assert failure(jira_read, jira, "PAY-404").kind == "notfound"
    jira.fail_next = [500]
    assert "HTTP 500" in failure(jira_read, jira, "PAY-7").message
    jira.slow = 1.0
    found = failure(jira_read, jira, "PAY-7", timeout=0.3)
    assert found.kind == "timeout"
    jira.slow = 0
    # The token is never in a message.
    assert all(JIRA_TOKEN not in failure(jira_read, jira, k).message for k in ["PAY-404"])


# Asana ------------------------------------------------------------------------------------


def test_an_asana_task_is_done_when_completed_and_begun_by_its_section(asana):
    asana.add_project("1201", "Installer launch")
    asana.add_task("3001", "Print the brochure", completed=True, project="1201")
    asana.add_task("3002", "Train the first ten", section="Doing", project="1201")
    asana.add_task("3003", "Book the venue", section="Backlog", project="1201")
    read = [peers.read_asana(asana.url, gid, token=ASANA_TOKEN) for gid in
            ("3001", "3002", "3003")]
    assert [(r.items[0].category, r.items[0].status) for r in read] == [
        (DONE, "completed"), (IN_PROGRESS, "Doing"), (TODO, "Backlog")]
    assert read[0].url == "https://app.asana.com/0/0/3001/f" and read[0].scope == "item"
    path, headers = asana.requests[0]
    assert path.startswith("/api/1.0/tasks/3001?opt_fields=")
    assert headers["Authorization"] == f"Bearer {ASANA_TOKEN}"


def test_an_asana_project_stands_for_its_tasks_read_across_pages(asana):
    asana.add_project("1201", "Installer launch")
    for gid, done in [("3001", True), ("3002", True), ("3003", False), ("3004", False),
                      ("3005", True)]:
        asana.add_task(gid, f"Task {gid}", completed=done, project="1201")
    found = peers.read_asana(asana.url, "1201", token=ASANA_TOKEN)
    assert (found.title, found.scope) == ("Installer launch", "children")
    assert found.counts() == {TODO: 2, IN_PROGRESS: 0, DONE: 3}
    pages = [p for p, _ in asana.requests if "/projects/1201/tasks" in p]
    assert len(pages) == 3 and "offset=2" in pages[1]


def test_asana_failures(asana):
    assert failure(peers.read_asana, asana.url, "3001", token="nope").kind == "auth"
    # Neither a task nor a project.
    assert failure(peers.read_asana, asana.url, "9999", token=ASANA_TOKEN).kind == "notfound"


# GitHub -----------------------------------------------------------------------------------


def test_a_github_issue_open_closed_and_not_planned(github):
    github.add("acme/portal#5", "Export invoices", assignees=("mia",))
    github.add("acme/portal#6", "Fix the footer")
    github.add("acme/portal#7", "Ship it", state="closed", state_reason="completed")
    github.add("acme/portal#8", "Dark mode", state="closed", state_reason="not_planned")
    read = {n: peers.read_github(github.url, f"acme/portal#{n}", token=GITHUB_TOKEN)
            for n in (5, 6, 7, 8)}
    assert read[5].items[0].category == IN_PROGRESS  # open and assigned
    assert read[6].items[0].category == TODO
    assert (read[7].items[0].category, read[7].items[0].status) == (DONE, "closed (completed)")
    assert read[8].items == []  # closed as not planned counts for nothing
    assert read[5].url == "https://github.com/acme/portal/issues/5"
    _, headers = github.requests[0]
    assert headers["Authorization"] == f"Bearer {GITHUB_TOKEN}"
    assert headers["Accept"] == "application/vnd.github+json"


def test_a_tracking_issue_stands_for_its_sub_issues_across_pages(github):
    github.add("acme/portal#1", "Installer portal v2")
    github.add("acme/portal#2", "Login", state="closed", state_reason="completed",
               parent="acme/portal#1")
    github.add("acme/portal#3", "Invoices", assignees=("mia",), parent="acme/portal#1")
    github.add("acme/api#9", "Invoice endpoint", parent="acme/portal#1")
    github.add("acme/portal#4", "Old idea", state="closed", state_reason="not_planned",
               parent="acme/portal#1")
    found = peers.read_github(github.url, "acme/portal#1", token=GITHUB_TOKEN)
    assert found.scope == "children"
    assert [i.ref for i in found.items] == ["acme/portal#2", "acme/portal#3", "acme/api#9"]
    assert found.counts() == {TODO: 1, IN_PROGRESS: 1, DONE: 1}
    assert sum("/sub_issues" in p for p, _ in github.requests) == 2  # the Link header's next


def test_github_failures(github):
    assert failure(peers.read_github, github.url, "acme/x#1", token="bad").kind == "auth"
    assert failure(peers.read_github, github.url, "acme/x#1",
                   token=GITHUB_TOKEN).kind == "notfound"


@pytest.mark.parametrize("kind, ref, stored", [
    ("jira", " pay-12 ", "PAY-12"), ("asana", "1204567890", "1204567890"),
    ("github", "acme/portal#42", "acme/portal#42")])
def test_references_are_checked(kind, ref, stored):
    assert peers.check_ref(kind, ref) == stored


@pytest.mark.parametrize("kind, ref", [
    ("jira", "PAY"), ("jira", "12"), ("asana", "abc"), ("github", "portal#1"),
    ("github", "acme/portal"), ("gitlab", "x")])
def test_bad_references_are_refused(kind, ref):
    assert failure(peers.check_ref, kind, ref).kind == "config"
