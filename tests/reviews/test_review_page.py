"""The review page a leadership team decides on: each agenda item carries the facts the
decision needs, one compact decision per item, "continue" for the rest in one action,
and every review of the quarter says whether it was held, missed or is still planned."""

import datetime as dt
import html
import re

import pytest
from django.test import Client

from hoshin.core import clock
from hoshin.core.errors import PermissionDenied
from hoshin.flags.services import evaluate_flags
from hoshin.okrs.models import CheckIn, KeyResult
from hoshin.reviews import services
from hoshin.reviews.models import Decision, Review
from hoshin.reviews.sparkline import sparkline
from hoshin.reviews.standing import Who, standing
from tests.factories import PASSWORD, build_plan

pytestmark = pytest.mark.django_db

MILESTONE = "a milestone key result has no numeric target; change its steps instead"


@pytest.fixture
def q3():
    return build_plan(today=dt.date(2026, 7, 1))  # 2026-Q3, active; reviews on Mondays


def check_in(kr, day, value=None, confidence=7, blockers=""):
    # Straight to the table, as the other review tests do: the quarter is judged as of the
    # dates given here, not the real today.
    c = CheckIn.objects.create(key_result=kr, date=day, value=value, confidence=confidence,
                               blockers=blockers)
    KeyResult.objects.filter(pk=kr.pk).update(last_checkin=c)


def client_for(email: str) -> Client:
    client = Client()
    assert client.login(email=email, password=PASSWORD)
    return client


def review_on(plan, day: dt.date) -> Review:
    return next(r for r in services.reviews_of(plan.quarter) if r.date == day)


def item_html(page: str, item_pk: int) -> str:
    part = page[page.index(f'id="item{item_pk}"'):]
    return part[:part.index("</li>")]


def test_an_agenda_item_shows_what_the_decision_needs(q3):
    kr1 = q3.kr_sales
    for day, value, confidence in [(dt.date(2026, 7, 3), 20.5, 6), (dt.date(2026, 7, 10), 21, 5),
                                   (dt.date(2026, 7, 17), 21.2, 3)]:
        check_in(kr1, day, value, confidence)
    monday = dt.date(2026, 7, 20)
    evaluate_flags(None, today=monday)
    review = review_on(q3, monday)
    with clock.at(monday):
        services.build_agenda(q3.office, review, today=monday)
        item = review.items.get(key_result=kr1)
        assert "low-confidence" in item.reasons
        page = html.unescape(client_for("office@acme.test").get(
            f"/reviews/{review.pk}/").content.decode())
    part = item_html(page, item.pk)
    assert f'href="/key-results/{kr1.key}/"' in part and kr1.title in part
    assert "Mia Member" in part and "member@acme.test" not in part
    facts = re.sub(r"<[^>]+>", " ", part[part.index('class="ai-facts"'):part.index("</dl>")])
    facts = " ".join(facts.split())
    assert "Baseline 20 %" in facts and "Target 35 %" in facts and "Now 21.2 %" in facts
    assert "Confidence 3/10" in facts
    # The trend: one point per check-in of the quarter, the target drawn as a guide.
    svg = part[part.index("<svg"):part.index("</svg>")]
    assert len(re.search(r'points="([^"]+)"', svg).group(1).split()) == 3
    assert 'class="spark-target"' in svg and "3 check-ins this quarter" in svg
    # Why it is here, and its status, in words.
    assert "low confidence" in part and re.search(r'class="status status-\w+"', part)
    # One compact form: the decision, its reason, and the new target prefilled with today's.
    assert part.count("<form") == 2  # the decision, and the action behind "Add an action"
    assert 'name="new_target" value="35"' in part


