"""The strategy page in a real browser: the office edits, a viewer only reads."""

import datetime as dt

import pytest

from hoshin.org.models import Person
from hoshin.strategy.models import Breakthrough
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
YEAR = dt.date.today().year


def test_office_edits_a_correlation_and_sees_it_on_the_xmatrix(page, login, screenshot,
                                                               live_server):
    build_plan()
    login("office@acme.test", "/strategy/")
    assert page.get_by_role("heading", name=f"Strategy {YEAR}").is_visible()
    screenshot("strategy-office-1280")

    # Inline (HTMX) add: the form opens in the page, a taken id is shown at its field, the
    # owner is picked by name and stays picked.
    page.get_by_role("link", name="Add a breakthrough").click()
    form = page.locator("#slot-breakthroughs form")
    form.get_by_label("Id").fill("A1")
    form.get_by_label("Title").fill("Service every install within a day")
    lead = Person.objects.get(email="lead@acme.test")
    form.get_by_label("Owner").select_option(str(lead.pk))
    form.get_by_role("button", name="Save").click()
    error = page.locator("#slot-breakthroughs #id_key_error")
    error.wait_for()
    assert "is already the id of a" in error.text_content()
    page.locator("#slot-breakthroughs").get_by_label("Id").fill("B2")
    page.locator("#slot-breakthroughs").get_by_role("button", name="Save").click()
    page.get_by_text("Added breakthrough objective B2.").wait_for()
    assert page.locator("#item-B2").is_visible()
    assert Breakthrough.objects.get(key="B2").owner == lead

    page.get_by_role("link", name="Breakthroughs × annual objectives").click()
    page.get_by_label("B2 × A1").select_option("weak")
    screenshot("strategy-grid-1280")
    page.get_by_role("button", name="Save the grid").click()
    page.get_by_text("Saved the grid: 1 link changed.").wait_for()

    page.get_by_role("link", name=f"X-matrix {YEAR}").click()
    svg = page.locator("#xm-figure svg")
    svg.wait_for()
    assert svg.locator('[data-row="B2"][data-col="A1"][data-mark="weak"]').count() == 1
    page.get_by_role("link", name="Strategy page").click()
    page.wait_for_url(f"{live_server.url}/strategy/?year={YEAR}")


def test_viewer_sees_no_edit_controls(page, login, screenshot):
    build_plan()
    login("viewer@acme.test", "/strategy/")
    assert page.get_by_text("Every home heated without fossil fuel").is_visible()
    for name in ("Add a breakthrough", "Edit the vision", "Edit"):
        assert page.get_by_role("link", name=name, exact=True).count() == 0
    assert page.get_by_role("button", name="Archive").count() == 0
    page.get_by_role("link", name="Resources: people and units × improvement priorities").click()
    assert page.locator("table select").count() == 0
    assert page.get_by_text("Lea Lead").is_visible()
    page.get_by_role("link", name=f"Strategy {YEAR}").click()
    page.get_by_role("link", name="Double installations").click()
    assert page.get_by_role("heading", name="Quarterly objectives that serve it").is_visible()
    assert page.get_by_role("link", name="Make installers our best sales channel").is_visible()
    assert page.get_by_role("link", name="Edit", exact=True).count() == 0
    screenshot("strategy-annual-viewer-1280")


def test_phone_layout(page, login, screenshot):
    build_plan()
    page.set_viewport_size({"width": 390, "height": 844})
    login("office@acme.test", "/strategy/")
    width = page.evaluate("document.documentElement.scrollWidth")
    # What sticks out, outside the frames that scroll on purpose.
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(
        e => e.getBoundingClientRect().right > 392
             && !e.closest('.st-table-frame, .st-grid-frame')).slice(0, 8).map(
        e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px): {wide}"
    screenshot("strategy-office-390")
    page.goto(page.url.split("/strategy/")[0] + f"/strategy/grids/resources/?year={YEAR}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("strategy-resources-390")
    page.goto(page.url.split("/strategy/")[0] + "/strategy/priorities/P1/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("strategy-priority-390")


def test_two_primaries_are_refused_at_the_priority_column(page, login, screenshot):
    build_plan()
    login("admin@acme.test", f"/strategy/grids/resources/?year={YEAR}")
    page.get_by_label("Operations on P1").select_option("primary")
    page.get_by_role("button", name="Save resources").click()
    column = page.locator("#col-P1")
    column.get_by_text("2 primary resources").wait_for()
    assert page.get_by_text("Nothing was saved.").is_visible()
    screenshot("strategy-resources-error-1280")
    # Fix it in place: the other changes are still on the page.
    assert page.get_by_label("Operations on P1").input_value() == "primary"
    page.get_by_label("Lea Lead on P1").select_option("secondary")
    page.get_by_role("button", name="Save resources").click()
    page.get_by_text("Saved the resources: 2 assignments changed.").wait_for()
    page.goto(page.url.split("/strategy/")[0] + "/strategy/priorities/P1/")
    screenshot("strategy-priority-1280")
    assert "Lea Lead: role Primary → Secondary" in page.locator(".st-history").text_content()


def test_a_big_grid_keeps_its_headers_in_view(page, login, screenshot):
    from hoshin.strategy import services as strategy

    build_plan()
    for i in range(2, 16):
        strategy.save_improvement_priority(None, key=f"P{i}", year=YEAR, unit="ops",
                                           title=f"Improvement priority number {i}")
        strategy.save_metric(None, key=f"M{i}", title=f"Metric number {i}")
    page.set_viewport_size({"width": 390, "height": 844})
    login("office@acme.test", f"/strategy/grids/priority-metric/?year={YEAR}")
    frame = page.locator(".st-grid-frame")
    corner = page.locator(".st-corner")
    header = page.locator(".st-grid thead th").nth(3)
    first_row = page.locator(".st-grid tbody th").first
    before = (header.bounding_box(), first_row.bounding_box())
    frame.evaluate("f => { f.scrollTop = 400; f.scrollLeft = 600; }")
    after_header, after_row = header.bounding_box(), first_row.bounding_box()
    assert abs(after_header["y"] - before[0]["y"]) < 2, "the column headers scrolled away"
    assert abs(after_row["x"] - before[1]["x"]) < 2, "the row headers scrolled away"
    assert corner.is_visible()
    # Keyboard: Tab moves along the row's selects.
    page.locator("#c-0-0").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "c-0-1"
    screenshot("strategy-grid-big-390")
