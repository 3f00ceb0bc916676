"""Fixtures for the plan-file tests: a small valid document and an emptied database."""

from __future__ import annotations

import copy

import pytest

SMALL_PLAN = {
    "hoshin": 1,
    "organization": {"name": "Acme Inc.", "fiscal_year_start": 1},
    "people": [
        {"email": "ana@acme.test", "name": "Ana Silva", "role": "admin"},
        {"email": "raj@acme.test", "name": "Raj Patel", "role": "unit_lead", "units": ["sales"]},
        {"email": "mia@acme.test", "name": "Mia Member", "units": ["sales", "ops"]},
        {"email": "vic@acme.test", "name": "Vic Viewer", "role": "viewer"},
    ],
    "units": [
        {"id": "acme", "name": "Acme Inc.", "lead": "ana@acme.test"},
        {"id": "sales", "name": "Sales", "parent": "acme", "lead": "raj@acme.test"},
        {"id": "ops", "name": "Operations", "parent": "acme"},
    ],
    "vision": {"statement": "Every home heated without fossil fuel", "horizon": 2030,
               "customer_ideal": "Warm, cheap, silent"},
    "breakthroughs": [{"id": "B1", "title": "Lead the heat-pump market", "horizon": 2029}],
    "annual_objectives": [{"id": "A1", "year": 2026, "title": "Double installations",
                           "breakthroughs": {"B1": "strong"}}],
    "improvement_priorities": [{"id": "P1", "year": 2026, "unit": "sales",
                                "title": "Sell through installers",
                                "annual_objectives": {"A1": "strong"},
                                "resources": {"raj@acme.test": "primary", "ops": "secondary"}}],
    "metrics": [{"id": "M1", "title": "Installations per month", "unit": "#",
                 "baseline": 100, "target": 200, "priorities": {"P1": "important"},
                 "actuals": [{"period": "2026-01", "plan": 110, "actual": 104.5}]}],
    "cycles": [
        {"id": "2026", "kind": "year", "start": "2026-01-01", "end": "2026-12-31"},
        {"id": "2026-Q1", "start": "2026-01-01", "end": "2026-03-31", "state": "active"},
    ],
    "themes": [{"id": "T1", "cycle": "2026-Q1", "title": "Installer channel",
                "annual_objectives": ["A1"], "success": "Installers sell a third of our units"}],
    "trade_offs": [{"cycle": "2026-Q1", "title": "Pause the partner programme",
                    "reason": "No capacity", "decided_by": "ana@acme.test"}],
    "objectives": [
        {"id": "O1", "cycle": "2026-Q1", "unit": "sales", "parent": "P1",
         "title": "Make installers our best sales channel",
         "key_results": [
             {"id": "KR1", "title": "Installer-sold units from 20% to 35%",
              "owner": "mia@acme.test", "baseline": 20, "target": 35, "unit": "%",
              "checkins": [
                  {"date": "2026-01-09", "value": 21, "confidence": 7},
                  {"date": "2026-01-16", "value": 23.5, "confidence": 6, "by": "mia@acme.test",
                   "note": "Two new installers"},
              ],
              "initiatives": [{"id": "I1", "title": "Installer portal", "owner": "raj@acme.test",
                               "status": "in_progress",
                               "links": [{"url": "https://jira.example/PORTAL-1"}]}]},
             {"id": "KR2", "title": "Certification programme live", "owner": "raj@acme.test",
              "kind": "milestone",
              "steps": [{"id": "S1", "title": "Pilot", "weight": 0.5},
                        {"id": "S2", "title": "Launch", "weight": 0.5}],
              "checkins": [{"date": "2026-01-16", "steps_done": ["S1"]}]},
         ]},
        {"id": "O2", "cycle": "2026-Q1", "unit": "ops", "parent": "T1", "title": "Install faster",
         "key_results": [
             {"id": "KR3", "title": "Days from order to install", "owner": "mia@acme.test",
              "kind": "decrease", "baseline": 30, "target": 14, "unit": "days",
              "checkins": [{"date": "2026-01-09", "value": 28}]},
         ]},
        {"id": "O3", "cycle": "2026-Q1", "unit": "ops", "parent": "O2",
         "title": "Schedule every install within a day",
         "key_results": [
             {"id": "KR4", "title": "Installs scheduled within a day", "owner": "ana@acme.test",
              "kind": "stay_above", "target": 90, "unit": "%"},
         ]},
    ],
}


@pytest.fixture
def small_plan(db):
    """A fresh copy of a small valid plan document, to break in one place per test."""
    return copy.deepcopy(SMALL_PLAN)


@pytest.fixture
def wipe(db):
    """Removes the plan and everyone, leaving the empty database a new install has."""
    from hoshin.org.models import Organization, Person
    from hoshin.planfile.importer import _delete_plan_data

    def wipe_database() -> None:
        _delete_plan_data(lambda stage, done, total: None)
        Person.objects.all().delete()
        Organization.objects.all().delete()

    return wipe_database


@pytest.fixture
def row_counts(db):
    """Rows in every table of the app, history included: shows whether anything was written."""
    from django.apps import apps

    def counts() -> dict[str, int]:
        return {model._meta.label: model.objects.count() for model in apps.get_models()
                if model._meta.app_label in ("org", "strategy", "okrs")}

    return counts