def test_a_new_target_for_a_milestone_is_refused_with_its_reason(q3):
    review = services.reviews_of(q3.quarter)[0]
    item = services.add_item(q3.office, review, title="Certification", key_result="KR2")
    client = client_for("office@acme.test")
    response = client.post(f"/reviews/{review.pk}/", {
        "do": "decide", "item": item.pk, "kind": "change_target", "rationale": "Smaller scope",
        "new_target": "50"})
    assert response.status_code == 400
    part = item_html(html.unescape(response.content.decode()), item.pk)
    assert f'<span class="error">{MILESTONE}</span>' in part
    assert not Decision.objects.filter(item=item).exists()
    # Through htmx the refusal comes back in place (htmx swaps only 2xx answers).
    swapped = client.post(f"/reviews/{review.pk}/", {
        "do": "decide", "item": item.pk, "kind": "change_target", "rationale": "Smaller scope",
        "new_target": "50"}, HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200 and MILESTONE in html.unescape(swapped.content.decode())
    assert not Decision.objects.filter(item=item).exists()


def test_hidden_fields_of_other_decisions_are_not_sent_on(q3):
    """The new target is prefilled and the trade-off has a default: choosing "continue"
    must not change the target or write a trade-off."""
    review = services.reviews_of(q3.quarter)[0]
    item = services.add_item(q3.office, review, title="Installer share", key_result="KR1")
    response = client_for("office@acme.test").post(f"/reviews/{review.pk}/", {
        "do": "decide", "item": item.pk, "kind": "continue", "rationale": "On pace",
        "new_target": "35", "trade_off": "paused", "escalated_to": ""})
    assert response.status_code == 302 and response["Location"].endswith(f"#item{item.pk}")
    decision = Decision.objects.get(item=item)
    assert (decision.kind, decision.new_target) == ("continue", None)
    assert KeyResult.objects.get(key="KR1").target == 35


def test_a_decision_by_htmx_answers_with_its_item_and_the_counts_only(q3):
    review = services.reviews_of(q3.quarter)[0]
    first = services.add_item(q3.office, review, title="Installer share", key_result="KR1")
    services.add_item(q3.office, review, title="Vans", key_result="KR3")
    response = client_for("office@acme.test").post(f"/reviews/{review.pk}/", {
        "do": "decide", "item": first.pk, "kind": "escalate", "rationale": "Budget",
        "escalated_to": "The board"}, HTTP_HX_REQUEST="true")
    body = html.unescape(response.content.decode())
    assert response.status_code == 200 and "<html" not in body
    assert body.count('class="agenda-item') == 1 and f'id="item{first.pk}"' in body
    assert "Decided: Escalate</strong> to The board." in body
    assert 'id="agenda-count" hx-swap-oob="true">1 of 2 decided' in body
    assert "Continue the other 1 undecided item<" in body


def test_continue_the_rest_decides_exactly_the_undecided_items_in_one_post(q3):
    review = services.reviews_of(q3.quarter)[0]
    items = [services.add_item(q3.office, review, title=f"Item {n}") for n in range(5)]
    services.decide(q3.office, items[1], kind="unblock", rationale="Finance signs")
    services.decide(q3.office, items[3], kind="reallocate", rationale="Two fitters")
    before = {d.pk: (d.kind, d.decided_at) for d in Decision.objects.all()}
    client = client_for("office@acme.test")
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "Continue the other 3 undecided items" in page
    with clock.at(dt.date(2026, 7, 6)):
        response = client.post(f"/reviews/{review.pk}/", {
            "do": "continue_rest", "rationale": "Nothing else needs a change"})
    assert response.status_code == 302
    decisions = {d.item_id: d for d in Decision.objects.filter(item__review=review)}
    assert set(decisions) == {i.pk for i in items}
    for n in (0, 2, 4):
        d = decisions[items[n].pk]
        assert (d.kind, d.rationale, d.decided_by) == ("continue", "Nothing else needs a change",
                                                       q3.office)
    # What was decided before stays as it was.
    assert {d.pk: (d.kind, d.decided_at) for d in Decision.objects.filter(pk__in=before)} \
        == before
    assert "Continue recorded on 3 items." in client.get(f"/reviews/{review.pk}/").content \
        .decode()
    # Nothing is left to continue.
    assert services.continue_the_rest(q3.office, review) == []


def test_a_unit_lead_decides_only_for_their_own_units(q3):
    review = services.reviews_of(q3.quarter)[0]
    sales = services.add_item(q3.office, review, title="Installers", key_result="KR1")
    ops = services.add_item(q3.office, review, title="Vans", key_result="KR3")
    general = services.add_item(q3.office, review, title="Office move")
    with pytest.raises(PermissionDenied) as refused:
        services.decide(q3.lead, ops, kind="continue", rationale="Fine")
    assert "Operations" in str(refused.value)
    lead = client_for("lead@acme.test")
    response = lead.post(f"/reviews/{review.pk}/", {"do": "decide", "item": ops.pk,
                                                    "kind": "continue", "rationale": "Fine"})
    assert response.status_code == 403
    assert not Decision.objects.filter(item=ops).exists()
    # The page offers Lea no form on Operations' item, and reads it to her.
    page = html.unescape(lead.get(f"/reviews/{review.pk}/").content.decode())
    assert "<form" not in item_html(page, ops.pk) and "<form" in item_html(page, sales.pk)
    # "Continue the rest" leaves Operations' item to its lead.
    response = lead.post(f"/reviews/{review.pk}/", {"do": "continue_rest", "rationale": "Ok"},
                         follow=True)
    assert set(Decision.objects.values_list("item_id", flat=True)) == {sales.pk, general.pk}
    assert "1 item of other units is left to their leads." in response.content.decode()
    services.decide(q3.other_lead, ops, kind="unblock", rationale="Finance signs")
    assert Decision.objects.get(item=ops).decided_by == q3.other_lead


def test_past_reviews_are_held_or_missed_and_later_ones_planned(q3):
    reviews = services.reviews_of(q3.quarter)  # Mondays from 6 July
    held, missed, closed_empty, today_review, planned = (reviews[0], reviews[1], reviews[2],
                                                         reviews[3], reviews[4])
    item = services.add_item(q3.office, held, title="Installer share")
    with clock.at(dt.datetime(2026, 7, 6, 10, 30)):
        services.decide(q3.lead, item, kind="reallocate", rationale="Two fitters")
    services.add_item(q3.office, closed_empty, title="Updates from each unit")
    with clock.at(dt.date(2026, 7, 20)):
        services.close_review(q3.office, closed_empty)
    with clock.at(today_review.date):
        page = html.unescape(client_for("viewer@acme.test").get(
            f"/reviews/?cycle={q3.quarter.key}").content.decode())
        held_page = html.unescape(client_for("viewer@acme.test").get(
            f"/reviews/{held.pk}/").content.decode())

    def row(review):
        start = page.index(f'href="/reviews/{review.pk}/"', page.index("<tbody>"))
        return re.sub(r"<[^>]+>", " ", page[start:page.index("</tr>", start)])

    assert "Held" in row(held) and "6 Jul by Lea Lead · 1 decision" in " ".join(row(held).split())
    assert "Missed" in row(missed) and "no decision recorded" in row(missed)
    assert "Missed" in row(closed_empty) and "status meeting" in row(closed_empty)
    assert "Today" in row(today_review)
    assert "Planned" in row(planned)
    assert "1 held · 2 missed · 9 planned" in page
    assert "Held" in held_page and "6 Jul by Lea Lead" in held_page


def test_the_api_says_which_reviews_were_held_and_which_missed(q3):
    from hoshin.org import services as org
    from tests.api.conftest import ApiClient

    reviews = services.reviews_of(q3.quarter)  # Mondays from 6 July
    held, missed, closed_empty, today_review = reviews[0], reviews[1], reviews[2], reviews[3]
    item = services.add_item(q3.office, held, title="Installer share")
    with clock.at(dt.datetime(2026, 7, 6, 10, 30)):
        services.decide(q3.lead, item, kind="reallocate", rationale="Two fitters")
    services.add_item(q3.office, closed_empty, title="Updates from each unit")
    with clock.at(dt.date(2026, 7, 20)):
        services.close_review(q3.office, closed_empty)
    viewer = ApiClient(org.create_token(None, q3.viewer))
    with clock.at(today_review.date):
        listed = viewer.get("/reviews", cycle=q3.quarter.key).json()
        one = viewer.get(f"/reviews/{held.pk}").json()
    by_id = {r["id"]: r for r in listed}
    assert {k: by_id[held.pk][k] for k in ("standing", "held_on", "held_by", "decisions")} == {
        "standing": "held", "held_on": "2026-07-06", "held_by": ["lead@acme.test"],
        "decisions": 1}
    assert by_id[missed.pk]["standing"] == "missed" and by_id[missed.pk]["held_by"] == []
    assert by_id[closed_empty.pk]["standing"] == "missed"
    assert by_id[closed_empty.pk]["state"] == "closed"
    assert by_id[today_review.pk]["standing"] == "today"
    assert [r["standing"] for r in listed[4:]] == ["planned"] * (len(listed) - 4)
    # The page reads the same function: what the API says is what the list shows.
    assert one["standing"] == "held" and one["held_by"] == ["lead@acme.test"]
    # Closed, a review was held when and by whom it was closed.
    with clock.at(dt.datetime(2026, 7, 8, 9, 0)):
        services.close_review(q3.office, held)
    with clock.at(today_review.date):
        closed = viewer.get(f"/reviews/{held.pk}").json()
    assert (closed["held_on"], closed["held_by"]) == ("2026-07-08", ["office@acme.test"])


def test_standing_rules():
    day = dt.date(2026, 7, 6)
    assert standing(date=day, today=day - dt.timedelta(days=1), closed=False,
                    decisions=0).code == "planned"
    assert standing(date=day, today=day, closed=False, decisions=0).code == "today"
    assert standing(date=day, today=day + dt.timedelta(days=1), closed=False,
                    decisions=0).code == "missed"
    lea, oscar = Who("Lea Lead", "lead@acme.test"), Who("Oscar Office", "office@acme.test")
    held = standing(date=day, today=day, closed=False, decisions=2,
                    last_decided_on=day, deciders=(lea, oscar))
    assert (held.code, held.held_on, held.held_by_text) == ("held", day,
                                                          "Lea Lead and Oscar Office")
    closed = standing(date=day, today=day + dt.timedelta(days=9), closed=True, decisions=1,
                      deciders=(lea,), closed_on=day + dt.timedelta(days=1),
                      closed_by=oscar)
    assert (closed.code, closed.held_on, closed.held_by) == (
        "held", day + dt.timedelta(days=1), ("Oscar Office",))
    # Decided ahead of its day, the review is not held yet.
    assert standing(date=day, today=day - dt.timedelta(days=2), closed=False,
                    decisions=1).code == "planned"


def test_the_sparkline_spans_the_quarter_and_escapes_its_label():
    svg = sparkline([(0.0, 20), (0.5, 25)], target=35, baseline=20, status="at_risk",
                    label='KR1 <"x">')
    assert 'points="3.0,25.0 60.0,' in svg  # starts at the quarter's left edge
    assert "&lt;&quot;x&quot;&gt;" in svg and '<"x">' not in svg
    assert 'class="spark-now spark-at_risk"' in svg
    assert "spark-none" in sparkline([], label="no check-in")


def test_the_calendar_says_which_reviews_were_held_and_which_missed(q3):
    import icalendar

    from hoshin.reviews import ical

    reviews = services.reviews_of(q3.quarter)
    item = services.add_item(q3.office, reviews[0], title="Installer share")
    with clock.at(dt.datetime(2026, 7, 6, 10, 30)):
        services.decide(q3.office, item, kind="continue", rationale="On pace")
    with clock.at(dt.date(2026, 7, 15)):
        events = {e.decoded("DTSTART").date(): e for e in
                  icalendar.Calendar.from_ical(ical.feed(None)).walk("VEVENT")
                  if "review" in str(e["SUMMARY"])}
        page = html.unescape(client_for("office@acme.test").get("/calendar/").content.decode())
    held = events[dt.date(2026, 7, 6)]
    assert str(held["DESCRIPTION"]) == "Held 6 Jul 2026 by Oscar Office: 1 decision."
    assert str(held["URL"]).endswith(f"/reviews/{reviews[0].pk}/")
    assert str(events[dt.date(2026, 7, 13)]["DESCRIPTION"]) == "Missed: no decision was recorded."
    assert str(events[dt.date(2026, 7, 20)]["DESCRIPTION"]).startswith("Agenda:")
    # The event's own status, which calendar apps show: a missed review is cancelled.
    assert [str(events[dt.date(2026, 7, d)]["STATUS"]) for d in (6, 13, 20)] == [
        "CONFIRMED", "CANCELLED", "CONFIRMED"]
    listed = re.sub(r"<[^>]+>", " ", page[page.index('class="review-days"'):])
    listed = " ".join(listed.split())
    assert "Mon 6 Jul Monthly business review Held 6 Jul by Oscar Office · 1 decision" in listed
    assert "Mon 13 Jul Weekly leadership review Missed" in listed
    assert "Mon 20 Jul Weekly leadership review Planned" in listed


def test_the_page_costs_the_same_queries_for_a_long_agenda(q3):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    review = services.reviews_of(q3.quarter)[0]
    client = client_for("lead@acme.test")  # a lead: their rights are read per page, not item

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/reviews/{review.pk}/").status_code == 200
        return len(captured)

    for key in ("KR1", "KR3"):
        services.add_item(q3.office, review, title=f"About {key}", key_result=key)
    short = queries()
    for key in ("KR1", "KR2", "KR3", None):
        services.add_item(q3.office, review, title=f"More about {key}", key_result=key)
    assert queries() == short


def test_the_api_continues_the_rest_and_names_whom_an_escalation_goes_to(q3):
    from hoshin.org import services as org
    from tests.api.conftest import ApiClient

    review = services.reviews_of(q3.quarter)[0]
    first = services.add_item(q3.office, review, title="Open a second warehouse?")
    services.add_item(q3.office, review, title="Installer share", key_result="KR1")
    office = ApiClient(org.create_token(None, q3.office))
    escalated = office.post(f"/agenda-items/{first.pk}/decision", {
        "kind": "escalate", "rationale": "Too big for us", "escalated_to": "The board"})
    assert escalated.json()["items"][0]["decision"]["escalated_to"] == "The board"
    body = office.post(f"/reviews/{review.pk}/continue-rest", {}).json()
    assert [i["decision"]["kind"] for i in body["items"]] == ["escalate", "continue"]
    assert body["items"][1]["decision"]["rationale"] == services.CONTINUE_REASON
    member = ApiClient(org.create_token(None, q3.member))
    assert member.post(f"/reviews/{review.pk}/continue-rest", {}).status_code == 403
