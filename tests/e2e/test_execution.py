"""The execution rhythm in a browser: the week-6 review run with the keyboard, grading and
closing a quarter, five whys, the learnings library and the notification channel; every
page fits a phone and names its fields."""

import datetime as dt

import pytest

from hoshin.closing import services as closing
from hoshin.closing.models import Grade
from hoshin.flags.services import evaluate_flags
from hoshin.notify.models import Preference
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, Cycle, KeyResult
from hoshin.pdca import services as pdca
from hoshin.pdca.models import Countermeasure, LearningUse
from hoshin.reviews import services as reviews
from hoshin.reviews.models import Action, Review
from tests.e2e.test_phone_and_keyboard import OVERFLOW, PHONE, UNNAMED
from tests.factories import PASSWORD, build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def check_in(kr, day, value=None, confidence=7, blockers=""):
    # Straight to the table: the quarter is in the past and the service judges flags as of
    # the real today.
    c = CheckIn.objects.create(key_result=kr, date=day, value=value, confidence=confidence,
                               blockers=blockers)
    KeyResult.objects.filter(pk=kr.pk).update(last_checkin=c)


@pytest.fixture
def q3():
    return build_plan(today=dt.date(2026, 7, 1))  # 2026-Q3; reviews on Mondays


def week_six(plan) -> Review:
    """Six weeks of check-ins: KR1 slipping, KR3 blocked; flags judged each Monday."""
    kr3 = KeyResult.objects.get(key="KR3")
    monday = dt.date(2026, 7, 6)
    for week in range(6):
        friday = monday - dt.timedelta(days=3)
        check_in(plan.kr_sales, friday, 20 + 0.4 * week)
        check_in(kr3, friday, 30 - 1.3 * week, 8,
                 "The van lease is stuck with finance" if week == 5 else "")
        evaluate_flags(None, today=monday)
        monday += dt.timedelta(weeks=1)
    review = next(r for r in reviews.reviews_of(plan.quarter) if r.week == 6)
    assert review.kind == "mid_cycle"
    return review


def test_a_lead_builds_the_week_six_agenda_and_decides_with_the_keyboard(q3, login, page,
                                                                        live_server, screenshot):
    review = week_six(q3)
    # Otto leads Operations, whose key result the van lease blocks: his to decide.
    login("opslead@acme.test", f"/reviews/{review.pk}/")
    page.get_by_role("button", name="Build the agenda from today's signals").click()
    page.wait_for_selector(".agenda-item")
    blocker = page.locator(".agenda-item", has_text="van lease")
    assert blocker.locator(".badge", has_text="needs a decision").is_visible()
    screenshot("execution-agenda-built")

    # The decision with the keyboard alone: focus the decision, choose with the arrows,
    # Tab to the reason, Tab on to the button, Enter. The fields other decisions need
    # (new target, trade-off, to whom) are hidden, so Tab skips them. htmx swaps the item
    # in place.
    page.evaluate("window.notReloaded = true")
    item_id = blocker.get_attribute("id")
    blocker.get_by_label("Decision").focus()
    for _ in range(3):  # Continue → Reallocate → Stop or deprioritise → Unblock
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "rationale"
    page.keyboard.type("Finance signs the van lease this week; Ops lead chases it")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Decide"
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{item_id}.is-decided")
    item = page.locator(f"#{item_id}")
    assert "Decided: Unblock" in item.inner_text()
    assert page.evaluate("window.notReloaded === true")  # recorded without a reload
    assert page.evaluate("document.activeElement.closest('.agenda-item')?.id") == item_id
    decided = review.items.get(pk=int(item_id.removeprefix("item"))).decision
    assert (decided.kind, decided.decided_by) == ("unblock", q3.other_lead)
    # The count and the status-meeting warning follow the decision without a reload.
    assert page.locator("#agenda-count").inner_text().startswith("1 of ")
    assert page.locator("#close-warning").inner_text() == ""
    screenshot("execution-agenda-decided")

    # An action for that item, without htmx: a plain form post.
    item.get_by_text("Add an action").click()
    item.get_by_label("Action").fill("Call finance about the van lease")
    item.get_by_label("Owner", exact=True).select_option(str(q3.other_lead.pk))  # by name
    item.get_by_label("Due").fill("2026-08-14")
    item.get_by_role("button", name="Add the action").click()
    page.wait_for_selector("#main .actions-list li:has-text('Call finance about the van lease')")
    action = Action.objects.get(title="Call finance about the van lease")
    assert (action.owner.email, action.due, action.item_id) == (
        "opslead@acme.test", dt.date(2026, 8, 14), decided.item_id)


