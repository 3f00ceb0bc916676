"""A full agenda in a browser: 25 items read at a glance (facts, trend, why each is here),
one decision taken in place, "continue" for the rest in one click; the page at 1,440
and 390 px. The page heights are printed (run with -s) and bounded: before the compact
agenda a 25-item agenda was about 12,000 px tall at 1,440 px."""

import datetime as dt

import pytest

from hoshin.okrs.models import KeyResult
from hoshin.reviews import services as reviews
from hoshin.reviews.models import Decision
from tests.e2e.test_execution import week_six
from tests.e2e.test_phone_and_keyboard import OVERFLOW
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEIGHT = "document.documentElement.scrollHeight"


@pytest.fixture
def q3():
    return build_plan(today=dt.date(2026, 7, 1))  # 2026-Q3; reviews on Mondays


def test_a_25_item_agenda_is_decided_in_place_and_the_rest_continued(q3, login, page,
                                                                    screenshot):
    review = week_six(q3)
    reviews.build_agenda(q3.office, review, today=review.date)
    built = review.items.count()
    for n in range(25 - built):
        reviews.add_item(q3.office, review, title=f"Unit update {n + 1}: anything to decide?")
    assert review.items.count() == 25
    kr1_item = review.items.get(key_result__key="KR1")

    page.set_viewport_size({"width": 1440, "height": 900})
    login("office@acme.test", f"/reviews/{review.pk}/")
    item = page.locator(f"#item{kr1_item.pk}")
    facts = item.locator(".ai-facts").inner_text()
    for words in ("BASELINE", "20 %", "TARGET", "35 %", "NOW", "CONFIDENCE", "7/10"):
        assert words in facts.upper(), (words, facts)
    assert item.locator("svg.spark polyline").count() == 1
    assert "behind pace" in item.locator(".ai-why").inner_text()
    before = page.evaluate(HEIGHT)
    print(f"\n25-item agenda, nothing decided: {before} px at 1440")
    assert before < 5000
    screenshot("review-agenda-1440")
    # Read by axe-core as well (served from the installed package, nothing fetched): no
    # serious or critical violation on the agenda.
    from axe_playwright_python.sync_playwright import Axe

    violations = [f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes'][:3]]})"
                  for v in Axe().run(page).response["violations"]
                  if v["impact"] in ("serious", "critical")]
    assert violations == []

    # Change the target: the field shows for that decision only, filled with today's.
    page.evaluate("window.notReloaded = true")
    new_target = item.get_by_label("New target")
    assert not new_target.is_visible()
    item.get_by_label("Decision").select_option("change_target")
    assert new_target.input_value() == "35"
    new_target.fill("32")
    item.get_by_label("Why").fill("Installer market shrank by a tenth")
    item.get_by_role("button", name="Decide").click()
    page.wait_for_selector(f"#item{kr1_item.pk}.is-decided")
    assert "Decided: Change the target (new target 32 %)" in item.inner_text()
    assert page.evaluate("window.notReloaded === true")
    assert page.locator("#agenda-count").inner_text() == "1 of 25 decided"
    assert KeyResult.objects.get(key="KR1").target == 32
    screenshot("review-agenda-one-decided-1440")

    # Continue the rest: one click, every other item.
    page.get_by_role("button", name="Continue the other 24 undecided items").click()
    page.wait_for_selector(".messages >> text=Continue recorded on 24 items.")
    kinds = sorted(Decision.objects.filter(item__review=review).values_list("kind", flat=True))
    assert kinds == ["change_target"] + ["continue"] * 24
    assert page.locator("#agenda-count").inner_text() == "25 of 25 decided"
    assert page.locator(".agenda-item.is-decided").count() == 25
    after = page.evaluate(HEIGHT)
    print(f"25-item agenda, all decided: {after} px at 1440")
    screenshot("review-agenda-decided-1440")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    phone = page.evaluate(HEIGHT)
    print(f"25-item agenda, all decided: {phone} px at 390")
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["width"], found
    screenshot("review-agenda-decided-390")


def test_the_undecided_agenda_on_a_phone(q3, login, page, screenshot):
    review = week_six(q3)
    reviews.build_agenda(q3.office, review, today=review.date)
    for n in range(25 - review.items.count()):
        reviews.add_item(q3.office, review, title=f"Unit update {n + 1}: anything to decide?")
    page.set_viewport_size({"width": 390, "height": 844})
    login("office@acme.test", f"/reviews/{review.pk}/")
    height = page.evaluate(HEIGHT)
    print(f"\n25-item agenda, nothing decided: {height} px at 390")
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["width"], found
    screenshot("review-agenda-390")
