"""A plan with a history: built on 1 October 2026 and changed through the services on the
9th and the 20th, each under the injectable clock, so every change is dated then. The
plan as of the 19th is the old plan, as of the 20th the new one."""

from __future__ import annotations

import datetime as dt

from hoshin.core import clock
from hoshin.okrs import services as okrs
from hoshin.okrs.models import KeyResult, TradeOff
from tests.factories import build_plan

BUILT = dt.date(2026, 10, 1)
BEFORE = dt.date(2026, 10, 19)
CHANGED = dt.date(2026, 10, 20)

OLD_TITLE = "Make installers our best sales channel"
NEW_TITLE = "Make installers our first sales channel"


def plan_with_history():
    with clock.at(BUILT):
        plan = build_plan(BUILT)
    with clock.at(dt.date(2026, 10, 9)):
        okrs.record_checkin(plan.member, plan.kr_sales, value=22, confidence=7)
        okrs.add_trade_off(None, cycle=plan.quarter.key, title="Pause the partner programme",
                           reason="Installers first", decided_by=plan.office.email)
    with clock.at(CHANGED):
        okrs.save_key_result(None, plan.kr_sales, target=40, reason="The board raised the bar")
        okrs.save_objective(None, plan.objective, title=NEW_TITLE)
        okrs.record_checkin(plan.member, plan.kr_sales, value=25, confidence=8)
        okrs.archive_key_result(None, KeyResult.objects.get(key="KR3"))
        okrs.supersede_trade_off(None, TradeOff.objects.get(), title="Stop the partner programme",
                                 kind="stopped", reason="No partner signed",
                                 decided_by=plan.office.email)
        okrs.save_objective(None, key="O9", cycle=plan.quarter.key, unit="ops",
                            title="Open a second depot", parent="T1")
        okrs.save_key_result(None, key="KR9", objective="O9", title="Depot live",
                             owner=plan.other_lead.email, kind="milestone")
        okrs.request_dependency(None, providing_unit="sales", objective="O9", key="D9",
                                description="Installer leads near the new depot")
    plan.kr_sales.refresh_from_db()
    plan.objective.refresh_from_db()
    return plan