def test_a_wrong_decision_shows_its_error_in_place(q3, login, page):
    review = reviews.reviews_of(q3.quarter)[0]
    reviews.add_item(q3.office, review, title="Installer share", key_result="KR1")
    login("office@acme.test", f"/reviews/{review.pk}/")
    item = page.locator(".agenda-item").first
    assert not item.get_by_label("New target").is_visible()
    item.get_by_label("Decision").select_option("change_target")
    # The new target shows only now, filled in with today's (35): unchanged, it is refused.
    assert item.get_by_label("New target").is_visible()
    assert item.get_by_label("New target").input_value() == "35"
    item.get_by_label("Why").fill("The board raised the bar")
    item.get_by_role("button", name="Decide").click()
    error = page.wait_for_selector(".agenda-item .error")
    assert "target" in error.inner_text()
    # What was typed stays, and the choice too, so it is fixed rather than retyped.
    assert item.get_by_label("Why").input_value() == "The board raised the bar"
    assert item.get_by_label("Decision").input_value() == "change_target"
    assert not review.items.filter(decision__isnull=False).exists()


def test_a_viewer_reads_the_review_without_any_form(q3, login, page, screenshot):
    review = week_six(q3)
    reviews.build_agenda(q3.office, review, today=review.date)
    item = review.items.first()
    reviews.decide(q3.office, item, kind="continue", rationale="Pace is fine from August")
    login("viewer@acme.test", f"/reviews/{review.pk}/")
    assert page.locator(".agenda-item").count() == review.items.count()
    assert "Decided: Continue" in page.locator(f"#item{item.pk}").inner_text()
    assert page.locator("#main form").count() == 0
    assert page.locator("#main button, #main input, #main select, #main textarea").count() == 0
    screenshot("execution-review-viewer")


@pytest.fixture
def graded_q3(q3):
    check_in(q3.kr_sales, dt.date(2026, 9, 25), 27.5)  # halfway: suggested 0.5
    check_in(KeyResult.objects.get(key="KR3"), dt.date(2026, 9, 25), 14)  # done
    okrs.save_cycle(None, key="2026-Q4", kind="quarter", start=dt.date(2026, 10, 1),
                    end=dt.date(2026, 12, 31))
    return q3


def test_an_owner_grades_with_a_reason_and_sees_how_it_reads(graded_q3, login, page,
                                                            screenshot):
    q3 = graded_q3
    login("member@acme.test", f"/closing/{q3.quarter.key}/")
    row = page.locator(f"#kr{q3.kr_sales.pk}")
    assert row.get_by_label("Grade", exact=True).input_value() == "0.5"  # the suggestion
    row.get_by_label("Grade", exact=True).fill("0.7")
    row.get_by_label("Reason").fill("Two installers signed on the last day of September")
    row.get_by_role("button", name="Save the grade of KR1").click()
    page.wait_for_selector(f"#kr{q3.kr_sales.pk} .grade-now")
    row = page.locator(f"#kr{q3.kr_sales.pk}")
    text = row.inner_text()
    assert "0.7" in text and "committed, not fully delivered: explain the gap" in text
    assert "Two installers signed" in text
    grade = Grade.objects.get(key_result=q3.kr_sales)
    assert (grade.grade, grade.reason) == (0.7, "Two installers signed on the last day of "
                                                "September")
    screenshot("execution-grade-override")


def test_the_office_closes_the_quarter_after_the_carry_over_decisions(graded_q3, login, page,
                                                                      screenshot):
    q3 = graded_q3
    for kr in KeyResult.objects.filter(objective__cycle=q3.quarter):
        closing.grade_key_result(None, kr, grade=closing.suggestions(q3.quarter)[kr.pk])
    login("office@acme.test", f"/closing/{q3.quarter.key}/")
    panel = page.locator(".panel", has_text="Close the quarter")
    assert "2 unfinished key results are neither carried over nor dropped" in panel.inner_text()
    assert q3.kr_sales.title in panel.text_content()  # named in the fold-out list
    for kr, decision, why in ((q3.kr_sales, "drop", "Channel paused for the winter"),
                              (q3.kr_milestone, "carry_over", "Launch moved to Q4")):
        row = page.locator(f"#kr{kr.pk}")
        row.get_by_label("Decision").select_option(decision)
        row.get_by_label("Why").fill(why)
        row.get_by_role("button", name=f"Decide on {kr.key}").click()
        page.wait_for_selector(f"#kr{kr.pk} .carry-cell strong")
    assert "Carry over" in page.locator(f"#kr{q3.kr_milestone.pk}").inner_text()
    page.get_by_role("button", name=f"Close {q3.quarter.key}").click()
    page.wait_for_selector("p.notice:has-text('closed and read-only')")
    assert Cycle.objects.get(pk=q3.quarter.pk).state == "closed"
    assert page.locator("#main form").count() == 0  # read-only: nothing left to post
    screenshot("execution-quarter-closed")


