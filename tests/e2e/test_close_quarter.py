"""Closing a quarter in a browser: a grade saved in place (no reload), all suggestions
accepted in one step, one key result carried over, the rest dropped, and the quarter closed
before its last day with an override reason."""

import datetime as dt

import pytest
from django.urls import reverse

from hoshin.closing import services as closing
from hoshin.closing.models import CarryOver, Grade
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, Cycle, KeyResult
from hoshin.okrs.rules import fiscal_year_of
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def check_in(kr, day, value):
    c = CheckIn.objects.create(key_result=kr, date=day, value=value, confidence=7)
    KeyResult.objects.filter(pk=kr.pk).update(last_checkin=c)


@pytest.fixture
def running_quarter():
    """The quarter running today (the live server's clock is the real one), not yet over,
    and the next quarter to carry into; across a year end, the annual review has carried
    A1 and P1 over so KR1's objective keeps its place in the chain."""
    today = dt.date.today()
    plan = build_plan(today=today)
    if plan.quarter.end <= today:  # its last day: keep one day left to need an override
        plan.quarter = okrs.save_cycle(None, plan.quarter, end=today + dt.timedelta(days=1))
    start = plan.quarter.end + dt.timedelta(days=1)
    end = dt.date(start.year + (start.month > 9), (start.month + 2) % 12 + 1, 1) \
        - dt.timedelta(days=1)
    okrs.save_cycle(None, key="NEXT-Q", name="Next quarter", kind="quarter", start=start,
                    end=end)
    if fiscal_year_of(start, 1) != fiscal_year_of(today, 1):
        for item_type, key in (("annual", "A1"), ("priority", "P1")):
            closing.decide_annual(None, year=today.year, item_type=item_type, item_key=key,
                                  decision="carry_over", rationale="Not done yet")
    check_in(plan.kr_sales, today, 27.5)  # suggested 0.5
    return plan


def test_a_quarter_is_closed_row_by_row_in_place(running_quarter, login, page):
    plan = running_quarter
    login("office@acme.test", f"/closing/{plan.quarter.key}/")
    page.evaluate("window.notReloaded = true")
    kr1 = page.locator(f"#kr{plan.kr_sales.pk}")
    assert kr1.get_by_label("Grade", exact=True).input_value() == "0.5"  # pre-filled

    # A different grade without its reason is refused on the row, the typed grade kept.
    kr1.get_by_label("Grade", exact=True).fill("0.7")
    kr1.get_by_role("button", name="Save the grade of KR1").click()
    page.wait_for_selector(f"#kr{plan.kr_sales.pk}.has-errors")
    kr1 = page.locator(f"#kr{plan.kr_sales.pk}")
    assert "say why yours differs" in kr1.inner_text()
    assert kr1.get_by_label("Grade", exact=True).input_value() == "0.7"
    kr1.screenshot(path="/tmp/close-quarter-row-error.png")
    kr1.get_by_label("Reason").fill("Two installers signed on the last day")
    kr1.get_by_role("button", name="Save the grade of KR1").click()
    page.wait_for_selector(f"#kr{plan.kr_sales.pk}.just-saved")
    assert page.evaluate("window.notReloaded") is True  # swapped in place
    assert "committed, not fully delivered" in page.locator(f"#kr{plan.kr_sales.pk}").inner_text()
    assert Grade.objects.get(key_result=plan.kr_sales).grade == 0.7

    # The rest in one step.
    page.get_by_role("button", name="Accept all suggested grades").click()
    page.wait_for_selector("text=2 suggested grades accepted.")
    assert Grade.objects.count() == 3

    # Carry KR1 over; drop the other two (KR3's theme does not carry: it would need a
    # parent, and the row offers the picker).
    page.evaluate("window.notReloaded = true")
    kr3 = KeyResult.objects.get(key="KR3")
    assert page.locator(f"#cp-{kr3.pk}").count() == 1
    page.locator("table.grades").screenshot(path="/tmp/close-quarter-decisions.png")
    for kr, decision, why in ((plan.kr_sales, "carry_over", "The channel still matters"),
                              (plan.kr_milestone, "drop", "Certification moved to ops"),
                              (kr3, "drop", "Measured differently from now on")):
        row = page.locator(f"#kr{kr.pk}")
        row.get_by_label("Decision").select_option(decision)
        row.get_by_label("Why").fill(why)
        row.get_by_role("button", name=f"Decide on {kr.key}").click()
        page.wait_for_selector(f"#kr{kr.pk} .carry-cell strong")
    assert page.evaluate("window.notReloaded") is True
    copy = CarryOver.objects.get(key_result=plan.kr_sales).carried_to
    assert copy.objective.cycle.key == "NEXT-Q" and copy.objective.parent is not None
    # The row links to the copy in the next quarter, by its title.
    link = page.locator(f"#kr{plan.kr_sales.pk} .carry-cell a").first
    assert link.get_attribute("href") == reverse("okrs:key_result", args=[copy.key])
    assert link.inner_text() == copy.title

    # The close panel was kept up to date out of band: only the date stops the close.
    panel = page.locator("#close-panel")
    assert "the quarter runs until" in panel.inner_text()
    assert "has no grade" not in panel.inner_text() and "unfinished" not in panel.inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/close-quarter-before-close.png", full_page=True)
    panel.get_by_label("Close anyway, because").fill("The board meets before the end")
    panel.get_by_role("button", name=f"Close {plan.quarter.key}").click()
    page.wait_for_selector("p.notice:has-text('closed and read-only')")
    assert Cycle.objects.get(pk=plan.quarter.pk).state == "closed"
    assert "The board meets before the end" in page.locator("p.notice").inner_text()
    page.screenshot(path="/tmp/close-quarter-closed.png", full_page=True)
