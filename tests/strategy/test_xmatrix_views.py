"""The X-matrix pages over the `plan` fixture."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoshin.strategy import services as strategy
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email):
    assert client.login(username=email, password=PASSWORD)


def svg_of(html: str) -> str:
    start = html.index("<svg")
    return html[start:html.index("</svg>", start) + len("</svg>")]


def test_login_required(client, plan):
    for url in ("/strategy/x-matrix/", "/strategy/x-matrix.svg", "/strategy/x-matrix/print/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("email", ["viewer@acme.test", "member@acme.test", "admin@acme.test"])
def test_any_role_sees_the_matrix(client, plan, email):
    login(client, email)
    response = client.get("/strategy/x-matrix/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-current="page">X-matrix' in html
    svg = svg_of(html)
    ET.fromstring(svg)
    for text in ("Lead the heat-pump market", "Double installations", "Sell through installers",
                 "Installations per month", "Every home heated without fossil fuel",
                 "Lea Lead", "Operations (unit)"):
        assert text in svg
    for key in ("B1", "A1", "P1", "M1"):
        assert f'data-key="{key}"' in svg
    assert 'data-row="B1" data-col="A1" data-mark="strong"' in svg
    assert 'data-row="P1" data-col="A1" data-mark="strong"' in svg
    assert 'data-row="P1" data-col="M1" data-mark="important"' in svg
    assert f'data-row="P1" data-col="{plan.lead.email}" data-mark="primary"' in svg
    assert 'data-row="P1" data-col="ops" data-mark="secondary"' in svg
    assert "●" in svg and "○" in svg
    assert "Download SVG" in html and "Legend" in html
    assert "No flags" in html


def test_flags_are_listed_as_text(client, plan):
    strategy.save_metric(None, key="M2", title="Noise at 1 m", unit="dB", direction="decrease",
                         baseline=45, target=35)
    login(client, "member@acme.test")
    html = client.get("/strategy/x-matrix/").content.decode()
    assert "M2: no improvement priority moves this metric" in html
    assert 'data-key="M2" data-flags="orphan"' in html


def test_year_selector(client, plan):
    login(client, "viewer@acme.test")
    year = plan.year.start.year
    html = client.get(f"/strategy/x-matrix/?year={year + 1}").content.decode()
    assert f"X-matrix {year + 1}" in html
    assert "Double installations" not in svg_of(html)       # A1 belongs to this year
    assert "Lead the heat-pump market" in svg_of(html)      # breakthroughs span years
    assert f'<option value="{year}"' in html
    assert client.get("/strategy/x-matrix/?year=abc").status_code == 200


def test_svg_download(client, plan):
    login(client, "viewer@acme.test")
    response = client.get("/strategy/x-matrix.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    year = plan.year.start.year
    assert response["Content-Disposition"] == f'attachment; filename="x-matrix-{year}.svg"'
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"Sell through installers" in response.content


def test_printable_page(client, plan):
    login(client, "viewer@acme.test")
    html = client.get("/strategy/x-matrix/print/").content.decode()
    # The print button is handled by web/page.js (no inline handler under the CSP).
    assert "size: A4 landscape" in html and "data-print" in html
    assert "Sell through installers" in html


def test_queries_do_not_grow_with_the_plan(client, plan):
    login(client, "viewer@acme.test")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/strategy/x-matrix/").status_code == 200
        return len(queries)

    before = count()
    for i in range(2, 8):
        strategy.save_improvement_priority(
            None, key=f"P{i}", year=plan.year.start.year, unit="ops", title=f"Priority {i}",
            annual_objectives={"A1": "weak"}, resources={plan.other_lead.email: "secondary"})
        strategy.save_metric(None, key=f"M{i}", title=f"Metric {i}", unit="#",
                             direction="increase", baseline=1, target=2,
                             priorities={f"P{i}": "strong"})
    assert count() == before
    assert "Priority 7" in client.get("/strategy/x-matrix/").content.decode()


def test_annual_objectives_and_priorities_show_their_real_status(client, plan):
    login(client, "viewer@acme.test")
    html = client.get("/strategy/x-matrix/").content.decode()
    assert "Status colours" in html
    svg = svg_of(html)
    assert "Status this quarter" in svg
    assert svg.count("\nStatus: ") >= 2          # A1 and P1 tooltips
    # A past year has no active quarter: no status tints.
    html = client.get(f"/strategy/x-matrix/?year={plan.year.start.year - 1}").content.decode()
    assert "Status colours" not in html


def test_items_metrics_and_units_link_to_their_pages(client, plan):
    login(client, "viewer@acme.test")
    svg = svg_of(client.get("/strategy/x-matrix/").content.decode())
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    links = {a.find(f"{ns}g").get("data-key"): a.get("href") for a in root.iter(f"{ns}a")}
    assert links["M1"] == "/strategy/metrics/M1/"
    assert links["A1"] == "/strategy/annual/A1/"
    assert links["P1"] == "/strategy/priorities/P1/"
    assert links["B1"] == "/strategy/breakthroughs/B1/"
    # People have no page of their own; their names stay plain text.
    assert plan.lead.email not in links
    for href in set(links.values()):
        assert client.get(href).status_code == 200, href