def test_a_countermeasures_five_whys_are_filled_in(q3, login, page, screenshot):
    cm = pdca.open_countermeasure(q3.lead, problem="Installer share stuck at 22 %",
                                  key_result="KR1", owner="member@acme.test")
    login("member@acme.test", f"/pdca/{cm.pk}/")
    whys = ["Installers do not push our units", "Their margin is lower than on gas boilers",
            "Our installer price list is from 2024", "Nobody owns installer pricing",
            "Pricing sits between sales and finance"]
    fieldset = page.locator("fieldset.whys")
    for n, why in enumerate(whys, 1):
        fieldset.get_by_label(f"Why? ({n})").fill(why)
    page.get_by_label("Root cause").fill("No owner for installer pricing")
    page.get_by_label("Countermeasure", exact=True).fill("Sales owns the installer price list")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    cm = Countermeasure.objects.get(pk=cm.pk)
    assert cm.whys == whys and cm.root_cause == "No owner for installer pricing"
    assert page.locator("fieldset.whys").get_by_label("Why? (5)").input_value() == whys[4]
    screenshot("execution-five-whys")


def test_a_learning_is_found_and_adopted_by_another_unit(q3, login, page, screenshot):
    learning = pdca.create_learning(q3.lead, title="Weekly call with installer partners",
                                    worked="Problems surface in days, not at the month end",
                                    tags=["installers", "rhythm"], unit="sales")
    pdca.create_learning(q3.lead, title="Book surveys before the sale closes",
                         worked="Fewer wasted visits", unit="sales")
    login("opslead@acme.test", "/learnings/")
    page.get_by_label("Search").fill("installer call")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("p.count:has-text('found')")
    found = page.locator("article.learning")
    assert found.first.locator("h2").inner_text() == learning.title
    screenshot("execution-learnings-found")
    found.first.get_by_role("link", name=learning.title).click()
    page.get_by_label("Adopt in").select_option("ops")
    page.get_by_label("How you use it").fill("Same call with our van leasing firm")
    page.get_by_role("button", name="Adopt in my unit").click()
    page.wait_for_selector(".used-by:has-text('Operations')")
    assert LearningUse.objects.get(learning=learning).unit.key == "ops"
    page.goto(page.url.split("/learnings/")[0] + "/learnings/?q=installer")
    assert "used by 1 other unit" in page.locator("article.learning").first.inner_text()


def test_the_notification_page_changes_the_channel(q3, login, page):
    login("member@acme.test", "/notify/me/")
    page.get_by_label("Slack", exact=True).check()
    page.get_by_label("Slack member id").fill("U012ABCDEF")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    pref = Preference.objects.get(person=q3.member)
    assert (pref.channel, pref.slack_user_id) == ("slack", "U012ABCDEF")
    assert page.get_by_label("Slack", exact=True).is_checked()


def test_every_execution_page_fits_a_phone_and_names_its_fields(q3, browser, live_server):
    review = week_six(q3)
    reviews.build_agenda(q3.office, review, today=review.date)
    reviews.add_action(q3.office, review, title="Price list for installers",
                       owner="lead@acme.test", due=dt.date(2026, 8, 5))
    cm = pdca.open_countermeasure(q3.lead, problem="Installer share stuck", key_result="KR1",
                                  owner="member@acme.test")
    learning = pdca.create_learning(q3.lead, title="Weekly call with installer partners",
                                    worked="Problems surface early", tags=["installers"],
                                    unit="sales")
    q = q3.quarter.key
    pages = [("flags", "/flags/"), ("flag-settings", "/flags/settings/"),
             ("reviews", f"/reviews/?cycle={q}"), ("review", f"/reviews/{review.pk}/"),
             ("calendar", "/calendar/"), ("pdca", "/pdca/?scope=all"),
             ("countermeasure", f"/pdca/{cm.pk}/"), ("pdca-new", "/pdca/new/"),
             ("learnings", "/learnings/"), ("learning", f"/learnings/{learning.pk}/"),
             ("learning-new", "/learnings/new/"), ("close", f"/closing/{q}/"),
             ("annual", "/closing/annual/2026/"), ("notify-settings", "/notify/settings/"),
             ("notify-me", "/notify/me/")]
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("office@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    from tests.e2e.test_phone_and_keyboard import _shot_path

    problems = []
    for name, path in pages:
        response = page.goto(live_server.url + path)
        if response.status != 200:
            problems.append(f"{name}: status {response.status}")
        found = page.evaluate(OVERFLOW)
        if found["scrollWidth"] > found["width"]:
            problems.append(f"{name} ({path}) scrolls sideways: {found}")
        if unnamed := page.evaluate(UNNAMED):
            problems.append(f"{name} ({path}) has fields without a label: {unnamed}")
        page.screenshot(path=_shot_path(f"phone-execution-{name}"), full_page=True)
    context.close()
    assert not problems, "\n".join(problems)
