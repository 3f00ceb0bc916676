"""Where trade-offs come from (issue #14 item 4): a review's deprioritisation, a catchball
agreement that makes room and the portfolio's stopping or pausing of an initiative each
write a register entry as the person deciding, with their rights, the items linked and
the people told; the decision and the entry are written together or not at all."""

import pytest
from django.test import Client

from hoshin.catchball import services as catchball
from hoshin.catchball.models import Catchball
from hoshin.core.errors import DomainError, PermissionDenied
from hoshin.notify.models import OutboxMessage
from hoshin.okrs import services as okrs
from hoshin.okrs.models import Initiative, TradeOff
from hoshin.org import services as org
from hoshin.portfolio import services as portfolio
from hoshin.reviews import services as reviews
from hoshin.reviews.models import Decision
from tests.api.conftest import ApiClient
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_review_deprioritisation_is_an_entry_of_the_lead_who_decided(plan):
    review = reviews.schedule_reviews(None, plan.quarter)[0]
    item = reviews.add_item(plan.lead, review, title="Installer share slipping",
                            key_result="KR1")
    reviews.decide(plan.lead, item, kind="deprioritise", rationale="Crews go to installs",
                   trade_off="slowed", told_people=[plan.office.email])
    entry = TradeOff.objects.get()
    assert (entry.source, entry.kind, entry.decided_by) == ("review", "slowed", plan.lead)
    assert [k.key for k in entry.key_results.all()] == ["KR1"] and entry.unit.key == "sales"
    assert "Crews go to installs" in entry.reason and str(review) in entry.source_note
    # The key result's owner and the office named are told; the lead decided, so is not.
    told = set(OutboxMessage.objects.filter(kind="trade-off")
               .values_list("recipient__email", flat=True))
    assert told == {plan.member.email, plan.office.email}
    # Another unit's key result: the lead may not decide it, and nothing is written.
    other = reviews.add_item(plan.office, review, title="Install time", key_result="KR3")
    with pytest.raises(PermissionDenied):
        reviews.decide(plan.lead, other, kind="deprioritise", rationale="x")
    assert TradeOff.objects.count() == 1 and not Decision.objects.filter(item=other).exists()


def test_a_catchball_agreement_writes_what_it_makes_room_for(plan):
    thread = catchball.propose(plan.office, element="KR1", unit="sales", target=40)
    # Without its reason the trade-off is refused, and so is the acceptance with it.
    with pytest.raises(DomainError) as caught:
        catchball.accept(plan.lead, thread, trade_off="Pause the partner webinars")
    assert {e.field for e in caught.value.errors} == {"trade_off_reason"}
    thread.refresh_from_db()
    assert thread.state == Catchball.State.OPEN and not TradeOff.objects.exists()
    catchball.accept(plan.lead, thread, trade_off="Pause the partner webinars",
                     trade_off_kind="paused", trade_off_reason="The target of 40 needs the "
                                                               "webinar team on installers")
    thread.refresh_from_db()
    assert thread.state == Catchball.State.AGREED
    entry = TradeOff.objects.get()
    assert (entry.source, entry.decided_by, entry.unit.key) == ("catchball", plan.lead, "sales")
    assert [k.key for k in entry.key_results.all()] == ["KR1"]
    assert f"#{thread.pk}" in entry.source_note
    assert plan.office in entry.told_people.all()
    assert OutboxMessage.objects.filter(kind="trade-off", recipient=plan.office).exists()


def test_stopping_an_initiative_in_the_portfolio_needs_its_reason_and_is_registered(plan):
    started = okrs.save_initiative(None, key="I1", key_result="KR1", title="Installer portal",
                                   owner=plan.member.email, status="in_progress")
    with pytest.raises(DomainError) as caught:
        portfolio.change_status(plan.lead, started, status="cancelled")
    assert {e.field for e in caught.value.errors} == {"reason"}
    assert Initiative.objects.get(key="I1").status == "in_progress"
    portfolio.change_status(plan.lead, Initiative.objects.get(key="I1"), status="not_started",
                            reason="Portal waits for the installer contract")
    paused = TradeOff.objects.get()
    assert (paused.kind, paused.source, paused.decided_by) == ("paused", "portfolio", plan.lead)
    assert [i.key for i in paused.initiatives.all()] == ["I1"]
    assert plan.member in paused.told_people.all()
    # Other changes write nothing; an unrelated unit's lead may not stop it at all.
    portfolio.change_status(plan.lead, Initiative.objects.get(key="I1"), status="in_progress")
    assert TradeOff.objects.count() == 1
    with pytest.raises(PermissionDenied):
        portfolio.change_status(plan.other_lead, Initiative.objects.get(key="I1"),
                                status="cancelled", reason="Not mine to stop")
    api = ApiClient(org.create_token(None, plan.lead))
    stopped = api.post("/portfolio/initiatives/I1/status",
                       {"status": "cancelled", "reason": "The contract fell through"})
    assert stopped.status_code == 200, stopped.content
    entry = TradeOff.objects.get(pk=stopped.json()["trade_off"])
    assert (entry.kind, entry.reason) == ("stopped", "The contract fell through")
    # The flow page's form carries the reason too.
    okrs.save_initiative(None, key="I2", key_result="KR1", title="Webinars",
                         status="in_progress")
    client = Client()
    client.login(username=plan.lead.email, password=PASSWORD)
    client.post("/portfolio/initiatives/I2/status/", {"status": "cancelled", "reason": ""})
    assert Initiative.objects.get(key="I2").status == "in_progress"
    client.post("/portfolio/initiatives/I2/status/", {"status": "cancelled",
                                                      "reason": "Nobody signs up"})
    assert Initiative.objects.get(key="I2").status == "cancelled"
    assert TradeOff.objects.filter(initiatives__key="I2", kind="stopped").exists()


def test_the_thread_page_accepts_with_a_trade_off(plan):
    thread = catchball.propose(plan.office, element="KR1", unit="sales", target=40)
    client = Client()
    client.login(username=plan.lead.email, password=PASSWORD)
    refused = client.post(f"/catchball/{thread.pk}/", {
        "action": "accept", "accept-trade_off": "Pause the partner webinars"})
    assert refused.status_code == 400 and "Pause the partner webinars" in refused.content.decode()
    assert not TradeOff.objects.exists()
    client.post(f"/catchball/{thread.pk}/", {
        "action": "accept", "accept-trade_off": "Pause the partner webinars",
        "accept-trade_off_kind": "slowed", "accept-trade_off_reason": "Room for installers"})
    thread.refresh_from_db()
    assert thread.state == Catchball.State.AGREED
    assert TradeOff.objects.get().kind == "slowed"
