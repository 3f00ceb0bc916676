"""The correlation and resource grids as web pages."""

import datetime as dt
import html as html_lib
import re

import pytest

from hoshin.org import forms as people_forms
from hoshin.strategy import services as strategy
from hoshin.strategy.models import BreakthroughCorrelation, Resource
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year


def login(client, email):
    assert client.login(username=email, password=PASSWORD)


def td_of(html: str, select_name: str) -> str:
    """The grid cell holding the select (or mark) named `select_name`."""
    i = html.index(f'name="{select_name}"')
    return html[html.rindex("<td", 0, i):html.index("</td>", i)]


@pytest.fixture
def more(plan):
    strategy.save_breakthrough(None, key="B2", title="Service within a day")
    strategy.save_annual_objective(None, key="A2", year=YEAR, title="Faster installs")
    return plan


def test_office_sees_a_labelled_select_per_cell(client, more):
    login(client, "office@acme.test")
    response = client.get(f"/strategy/grids/breakthrough-annual/?year={YEAR}")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r'<select name="cell:', html)) == 4
    cell = td_of(html, "cell:B1:A1")
    assert 'aria-label="B1 × A1"' in cell and '<option value="strong" selected>' in cell
    assert '<option value="" selected>' in td_of(html, "cell:B2:A2")
    assert "Save the grid" in html


def test_viewer_sees_marks_without_selects(client, more):
    login(client, "viewer@acme.test")
    for grid in ("breakthrough-annual", "annual-priority", "priority-metric", "resources"):
        response = client.get(f"/strategy/grids/{grid}/?year={YEAR}")
        html = response.content.decode()
        assert response.status_code == 200
        assert '<select name="cell:' not in html and "new_holder" not in html
        assert "Save" not in html
    html = client.get(f"/strategy/grids/breakthrough-annual/?year={YEAR}").content.decode()
    assert "●" in html


def test_saving_the_grid(client, more):
    login(client, "office@acme.test")
    response = client.post(f"/strategy/grids/breakthrough-annual/?year={YEAR}", {
        "cell:B1:A1": "important", "cell:B1:A2": "", "cell:B2:A1": "", "cell:B2:A2": "weak"})
    assert response.status_code == 302
    assert {(c.breakthrough.key, c.annual_objective.key): c.strength
            for c in BreakthroughCorrelation.objects.all()} == {
        ("B1", "A1"): "important", ("B2", "A2"): "weak"}


