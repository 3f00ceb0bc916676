"""Every page on a phone (390 × 844) and the check-in with the keyboard alone.

On a phone no page may scroll sideways: a wide figure (X-matrix, bowling chart, table)
scrolls inside its own box. Every form field has a name a screen reader can say.
"""

import datetime as dt

import pytest

from hoshin.okrs import services
from hoshin.okrs.models import CheckIn
from hoshin.strategy import services as strategy
from hoshin.strategy.models import Metric
from tests.factories import build_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# Elements sticking out to the right of the page, outside any box that scrolls them.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && !scrolls(el)) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
               `${el.className && el.className.baseVal === undefined && el.className
                  ? '.' + String(el.className).split(' ').join('.') : ''} right=${r.right}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 8)};
}"""

# Form fields a screen reader could not name.
UNNAMED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !el.title)
  .map(el => el.outerHTML.slice(0, 120))"""


def _pages(plan) -> list[tuple[str, str, str, int]]:
    """(name, who, path, status). who "" means logged out."""
    q = plan.quarter.key
    return [
        ("login", "", "/login/", 200),
        ("password-reset", "", "/password-reset/", 200),
        ("password-reset-bad-link", "", "/password-reset/MQ/bad-token/", 200),
        ("home", "lead@acme.test", "/", 200),
        ("home-member", "member@acme.test", "/", 200),
        ("key-result", "member@acme.test", f"/key-results/{plan.kr_sales.key}/", 200),
        ("key-result-milestone", "lead@acme.test", f"/key-results/{plan.kr_milestone.key}/",
         200),
        ("objective", "lead@acme.test", f"/objectives/{plan.objective.key}/", 200),
        ("objective-edit", "lead@acme.test", f"/objectives/{plan.objective.key}/edit/", 200),
        ("objective-new", "lead@acme.test", f"/objectives/new/?unit=sales&cycle={q}", 200),
        ("unit", "lead@acme.test", "/units/sales/", 200),
        ("alignment", "lead@acme.test", "/alignment/", 200),
        ("xmatrix", "lead@acme.test", "/strategy/x-matrix/", 200),
        ("metrics", "lead@acme.test", "/strategy/metrics/", 200),
        ("metric", "lead@acme.test", "/strategy/metrics/M1/", 200),
        ("company", "viewer@acme.test", "/company/", 200),
        ("tv", "viewer@acme.test", "/tv/", 200),
        ("password-change", "member@acme.test", "/account/password/", 200),
        ("403", "lead@acme.test", f"/objectives/new/?unit=ops&cycle={q}", 403),
        ("404", "lead@acme.test", "/objectives/NO-SUCH/", 404),
    ]


def _some_readings(plan):
    start = plan.quarter.start
    today = dt.date.today()
    for days, value in ((0, 22), (14, 26), (28, 29)):
        day = min(start + dt.timedelta(days=days), today)
        services.record_checkin(plan.member, plan.kr_sales, value=value, confidence=7, date=day,
                                note="Two big installers signed; the third is waiting on "
                                     "their own board's decision about the pilot")
    services.record_checkin(plan.lead, plan.kr_milestone, steps_done=["S1"], confidence=6)
    services.save_key_result(plan.lead, plan.kr_sales, target=40,
                             reason="The board raised the bar after the spring fair")
    metric = Metric.objects.get(key="M1")
    year = plan.quarter.start.year
    for month, actual in ((1, 110), (2, 118), (3, 121)):
        strategy.record_metric_actual(None, metric, period=f"{year}-{month:02d}",
                                      plan=100 + 10 * month, actual=actual)


@pytest.mark.one_database
def test_every_page_fits_a_phone_and_names_its_fields(browser, live_server):
    plan = build_plan()
    _some_readings(plan)
    from tests.factories import PASSWORD

    problems = []
    contexts = {}
    for name, who, path, status in _pages(plan):
        if who not in contexts:
            context = browser.new_context(viewport=PHONE, device_scale_factor=1,
                                          is_mobile=True, has_touch=True)
            page = context.new_page()
            if who:
                page.goto(f"{live_server.url}/login/")
                page.get_by_label("Email").fill(who)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_url(live_server.url + "/")
            contexts[who] = (context, page)
        page = contexts[who][1]
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if response.status != status:
            problems.append(f"{name}: status {response.status}, expected {status}")
        found = page.evaluate(OVERFLOW)
        if found["scrollWidth"] > found["width"]:
            problems.append(f"{name} ({path}) scrolls sideways: {found}")
        if unnamed := page.evaluate(UNNAMED):
            problems.append(f"{name} ({path}) has fields without a label: {unnamed}")
        page.screenshot(path=_shot_path(f"phone-{name}"), full_page=True)
    for context, _ in contexts.values():
        context.close()
    assert not problems, "\n".join(problems)


def _shot_path(name: str) -> str:
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")


FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const ring = s.boxShadow && s.boxShadow !== 'none';
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.name || '',
          text: (el.innerText || el.value || '').trim().slice(0, 40), visible: outline || ring};
}"""


def test_check_in_with_the_keyboard_alone_and_always_see_where_you_are(login, live_server,
                                                                       page, screenshot):
    plan = build_plan()
    page.set_viewport_size(PHONE)
    login("member@acme.test")
    value_id = f"kr{plan.kr_sales.pk}-value"
    stops = []
    for _ in range(60):  # Tab through the page until the value field of my key result
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_SHOWN)
        stops.append(focused)
        if focused["id"] == value_id:
            break
    assert stops[0]["text"] == "Skip to content"  # the first stop skips the navigation
    assert stops[-1]["id"] == value_id, [s["id"] or s["text"] for s in stops]
    hidden = [s for s in stops if not s["visible"]]
    assert not hidden, f"focus not visible on {hidden}"

    page.keyboard.type("31")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_SHOWN)["id"] == f"kr{plan.kr_sales.pk}-confidence"
    page.keyboard.type("8")
    screenshot("keyboard-checkin-filled")
    page.keyboard.press("Enter")  # submits the form the field is in
    page.wait_for_selector(f"#kr-{plan.kr_sales.pk}[data-status]:has-text('Checked in')")
    checkin = CheckIn.objects.get(key_result=plan.kr_sales)
    assert (checkin.value, checkin.confidence) == (31, 8)
    # After the swap the keyboard is not lost at the top of the page.
    assert page.evaluate("document.activeElement !== document.body")
    screenshot("keyboard-checkin-done")
