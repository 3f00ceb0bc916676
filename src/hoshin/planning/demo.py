"""Planning data for the demo company (Kestrel Heat Pumps, loaded by `hoshin demo`): a
readiness survey of the year (closed) and one for the next quarter (open, a little better),
a closed alignment round for the next quarter where the executives mostly agree, the next
quarter as a draft waiting for the gate, and the briefs' success, risks and constraints.

Call `load_demo(today)` after the demo plan is imported, with the same `today`. It is
deterministic and does nothing it has already done. The demo's people are found by name
among the people the plan file loaded, and named to the services by their email."""

from __future__ import annotations

import datetime as dt

from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle
from hoshin.org.models import Person
from hoshin.planning import readiness, services
from hoshin.planning.models import AlignmentRound

CEO = "Maren Okafor"
DIVISION_LEADS = ("Henrik Dahl", "Grace Mbeki", "Daniel Ferreira", "Aisha Rahman")
OFFICE = ("Tobias Lindqvist", "Priya Raman")

# Each leader's answer profile: a base answer per dimension (before reverse scoring).
_YEAR_PROFILES = {
    CEO: {"clarity": 5, "alignment": 4, "overload": 2, "trust": 4},
    "Henrik Dahl": {"clarity": 4, "alignment": 3, "overload": 2, "trust": 3},
    "Grace Mbeki": {"clarity": 3, "alignment": 2, "overload": 1, "trust": 3},
    "Daniel Ferreira": {"clarity": 4, "alignment": 3, "overload": 2, "trust": 2},
    "Aisha Rahman": {"clarity": 3, "alignment": 3, "overload": 3, "trust": 4},
}
_NEXT_PROFILES = {
    CEO: {"clarity": 5, "alignment": 4, "overload": 3, "trust": 4},
    "Henrik Dahl": {"clarity": 4, "alignment": 4, "overload": 3, "trust": 4},
    "Grace Mbeki": {"clarity": 4, "alignment": 3, "overload": 2, "trust": 3},
    "Daniel Ferreira": {"clarity": 4, "alignment": 4, "overload": 3, "trust": 3},
}
# Candidate priorities for the next quarter and each executive's order (1 = first).
_CANDIDATES = ["A1", "A2", "A4", "A3", "Open a second install hub in the north"]
_RANKS = {
    CEO: [1, 2, 3, 4, 5],
    "Henrik Dahl": [2, 1, 3, 5, 4],
    "Grace Mbeki": [1, 3, 4, 2, 5],
    "Daniel Ferreira": [1, 2, 3, 4, 5],
    "Aisha Rahman": [2, 3, 1, 4, 5],
}
_BRIEF = {
    "success": "Every quarter theme shows in the numbers by week 12: installs inside six "
               "weeks, the K2 pilot homes running quiet, and Kestrel Care selling itself to "
               "the installed base.",
    "risks": "Winter demand peaks while installers are still being certified; a component "
             "shortage from the compressor supplier; Kestrel Care cannibalising one-off "
             "service visits.",
    "constraints": "No new hires outside installation; capital spend frozen at last year's "
                   "level until the K2 pilot reports.",
}


def _answers(profile: dict[str, int], nudge: int) -> dict[str, int]:
    """Answers from a profile: agreeing statements at the base, reversed ones mirrored, with a
    small deterministic wobble so leaders differ statement by statement."""
    out = {}
    for i, q in enumerate(readiness.QUESTIONS):
        base = profile[q.dimension]
        value = 6 - base if q.reverse else base
        if (i + nudge) % 5 == 0:
            value += 1 if value < 5 else -1
        out[q.key] = value
    return out


def _next_quarter(today: dt.date) -> tuple[str, dt.date, dt.date]:
    q = (today.month - 1) // 3 + 1
    year, q = (today.year + 1, 1) if q == 4 else (today.year, q + 1)
    start = dt.date(year, 3 * q - 2, 1)
    end = (dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1))
    return f"{year}-Q{q}", start, end


def load_demo(today: dt.date) -> None:
    people = {p.name: p for p in Person.objects.filter(
        name__in=[CEO, *DIVISION_LEADS, *OFFICE])}
    if len(people) < 7:
        return  # not the demo company
    year = Cycle.objects.filter(key=str(today.year)).first()
    current = Cycle.objects.filter(kind=Cycle.Kind.QUARTER, start__lte=today,
                                   end__gte=today).first()
    key, start, end = _next_quarter(today)
    nxt = Cycle.objects.filter(key=key).first() or okrs.save_cycle(
        None, key=key, name=f"Q{key[-1]} {key[:4]}", kind="quarter", start=start, end=end)

    if year is not None and services.survey_for(year) is None:
        survey = services.open_survey(None, year)
        for i, (name, profile) in enumerate(_YEAR_PROFILES.items()):
            services.save_response(None, survey, _answers(profile, i),
                                   respondent=people[name].email)
        services.close_survey(None, survey)
    if services.survey_for(nxt) is None:
        survey = services.open_survey(None, nxt)
        for i, (name, profile) in enumerate(_NEXT_PROFILES.items()):
            services.save_response(None, survey, _answers(profile, i + 2),
                                   respondent=people[name].email)

    if not AlignmentRound.objects.filter(cycle=nxt).exists():
        round_ = services.open_round(
            None, nxt, title=f"Priorities for {nxt.key}", items=list(_CANDIDATES),
            executives=[people[n].email for n in _RANKS])
        items = [i.pk for i in round_.items.order_by("order")]
        for name, order in _RANKS.items():
            services.save_ranking(None, round_, dict(zip(items, order, strict=True)),
                                  executive=people[name].email)
        services.close_round(None, round_)

    for cycle in (current, nxt):
        if cycle is not None and cycle.state != Cycle.State.CLOSED:
            services.save_brief(None, cycle, **_BRIEF)