def test_a_bad_cell_saves_nothing_and_is_marked(client, more):
    login(client, "admin@acme.test")
    response = client.post(f"/strategy/grids/breakthrough-annual/?year={YEAR}", {
        "cell:B1:A1": "", "cell:B1:A2": "strong", "cell:B2:A1": "huge", "cell:B2:A2": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "Nothing was saved" in html
    bad = td_of(html, "cell:B2:A1")
    assert "has-error" in bad and 'unknown strength "huge"' in bad.replace("&quot;", '"')
    assert 'aria-invalid="true"' in bad
    # The person's other changes are kept on the page, not lost.
    assert '<option value="strong" selected>' in td_of(html, "cell:B1:A2")
    assert BreakthroughCorrelation.objects.get().strength == "strong"
    assert BreakthroughCorrelation.objects.count() == 1


def test_resource_grid_shows_load_and_the_one_primary_error_at_its_column(client, more):
    login(client, "office@acme.test")
    html = client.get(f"/strategy/grids/resources/?year={YEAR}").content.decode()
    assert '<option value="primary" selected>' in td_of(html, "cell:lead@acme.test:P1")
    assert '<option value="secondary" selected>' in td_of(html, "cell:ops:P1")
    assert "1 priority, 1 primary" in html

    response = client.post(f"/strategy/grids/resources/?year={YEAR}", {
        "cell:lead@acme.test:P1": "primary", "cell:ops:P1": "primary",
        "new_holder": "", "new:P1": ""})
    html = response.content.decode()
    assert response.status_code == 400
    column = html[html.index('id="col-P1"'):]
    column = column[:column.index("</th>")]
    assert "2 primary resources" in column and "has-error" in column
    assert Resource.objects.get(unit__key="ops").role == "secondary"


def test_resource_grid_adds_a_person_row(client, more):
    login(client, "office@acme.test")
    response = client.post(f"/strategy/grids/resources/?year={YEAR}", {
        "cell:lead@acme.test:P1": "primary", "cell:ops:P1": "secondary",
        "new_holder": "Member@acme.test", "new:P1": "rotating"})
    assert response.status_code == 302
    assert Resource.objects.get(person=more.member).role == "rotating"

    response = client.post(f"/strategy/grids/resources/?year={YEAR}", {
        "new_holder": "ghost@acme.test", "new:P1": "rotating"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="new_holder-error">unknown person' in html


def test_the_new_resource_row_picks_a_person_or_unit_by_name(client, more, monkeypatch):
    login(client, "office@acme.test")
    url = f"/strategy/grids/resources/?year={YEAR}"
    page = html_lib.unescape(client.get(url).content.decode())
    picker = re.search(r'<select id="new_holder" name="new_holder"[^>]*>(.*?)</select>', page,
                       re.S).group(1)
    assert "Mia Member (Sales)" in picker and "@" not in picker
    assert f'<option value="{more.member.pk}">' in picker and '<option value="unit:ops">' in picker
    response = client.post(url, {"cell:lead@acme.test:P1": "primary",
                                 "new_holder": str(more.member.pk), "new:P1": "rotating"})
    assert response.status_code == 302
    assert Resource.objects.get(person=more.member).role == "rotating"
    response = client.post(url, {"new_holder": "Mia Member", "new:P1": "secondary"})
    assert response.status_code == 400 and "from the list" in response.content.decode()
    assert Resource.objects.get(person=more.member).role == "rotating"
    # Above the limit a text box takes a name (or an email, or a unit id).
    monkeypatch.setattr(people_forms, "PICK_LIMIT", 2)
    page = client.get(url).content.decode()
    assert '<select id="new_holder"' not in page and 'id="new_holder" name="new_holder"' in page
    response = client.post(url, {"new_holder": "otto ops", "new:P1": "secondary"})
    assert response.status_code == 302
    assert Resource.objects.get(person=more.other_lead).role == "secondary"
    response = client.post(url, {"new_holder": "Nobody Known", "new:P1": "secondary"})
    assert response.status_code == 400
    assert "Nobody here is called “Nobody Known”" in html_lib.unescape(
        response.content.decode())


def test_overloaded_people_stand_out(client, more):
    for i in range(2, 6):
        strategy.save_improvement_priority(None, key=f"P{i}", year=YEAR, unit="sales",
                                           title=f"Priority {i}",
                                           resources={"member@acme.test": "secondary"})
    login(client, "viewer@acme.test")
    html = client.get(f"/strategy/grids/resources/?year={YEAR}").content.decode()
    row = html[html.index("Mia Member"):]
    row = row[:row.index("</th>")]
    assert "4 priorities" in row and "overloaded" in row


def test_resource_grid_names_people_with_their_chip_never_their_address(client, more):
    """A person's row is their name with initials, linked to their page; a unit's row
    links to the unit (issue #11). The address is only the form's key for the row."""
    from tests.links import parse

    strategy.save_improvement_priority(None, key="P2", year=YEAR, unit="sales",
                                       title="Priority 2",
                                       resources={"member@acme.test": "primary"})
    for who in ("viewer@acme.test", "office@acme.test"):  # read-only and editable
        login(client, who)
        html = client.get(f"/strategy/grids/resources/?year={YEAR}").content.decode()
        page = parse(html)
        assert page.emails() == [], (who, page.emails())
        for person in (more.member, more.lead):
            assert page.links_to(person.get_absolute_url(), person.name), who
        row = html[html.index(f'href="{more.member.get_absolute_url()}"'):]
        assert '<span class="person-avatar"' in html and ">MM</span>" in row[:600]
        assert page.links_to("/units/ops/", "Operations")


def test_unknown_grid_is_404(client, plan):
    login(client, "viewer@acme.test")
    assert client.get("/strategy/grids/nope/").status_code == 404
