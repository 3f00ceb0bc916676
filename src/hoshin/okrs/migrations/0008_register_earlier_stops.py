"""Initiatives cancelled before stopping work had to be written in the trade-off register get
their entry, so that the register holds every stop and a plan file exported from an older
database imports again (the plan file refuses a cancelled initiative without a "stopped"
entry). The entry says plainly that no reason was recorded at the time: the register must
not invent one."""

from django.db import migrations

REASON = ("Cancelled before Hoshin asked for a reason when work is stopped; no reason was "
          "recorded at the time.")


def register_earlier_stops(apps, schema_editor):
    Initiative = apps.get_model("okrs", "Initiative")
    TradeOff = apps.get_model("okrs", "TradeOff")
    History = apps.get_model("okrs", "HistoricalInitiative")
    stopped = Initiative.objects.filter(status="cancelled").exclude(
        trade_offs__kind="stopped").select_related("key_result__objective")
    for initiative in stopped.order_by("id").iterator():
        objective = initiative.key_result.objective
        # The day it was cancelled, from its history; the quarter's last day if none says.
        when = (History.objects.filter(id=initiative.id, status="cancelled")
                .order_by("history_date").values_list("history_date", flat=True).first())
        entry = TradeOff.objects.create(
            cycle_id=objective.cycle_id, unit_id=objective.unit_id,
            title=f"{initiative.key} {initiative.title}"[:300], kind="stopped", reason=REASON,
            decided_on=when.date() if when else objective.cycle.end,
            source="portfolio", source_note=f"Upgrade: {initiative.key} was already cancelled"[:300])
        entry.initiatives.add(initiative)


class Migration(migrations.Migration):

    dependencies = [("okrs", "0007_trade_off_register")]

    operations = [migrations.RunPython(register_earlier_stops, migrations.RunPython.noop)]
