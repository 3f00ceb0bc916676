"""Catchball: rounds alternate until one side accepts the other's version unchanged; the
agreement is applied to the element, locks it, and both sides are told by email."""

import datetime as dt

import pytest

from hoshin.catchball import services
from hoshin.catchball.models import Catchball, PlanningDeadline, Round
from hoshin.core.errors import Conflict, DomainError, PermissionDenied
from hoshin.notify.outbox import deliver_pending
from hoshin.notify.models import OutboxMessage
from hoshin.okrs.models import KeyResult
from hoshin.strategy.models import ImprovementPriority

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def mails_to(email):
    return list(OutboxMessage.objects.filter(address=email).values_list("subject", flat=True))


def test_full_exchange_with_a_counter_proposal_agrees_and_applies_the_version(plan, mailoutbox):
    thread = services.propose(plan.office, element="P1", unit="sales", target=40,
                              title="Sell through installers nationwide", today=TODAY)
    assert thread.waiting_on == "unit" and thread.state == "open"
    assert thread.proposer_unit is None  # the office speaks for itself
    assert mails_to("lead@acme.test") == [
        "Catchball: Oscar Office proposes P1 to Sales"]

    answer = services.respond(plan.lead, thread, contribution="Two installer partners a month",
                              needs_people="1 channel manager", needs_budget="20k",
                              help_from=["ops"], conflicts="Q2 price change", target=30)
    thread.refresh_from_db()
    assert thread.waiting_on == "proposer" and thread.version_by == "unit"
    assert [u.key for u in answer.help_from.all()] == ["ops"]
    assert answer.title == "Sell through installers nationwide" and answer.target == 30
    assert "Counter-proposal" in OutboxMessage.objects.filter(
        address="office@acme.test").get().text

    services.accept(plan.office, thread, comment="Agreed, with the channel manager")
    thread.refresh_from_db()
    assert thread.state == "agreed" and thread.closed_at is not None
    priority = ImprovementPriority.objects.get(key="P1")
    assert priority.title == "Sell through installers nationwide"
    assert [r.kind for r in thread.rounds.all()] == ["propose", "respond", "accept"]
    assert services.agreement_for(priority) == thread
    # Both sides are told of the agreement; the worker sends everything queued.
    assert "Catchball agreed: P1 with Sales" in mails_to("lead@acme.test")
    assert "Catchball agreed: P1 with Sales" in mails_to("office@acme.test")
    assert deliver_pending() == 4
    assert {m.to[0] for m in mailoutbox} == {"lead@acme.test", "office@acme.test"}
    assert "/catchball/%d/" % thread.pk in mailoutbox[0].body


def test_a_side_cannot_accept_its_own_version_and_turns_alternate(plan):
    thread = services.propose(plan.office, element="P1", unit="sales", target=40, today=TODAY)
    with pytest.raises(Conflict, match="turn"):
        services.accept(plan.office, thread)
    services.respond(plan.lead, thread, contribution="We can do it", needs_time="6 weeks")
    with pytest.raises(Conflict, match="your own"):
        # no counter-proposal: the version is still the office's own
        services.accept(plan.office, thread)
    with pytest.raises(Conflict, match="turn"):
        services.respond(plan.lead, thread, contribution="again")
    services.revise(plan.office, thread, comment="You get the six weeks")
    services.accept(plan.lead, thread)
    thread.refresh_from_db()
    assert thread.state == "agreed"
    assert [r.kind for r in thread.rounds.all()] == ["propose", "respond", "revise", "accept"]
    with pytest.raises(Conflict):
        services.withdraw(plan.office, thread)


def test_agreed_key_result_target_is_applied_with_the_reason_in_its_history(plan):
    thread = services.propose(plan.lead, element="KR1", unit="ops", target=40, today=TODAY)
    assert thread.proposer_unit.key == "sales"  # a lead proposes for their own unit
    services.respond(plan.other_lead, thread, target=38, comment="38 is realistic")
    services.accept(plan.lead, thread)
    kr = KeyResult.objects.get(key="KR1")
    assert kr.target == 38
    latest = kr.history.order_by("-history_date").first()
    assert "agreed in catchball" in latest.history_change_reason
    assert latest.history_user == plan.lead


