"""The portfolio through the API, the CLI and the web pages."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from hoshin.portfolio import services
from hoshin.portfolio.models import ScoringSession
from hoshin.org import services as org
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD
from tests.portfolio.conftest import row

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(initiatives):
    """as_(person) → an API client with that person's token (None: anonymous)."""
    return lambda who: ApiClient(org.create_token(None, who) if who is not None else None)


@pytest.fixture
def scored(initiatives):
    services.record_scoring_session(initiatives.office, scores=[
        row("I1", 8, 3, 1, 2), row("I2", 1, 1, 2, 1), row("I3", 3, 8, 1, 5)])
    return initiatives


def test_the_api_ranks_and_records_sessions_with_errors_naming_the_field(initiatives, as_):
    p = initiatives
    office = as_(p.office)
    bad = office.post("/portfolio/sessions", {"scores": [row("I1", 4, 1, 1, 1)]})
    assert bad.status_code in (400, 422)
    assert "business_value" in json.dumps(bad.json())
    relative = office.post("/portfolio/sessions", {"scores": [row("I1", 2, 1, 1, 1)]})
    assert relative.status_code == 400
    assert relative.json()["errors"][0]["field"] == "scores.business_value"
    assert as_(p.member).post("/portfolio/sessions",
                              {"scores": [row("I1", 1, 1, 1, 1)]}).status_code == 403
    made = office.post("/portfolio/sessions", {
        "scores": [row("I1", 8, 3, 1, 2), row("I2", 1, 1, 2, 1), row("I3", 3, 8, 1, 5)],
        "participants": [p.admin.email], "note": "quarterly"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["participants"] == [p.admin.email] and len(body["scores"]) == 3
    ranked = as_(p.viewer).get("/portfolio").json()
    assert [(r["id"], r["cod"], r["size"], r["wsjf"], r["unit"]) for r in ranked["ranked"]] == [
        ("I1", 12, 2, 6.0, "sales"), ("I2", 4, 1, 4.0, "sales"), ("I3", 12, 5, 2.4, "ops")]
    assert as_(p.viewer).get("/portfolio", unit="ops").json()["ranked"][0]["id"] == "I3"
    assert as_(p.viewer).get("/portfolio", unit="nope").status_code == 404
    assert as_(None).get("/portfolio").status_code == 401
    assert [s["id"] for s in office.get("/portfolio/sessions").json()] == \
        list(ScoringSession.objects.values_list("pk", flat=True))


def test_the_cli_prints_the_ranking_and_its_json_shape(scored):
    out = io.StringIO()
    call_command("portfolio", format="json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["id"] for r in rows] == ["I1", "I2", "I3"]
    assert {"id", "title", "unit", "cod", "size", "wsjf"} <= set(rows[0])
    out = io.StringIO()
    call_command("portfolio", unit="sales", stdout=out)
    text = out.getvalue()
    assert "I1 Installer referral bonus (Sales)" in text and "I3" not in text


def test_the_page_shows_the_ranking_the_chart_and_the_unscored(scored):
    from hoshin.okrs import services as okrs

    okrs.save_initiative(None, key="I5", key_result="KR1", title="Unscored idea")
    client = Client()
    client.login(username=scored.viewer.email, password=PASSWORD)
    page = client.get("/portfolio/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Installer referral bonus") < html.index("Certification curriculum") \
        < html.index("Van stock kits")
    assert "<svg" in html and "portfolio-scatter" in html
    assert "1 open initiative not scored yet" in html and "Unscored idea" in html
    assert "Hold a scoring session" not in html  # a viewer does not score
    assert "@acme.test" not in html


def test_the_page_lists_the_highest_hundred_and_the_export_has_every_scored_one(initiatives):
    """Some hundreds are scored in a large organisation: the table lists the highest 100,
    the chart places them all, the export has them all."""
    import csv

    from hoshin.okrs import services as okrs
    from hoshin.portfolio.views import LISTED

    keys = [f"J{n:03d}" for n in range(LISTED + 5)]
    for key in keys:
        okrs.save_initiative(None, key=key, key_result="KR1", title=f"Idea {key}")
    # The first scored is worth the most; each later one a little less (a larger job).
    services.record_scoring_session(initiatives.office, scores=[
        row(key, 20 if n < 100 else 1, 1, 1, 1 if n == 0 else (2 if n < 50 else 3))
        for n, key in enumerate(keys)])
    client = Client()
    client.login(username=initiatives.viewer.email, password=PASSWORD)
    html = client.get("/portfolio/").content.decode()
    table = html[html.index('id="ranking"'):html.index("</table>", html.index('id="ranking"'))]
    assert table.count("<tr>") == 1 + LISTED  # the header and the first LISTED
    assert f"{len(keys)} scored initiatives, highest WSJF first: the first {LISTED} are " \
        "listed, the export has them all" in table
    assert "Idea J000" in table and "Idea J104" not in table
    exported = client.get("/portfolio/?export=csv").content.decode("utf-8-sig")
    assert {r["Initiative id"] for r in csv.DictReader(io.StringIO(exported))} >= set(keys)


def test_a_lead_scores_their_unit_on_the_page_and_sees_what_was_wrong(initiatives):
    p = initiatives
    client = Client()
    client.login(username=p.lead.email, password=PASSWORD)
    assert client.get("/portfolio/score/").status_code == 403  # the whole organisation
    form = client.get("/portfolio/score/?unit=sales")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="job_size-I1"' in html and 'name="job_size-I3"' not in html
    wrong = client.post("/portfolio/score/?unit=sales", {
        "business_value-I1": "3", "time_criticality-I1": "1", "risk_reduction-I1": "1",
        "job_size-I1": "1", "participants": [str(p.member.pk)]})
    assert wrong.status_code == 400
    assert "smallest business value in a session is 1" in wrong.content.decode()
    assert ScoringSession.objects.count() == 0
    done = client.post("/portfolio/score/?unit=sales", {
        "business_value-I1": "1", "time_criticality-I1": "1", "risk_reduction-I1": "1",
        "job_size-I1": "1", "business_value-I2": "5", "time_criticality-I2": "2",
        "risk_reduction-I2": "1", "job_size-I2": "2", "participants": [str(p.member.pk)]})
    assert done.status_code == 302 and done["Location"] == "/portfolio/?unit=sales"
    session = ScoringSession.objects.get()
    assert session.unit.key == "sales" and list(session.participants.all()) == [p.member]
    assert session.scores.count() == 2


def test_an_unknown_unit_or_annual_objective_is_a_404_not_the_whole_organisation(scored):
    client = Client()
    client.login(username=scored.office.email, password=PASSWORD)
    for url in ("/portfolio/?unit=nope", "/portfolio/?annual=nope", "/portfolio/flow/?unit=nope",
                "/portfolio/score/?unit=nope"):
        assert client.get(url).status_code == 404, url
    assert client.get("/portfolio/?unit=sales").status_code == 200
