"""The demo organisation loaded once per test module, for the permission matrices.

Loading the demo takes seconds; a matrix makes hundreds of requests. So each module loads
it once, inside one transaction that is rolled back when the module ends, and every test
runs in a savepoint inside it (pytest-django's `db`), so a write one test makes is undone
before the next. The demo is built around DAY, and every test runs on that day.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import transaction

from hoshin.core import clock

DAY = dt.date(2026, 11, 20)

# The people of the matrix, by the part they play (SPEC §10). The key result, objective,
# review item and catchball thread each test acts on all belong to the Sales unit.
PERSONAS = ("admin", "office", "executive", "lead_in", "lead_out", "owner", "member",
            "viewer", "anonymous")


@dataclass
class World:
    people: dict = field(default_factory=dict)  # persona -> Person (anonymous absent)
    tokens: dict = field(default_factory=dict)  # persona -> raw API token
    ids: dict = field(default_factory=dict)     # what the requests name: keys and ids


def _build_world() -> World:
    from hoshin.catchball.services import threads
    from hoshin.okrs import services as okrs
    from hoshin.okrs.models import Cycle, KeyResult, TradeOff
    from hoshin.org import services as org
    from hoshin.org.models import Person, Role, Unit
    from hoshin.pdca import services as pdca
    from hoshin.planning.models import AlignmentRound
    from hoshin.reviews import services as reviews
    from hoshin.reviews.models import Review
    from hoshin.strategy.models import AnnualObjective, Breakthrough, ImprovementPriority, Metric

    world = World()
    sales = Unit.objects.get(key="sales")
    kr = (KeyResult.objects.filter(objective__unit=sales, objective__cycle__key="2026-Q4",
                                   archived_at__isnull=True)
          .select_related("objective", "owner").order_by("key").first())
    round_ = AlignmentRound.objects.order_by("-pk").first()
    # An executive who ranks in the alignment round but leads a unit outside Sales.
    executive = round_.executives.filter(role=Role.UNIT_LEAD).exclude(
        led_units__key__in=["sales", "commercial"]).order_by("email").first()
    busy = set(KeyResult.objects.values_list("owner_id", flat=True))
    leads = set(Unit.objects.exclude(lead=None).values_list("lead_id", flat=True))
    world.people = {
        "admin": Person.objects.filter(role=Role.ADMIN).order_by("pk").first(),
        "office": Person.objects.filter(role=Role.STRATEGY_OFFICE).order_by("pk").first(),
        "executive": executive,
        "lead_in": sales.lead,
        "lead_out": Unit.objects.get(key="manufacturing").lead,
        "owner": kr.owner,
        "member": Person.objects.filter(role=Role.MEMBER).exclude(pk__in=busy | leads)
        .exclude(memberships__unit=sales).order_by("email").first(),
        "viewer": Person.objects.filter(role=Role.VIEWER).order_by("email").first(),
    }
    assert all(world.people.values()), world.people
    for persona, person in world.people.items():
        world.tokens[persona] = org.create_token(None, person, f"matrix {persona}")
    spare = org.create_token(None, kr.owner, "spare")

    quarter = Cycle.objects.get(key="2026-Q4")
    review = Review.objects.filter(cycle=quarter, state=Review.State.OPEN).order_by("date").first()
    item = reviews.add_item(None, review, title="Sales pipeline slipping",
                            key_result=kr.key)
    action = reviews.add_action(None, review, title="Call the top ten leads",
                                owner=kr.owner.email, due=DAY + dt.timedelta(days=7))
    manufacturing_kr = KeyResult.objects.filter(
        objective__unit__key="manufacturing", objective__cycle=quarter).order_by("key").first()
    dependency = okrs.request_dependency(None, key_result=manufacturing_kr.key,
                                         providing_unit="sales",
                                         description="Forecast of heat-pump orders")
    countermeasure = pdca.open_countermeasure(None, problem="Leads go cold",
                                              key_result=kr.key, owner=kr.owner.email)
    learning = pdca.create_learning(None, title="Call back within a day",
                                    worked="Leads called the same day signed twice as often")
    draft = Cycle.objects.get(key="2027-Q1")
    from hoshin.planning import session_services

    if session_services.session_for(draft) is None:
        session_services.open_session(None, draft)
    commercial = Unit.objects.get(key="commercial")
    thread = threads.propose(None, element=kr.objective, unit=sales, proposer_unit=commercial.key,
                             proposer=commercial.lead)
    from hoshin.reviews.models import CalendarFeed

    feed, _ = CalendarFeed.objects.get_or_create(person=kr.owner)
    world.ids = {
        "kr": kr.key, "objective": kr.objective.key,
        "kr_out": manufacturing_kr.key, "objective_out": manufacturing_kr.objective.key,
        "unit": "sales", "quarter": quarter.key,
        "year": 2026, "year_cycle": "2026", "draft": draft.key,
        "review": review.pk, "item": item.pk, "action": action.pk,
        "dependency": dependency.key, "countermeasure": countermeasure.pk,
        "learning": learning.pk, "round": round_.pk, "thread": thread.pk,
        "initiative": kr.initiatives.order_by("key").values_list("key", flat=True).first(),
        "breakthrough": Breakthrough.objects.order_by("key").first().key,
        "annual": AnnualObjective.objects.order_by("key").first().key,
        "priority": ImprovementPriority.objects.filter(unit=sales).order_by("key").first().key
        if ImprovementPriority.objects.filter(unit=sales).exists()
        else ImprovementPriority.objects.order_by("key").first().key,
        "metric": Metric.objects.order_by("key").first().key,
        "member": world.people["member"].email, "owner_email": kr.owner.email,
        # Someone who is none of the personas: Commercial's lead.
        "outsider": Unit.objects.get(key="commercial").lead.email,
        "spare_token": spare[:10],
        "calendar": feed.token, "member_pk": world.people["member"].pk,
        "sales_dependency": dependency.key,
        "trade_off": TradeOff.objects.filter(superseded_by__isnull=True, source="brief")
        .order_by("pk").values_list("pk", flat=True).first(),
    }
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), clock.at(DAY):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("demo", "--today", DAY.isoformat(), "--no-migrate",
                         stdout=io.StringIO(), stderr=io.StringIO())
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _on_the_demo_day(request):
    """Tests on the demo run on its day; the others on the real one."""
    if "world" not in request.fixturenames:
        yield
        return
    with clock.at(DAY):
        yield
