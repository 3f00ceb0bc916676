"""The metric list and bowling-chart pages over the `plan` fixture."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from hoshin.org.models import Organization
from hoshin.strategy import services as strategy
from hoshin.strategy.models import Metric, MetricActual
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
YEAR = dt.date.today().year


def login(client, email):
    assert client.login(username=email, password=PASSWORD)


def cell(html: str, row: str, period: str) -> str:
    """The opening <td> tag of a bowling-chart cell."""
    body = html[html.index(f'<tr class="{row}">'):]
    body = body[:body.index("</tr>")]
    return re.search(rf'<td data-period="{period}"[^>]*>', body).group(0)


def svg_of(html: str) -> ET.Element:
    start = html.index("<svg")
    return ET.fromstring(html[start:html.index("</svg>", start) + len("</svg>")])


@pytest.fixture
def actuals(plan):
    m1 = Metric.objects.get(key="M1")
    for month, p, a in ((1, 100, 110), (2, 120, 115), (3, 140, 100), (4, 150, None)):
        strategy.record_metric_actual(None, m1, period=f"{YEAR}-{month:02d}", plan=p, actual=a)
    return m1


def test_login_required(client, plan):
    for url in ("/strategy/metrics/", "/strategy/metrics/M1/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_metric_list(client, actuals, django_assert_max_num_queries):
    login(client, "viewer@acme.test")
    with django_assert_max_num_queries(12):
        response = client.get(f"/strategy/metrics/?year={YEAR}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Installations per month" in html and "↑ higher is better" in html
    assert "100 → 200 #" in html
    # Latest actual is March: 100 against a plan of 140 → red.
    row = html[html.index('id="metric-M1"'):]
    row = row[:row.index("</tr>")]
    assert 'class="swatch cell-red"' in row and "vs 140" in row and "P1" in row


def test_bowling_cells_and_line_chart(client, actuals):
    login(client, "viewer@acme.test")
    response = client.get(f"/strategy/metrics/M1/?year={YEAR}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="cell-green"' in cell(html, "actual", f"{YEAR}-01")
    assert 'class="cell-amber"' in cell(html, "actual", f"{YEAR}-02")  # 115 vs 120: 4.2 %
    assert 'class="cell-red"' in cell(html, "actual", f"{YEAR}-03")
    assert 'class="cell-blank"' in cell(html, "actual", f"{YEAR}-04")
    assert 'class="cell-blank"' in cell(html, "actual", f"{YEAR}-12")
    assert "5 % of the plan value" in html  # the legend explains amber
    root = svg_of(html)
    dots = list(root.iter(f"{SVG}circle"))
    assert [(d.get("data-period"), d.get("data-value")) for d in dots] == [
        (f"{YEAR}-01", "110"), (f"{YEAR}-02", "115"), (f"{YEAR}-03", "100")]
    polylines = {p.get("class"): p.get("points").split() for p in root.iter(f"{SVG}polyline")}
    assert len(polylines["actual"]) == 3 and len(polylines["plan"]) == 4
    ys = [float(pt.split(",")[1]) for pt in polylines["actual"]]
    assert ys[0] < ys[2]  # 110 drawn above 100
    assert {ln.get("class") for ln in root.iter(f"{SVG}line")} >= {"baseline", "target"}
    assert "Record a month" not in html  # a viewer cannot record


def test_fiscal_year_starting_in_april(client, actuals):
    Organization.objects.filter(pk=1).update(fiscal_year_start=4)
    login(client, "viewer@acme.test")
    html = client.get(f"/strategy/metrics/M1/?year={YEAR - 1}").content.decode()
    periods = re.findall(r'<td data-period="([\d-]+)"', html)
    assert periods[0] == f"{YEAR - 1}-04" and periods[11] == f"{YEAR}-03"
    assert 'class="cell-red"' in cell(html, "actual", f"{YEAR}-03")


def test_office_records_an_actual(client, plan):
    login(client, "office@acme.test")
    html = client.get(f"/strategy/metrics/M1/?year={YEAR}").content.decode()
    assert "Record a month" in html
    response = client.post(f"/strategy/metrics/M1/?year={YEAR}",
                           {"period": f"{YEAR}-05", "plan": "150", "actual": "160"})
    assert response.status_code == 302
    row = MetricActual.objects.get(metric__key="M1", period=dt.date(YEAR, 5, 1))
    assert (row.plan, row.actual) == (150, 160)
    html = client.get(response["Location"]).content.decode()
    assert 'class="cell-green"' in cell(html, "actual", f"{YEAR}-05")


def test_form_errors_next_to_the_field(client, plan):
    login(client, "office@acme.test")
    response = client.post(f"/strategy/metrics/M1/?year={YEAR}",
                           {"period": f"{YEAR}-05", "plan": "", "actual": "lots"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_actual-error"' in html and "Enter a number" in html
    assert not MetricActual.objects.exists()


def test_metric_owner_may_record(client, plan):
    Metric.objects.filter(key="M1").update(owner=plan.member)
    login(client, "member@acme.test")
    response = client.post(f"/strategy/metrics/M1/?year={YEAR}",
                           {"period": f"{YEAR}-02", "actual": "90"})
    assert response.status_code == 302
    assert MetricActual.objects.get().actual == 90


@pytest.mark.parametrize("email", ["viewer@acme.test", "member@acme.test", "lead@acme.test"])
def test_others_get_403(client, plan, email):
    login(client, email)
    assert "Record a month" not in client.get("/strategy/metrics/M1/").content.decode()
    response = client.post(f"/strategy/metrics/M1/?year={YEAR}",
                           {"period": f"{YEAR}-02", "actual": "90"})
    assert response.status_code == 403
    response = client.post(f"/strategy/metrics/M1/?year={YEAR}", {"actual": "junk"})
    assert response.status_code == 403
    assert not MetricActual.objects.exists()


def test_unknown_metric_is_404(client, plan):
    login(client, "viewer@acme.test")
    assert client.get("/strategy/metrics/M99/").status_code == 404


def test_text_is_escaped(client, plan):
    Metric.objects.filter(key="M1").update(title="<script>x</script>", unit="<b>")
    login(client, "viewer@acme.test")
    for url in ("/strategy/metrics/", "/strategy/metrics/M1/"):
        html = client.get(url).content.decode()
        assert "<script>x" not in html and "&lt;script&gt;" in html
    svg_of(client.get("/strategy/metrics/M1/").content.decode())  # still well-formed
