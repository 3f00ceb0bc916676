def test_plan_builds_and_checkin_updates_last(plan):
    from hoshin.okrs import services

    checkin = services.record_checkin(plan.member, plan.kr_sales, value=25, confidence=7)
    plan.kr_sales.refresh_from_db()
    assert plan.kr_sales.last_checkin_id == checkin.pk
