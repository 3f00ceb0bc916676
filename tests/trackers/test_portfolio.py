"""The portfolio page shows each initiative's tracked work ("1/3 done, 1 in progress",
linking to its work page) through the portfolio's registry, which trackers fills in: the
portfolio names no app above it, and the page's queries do not grow with its rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hoshin.okrs import services as okrs
from hoshin.portfolio import services as portfolio
from hoshin.portfolio import tracked
from hoshin.trackers import services
from hoshin.trackers.models import TrackerLink
from tests.trackers.conftest import GITHUB_TOKEN, JIRA_EMAIL, JIRA_TOKEN

pytestmark = pytest.mark.django_db


def score(key, bv, size):
    return {"initiative": key, "business_value": bv, "time_criticality": 1,
            "risk_reduction": 1, "job_size": size}


@pytest.fixture
def ranked(plan):
    """I1 and I2 scored (I1 first), I3 open and not scored."""
    okrs.save_initiative(None, key="I1", key_result="KR1", title="Installer portal",
                         owner=plan.member.email, status="in_progress")
    okrs.save_initiative(None, key="I2", key_result="KR2", title="Certification curriculum",
                         status="not_started")
    okrs.save_initiative(None, key="I3", key_result="KR3", title="Van stock kits",
                         status="not_started")
    portfolio.record_scoring_session(None, scores=[score("I1", 8, 1), score("I2", 1, 2)])
    return plan


def viewer_page(plan, path="/portfolio/") -> str:
    browser = Client()
    browser.force_login(plan.viewer)
    answer = browser.get(path)
    assert answer.status_code == 200
    return answer.content.decode()


def test_trackers_registers_its_progress_with_the_portfolio():
    assert "trackers" in tracked.registered()


def test_the_ranking_and_the_unscored_show_their_tracked_work(ranked, jira, github):
    services.connect(None, "jira", base_url=jira.url, account=JIRA_EMAIL, token=JIRA_TOKEN)
    services.connect(None, "github", base_url=github.url, token=GITHUB_TOKEN)
    jira.add("PAY-1", "Portal epic", "indeterminate", issuetype="Epic")
    for n, category in [(2, "done"), (3, "indeterminate"), (4, "new")]:
        jira.add(f"PAY-{n}", f"Story {n}", category, parent="PAY-1")
    github.add("acme/vans#7", "Kit list", state="closed", state_reason="completed")
    services.link(None, "I1", "jira", "PAY-1")
    services.link(None, "I3", "github", "acme/vans#7")
    services.sync_initiative(None, "I1")
    services.sync_initiative(None, "I3")

    html = viewer_page(ranked)
    ranking = html[html.index('id="ranking"'):html.index("</table>")]
    assert "Tracked work" in ranking
    assert '<a class="tracked-work" href="/trackers/initiatives/I1/"' in ranking
    assert ">1/3 done, 1 in progress</a>" in ranking
    # I2 links nothing: its row has no tracked work.
    i2_row = ranking[ranking.index("Certification curriculum"):]
    i2_row = i2_row[:i2_row.index("</tr>")]
    assert "tracked-work" not in i2_row
    unscored = html[html.index("not scored yet"):]
    assert 'href="/trackers/initiatives/I3/"' in unscored and ">1/1 done, 0 in progress<" \
        in unscored

    # A failing sync keeps the last figures and says so.
    jira.fail_next = [503]
    services.sync_initiative(None, "I1")
    html = viewer_page(ranked)
    assert ">1/3 done, 1 in progress</a> <span class=\"badge status-at_risk\">sync failing" \
        in html


def test_without_tracked_work_the_page_has_no_column(ranked):
    html = viewer_page(ranked)
    assert "Tracked work" not in html and "tracked-work" not in html


def _queries(plan) -> int:
    browser = Client()
    browser.force_login(plan.viewer)
    browser.get("/portfolio/")  # the session, the caches: warm
    with CaptureQueriesContext(connection) as seen:
        assert browser.get("/portfolio/").status_code == 200
    return len(seen.captured_queries)


def test_the_pages_queries_do_not_grow_with_the_tracked_initiatives(ranked, jira):
    services.connect(None, "jira", base_url=jira.url, account=JIRA_EMAIL, token=JIRA_TOKEN)
    services.link(None, "I1", "jira", "PAY-1")
    services.link(None, "I3", "jira", "PAY-3")
    few = _queries(ranked)
    for n in range(5, 15):
        okrs.save_initiative(None, key=f"I{n}", key_result="KR1", title=f"Work {n}",
                             status="not_started")
        services.link(None, f"I{n}", "jira", f"PAY-{n}")
        services.link(None, f"I{n}", "jira", f"PAY-{n + 100}")
    portfolio.record_scoring_session(None, scores=[
        score(f"I{n}", value, 1) for n, value in zip(range(5, 10), (2, 3, 5, 8, 13))]
        + [score("I1", 1, 1)])
    assert TrackerLink.objects.count() == 22
    html = viewer_page(ranked)
    assert html.count('class="tracked-work"') == 12  # I1, I3, I5..I14: each once
    assert "work not synced yet" in html
    assert _queries(ranked) == few


def test_the_api_the_cli_and_the_export_carry_the_tracked_figures(ranked, jira, github):
    """The same figures as the page, as numbers: "tracked" on each ranked row of the API
    and of `hoshin portfolio --format json`, the unscored's by key, and columns of the
    export; null (blank) for an initiative with no linked work."""
    import csv
    import io
    import json

    from django.core.management import call_command
    from openpyxl import load_workbook

    from hoshin.org import services as org
    from tests.api.conftest import ApiClient

    services.connect(None, "jira", base_url=jira.url, account=JIRA_EMAIL, token=JIRA_TOKEN)
    services.connect(None, "github", base_url=github.url, token=GITHUB_TOKEN)
    jira.add("PAY-1", "Portal epic", "indeterminate", issuetype="Epic")
    for n, category in [(2, "done"), (3, "indeterminate"), (4, "new"), (5, "done")]:
        jira.add(f"PAY-{n}", f"Story {n}", category, parent="PAY-1")
    github.add("acme/vans#7", "Kit list", state="closed", state_reason="completed")
    github.add("acme/vans#8", "Kit labels", state="open")
    services.link(None, "I1", "jira", "PAY-1")
    services.link(None, "I1", "github", "acme/vans#8")  # two trackers add up
    services.link(None, "I3", "github", "acme/vans#7")
    services.sync_initiative(None, "I1")
    services.sync_initiative(None, "I3")
    i1 = {"done": 2, "in_progress": 1, "to_do": 2, "total": 5, "share_done": 0.4,
          "failing": False}
    i3 = {"done": 1, "in_progress": 0, "to_do": 0, "total": 1, "share_done": 1.0,
          "failing": False}

    api = ApiClient(org.create_token(None, ranked.viewer))
    body = api.get("/portfolio").json()
    by_id = {r["id"]: r for r in body["ranked"]}
    assert by_id["I1"]["tracked"] == i1
    assert by_id["I2"]["tracked"] is None
    assert body["unscored"] == ["I3"] and body["unscored_tracked"] == {"I3": i3}

    out = io.StringIO()
    call_command("portfolio", format="json", stdout=out)
    cli = {r["id"]: r for r in json.loads(out.getvalue())}
    assert cli["I1"]["tracked"] == i1 and cli["I2"]["tracked"] is None
    out = io.StringIO()
    call_command("portfolio", stdout=out)
    assert "Installer portal (Sales)  work: 2/5 done, 1 in progress" in out.getvalue()

    browser = Client()
    browser.force_login(ranked.viewer)
    text = browser.get("/portfolio/?export=csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    by_key = {r["Initiative id"]: r for r in rows}
    assert [by_key["I1"][c] for c in ("Work items", "Work done", "Work in progress",
                                      "Work to do", "Work done %", "Work last sync failed")] \
        == ["5", "2", "1", "2", "40", "no"]
    assert by_key["I2"]["Work items"] == "" and by_key["I2"]["Work done %"] == ""
    assert by_key["I3"]["Work done"] == "1" and by_key["I3"]["Rank"] == ""  # unscored
    book = load_workbook(io.BytesIO(browser.get("/portfolio/?export=xlsx").content))
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    header, i1_row = sheet[0], next(r for r in sheet if r[1] == "I1")
    assert dict(zip(header, i1_row))["Work done"] == 2  # a number, not text

    # A failing sync keeps the last figures and says so.
    jira.fail_next = [503]
    services.sync_initiative(None, "I1")
    again = {r["id"]: r for r in api.get("/portfolio").json()["ranked"]}
    assert again["I1"]["tracked"] == {**i1, "failing": True}
