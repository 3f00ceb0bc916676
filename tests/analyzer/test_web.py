import pytest
from django.test import Client

from hoshin.analyzer.models import AnalyzerSettings
from hoshin.okrs import services as okrs
from tests.factories import PASSWORD


@pytest.fixture
def client_for(plan):
    def make(person) -> Client:
        client = Client()
        assert client.login(email=person.email, password=PASSWORD)
        return client

    return make


def test_report_page_groups_findings_by_rule_with_links(plan, client_for):
    okrs.save_objective(None, key="O9", cycle=plan.quarter.key, unit="sales",
                        title="Win the Nordic market")
    okrs.save_theme(None, key="T2", cycle=plan.quarter.key, title="Service revenue")

    response = client_for(plan.viewer).get("/analyzer/", {"cycle": plan.quarter.key})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="orphan-objective"' in html and 'id="gap"' in html
    assert html.index('id="orphan-objective"') < html.index('id="gap"')
    assert 'href="/objectives/O9/"' in html
    assert "Win the Nordic market" in html
    # Viewers see no link to change the limits.
    assert "/analyzer/settings/" not in html


def test_report_page_severity_filter(plan, client_for):
    okrs.save_theme(None, key="T2", cycle=plan.quarter.key, title="Service revenue")
    html = client_for(plan.member).get("/analyzer/", {"severity": "error"}).content.decode()
    assert 'id="gap"' not in html


def test_report_page_needs_login(plan):
    assert Client().get("/analyzer/").status_code == 302


@pytest.mark.parametrize("who", ["lead", "member", "viewer"])
def test_settings_form_refuses_everyone_but_the_strategy_office(plan, client_for, who):
    client = client_for(getattr(plan, who))
    assert client.get("/analyzer/settings/").status_code == 403
    assert client.post("/analyzer/settings/", {"max_objectives": 9}).status_code == 403
    assert AnalyzerSettings.current().max_objectives == 3


def test_strategy_office_changes_the_limits(plan, client_for):
    client = client_for(plan.office)
    page = client.get("/analyzer/settings/").content.decode()
    assert '<label for="id_max_objectives">' in page

    response = client.post("/analyzer/settings/", {
        "max_objectives": 4, "max_krs": 5, "max_owner_krs": 6, "max_themes": 3,
        "department_depth": 2, "overlap_threshold": ""})
    assert response.status_code == 302
    saved = AnalyzerSettings.current()
    assert (saved.max_objectives, saved.max_owner_krs, saved.overlap_threshold) == (4, 6, None)
    assert saved.history.first().history_user == plan.office

    bad = client.post("/analyzer/settings/", {
        "max_objectives": 0, "max_krs": 5, "max_owner_krs": 6, "max_themes": 3,
        "department_depth": 2})
    assert bad.status_code == 200
    assert 'id="id_max_objectives-error"' in bad.content.decode()


def _form(plan, **fields):
    data = {"title": "", "description": "", "kind": "committed", "parent": "",
            "kr-TOTAL_FORMS": "3", "kr-INITIAL_FORMS": "0"}
    for i in range(3):
        data.update({f"kr-{i}-{n}": "" for n in ("title", "owner", "baseline", "target",
                                                  "unit")})
        data[f"kr-{i}-kind"] = "increase"
    data.update(fields)
    return data


def test_draft_endpoint_returns_the_findings_fragment(plan, client_for):
    client = client_for(plan.lead)
    url = f"/analyzer/draft/?unit=sales&cycle={plan.quarter.key}"

    response = client.post(url, _form(plan, **{
        "title": "Win the Nordic market", "parent": "P1",
        "kr-1-title": "Launch the new website", "kr-1-kind": "milestone",
        "kr-1-owner": plan.member.email}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for HTMX to swap in
    assert "output-kr" in html and "New key result 2" in html
    assert "orphan-objective" not in html  # the draft has a parent

    empty = client.post(url, _form(plan)).content.decode()
    assert "no findings so far" in empty


def test_draft_endpoint_when_editing_counts_the_stored_key_results(plan, client_for):
    client = client_for(plan.lead)
    url = "/analyzer/draft/?objective=O1"
    form = _form(plan, title="Make installers our best sales channel", parent="P1")
    for i in range(3):
        form[f"kr-{i}-title"] = f"Installer measure {i} from 1 to 2"
        form[f"kr-{i}-baseline"], form[f"kr-{i}-target"] = "1", "2"
        form[f"kr-{i}-owner"] = plan.member.email
    AnalyzerSettings.objects.create(pk=1, max_krs=4)

    html = client.post(url, form).content.decode()

    assert "too-many-krs" in html


def test_draft_endpoint_rows_of_stored_key_results_replace_them(plan, client_for):
    AnalyzerSettings.objects.create(pk=1, max_krs=2)
    form = _form(plan, title="Make installers our best sales channel", parent="P1")
    form.update({"kr-0-key": "KR1", "kr-0-title": "Installer-sold units from 20% to 35%",
                 "kr-0-owner": plan.member.email, "kr-0-baseline": "20", "kr-0-target": "35",
                 "kr-1-key": "KR2", "kr-1-title": "Installer certification programme live",
                 "kr-1-owner": plan.lead.email, "kr-1-kind": "milestone",
                 "kr-1-steps": "Curriculum | 0.5\nLaunch | 0.5"})
    client = client_for(plan.lead)

    html = client.post("/analyzer/draft/?objective=O1", form).content.decode()
    assert "too-many-krs" not in html  # two key results, not four

    form["kr-0-target"] = ""
    html = client.post("/analyzer/draft/?objective=O1", form).content.decode()
    assert "unmeasurable-kr" in html and "KR1" in html


def test_a_person_in_a_finding_is_shown_by_name_and_linked_never_by_address(plan, client_for):
    """overloaded-owner names a person: the page shows them with the person chip linked to
    their page (issue #11); the API keeps their address as the item's id."""
    from tests.links import parse

    for i in range(6):  # the member owns KR1 already: 7 > the limit of 5
        okrs.save_key_result(None, key=f"KX{i}", objective="O1", title=f"Result {i}",
                             owner=plan.member.email, baseline=0, target=10)
    html = client_for(plan.viewer).get("/analyzer/", {"cycle": plan.quarter.key}
                                       ).content.decode()
    group = html[html.index('id="overloaded-owner"'):]
    page = parse(group)
    assert page.links_to(plan.member.get_absolute_url(), plan.member.name)
    assert '<span class="person-avatar"' in group and ">MM</span>" in group
    assert page.emails() == [] and plan.member.email not in group
    # The JSON (API and CLI) keeps the address: it is the item's id there.
    from hoshin.analyzer import report

    found = [f.as_dict() for f in report.check(plan.quarter.key).findings
             if f.code == "overloaded-owner"]
    assert found[0]["items"][0] == {"type": "person", "id": plan.member.email,
                                    "title": plan.member.name}