def test_an_invalid_agreed_target_rolls_everything_back(plan):
    # KR3 decreases from 30; a target above the baseline breaks its rule.
    with pytest.raises(DomainError) as err:
        services.propose(plan.office, element="KR3", unit="ops", target=45, today=TODAY)
    assert err.value.errors[0].field == "target"
    assert not Catchball.objects.exists()


def test_permissions_of_each_side(plan):
    with pytest.raises(PermissionDenied):
        services.propose(plan.member, element="P1", unit="sales", today=TODAY)
    with pytest.raises(PermissionDenied):
        services.propose(plan.viewer, element="P1", unit="sales", today=TODAY)
    with pytest.raises(PermissionDenied):  # ops lead has no say on an office proposal to sales
        services.propose(plan.other_lead, element="A1", unit="sales", today=TODAY)
    thread = services.propose(plan.office, element="A1", unit="sales", today=TODAY)
    for outsider in (plan.other_lead, plan.member, plan.viewer, plan.office):
        with pytest.raises(PermissionDenied):
            services.respond(outsider, thread, contribution="x")
    with pytest.raises(PermissionDenied):
        services.withdraw(plan.lead, thread)
    # The lead delegates; the delegate answers.
    services.delegate(plan.lead, thread, person="member@acme.test")
    assert "Catchball: you answer for Sales on A1" in mails_to("member@acme.test")
    services.respond(plan.member, thread, contribution="Mia answers for Sales")
    assert services.awaiting_answer(plan.member, TODAY) == []
    with pytest.raises(DomainError):
        services.delegate(plan.lead, thread, person="viewer@acme.test")


def test_one_open_thread_per_element_and_unit_and_validation(plan):
    services.propose(plan.office, element="O1", unit="sales", today=TODAY)
    with pytest.raises(DomainError, match="already in catchball"):
        services.propose(plan.office, element="O1", unit="sales", today=TODAY)
    services.propose(plan.office, element="O1", unit="ops", today=TODAY)  # another unit: fine
    with pytest.raises(DomainError) as err:
        services.propose(plan.office, element="O1", unit="nowhere", today=TODAY)
    assert err.value.errors[0].field == "unit"
    with pytest.raises(DomainError) as err:
        services.propose(plan.office, element="NOPE", unit="sales", today=TODAY)
    assert err.value.errors[0].field == "element"
    with pytest.raises(DomainError) as err:
        services.propose(plan.office, element="A1", unit="ops", title="  ", target="lots",
                         today=TODAY)
    assert {e.field for e in err.value.errors} == {"title", "target"}
    thread = services.propose(plan.office, element="A1", unit="sales", today=TODAY)
    with pytest.raises(DomainError) as err:
        services.respond(plan.lead, thread)  # an empty answer says nothing
    assert err.value.errors[0].field == "contribution"
    with pytest.raises(DomainError) as err:
        services.respond(plan.lead, thread, contribution="x", help_from=["mars"])
    assert err.value.errors[0].field == "help_from"
    assert Round.objects.filter(catchball=thread).count() == 1


def test_respond_by_comes_from_the_planning_calendar_and_overdue_sorts_first(plan):
    year = plan.year
    services.set_deadline(plan.office, cycle=year.key, what="catchball_response",
                          due=dt.date(TODAY.year, 3, 10))
    services.set_deadline(plan.office, cycle=year.key, what="catchball_agreement",
                          due="%d-03-20" % TODAY.year)
    with pytest.raises(PermissionDenied):
        services.set_deadline(plan.lead, cycle=year.key, what="catchball_response", due=TODAY)
    with pytest.raises(DomainError):
        services.set_deadline(plan.office, cycle=year.key, what="lunch", due="soon")
    plan_year = ImprovementPriority.objects.get(key="P1").year
    a1 = services.propose(plan.office, element="A1", unit="sales", today=TODAY)
    if plan_year == TODAY.year:
        assert a1.respond_by == dt.date(TODAY.year, 3, 10)
    p1 = services.propose(plan.office, element="P1", unit="sales", today=TODAY,
                          respond_by=dt.date(2026, 3, 5))
    later = dt.date(2026, 3, 7)
    inbox = services.awaiting_answer(plan.lead, later)
    assert inbox[0] == p1 and inbox[0].overdue
    assert [t.pk for t in services.waiting_on_others(plan.office, later)] == [p1.pk, a1.pk]
    [row] = services.overview(later)
    assert row["unit"].key == "sales" and row["overdue"] == 1 and row["unanswered"] == 2
    assert PlanningDeadline.objects.count() == 2


