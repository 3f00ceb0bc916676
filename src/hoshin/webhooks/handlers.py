"""What the webhooks listen to (subscribed in apps.py). Each handler runs inside the
transaction of the change it announces, so its message commits with the change or not at
all; the outbox sends it once committed."""

from __future__ import annotations

from hoshin.webhooks import payloads
from hoshin.webhooks.services import queue


def checkin_recorded(event) -> None:
    queue("checkin.created", lambda: payloads.checkin(event.actor, event.key_result,
                                                      event.check_in))


def review_decided(event) -> None:
    queue("review.decided", lambda: payloads.decision(event.actor, event.review,
                                                      event.decision))


def element_agreed(event) -> None:
    queue("catchball.agreed", lambda: payloads.agreement(event.actor, event.thread,
                                                         event.element, event.version))


def cycle_transitioned(event) -> None:
    queue("cycle.transitioned", lambda: payloads.cycle(
        event.actor, event.cycle, event.from_state, event.to_state, event.override_reason,
        event.gates))


def flag_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    """A flag row written (flags publishes no event of its own): a new row is a flag
    raised; a save that sets `cleared_on` is a flag cleared. Message edits are not sent."""
    if raw:  # loaded from a fixture or a backup: nothing happened now
        return
    if created:
        queue("flag.raised", lambda: payloads.flag(instance))
    elif instance.cleared_on is not None and (update_fields is None
                                              or "cleared_on" in update_fields):
        queue("flag.cleared", lambda: payloads.flag(instance))
