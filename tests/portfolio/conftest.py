import pytest

from hoshin.okrs import services as okrs


@pytest.fixture
def initiatives(plan):
    """Three open initiatives: two in Sales (under P1 → A1), one in Operations (under T1 →
    A1), and a finished one that is never ranked."""
    okrs.save_initiative(None, key="I1", key_result="KR1", title="Installer referral bonus",
                         owner=plan.member.email, status="in_progress")
    okrs.save_initiative(None, key="I2", key_result="KR2", title="Certification curriculum",
                         status="not_started")
    okrs.save_initiative(None, key="I3", key_result="KR3", title="Van stock kits",
                         status="blocked")
    okrs.save_initiative(None, key="I4", key_result="KR3", title="Old routing fix",
                         status="done")
    return plan


def row(key, bv, tc, rr, size):
    return {"initiative": key, "business_value": bv, "time_criticality": tc,
            "risk_reduction": rr, "job_size": size}
