"""An initiative cancelled before stopping work needed a reason (the status written straight
to the row, as an older Hoshin did) gets its entry in the trade-off register from the
upgrade, saying that no reason was recorded; the plan file exported afterwards imports
again (it refuses a cancelled initiative without a "stopped" entry)."""

import importlib

import pytest
from django.apps import apps

from hoshin.okrs import services as okrs
from hoshin.okrs.models import Initiative, TradeOff
from hoshin.planfile.exporter import export_plan
from hoshin.planfile.importer import import_plan
from tests.planfile.conftest import SMALL_PLAN, wipe  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

upgrade = importlib.import_module("hoshin.okrs.migrations.0008_register_earlier_stops")


def test_an_earlier_stop_gets_its_entry_and_the_export_imports_again(plan):
    okrs.save_initiative(None, key="I1", key_result="KR1", title="Installer portal",
                         owner=plan.member.email, status="in_progress")
    okrs.save_initiative(None, key="I2", key_result="KR1", title="Field app",
                         owner=plan.member.email, status="in_progress")
    # As an older Hoshin stored it: cancelled, with nothing in the register.
    Initiative.objects.filter(key="I1").update(status="cancelled")
    okrs.save_initiative(plan.lead, Initiative.objects.get(key="I2"), status="cancelled",
                         reason="The supplier closed")
    before = export_plan()

    upgrade.register_earlier_stops(apps, None)
    upgrade.register_earlier_stops(apps, None)  # a second run adds nothing

    entries = TradeOff.objects.filter(kind="stopped")
    assert sorted(e.initiatives.get().key for e in entries) == ["I1", "I2"]
    earlier = entries.get(initiatives__key="I1")
    assert earlier.reason == upgrade.REASON and "no reason was recorded" in earlier.reason
    assert earlier.unit.key == "sales" and earlier.source == "portfolio"
    # The file exported from the old state is refused; the one exported now imports.
    with pytest.raises(Exception, match="I1"):
        import_plan(before, replace=True)
    import_plan(export_plan(), replace=True)
    assert Initiative.objects.get(key="I1").status == "cancelled"
