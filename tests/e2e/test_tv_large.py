"""TV mode for a large organisation: a generated organisation of 60-odd units on a
1920 x 1080 screen. The company screen never scrolls: its unit tiles are shared out over
company screens shown in turn, each unit on exactly one of them (issue #11).
Screenshots go to artifacts/screenshots/tv-large-*.png."""

import datetime as dt

import pytest

from hoshin.demo.synthetic import synthetic_plan
from hoshin.org import services as org
from hoshin.planfile.importer import import_plan
from hoshin.web.transparency import _active_quarter, company_status
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollHeight <= innerHeight")


def test_every_company_screen_fits_1920_by_1080_with_sixty_units(login, live_server, page,
                                                                  screenshot):
    import_plan(synthetic_plan(700, dt.date.today(), seed=1))
    org.create_person(None, email="viewer@acme.test", name="Vic Viewer", role="viewer",
                      password=PASSWORD)
    units = [s.name for s in company_status(_active_quarter())]
    assert len(units) >= 60
    page.set_viewport_size({"width": 1920, "height": 1080})
    login("viewer@acme.test", "/tv/?every=600")
    where = page.locator(".tv-where").inner_text()
    assert where.startswith("Company overview 1 of ")
    screens = int(where.split(" of ", 1)[1].split()[0])
    assert screens == -(-len(units) // 15)  # at most 15 tiles a screen
    shown = []
    for n in range(1, screens + 1):
        assert page.locator(".tv-where").inner_text().startswith(f"Company overview {n} of ")
        assert fits(page), (n, page.evaluate("document.scrollingElement.scrollHeight"))
        tiles = page.locator(".tv-unit h2").all_inner_texts()
        assert 0 < len(tiles) <= 15
        shown += tiles
        if n in (1, screens):
            page.mouse.move(0, 0)
            screenshot(f"tv-large-company-{n}")
        page.locator('[data-tv="next"]').click()
        page.wait_for_load_state()
    assert sorted(shown) == sorted(units)  # every unit once, in organisation order
    assert shown == units
    # After the company screens, the first unit's own screen; it fits too.
    assert page.locator("h1").inner_text().startswith(units[0])
    assert fits(page)
    # The header names the screen in words: no dot per screen for 60-odd units.
    assert page.locator(".tv-screens").count() == 0
