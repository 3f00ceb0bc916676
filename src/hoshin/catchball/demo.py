"""Catchball threads for the demo company (Kestrel Heat Pumps, loaded by `hoshin demo`): one
agreed after a counter-proposal, one waiting on the strategy office, one overdue with a
team, one on a key result, one withdrawn; and the year's planning calendar.

Call `load_demo(today)` after the demo plan is imported, with the same `today`. It is
deterministic and does nothing once the demo has threads. The demo's people are found by
name among the people the plan file loaded."""

from __future__ import annotations

import datetime as dt

from hoshin.catchball import services
from hoshin.catchball.models import Catchball
from hoshin.okrs.models import Cycle, KeyResult
from hoshin.org.models import Person
from hoshin.strategy.models import ImprovementPriority

OFFICE = ("Tobias Lindqvist", "Priya Raman")
LEADS = ("Hannah Whitfield", "Nadia Kowalski", "Grace Mbeki", "Kwame Asante",
         "Daniel Ferreira", "Jonas Weber")


def load_demo(today: dt.date) -> None:
    names = (*OFFICE, *LEADS)
    people = {p.name: p for p in Person.objects.filter(name__in=names)}
    if len(people) < len(names) or Catchball.objects.exists():
        return  # not the demo company, or already loaded
    if not ImprovementPriority.objects.filter(key__in=["P1", "P3", "P10"]).count() == 3:
        return
    tobias, priya = people["Tobias Lindqvist"], people["Priya Raman"]
    year = Cycle.objects.filter(key=str(today.year), kind=Cycle.Kind.YEAR).first()
    if year is not None:
        services.set_deadline(None, cycle=year.key, what="catchball_response",
                              due=today + dt.timedelta(days=7),
                              note="Units answer every proposal of the annual plan")
        services.set_deadline(None, cycle=year.key, what="catchball_agreement",
                              due=today + dt.timedelta(days=21),
                              note="The annual plan is locked at the planning offsite")

    # Agreed after a counter-proposal: Sales can quote 45%, not 60%, in one visit.
    agreed = services.propose(tobias, element="P3", unit="sales", target=60, today=today,
                              comment="Can Sales quote three in five homes in one visit?")
    services.respond(people["Hannah Whitfield"], agreed,
                     contribution="Every surveyor trained on the remote tool by March",
                     needs_people="One survey coach for the first quarter",
                     needs_budget="18k for tablets", help_from=["people-it"],
                     conflicts="The spring price list launch takes the team for two weeks",
                     target=45, comment="60% is not realistic before the tool's v2")
    services.accept(tobias, agreed, comment="45% it is; the coach is approved")

    # Waiting on the office: People & IT says what it needs, no counter-proposal.
    asked = services.propose(priya, element="P10", unit="people-it", target=24, today=today)
    services.respond(people["Nadia Kowalski"], asked,
                     contribution="Two certification cohorts of twelve",
                     needs_budget="40k for the training rig", needs_time="Cohort two in Q3",
                     help_from=["installation"])

    # Overdue: Operations asked Installation Services and has heard nothing yet.
    services.propose(people["Grace Mbeki"], element="P1", unit="installation", target=70,
                     today=today - dt.timedelta(days=12),
                     respond_by=today - dt.timedelta(days=2),
                     comment="Two-day installs for 70% of jobs by year end?")

    # A key result proposed down to a team.
    kr = (KeyResult.objects.filter(objective__unit__key="sales", archived_at__isnull=True,
                                   objective__cycle__start__lte=today,
                                   objective__cycle__end__gte=today,
                                   kind__in=["increase", "decrease"])
          .order_by("id").first())
    if kr is not None:
        services.propose(people["Daniel Ferreira"], element=kr, unit="marketing", today=today,
                         comment="Marketing's leads feed this; can you commit to it with us?")

    # Withdrawn: the office dropped a proposal after the executive alignment test.
    dropped = services.propose(tobias, element="A4", unit="marketing", today=today)
    services.withdraw(tobias, dropped, comment="Moved to next year after the alignment test")