def test_awaiting_count_is_one_query(plan, django_assert_num_queries):
    services.propose(plan.office, element="A1", unit="sales", today=TODAY)
    services.propose(plan.office, element="P1", unit="sales", today=TODAY)
    with django_assert_num_queries(1):
        assert services.awaiting_count(plan.lead) == 2
    with django_assert_num_queries(1):
        assert services.awaiting_count(plan.office) == 0


def test_agreed_elements_are_locked_unless_the_office_overrides(plan):
    thread = services.propose(plan.office, element="P1", unit="sales", title="New title",
                              today=TODAY)
    priority = ImprovementPriority.objects.get(key="P1")
    services.check_change(plan.lead, priority, title="Anything")  # open: not locked yet
    assert services.in_catchball([priority]) == {("priority", priority.pk): "in catchball"}
    services.accept(plan.lead, thread)
    priority.refresh_from_db()
    services.check_change(plan.lead, priority, title="New title")  # unchanged passes
    with pytest.raises(Conflict) as err:
        services.check_change(plan.lead, priority, title="Changed behind their back")
    assert err.value.errors[0].field == "title"
    with pytest.raises(PermissionDenied):
        services.check_change(plan.lead, priority, title="x", override=True)
    services.check_change(plan.office, priority, title="x", override=True)
    assert services.in_catchball([priority]) == {("priority", priority.pk):
                                                 "agreed in catchball"}


def test_withdraw_tells_the_unit_and_frees_the_element(plan):
    thread = services.propose(plan.office, element="P1", unit="sales", today=TODAY)
    services.withdraw(plan.office, thread, comment="Dropped from the plan")
    thread.refresh_from_db()
    assert thread.state == "withdrawn"
    assert "Catchball withdrawn: P1" in mails_to("lead@acme.test")
    services.propose(plan.office, element="P1", unit="sales", today=TODAY)  # allowed again


def test_thread_rounds_show_what_changed(plan):
    thread = services.propose(plan.office, element="P1", unit="sales", target=40, today=TODAY)
    services.respond(plan.lead, thread, target=30, title="Sell via installers",
                     needs_people="2")
    rows = services.thread_rounds(thread)
    assert rows[0]["changes"] == []
    assert rows[1]["changes"] == [
        {"field": "title", "old": "Sell through installers", "new": "Sell via installers"},
        {"field": "target", "old": "40", "new": "30"}]


def test_a_team_lead_plays_catchball_with_their_team_through_a_member(plan):
    with pytest.raises(DomainError) as err:
        services.propose(plan.lead, element="KR1", unit="sales", today=TODAY)
    assert err.value.errors[0].field == "delegate"
    thread = services.propose(plan.lead, element="KR1", unit="sales", target=36,
                              delegate="member@acme.test", today=TODAY)
    assert mails_to("member@acme.test") == ["Catchball: Lea Lead proposes KR1 to Sales"]
    assert mails_to("lead@acme.test") == []
    assert services.awaiting_answer(plan.lead, TODAY) == []  # the lead asked; Mia answers
    with pytest.raises(Conflict, match="receiving unit's turn"):
        services.accept(plan.lead, thread)  # the lead is the proposer here, not the unit
    services.accept(plan.member, thread)
    assert KeyResult.objects.get(key="KR1").target == 36
