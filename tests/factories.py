"""A small, complete plan built through the services, for tests of every app.

    plan = build_plan()
    plan.kr_sales.key  # "KR1"

Everything is created with actor=None (the system), so tests choose the actor they
want to check permissions for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hoshin.okrs import services as okrs
from hoshin.okrs.models import Cycle, KeyResult, Objective
from hoshin.org import services as org
from hoshin.org.models import Organization, Person
from hoshin.strategy import services as strategy

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Plan:
    admin: Person
    office: Person
    lead: Person  # leads "sales"
    other_lead: Person  # leads "ops"
    member: Person  # owns kr_sales
    viewer: Person
    year: Cycle
    quarter: Cycle
    objective: Objective
    kr_sales: KeyResult
    kr_milestone: KeyResult
    ops_objective: Objective


def person(email: str, role: str, name: str | None = None, units=()) -> Person:
    return org.create_person(None, email=email, name=name or email.split("@")[0].title(),
                             role=role, password=PASSWORD, units=list(units))


def build_plan(today: dt.date | None = None) -> Plan:
    today = today or dt.date.today()
    Organization.objects.update_or_create(pk=1, defaults={"name": "Acme Inc.",
                                                          "fiscal_year_start": 1})
    admin = person("admin@acme.test", "admin", "Ana Admin")
    office = person("office@acme.test", "strategy_office", "Oscar Office")
    lead = person("lead@acme.test", "unit_lead", "Lea Lead")
    other_lead = person("opslead@acme.test", "unit_lead", "Otto Ops")
    member = person("member@acme.test", "member", "Mia Member")
    viewer = person("viewer@acme.test", "viewer", "Vic Viewer")
    org.create_unit(None, key="acme", name="Acme Inc.", lead=admin.email)
    org.create_unit(None, key="sales", name="Sales", parent="acme", lead=lead.email)
    org.create_unit(None, key="ops", name="Operations", parent="acme", lead=other_lead.email)
    org.update_person(None, member, units=["sales"])

    strategy.set_vision(None, statement="Every home heated without fossil fuel", horizon=2030,
                        customer_ideal="Warm, cheap, silent")
    strategy.save_breakthrough(None, key="B1", title="Lead the heat-pump market", horizon=2029)
    year_no = today.year
    strategy.save_annual_objective(None, key="A1", year=year_no, title="Double installations",
                                   breakthroughs={"B1": "strong"})
    strategy.save_improvement_priority(
        None, key="P1", year=year_no, unit="sales", title="Sell through installers",
        annual_objectives={"A1": "strong"}, resources={lead.email: "primary", "ops": "secondary"})
    strategy.save_metric(None, key="M1", title="Installations per month", unit="#",
                         direction="increase", baseline=100, target=200,
                         priorities={"P1": "important"})

    q = (today.month - 1) // 3
    q_start = dt.date(year_no, 3 * q + 1, 1)
    q_end = (dt.date(year_no + (q == 3), (3 * q + 3) % 12 + 1, 1) - dt.timedelta(days=1))
    year = okrs.save_cycle(None, key=str(year_no), kind="year", start=dt.date(year_no, 1, 1),
                           end=dt.date(year_no, 12, 31))
    quarter = okrs.save_cycle(None, key=f"{year_no}-Q{q + 1}", kind="quarter", start=q_start,
                              end=q_end)
    # Test data starts in its running quarter, as an imported plan does (the importer
    # creates cycles in the state the file gives); moving it through the gates is what
    # the planning and closing tests exercise themselves.
    Cycle.objects.filter(pk=quarter.pk).update(state="active")
    quarter.refresh_from_db()
    okrs.save_theme(None, key="T1", cycle=quarter.key, title="Installer channel",
                    annual_objectives=["A1"], success="Installers sell a third of our units")

    objective = okrs.save_objective(None, key="O1", cycle=quarter.key, unit="sales",
                                    title="Make installers our best sales channel", parent="P1")
    kr_sales = okrs.save_key_result(None, key="KR1", objective="O1",
                                    title="Installer-sold units from 20% to 35%",
                                    owner=member.email, kind="increase", baseline=20,
                                    target=35, unit="%")
    kr_milestone = okrs.save_key_result(
        None, key="KR2", objective="O1", title="Installer certification programme live",
        owner=lead.email, kind="milestone",
        steps=[{"key": "S1", "title": "Curriculum", "weight": 0.25},
               {"key": "S2", "title": "Pilot", "weight": 0.25},
               {"key": "S3", "title": "Launch", "weight": 0.5}])
    ops_objective = okrs.save_objective(None, key="O2", cycle=quarter.key, unit="ops",
                                        title="Install faster", parent="T1")
    okrs.save_key_result(None, key="KR3", objective="O2", title="Days from order to install",
                         owner=other_lead.email, kind="decrease", baseline=30, target=14,
                         unit="days")
    return Plan(admin=admin, office=office, lead=lead, other_lead=other_lead, member=member,
                viewer=viewer, year=year, quarter=quarter, objective=objective,
                kr_sales=kr_sales, kr_milestone=kr_milestone, ops_objective=ops_objective)
