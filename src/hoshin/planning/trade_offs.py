"""Telling the people a trade-off concerns (SPEC §5: "who decided and who was told").

The register lives in okrs, which sits below notify; okrs publishes TradeOffRecorded and
this handler, subscribed in PlanningConfig.ready() (the brief is where trade-offs are
first written), tells each person named and the lead of each unit named. It runs inside
the entry's transaction, so the outbox holds the messages only if the entry commits."""

from __future__ import annotations

from hoshin.core import events
from hoshin.notify.channels import Notice, notify
from hoshin.okrs.models import TradeOff


def recipients(entry: TradeOff) -> list:
    """The people told and the leads of the units told, once each, active (a viewer reads
    too), not the one who decided (they know)."""
    found = {p.pk: p for p in entry.told_people.all()}
    for unit in entry.told_units.select_related("lead"):
        if unit.lead_id is not None:
            found.setdefault(unit.lead_id, unit.lead)
    return [p for p in found.values() if p.is_active and p.pk != entry.decided_by_id]


def tell_trade_off(event: events.TradeOffRecorded) -> None:
    entry: TradeOff = event.trade_off
    who = entry.decided_by.name if entry.decided_by_id else "Someone"
    lines = [f"{who} decided on {entry.decided_on:%d %b %Y} ({entry.get_source_display()}"
             + (f": {entry.source_note}" if entry.source_note else "") + ").",
             f"Why: {entry.reason}"]
    if entry.supersedes_id:
        lines.append(f"This replaces an earlier entry: {entry.supersedes.get_kind_display()}: "
                     f"{entry.supersedes.title}.")
    notice = Notice(subject=f"Trade-off {entry.cycle.key}: {entry.get_kind_display()}: "
                            f"{entry.title}"[:200],
                    intro="\n".join(lines), action_label="Open the trade-off",
                    action_url=entry.get_absolute_url(), kind="trade-off")
    for person in recipients(entry):
        notify(person, notice, dedupe_key=f"trade-off:{entry.pk}:{person.pk}")
