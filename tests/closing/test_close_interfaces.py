"""The close page (with and without HTMX), the command line and the API do the same close:
suggested grades accepted in one step, rows saved in place, carry-over with a parent where
one is needed, the gate's reasons shown and overridden with a reason."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from hoshin.closing import services
from hoshin.closing.models import CarryOver, Grade
from hoshin.core import clock
from hoshin.okrs import services as okrs
from hoshin.okrs.models import CheckIn, Cycle, KeyResult, Objective
from hoshin.org import services as org
from hoshin.strategy import services as strategy
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD, build_plan

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def check_in(kr, day, value):
    c = CheckIn.objects.create(key_result=kr, date=day, value=value, confidence=7)
    KeyResult.objects.filter(pk=kr.pk).update(last_checkin=c)


@pytest.fixture
def q4():
    """2026-Q4 (the year's last quarter) and 2027-Q1. KR1 (O1 under priority P1) is half
    done; the annual review carried A1 over but has not decided P1, so KR1's objective
    needs a parent next year; O3 serves A1 and lands under A1's successor by itself."""
    plan = build_plan(today=dt.date(2026, 10, 1))
    okrs.save_cycle(None, key="2027-Q1", kind="quarter", start=dt.date(2027, 1, 1),
                    end=dt.date(2027, 3, 31))
    check_in(plan.kr_sales, dt.date(2026, 12, 1), 27.5)  # suggested 0.5
    okrs.save_objective(None, key="O3", cycle="2026-Q4", unit="sales", title="Service plans",
                        parent="A1")
    plan.kr4 = okrs.save_key_result(None, key="KR4", objective="O3", title="Plans sold",
                                    owner="member@acme.test", kind="increase", baseline=0,
                                    target=10)
    check_in(plan.kr4, dt.date(2026, 12, 1), 4)
    plan.a1_next = services.decide_annual(None, year=2026, item_type="annual", item_key="A1",
                                          decision="carry_over", rationale="Not done").seeded
    strategy.save_improvement_priority(None, key="P7", year=2027, unit="sales",
                                       title="Installer loyalty",
                                       annual_objectives={plan.a1_next.key: "strong"})
    return plan


def client_for(email):
    client = Client()
    client.login(email=email, password=PASSWORD)
    return client


def url(plan):
    return f"/closing/{plan.quarter.key}/"


def test_the_page_prefills_suggestions_and_accepts_them_all_in_one_step(q4):
    member = client_for("member@acme.test")
    page = member.get(url(q4)).content.decode()
    assert 'name="grade" type="number" min="0" max="1" step="0.1" value="0.5"' in page
    assert "Accept all suggested grades" in page and "2 key results you may grade" in page
    response = member.post(url(q4), {"do": "accept"})
    assert response.status_code == 302
    # She may grade her own two; the lead's KR2 and ops' KR3 stay for them.
    assert sorted(Grade.objects.values_list("key_result__key", "grade")) == [
        ("KR1", 0.5), ("KR4", 0.4)]
    assert "Accept all suggested" not in member.get(url(q4)).content.decode()


def test_a_grade_saves_in_place_with_htmx_and_with_a_redirect_without(q4):
    office = client_for("office@acme.test")
    response = office.post(url(q4), {"do": "grade", "key_result": "KR1", "grade": "0.5"},
                           **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith(f'<tr id="kr{q4.kr_sales.pk}"')
    assert "Saved" in body and "<html" not in body
    # The close panel comes along out of band (in a template), so it stays true.
    assert '<template><section class="panel close-panel" id="close-panel" ' \
           'hx-swap-oob="true">' in body
    response = office.post(url(q4), {"do": "grade", "key_result": "KR4", "grade": "0.4"})
    assert response.status_code == 302 and response.url.endswith(f"#kr{q4.kr4.pk}")
    assert Grade.objects.count() == 2


def test_a_refused_grade_keeps_what_was_typed_and_shows_the_error_on_the_row(q4):
    member = client_for("member@acme.test")
    for extra in ({}, HTMX):
        response = member.post(url(q4), {"do": "grade", "key_result": "KR1", "grade": "0.8",
                                         "reason": ""}, **extra)
        body = response.content.decode()
        assert response.status_code == 200
        assert "the suggested grade is 0.5; say why yours differs" in body
        assert 'value="0.8"' in body and 'aria-invalid="true"' in body
    assert not Grade.objects.exists()


def test_carry_over_asks_for_a_parent_on_the_row_and_keeps_the_reason(q4):
    services.accept_suggested(None, q4.quarter)
    lead = client_for("lead@acme.test")
    page = lead.get(url(q4)).content.decode()
    assert f'id="cp-{q4.kr_sales.pk}"' in page  # KR1's row has a parent picker
    assert "P1 has no decision in the 2026 annual review yet" in page
    assert '<optgroup label="Likely"><option value="P7">' in page
    assert f'id="cp-{q4.kr4.pk}"' not in page  # KR4's lands by itself
    assert f"If carried over: under {q4.a1_next.key} in 2027-Q1" in page
    for extra in ({}, HTMX):
        response = lead.post(url(q4), {"do": "carry", "key_result": "KR1",
                                       "decision": "carry_over", "reason": "Channel matters",
                                       "parent": ""}, **extra)
        body = response.content.decode()
        assert "O1 needs a parent in 2027-Q1" in body
        assert 'value="Channel matters"' in body  # what she typed is still there
    assert not CarryOver.objects.exists()
    response = lead.post(url(q4), {"do": "carry", "key_result": "KR1", "decision": "carry_over",
                                   "reason": "Channel matters", "parent": "P7"}, **HTMX)
    assert "Carry over" in response.content.decode()
    copy = CarryOver.objects.get(key_result=q4.kr_sales).carried_to
    assert copy.objective.parent_priority.key == "P7"
    # KR2 (same objective) now joins the twin: no picker any more.
    page = lead.get(url(q4)).content.decode()
    assert f'id="cp-{q4.kr_milestone.pk}"' not in page
    assert f"If carried over: joins {copy.objective.key} in 2027-Q1" in page
    response = lead.post(url(q4), {"do": "carry", "key_result": "KR4", "decision": "drop",
                                   "reason": "Service plans moved to ops"})
    assert response.status_code == 302 and response.url.endswith(f"#kr{q4.kr4.pk}")


def test_closing_early_shows_the_gates_reasons_and_needs_an_override(q4):
    services.accept_suggested(None, q4.quarter)
    for kr, parent in ((q4.kr_sales, "P7"), (q4.kr_milestone, None), (q4.kr4, None)):
        services.decide_carry_over(None, kr, decision="carry_over", reason="Go on",
                                   parent=parent)
    services.decide_carry_over(None, KeyResult.objects.get(key="KR3"), decision="drop",
                               reason="Done differently")
    office = client_for("office@acme.test")
    with clock.at(dt.date(2026, 12, 20)):
        page = office.get(url(q4)).content.decode()
        assert "the quarter runs until 2026-12-31 (today is 2026-12-20)" in page
        assert 'name="override_reason"' in page
        response = office.post(url(q4), {"do": "close", "override_reason": ""})
        assert "give the reason for overriding" in response.content.decode()
        assert Cycle.objects.get(pk=q4.quarter.pk).state == "active"
        response = office.post(url(q4), {"do": "close",
                                         "override_reason": "Board meets on the 21st"})
    assert response.status_code == 302
    assert Cycle.objects.get(pk=q4.quarter.pk).close_record.override_reason == \
        "Board meets on the 21st"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("close", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_line_lists_what_needs_a_parent_and_writes_nothing(q4):
    with clock.at(dt.date(2027, 1, 2)):
        out, _ = run("2026-Q4", "--dry-run", "--accept-suggested", "--carry-over", "unfinished")
        assert f"KR4 would be carried over: under {q4.a1_next.key} in 2027-Q1" in out
        assert "KR1 would be carried over: needs a parent in 2027-Q1" in out
        err = StringIO()
        with pytest.raises(CommandError) as error:
            call_command("close", "2026-Q4", "--accept-suggested", "--carry-over",
                         "unfinished", stdout=StringIO(), stderr=err)
        assert "nothing was written" in str(error.value)
        assert "KR1: O1 needs a parent in 2027-Q1" in err.getvalue()
        assert "KR3: O2 needs a parent in 2027-Q1" in err.getvalue()
        assert "--parent KEY=PARENT" in err.getvalue()
        assert not Grade.objects.exists() and not CarryOver.objects.exists()
        assert not Objective.objects.filter(cycle__key="2027-Q1").exists()
        out, _ = run("2026-Q4", "--accept-suggested", "--carry-over", "unfinished",
                     "--parent", "O1=P7", "--parent", "KR3=P7")
    assert "KR1: suggested grade 0.5 accepted" in out
    assert "KR4 carried over as" in out and f"under {q4.a1_next.key})" in out
    assert "2026-Q4 is closed." in out
    assert Cycle.objects.get(pk=q4.quarter.pk).state == "closed"
    assert CarryOver.objects.filter(decision="carry_over").count() == 4


def test_the_command_line_closes_early_only_with_an_override(q4):
    args = ("2026-Q4", "--accept-suggested", "--carry-over", "unfinished", "--parent", "O1=P7",
            "--parent", "O2=P7")
    with clock.at(dt.date(2026, 12, 20)):
        with pytest.raises(CommandError):
            call_command("close", *args, stdout=StringIO(), stderr=StringIO())
        assert not Grade.objects.exists()
        out, _ = run(*args, "--override", "Board meets on the 21st")
    assert "2026-Q4 is closed." in out
    assert q4.quarter.close_record.override_reason == "Board meets on the 21st"
    with pytest.raises(CommandError):
        call_command("close", "2026-Q4", "--parent", "nonsense", stdout=StringIO())


def test_the_api_accepts_suggestions_and_carries_over_with_parents(q4):
    office = ApiClient(org.create_token(None, q4.office))
    status = office.post(f"/closing/{q4.quarter.key}/accept-suggested").json()
    assert {r["key_result"]: r["grade"] for r in status["key_results"]} == {
        "KR1": 0.5, "KR2": 0.0, "KR3": 0.0, "KR4": 0.4}
    rows = {r["key_result"]: r for r in status["key_results"]}
    assert rows["KR1"]["needs_parent"] and not rows["KR4"]["needs_parent"]
    assert rows["KR4"]["landing"] == f"under {q4.a1_next.key} in 2027-Q1"
    response = office.post(f"/closing/{q4.quarter.key}/carry-over", {})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"parent"}
    assert not CarryOver.objects.exists()
    response = office.post("/key-results/KR1/carry-over", {
        "decision": "carry_over", "reason": "Channel matters", "parent": "P7"})
    assert response.status_code == 200
    status = office.post(f"/closing/{q4.quarter.key}/carry-over",
                         {"reason": "Next quarter", "parents": {"O2": "P7"}}).json()
    assert all(r["carry_over"] == "carry_over" for r in status["key_results"])
    assert status["blocking"] == []
