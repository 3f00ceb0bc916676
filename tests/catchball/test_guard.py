"""The catchball lock is a registered guard with an explicit authority; an agreement is
applied through the element's own services on that authority; `ElementAgreed` is published;
and every catchball message goes out on the channel each person chose."""

import pathlib

import pytest
from django.db import transaction

from hoshin.catchball import services as catchball
from hoshin.core import events, gates
from hoshin.core.errors import Conflict, PermissionDenied
from hoshin.notify.models import OutboxMessage, Preference, Rhythm
from hoshin.okrs import services as okrs
from hoshin.okrs.models import KeyResult
from hoshin.strategy import services as strategy
from hoshin.strategy.models import AnnualObjective

pytestmark = pytest.mark.django_db

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "hoshin"


def agreed_kr1(plan, target=35):
    thread = catchball.propose(plan.office, element="KR1", unit="sales", target=40)
    catchball.respond(plan.lead, thread, contribution="We can do it", target=target)
    catchball.accept(plan.office, thread)
    thread.refresh_from_db()
    return thread, KeyResult.objects.get(key="KR1")


def test_the_lock_is_a_registered_guard_and_no_plan_service_imports_catchball():
    assert gates._guards["catchball-lock"] is catchball.guard
    for path in ("okrs/services.py", "strategy/services.py"):
        assert "hoshin.catchball" not in (SRC / path).read_text()


def test_no_undecorated_service_calls_or_hidden_context_are_left_in_src():
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        assert "__wrapped__" not in text, path
        assert "_applying_agreement" not in text, path


def test_the_guard_without_authority_refuses_a_changed_agreed_value(plan):
    thread, kr = agreed_kr1(plan)
    with pytest.raises(Conflict) as refused:
        gates.check_guards(plan.lead, kr, {"target": 30})
    assert refused.value.errors[0].field == "target"
    assert f"catchball #{thread.pk}" in refused.value.errors[0].message
    gates.check_guards(plan.lead, kr, {"target": 35.0, "title": kr.title})  # unchanged
    gates.check_guards(plan.lead, kr, {"weight": 2})  # not locked
    gates.check_guards(plan.office, kr, {"target": 30})  # the office's edit overrides


def test_the_guard_with_an_agreement_lets_exactly_what_was_agreed_through(plan):
    thread, kr = agreed_kr1(plan)
    authority = gates.Agreement(thread)
    gates.check_guards(plan.lead, kr, {"target": 35.0, "title": kr.title}, authority)
    with pytest.raises(Conflict, match="not the target agreed"):
        gates.check_guards(plan.lead, kr, {"target": 30}, authority)
    with pytest.raises(Conflict, match="not the title agreed"):
        gates.check_guards(plan.lead, kr, {"title": "Something else"}, authority)
    # An agreement is about one element: it is no pass for another.
    other = KeyResult.objects.get(key="KR3")
    with pytest.raises(Conflict, match="agreed another element"):
        gates.check_guards(plan.lead, other, {"title": "Days to install"}, authority)
    # Through the service: the agreement cannot carry another value either.
    with pytest.raises(Conflict):
        okrs.save_key_result(plan.lead, kr, target=30, reason="x", authority=authority)
    assert KeyResult.objects.get(key="KR1").target == 35


def test_an_open_thread_is_no_authority(plan):
    thread = catchball.propose(plan.office, element="KR1", unit="sales", target=40)
    kr = KeyResult.objects.get(key="KR1")
    with pytest.raises(Conflict, match="is not agreed"):
        okrs.save_key_result(plan.lead, kr, target=40, reason="x",
                             authority=gates.Agreement(thread))


def test_an_agreement_is_applied_on_its_own_authority_and_credits_who_accepted(plan):
    # A unit lead does not edit annual objectives; agreeing one with the office does.
    annual = AnnualObjective.objects.get(key="A1")
    with pytest.raises(PermissionDenied):
        strategy.save_annual_objective(plan.lead, annual, title="Triple installations")
    thread = catchball.propose(plan.office, element="A1", unit="sales",
                               title="Triple installations")
    catchball.accept(plan.lead, thread)
    annual = AnnualObjective.objects.get(key="A1")
    assert annual.title == "Triple installations"
    assert annual.history.order_by("-history_date").first().history_user == plan.lead
    # The agreement was the authority for that change only, not a lasting right.
    with pytest.raises(PermissionDenied):
        strategy.save_annual_objective(plan.lead, annual, title="Double installations")


def test_agreeing_publishes_element_agreed(plan, monkeypatch):
    seen = []
    handlers = [*events._handlers.get(events.ElementAgreed, []), (seen.append, False)]
    monkeypatch.setitem(events._handlers, events.ElementAgreed, handlers)
    thread, kr = agreed_kr1(plan, target=33)
    [event] = seen
    assert event.thread.pk == thread.pk and event.element.pk == kr.pk
    assert event.actor == plan.office and event.version["target"] == 33
    assert ("hoshin.catchball.services.notices.tell_agreed"
            in events.subscribers(events.ElementAgreed))


def test_an_agreement_that_rolls_back_changes_nothing_and_tells_nobody(plan):
    thread = catchball.propose(plan.office, element="KR1", unit="sales", target=40)
    catchball.respond(plan.lead, thread, contribution="We can do it", target=30)
    told = OutboxMessage.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        catchball.accept(plan.office, thread)
        raise RuntimeError("the request failed after the accept")
    assert KeyResult.objects.get(key="KR1").target == 35
    assert OutboxMessage.objects.count() == told
    assert not OutboxMessage.objects.filter(subject__startswith="Catchball agreed").exists()


def test_a_person_who_chose_slack_hears_of_catchball_on_slack_not_email(plan):
    Rhythm.objects.create(slack_webhook_url="https://hooks.slack.test/services/T/B/x")
    Preference.objects.create(person=plan.lead, channel="slack", slack_user_id="U024BE7LH")
    Preference.objects.create(person=plan.other_lead, channel="none")
    thread = catchball.propose(plan.office, element="P1", unit="sales",
                               title="Sell through certified installers")
    [message] = OutboxMessage.objects.filter(recipient=plan.lead)
    assert message.channel == "slack" and message.kind == "catchball"
    # The address is sealed in the rhythm; the message names it, the sender reads it.
    assert message.address == "rhythm:slack_webhook_url"
    assert "<@U024BE7LH>" in str(message.payload)
    assert f"/catchball/{thread.pk}/" in str(message.payload)
    assert not OutboxMessage.objects.filter(address=plan.lead.email).exists()

    catchball.accept(plan.lead, thread)
    # The office (no choice made: email) and the lead (Slack) are both told of the agreement.
    agreed = OutboxMessage.objects.filter(subject__startswith="Catchball agreed")
    assert {(m.recipient, m.channel) for m in agreed} == {(plan.office, "email"),
                                                          (plan.lead, "slack")}
    # Someone who turned messages off hears nothing, catchball included.
    catchball.propose(plan.office, element="O2", unit="ops", title="Install much faster")
    assert not OutboxMessage.objects.filter(recipient=plan.other_lead).exists()
